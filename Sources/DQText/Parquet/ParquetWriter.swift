/// Writes a table of text columns as a Parquet file: one OPTIONAL BYTE_ARRAY column (logical
/// type STRING) per column, data pages v1 of about 1 MB with PLAIN values and RLE definition
/// levels, Snappy-compressed, row groups of up to `rowGroupSize` rows. What pandas, pyarrow,
/// polars and DuckDB read, and what `dq ingest` reads back.
package struct ParquetWriter {
    package var columns: [String]
    package var rowGroupSize = 100_000
    package var pageSize = 1 << 20

    package init(columns: [String]) { self.columns = columns }

    /// The file's bytes for `rows` (each as long as `columns`; nil is null).
    package func bytes(_ rows: [[String?]]) -> [UInt8] {
        var out: [UInt8] = Array("PAR1".utf8)
        var groups: [(numRows: Int, chunks: [(offset: Int, compressed: Int, uncompressed: Int, values: Int)])] = []
        var start = 0
        repeat {
            let end = min(rows.count, start + rowGroupSize)
            var chunks: [(offset: Int, compressed: Int, uncompressed: Int, values: Int)] = []
            for c in columns.indices {
                let chunkStart = out.count
                var uncompressedTotal = 0
                var pageStart = start
                // At least one page, empty for an empty table.
                repeat {
                    // Rows until the page's values reach about pageSize bytes.
                    var pageEnd = pageStart, size = 0
                    while pageEnd < end && (size < pageSize || pageEnd == pageStart) {
                        size += 4 + (rows[pageEnd][c]?.utf8.count ?? 0)
                        pageEnd += 1
                    }
                    let page = Self.page(rows[pageStart..<pageEnd].map { $0[c] })
                    let compressed = Snappy.compress(page)
                    var header = ThriftCompactWriter()
                    header.field(1, .i32); header.int(0)                    // DATA_PAGE
                    header.field(2, .i32); header.int(page.count)
                    header.field(3, .i32); header.int(compressed.count)
                    header.field(5, .structure)
                    header.beginStruct()
                    header.field(1, .i32); header.int(pageEnd - pageStart)
                    header.field(2, .i32); header.int(0)                    // PLAIN
                    header.field(3, .i32); header.int(3)                    // RLE
                    header.field(4, .i32); header.int(3)
                    header.endStruct()
                    header.stop()
                    out += header.bytes
                    out += compressed
                    uncompressedTotal += header.bytes.count + page.count
                    pageStart = pageEnd
                } while pageStart < end
                chunks.append((chunkStart, out.count - chunkStart, uncompressedTotal, end - start))
            }
            groups.append((end - start, chunks))
            start = end
        } while start < rows.count

        var meta = ThriftCompactWriter()
        meta.field(1, .i32); meta.int(1)
        meta.field(2, .list); meta.listHeader(.structure, count: columns.count + 1)
        meta.beginStruct()
        meta.field(4, .binary); meta.string("schema")
        meta.field(5, .i32); meta.int(columns.count)
        meta.endStruct()
        for name in columns {
            meta.beginStruct()
            meta.field(1, .i32); meta.int(6)                                // BYTE_ARRAY
            meta.field(3, .i32); meta.int(1)                                // OPTIONAL
            meta.field(4, .binary); meta.string(name)
            meta.field(6, .i32); meta.int(0)                                // UTF8
            meta.field(10, .structure)
            meta.beginStruct()
            meta.field(1, .structure); meta.beginStruct(); meta.endStruct() // STRING
            meta.endStruct()
            meta.endStruct()
        }
        meta.field(3, .i64); meta.int(rows.count)
        meta.field(4, .list); meta.listHeader(.structure, count: groups.count)
        for group in groups {
            meta.beginStruct()
            meta.field(1, .list); meta.listHeader(.structure, count: columns.count)
            for (c, chunk) in group.chunks.enumerated() {
                meta.beginStruct()
                meta.field(2, .i64); meta.int(chunk.offset)
                meta.field(3, .structure)
                meta.beginStruct()
                meta.field(1, .i32); meta.int(6)
                meta.field(2, .list); meta.listHeader(.i32, count: 2); meta.varint(UInt64(0) << 1); meta.varint(UInt64(3) << 1)
                meta.field(3, .list); meta.listHeader(.binary, count: 1); meta.string(columns[c])
                meta.field(4, .i32); meta.int(1)                            // SNAPPY
                meta.field(5, .i64); meta.int(chunk.values)
                meta.field(6, .i64); meta.int(chunk.uncompressed)
                meta.field(7, .i64); meta.int(chunk.compressed)
                meta.field(9, .i64); meta.int(chunk.offset)
                meta.endStruct()
                meta.endStruct()
            }
            meta.field(2, .i64); meta.int(group.chunks.reduce(0) { $0 + $1.uncompressed })
            meta.field(3, .i64); meta.int(group.numRows)
            meta.endStruct()
        }
        meta.field(6, .binary); meta.string("dq")
        meta.stop()
        out += meta.bytes
        out.appendUInt32LE(meta.bytes.count)
        out += Array("PAR1".utf8)
        return out
    }

    /// A data page v1: RLE definition levels (after their 4-byte length), then PLAIN values.
    static func page(_ values: [String?]) -> [UInt8] {
        var levels: [UInt8] = []
        // Runs of equal levels, as RLE runs of bit width 1.
        var i = 0
        while i < values.count {
            let present = values[i] != nil
            var j = i
            while j < values.count && (values[j] != nil) == present { j += 1 }
            levels.appendULEB128(UInt64(j - i) << 1)
            levels.append(present ? 1 : 0)
            i = j
        }
        var out: [UInt8] = []
        out.appendUInt32LE(levels.count)
        out += levels
        for value in values {
            guard let value else { continue }
            out.appendUInt32LE(value.utf8.count)
            out += value.utf8
        }
        return out
    }
}

/// The Thrift compact protocol's writer side (see `ThriftCompactReader`).
struct ThriftCompactWriter {
    var bytes: [UInt8] = []
    private var lastField: [Int] = [0]

    mutating func varint(_ value: UInt64) { bytes.appendULEB128(value) }

    mutating func int(_ value: Int) { varint(UInt64(bitPattern: Int64((value << 1) ^ (value >> 63)))) }

    mutating func string(_ value: String) {
        varint(UInt64(value.utf8.count))
        bytes += value.utf8
    }

    mutating func field(_ id: Int, _ type: ThriftCompactReader.FieldType) {
        let delta = id - lastField[lastField.count - 1]
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta << 4) | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            int(id)
        }
        lastField[lastField.count - 1] = id
    }

    mutating func listHeader(_ element: ThriftCompactReader.FieldType, count: Int) {
        if count < 15 {
            bytes.append(UInt8(count << 4) | element.rawValue)
        } else {
            bytes.append(0xF0 | element.rawValue)
            varint(UInt64(count))
        }
    }

    mutating func beginStruct() { lastField.append(0) }

    mutating func endStruct() {
        bytes.append(0)
        lastField.removeLast()
    }

    mutating func stop() { bytes.append(0) }
}

/// A Snappy compressor (raw block format): greedy matches of at least 4 bytes found through a
/// hash of the next 4 bytes, literals between them.
enum Snappy {
    static func compress(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 2 + 16)
        out.appendULEB128(UInt64(input.count))
        func literal(_ start: Int, _ end: Int) {
            var s = start
            while s < end {
                let count = min(end - s, 65536)
                let l = count - 1
                if l < 60 {
                    out.append(UInt8(l << 2))
                } else if l < 256 {
                    out += [60 << 2, UInt8(l)]
                } else {
                    out += [61 << 2, UInt8(l & 0xFF), UInt8(l >> 8)]
                }
                out += input[s..<s + count]
                s += count
            }
        }
        func copy(offset: Int, length: Int) {
            var remaining = length
            while remaining > 0 {
                let count = min(remaining, 64)
                out += [UInt8((count - 1) << 2 | 2), UInt8(offset & 0xFF), UInt8(offset >> 8)]
                remaining -= count
            }
        }
        guard input.count >= 8 else {
            literal(0, input.count)
            return out
        }
        var table = [Int](repeating: -1, count: 1 << 14)
        func hash(_ i: Int) -> Int {
            let v = UInt32(input[i]) | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2]) << 16 | UInt32(input[i + 3]) << 24
            return Int((v &* 0x1E35_A7BD) >> 18)
        }
        var i = 0, pending = 0
        while i + 4 <= input.count {
            let h = hash(i)
            let candidate = table[h]
            table[h] = i
            if candidate >= 0, i - candidate <= 65535,
               input[candidate] == input[i], input[candidate + 1] == input[i + 1], input[candidate + 2] == input[i + 2], input[candidate + 3] == input[i + 3] {
                var length = 4
                while i + length < input.count && input[candidate + length] == input[i + length] { length += 1 }
                literal(pending, i)
                copy(offset: i - candidate, length: length)
                i += length
                pending = i
            } else {
                i += 1
            }
        }
        literal(pending, input.count)
        return out
    }
}

extension Array where Element == UInt8 {
    /// An unsigned LEB128 varint (Thrift's, Snappy's and the RLE run headers' integers).
    mutating func appendULEB128(_ value: UInt64) {
        var v = value
        repeat {
            var b = UInt8(v & 0x7F)
            v >>= 7
            if v != 0 { b |= 0x80 }
            append(b)
        } while v != 0
    }

    /// A 4-byte little-endian length (Parquet's footer, v1 levels and PLAIN byte arrays).
    mutating func appendUInt32LE(_ value: Int) {
        let v = UInt32(value)
        append(contentsOf: [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)])
    }
}
