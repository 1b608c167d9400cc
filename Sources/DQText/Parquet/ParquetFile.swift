import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One value of a Parquet column, as a table of labelled texts needs it.
package enum ParquetValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    /// A BYTE_ARRAY that is not UTF-8 text, or a FIXED_LEN_BYTE_ARRAY.
    case bytes([UInt8])
    case list([ParquetValue])

    /// The value as text (nil for null); lists as a JSON array of their elements' texts.
    package var text: String? {
        switch self {
        case .null: nil
        case .bool(let b): b ? "true" : "false"
        case .int(let i): String(i)
        // NaN is a missing value (pandas writes it for one), not the text "nan".
        case .double(let d): d.isNaN ? nil : d == d.rounded() && abs(d) < 1e15 ? String(format: "%.1f", d) : "\(d)"
        case .string(let s): s
        case .bytes(let b): b.map { String(format: "%02x", $0) }.joined()
        case .list(let items): JSONValue.array(items.map { item -> JSONValue in item.text.map { .string($0) } ?? .null }).jsonText
        }
    }
}

/// A Parquet file (apache/parquet-format), read by dq itself: the footer's Thrift metadata,
/// then one row group at a time, each column chunk read whole and decoded page by page.
///
/// Supported: data pages v1 and v2 and dictionary pages; PLAIN, PLAIN_DICTIONARY and
/// RLE_DICTIONARY values; RLE/bit-packed hybrid levels; codecs none, Snappy, gzip and Zstandard; flat
/// columns of any physical type but INT96, optional or required, and lists of them (a LIST
/// group, three-level or legacy two-level). Anything else is refused naming the file, row
/// group and column.
package final class ParquetFile {
    package struct Column: Sendable {
        /// The top-level field's name.
        package var name: String
        /// Its leaf's position among the row group's column chunks.
        package var leaf: Int
        package var type: Parquet.PhysicalType
        package var typeLength: Int
        package var maxDefinition: Int
        package var maxRepetition: Int
        /// For a list: the definition level at which the list is present (empty or not).
        package var listDefinition: Int?
        /// Annotated as UTF-8 text (or an enum or JSON).
        package var isText: Bool
        /// Why the column cannot be read, if it cannot (a struct, a map, a nested list, INT96,
        /// a decimal, date, time, timestamp, interval, float16 or UUID).
        package var unsupported: String?
        /// Annotated as an unsigned integer (UINT_8 … UINT_64): its bits are read unsigned.
        package var unsigned = false
    }

    package let path: String
    package let metadata: Parquet.FileMetaData
    /// Top-level fields, in schema order.
    package let columns: [Column]
    let descriptor: Int32
    /// The file's size in bytes.
    package let size: Int

    package var rowGroupCount: Int { metadata.rowGroups.count }
    package var rowCount: Int { Int(metadata.numRows) }

    package init(path: String) throws {
        self.path = path
        let (descriptor, size) = try FileBytes.openForReading(path)
        var ok = false
        defer { if !ok { close(descriptor) } }
        guard size >= 12 else { throw InputError(file: path, message: "not a Parquet file: \(size) bytes, too short for the PAR1 header and footer") }
        let head = try FileBytes.read(descriptor, path: path, offset: 0, count: 4)
        let tail = try FileBytes.read(descriptor, path: path, offset: size - 8, count: 8)
        guard head == Array("PAR1".utf8) else { throw InputError(file: path, message: "not a Parquet file: it does not start with PAR1") }
        guard Array(tail[4...]) == Array("PAR1".utf8) else {
            throw InputError(file: path, message: Array(tail[4...]) == Array("PARE".utf8)
                ? "the file is encrypted (PARE footer), which dq does not read"
                : "truncated or corrupt: it does not end with PAR1")
        }
        let footerLength = Int(tail[0]) | Int(tail[1]) << 8 | Int(tail[2]) << 16 | Int(tail[3]) << 24
        guard footerLength > 0, footerLength <= size - 12 else {
            throw InputError(file: path, message: "corrupt footer: its length \(footerLength) does not fit in the file (\(size) bytes)")
        }
        let footer = try FileBytes.read(descriptor, path: path, offset: size - 8 - footerLength, count: footerLength)
        do {
            metadata = try footer.withUnsafeBytes { raw in
                var reader = ThriftCompactReader(raw)
                return try reader.fileMetaData()
            }
        } catch let error as ThriftCompactReader.Failure {
            throw InputError(file: path, message: "corrupt footer metadata at byte \(error.offset): \(error.message)")
        }
        columns = try Self.flatten(metadata.schema, path: path)
        let leaves = Self.leafCount(metadata.schema)
        for (g, group) in metadata.rowGroups.enumerated() where group.columns.count != leaves {
            throw InputError(file: path, message: "corrupt metadata: row group \(g) has \(group.columns.count) column chunks, the schema \(leaves) leaves")
        }
        self.descriptor = descriptor
        self.size = size
        ok = true
    }

    deinit { close(descriptor) }

    /// Whether the file starts with Parquet's magic.
    package static func isParquet(path: String) -> Bool {
        FileBytes.prefix(path, count: 4) == Array("PAR1".utf8)
    }

    package func column(named name: String) -> Column? { columns.first { $0.name == name } }

    struct ChunkFailure: Error {
        var message: String
    }

    // MARK: Schema

    /// Converted types UINT_8, UINT_16, UINT_32 and UINT_64.
    static func isUnsigned(_ e: Parquet.SchemaElement) -> Bool { (11...14).contains(e.convertedType ?? -1) }

    /// Why a leaf's annotated type is not read: dq would print a decimal's unscaled integer, a
    /// date's day number or a timestamp's ticks where pyarrow prints the value itself.
    static func unreadType(_ e: Parquet.SchemaElement) -> String? {
        let logical: [Int16: String] = [5: "DECIMAL", 6: "DATE", 7: "TIME", 8: "TIMESTAMP", 14: "UUID", 15: "FLOAT16"]
        let converted: [Int32: String] = [5: "DECIMAL", 6: "DATE", 7: "TIME_MILLIS", 8: "TIME_MICROS", 9: "TIMESTAMP_MILLIS",
                                          10: "TIMESTAMP_MICROS", 21: "INTERVAL"]
        guard let name = e.logicalType.flatMap({ logical[$0] }) ?? e.convertedType.flatMap({ converted[$0] }) else { return nil }
        return "\(name) values, which dq does not read yet; cast the column to text, or leave it out"
    }

    static func leafCount(_ schema: [Parquet.SchemaElement]) -> Int {
        schema.dropFirst().filter { ($0.numChildren ?? 0) == 0 }.count
    }

    /// The top-level fields with their leaves' levels. Groups other than lists are marked unsupported.
    static func flatten(_ schema: [Parquet.SchemaElement], path: String) throws -> [Column] {
        guard let root = schema.first else { throw InputError(file: path, message: "the schema is empty") }
        if let bad = schema.first(where: { ($0.numChildren ?? 0) < 0 }) {
            throw InputError(file: path, message: "corrupt schema: element '\(bad.name.visibleEscaped)' has \(bad.numChildren!) children")
        }
        var index = 1
        var leaf = 0
        var columns: [Column] = []
        func element() throws -> Parquet.SchemaElement {
            guard index < schema.count else { throw InputError(file: path, message: "the schema's children run past its \(schema.count) elements") }
            defer { index += 1 }
            return schema[index]
        }
        /// Skips a subtree, counting its leaves; returns the number of leaves.
        func skipChildren(_ count: Int) throws -> Int {
            guard count >= 0 else { throw InputError(file: path, message: "corrupt schema: an element with \(count) children") }
            var leaves = 0
            for _ in 0..<count {
                let e = try element()
                if let c = e.numChildren, c > 0 { leaves += try skipChildren(Int(c)) } else { leaves += 1 }
            }
            return leaves
        }
        func levels(_ e: Parquet.SchemaElement) -> (Int, Int) {
            switch e.repetition ?? .required {
            case .required: (0, 0)
            case .optional: (1, 0)
            case .repeated: (1, 1)
            }
        }
        let children = Int(root.numChildren ?? 0)
        guard children >= 0 && children <= schema.count else {
            throw InputError(file: path, message: "corrupt schema: the root claims \(children) columns, the footer describes \(schema.count) elements")
        }
        for _ in 0..<children {
            let top = try element()
            let (d0, r0) = levels(top)
            func isText(_ e: Parquet.SchemaElement) -> Bool {
                e.logicalType == 1 || e.logicalType == 4 || e.logicalType == 12 || e.convertedType == 0 || e.convertedType == 4 || e.convertedType == 19
            }
            guard (top.typeLength ?? 0) >= 0 else { throw InputError(file: path, message: "corrupt schema: column '\(top.name)' has a negative type length") }
            var column = Column(name: top.name, leaf: leaf, type: top.type ?? .byteArray, typeLength: Int(top.typeLength ?? 0),
                                maxDefinition: d0, maxRepetition: r0, listDefinition: nil, isText: isText(top), unsupported: nil)
            if let children = top.numChildren, children > 0 {
                // A list: LIST-annotated group > repeated group (or repeated leaf) > leaf.
                let isList = top.logicalType == 3 || top.convertedType == 3
                if isList && children == 1 {
                    let repeated = try element()
                    let (d1, r1) = levels(repeated)
                    if repeated.repetition == .repeated, let grand = repeated.numChildren, grand == 1 {
                        let item = try element()
                        let (d2, r2) = levels(item)
                        if (item.numChildren ?? 0) == 0 {
                            (column.unsigned, column.unsupported) = (isUnsigned(item), unreadType(item))
                            column.type = item.type ?? .byteArray
                            column.typeLength = Int(item.typeLength ?? 0)
                            (column.maxDefinition, column.maxRepetition) = (d0 + d1 + d2, r0 + r1 + r2)
                            column.listDefinition = d0 + d1
                            column.isText = isText(item)
                            leaf += 1
                        } else {
                            column.unsupported = "a list of groups, which dq does not read"
                            leaf += try skipChildren(Int(item.numChildren!))
                        }
                    } else if repeated.repetition == .repeated, (repeated.numChildren ?? 0) == 0 {
                        // Legacy two-level list: the repeated field is the element.
                        (column.unsigned, column.unsupported) = (isUnsigned(repeated), unreadType(repeated))
                        column.type = repeated.type ?? .byteArray
                        column.typeLength = Int(repeated.typeLength ?? 0)
                        (column.maxDefinition, column.maxRepetition) = (d0 + d1, r0 + r1)
                        column.listDefinition = d0 + d1
                        column.isText = isText(repeated)
                        leaf += 1
                    } else {
                        column.unsupported = "a list dq cannot read (nested or a list of groups)"
                        leaf += (repeated.numChildren ?? 0) > 0 ? try skipChildren(Int(repeated.numChildren!)) : 1
                    }
                } else {
                    column.unsupported = "a group (struct or map), which dq does not read; flatten it to columns"
                    leaf += try skipChildren(Int(children))
                }
            } else {
                if top.repetition == .repeated {
                    // A bare repeated leaf is a list of its values.
                    column.listDefinition = d0
                }
                (column.unsigned, column.unsupported) = (isUnsigned(top), unreadType(top))
                leaf += 1
            }
            if column.unsupported == nil && column.type == .int96 {
                column.unsupported = "INT96 (a legacy timestamp), which dq does not read"
            }
            columns.append(column)
        }
        return columns
    }

    // MARK: Column chunks

    /// A column chunk read one page at a time: the next row's value on demand, holding only the
    /// current page (and the dictionary), however large the row group.
    package final class ColumnCursor {
        let file: ParquetFile
        let column: Column
        let group: Int
        let codec: Parquet.Codec
        var offset: Int
        let end: Int
        let total: Int
        var seen = 0
        var dictionary: [ParquetValue]?
        /// Rows of the current page not yet handed out.
        var rows: [ParquetValue] = []
        var next = 0
        /// A list row the page ended in, which the next page may continue.
        var open: [ParquetValue]??
        /// Whether values stay as bytes in their page (`advanceInPlace`, `currentBytes`) instead
        /// of becoming `ParquetValue`s; for flat BYTE_ARRAY columns (`Column.readsInPlace`).
        let inPlace: Bool
        /// In place: the current page's decoded bytes, the dictionary page's, and the start and
        /// end of each dictionary entry in it.
        var pageData: [UInt8] = []
        var dictionaryData: [UInt8] = []
        var dictionaryBounds: [Int]?
        /// In place: per row of the current page, its value's start and end (start -1: null), in
        /// `dictionaryData` when the page is dictionary-encoded, else in `pageData`.
        var bounds: [Int] = []
        var boundsInDictionary = false
        /// In place: the current row's index in the page.
        var current = -1

        init(file: ParquetFile, group: Int, column: Column, inPlace: Bool = false) throws {
            precondition(!inPlace || column.readsInPlace, "column '\(column.name)' cannot be read in place")
            (self.file, self.group, self.column, self.inPlace) = (file, group, column, inPlace)
            let chunk = file.metadata.rowGroups[group].columns[column.leaf]
            guard chunk.type == column.type else { throw ChunkFailure(message: "the chunk's type \(chunk.type) differs from the schema's \(column.type)") }
            guard let codec = Parquet.Codec(rawValue: chunk.codec) else { throw ChunkFailure(message: "unknown compression codec \(chunk.codec)") }
            guard [.uncompressed, .snappy, .gzip, .zstd].contains(codec) else {
                throw ChunkFailure(message: "compression \(codec.name) is not supported (dq reads UNCOMPRESSED, SNAPPY, GZIP and ZSTD)")
            }
            self.codec = codec
            var start = Int(chunk.dataPageOffset)
            if let dictionary = chunk.dictionaryPageOffset, dictionary > 0, Int(dictionary) < start { start = Int(dictionary) }
            let length = Int(chunk.totalCompressedSize)
            // Compared without adding: two huge 64-bit values would overflow.
            guard start >= 4, length > 0, start <= file.size - 8, length <= file.size - 8 - start else {
                throw ChunkFailure(message: "its \(length) bytes from byte \(start) lie outside the file's \(file.size) bytes: truncated or corrupt")
            }
            (offset, end, total) = (start, start + length, Int(chunk.numValues))
        }

        /// The next row's value.
        package func nextValue() throws -> ParquetValue {
            while next >= rows.count {
                guard try loadPage() else {
                    // The chunk is done: a list left open is the last row.
                    if let row = open {
                        open = nil
                        rows = [row.map(ParquetValue.list) ?? .null]
                        next = 0
                        continue
                    }
                    throw ChunkFailure(message: "the column chunk holds fewer rows than its row group")
                }
            }
            defer { next += 1 }
            return rows[next]
        }

        /// Reads and decodes the next data page into `rows` (in place: into `pageData` and
        /// `bounds`); false at the chunk's end.
        func loadPage() throws -> Bool {
            while offset < end && seen < total {
                // Page headers are small, but statistics can make them long: read more until one parses.
                var window = min(end - offset, 4096)
                var header = Parquet.PageHeader()
                var headerLength = 0
                while true {
                    let bytes = try FileBytes.read(file.descriptor, path: file.path, offset: offset, count: window)
                    do {
                        try bytes.withUnsafeBytes { raw in
                            var reader = ThriftCompactReader(raw)
                            header = try reader.pageHeader()
                            headerLength = reader.position
                        }
                        break
                    } catch let error as ThriftCompactReader.Failure where window < end - offset && error.message == "metadata ends early" {
                        window = min(end - offset, window * 4)
                    }
                }
                offset += headerLength
                let compressed = Int(header.compressedSize), uncompressed = Int(header.uncompressedSize)
                guard compressed >= 0, uncompressed >= 0, compressed <= end - offset else {
                    throw ChunkFailure(message: "a page of \(compressed) bytes runs past the column chunk: truncated or corrupt")
                }
                // Every value takes at least a bit of the page: larger counts are corrupt (and must not allocate).
                guard header.numValues >= 0, Int(header.numValues) <= 8 * max(uncompressed, compressed) + 8,
                      uncompressed <= 1 << 31 else {
                    throw ChunkFailure(message: "a page claims \(header.numValues) values in \(uncompressed) bytes: corrupt")
                }
                let payload = try FileBytes.read(file.descriptor, path: file.path, offset: offset, count: compressed)
                offset += compressed
                let page: DataPage
                switch Parquet.PageType(rawValue: header.type) {
                case .dictionaryPage:
                    let data = try payload.withUnsafeBytes { try decompress($0, expected: uncompressed) }
                    if inPlace {
                        dictionaryBounds = try data.withUnsafeBytes { try ParquetFile.byteArrayBounds($0, from: 0, count: Int(header.numValues)) }
                        dictionaryData = data
                    } else {
                        dictionary = try data.withUnsafeBytes { try file.plainValues($0, count: Int(header.numValues), column: column).values }
                    }
                    continue
                case .indexPage:
                    continue
                case .dataPage:
                    let data = try payload.withUnsafeBytes { try decompress($0, expected: uncompressed) }
                    page = try pageV1(data, header: header)
                case .dataPageV2:
                    page = try payload.withUnsafeBytes { try pageV2($0, header: header, uncompressed: uncompressed) }
                case nil:
                    throw ChunkFailure(message: "unknown page type \(header.type)")
                }
                seen += Int(header.numValues)
                if inPlace {
                    pageData = page.data
                    try place(page, encoding: header.encoding)
                    if bounds.isEmpty { continue }
                    return true
                }
                let values = try page.data.withUnsafeBytes {
                    try file.values(UnsafeRawBufferPointer(rebasing: $0[page.valuesStart...]), count: page.present, encoding: header.encoding,
                                    dictionary: dictionary, column: column)
                }
                rows = try assemble(values, definitions: page.definitions, repetitions: page.repetitions)
                next = 0
                if !rows.isEmpty || open != nil { return true }
            }
            guard seen == total || offset < end else {
                throw ChunkFailure(message: "the pages hold \(seen) values, the metadata says \(total): truncated or corrupt")
            }
            return false
        }

        func decompress(_ payload: UnsafeRawBufferPointer, expected: Int) throws -> [UInt8] {
            switch codec {
            case .snappy: return try Decompression.snappy(payload, expected: expected)
            case .gzip: return try Decompression.gzip(payload, expected: expected)
            case .zstd: return try Zstandard.decompress(payload, expected: expected)
            default:
                guard payload.count == expected else {
                    throw ChunkFailure(message: "an uncompressed page of \(payload.count) bytes, the header says \(expected)")
                }
                return Array(payload)
            }
        }

        /// A data page's levels, and its values' bytes: `data` from `valuesStart` on.
        struct DataPage {
            var definitions: [Int32]
            var repetitions: [Int32]
            var data: [UInt8]
            var valuesStart: Int
            /// The values the page holds: rows (or list elements) at the full definition level.
            var present: Int
        }

        /// A v1 page, decompressed: RLE levels, each after its 4-byte length, then the values.
        private func pageV1(_ data: [UInt8], header: Parquet.PageHeader) throws -> DataPage {
            var at = 0
            let count = Int(header.numValues)
            var repetitions: [Int32] = []
            var definitions = [Int32](repeating: Int32(column.maxDefinition), count: count)
            try data.withUnsafeBytes { page in
                if column.maxRepetition > 0 {
                    guard header.repetitionLevelEncoding == Parquet.Encoding.rle.rawValue else {
                        throw ChunkFailure(message: "repetition levels in \(ParquetFile.encodingName(header.repetitionLevelEncoding)), dq reads RLE")
                    }
                    repetitions = try ParquetFile.prefixedLevels(page, at: &at, count: count, max: column.maxRepetition)
                }
                if column.maxDefinition > 0 {
                    guard header.definitionLevelEncoding == Parquet.Encoding.rle.rawValue else {
                        throw ChunkFailure(message: "definition levels in \(ParquetFile.encodingName(header.definitionLevelEncoding)), dq reads RLE")
                    }
                    definitions = try ParquetFile.prefixedLevels(page, at: &at, count: count, max: column.maxDefinition)
                }
            }
            let present = definitions.count { Int($0) == column.maxDefinition }
            return DataPage(definitions: definitions, repetitions: repetitions, data: data, valuesStart: at, present: present)
        }

        /// A v2 page: its levels uncompressed at the front, then the values, compressed or not.
        private func pageV2(_ payload: UnsafeRawBufferPointer, header: Parquet.PageHeader, uncompressed: Int) throws -> DataPage {
            let count = Int(header.numValues)
            let repLength = Int(header.repetitionLevelsByteLength), defLength = Int(header.definitionLevelsByteLength)
            guard repLength >= 0, defLength >= 0, repLength + defLength <= payload.count else {
                throw ChunkFailure(message: "a v2 page's level lengths exceed the page")
            }
            var repetitions: [Int32] = []
            if column.maxRepetition > 0 {
                repetitions = try ParquetFile.hybrid(UnsafeRawBufferPointer(rebasing: payload[0..<repLength]), count: count,
                                                     bitWidth: ParquetFile.bitWidth(column.maxRepetition), max: column.maxRepetition)
            }
            var definitions = [Int32](repeating: Int32(column.maxDefinition), count: count)
            if column.maxDefinition > 0 {
                definitions = try ParquetFile.hybrid(UnsafeRawBufferPointer(rebasing: payload[repLength..<repLength + defLength]), count: count,
                                                     bitWidth: ParquetFile.bitWidth(column.maxDefinition), max: column.maxDefinition)
            }
            let present = definitions.count { Int($0) == column.maxDefinition }
            let body = UnsafeRawBufferPointer(rebasing: payload[(repLength + defLength)...])
            let data = header.isCompressed ? try decompress(body, expected: uncompressed - repLength - defLength) : Array(body)
            return DataPage(definitions: definitions, repetitions: repetitions, data: data, valuesStart: 0, present: present)
        }

        /// A page's rows from its leaf values and levels: a value per row for flat columns; for
        /// lists, repetition 0 starts a row, and below the repeated node's definition level the
        /// list is null (one below: empty), at or above it an element, null unless the level is
        /// full. A list still open at the page's end waits in `open` for the next page.
        private func assemble(_ values: [ParquetValue], definitions: [Int32], repetitions: [Int32]) throws -> [ParquetValue] {
            let maxDefinition = Int32(column.maxDefinition)
            let defined = definitions.count { $0 == maxDefinition }
            guard values.count == defined else { throw ChunkFailure(message: "\(values.count) values for \(defined) defined levels") }
            var taken = 0
            func take() -> ParquetValue {
                defer { taken += 1 }
                return values[taken]
            }
            guard let listDefinition = column.listDefinition.map(Int32.init) else {
                return definitions.map { $0 == maxDefinition ? take() : .null }
            }
            guard repetitions.count == definitions.count else { throw ChunkFailure(message: "repetition and definition levels differ in number") }
            var out: [ParquetValue] = []
            var current = open
            for (d, r) in zip(definitions, repetitions) {
                if r == 0 {
                    if let row = current { out.append(row.map(ParquetValue.list) ?? .null) }
                    current = .some(d >= listDefinition - 1 ? [] : nil)
                } else if current == nil {
                    throw ChunkFailure(message: "a list continues a row that never started")
                }
                if d >= listDefinition {
                    // An element of a list its row declared null is corrupt levels (a fuzz finding).
                    guard case .some(.some(var list)) = current else { throw ChunkFailure(message: "an element in a list that is null") }
                    list.append(d == maxDefinition ? take() : .null)
                    current = .some(list)
                }
            }
            open = current
            return out
        }
    }

    /// Every row of the given columns in row group `group` (tests; ingest reads with cursors).
    package func readRowGroup(_ group: Int, columns wanted: [Column]) throws -> [[ParquetValue]] {
        let rows = Int(metadata.rowGroups[group].numRows)
        return try wanted.map { column in
            let cursor = try cursor(group: group, column: column)
            return try (0..<rows).map { _ in try cursor.nextValue(group: group) }
        }
    }

    /// A cursor over one column of row group `group`; errors name the file, row group and column.
    /// `inPlace` keeps a flat BYTE_ARRAY column's values as bytes in their pages.
    package func cursor(group: Int, column: Column, inPlace: Bool = false) throws -> ColumnCursor {
        if let why = column.unsupported { throw InputError(file: path, message: "row group \(group), column '\(column.name)': \(why)") }
        do {
            return try ColumnCursor(file: self, group: group, column: column, inPlace: inPlace)
        } catch let error as ChunkFailure {
            throw InputError(file: path, message: "row group \(group), column '\(column.name)': \(error.message)")
        }
    }

    static func encodingName(_ raw: Int32) -> String { Parquet.Encoding(rawValue: raw)?.name ?? "encoding \(raw)" }

    // MARK: Values

    func values(_ data: UnsafeRawBufferPointer, count: Int, encoding: Int32, dictionary: [ParquetValue]?,
                        column: Column) throws -> [ParquetValue] {
        switch Parquet.Encoding(rawValue: encoding) {
        case .plain:
            return try plainValues(data, count: count, column: column).values
        case .plainDictionary, .rleDictionary:
            guard let dictionary else { throw ChunkFailure(message: "dictionary-encoded values but no dictionary page") }
            return try Self.dictionaryIndices(data, count: count, entries: dictionary.count).map { dictionary[Int($0)] }
        case .rle where column.type == .boolean:
            // Booleans as RLE/bit-packed runs of width 1, after a 4-byte length (pages v1 and v2 alike).
            var at = 0
            return try Self.prefixedLevels(data, at: &at, count: count, max: 1).map { .bool($0 == 1) }
        default:
            throw ChunkFailure(message: "values in \(Self.encodingName(encoding)), which dq does not read (it reads PLAIN, dictionary and boolean RLE encodings)")
        }
    }

    /// `count` dictionary indices (a byte of bit width, then the RLE/bit-packed hybrid) into a
    /// dictionary of `entries` values.
    static func dictionaryIndices(_ data: UnsafeRawBufferPointer, count: Int, entries: Int) throws -> [Int32] {
        guard count > 0 else { return [] }
        // A fuzz finding: indices of width 0 (all 0) into an empty dictionary read out of range.
        guard entries > 0 else { throw ChunkFailure(message: "dictionary-encoded values but an empty dictionary") }
        guard data.count >= 1 else { throw ChunkFailure(message: "dictionary indices missing") }
        let width = Int(data[0])
        guard width <= 32 else { throw ChunkFailure(message: "dictionary index width \(width) bits is invalid") }
        return try hybrid(UnsafeRawBufferPointer(rebasing: data[1...]), count: count, bitWidth: width, max: entries - 1)
    }

    func plainValues(_ data: UnsafeRawBufferPointer, count: Int, column: Column) throws -> (values: [ParquetValue], used: Int) {
        var out: [ParquetValue] = []
        out.reserveCapacity(min(count, 8 * data.count + 8))
        var at = 0
        func need(_ n: Int) throws {
            guard n <= data.count - at else { throw ChunkFailure(message: "PLAIN values end early: truncated or corrupt") }
        }
        switch column.type {
        case .boolean:
            try need((count + 7) / 8)
            for i in 0..<count { out.append(.bool(data[i / 8] >> (i % 8) & 1 == 1)) }
            at = (count + 7) / 8
        case .int32:
            try need(4 * count)
            for i in 0..<count {
                let v = Int32(littleEndian: data.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))
                out.append(.int(column.unsigned ? Int64(UInt32(bitPattern: v)) : Int64(v)))
            }
            at = 4 * count
        case .int64:
            try need(8 * count)
            for i in 0..<count {
                let v = Int64(littleEndian: data.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))
                // Above Int64.max, the value as text, exactly as pyarrow prints it.
                out.append(column.unsigned && v < 0 ? .string(String(UInt64(bitPattern: v))) : .int(v))
            }
            at = 8 * count
        case .float:
            try need(4 * count)
            for i in 0..<count {
                out.append(.double(Double(Float(bitPattern: UInt32(littleEndian: data.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))))))
            }
            at = 4 * count
        case .double:
            try need(8 * count)
            for i in 0..<count { out.append(.double(Double(bitPattern: UInt64(littleEndian: data.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))) }
            at = 8 * count
        case .byteArray:
            let bounds = try Self.byteArrayBounds(data, from: 0, count: count)
            for i in stride(from: 0, to: bounds.count, by: 2) {
                out.append(text(UnsafeRawBufferPointer(rebasing: data[bounds[i]..<bounds[i + 1]]), column: column))
            }
            at = bounds.last ?? 0
        case .fixedLenByteArray:
            let width = column.typeLength
            try need(width * count)
            for i in 0..<count { out.append(.bytes(Array(data[i * width..<(i + 1) * width]))) }
            at = width * count
        case .int96:
            throw ChunkFailure(message: "INT96 values are not supported")
        }
        return (out, at)
    }

    /// A byte array as text when it is valid UTF-8 (and the column is text or unannotated).
    private func text(_ bytes: UnsafeRawBufferPointer, column: Column) -> ParquetValue {
        if let s = String(validating: bytes, as: UTF8.self) { return .string(s) }
        return .bytes(Array(bytes))
    }

    // MARK: Levels and the RLE/bit-packed hybrid

    static func bitWidth(_ max: Int) -> Int { max == 0 ? 0 : Int.bitWidth - max.leadingZeroBitCount }

    /// v1 levels: a 4-byte little-endian length, then the hybrid encoding.
    static func prefixedLevels(_ page: UnsafeRawBufferPointer, at position: inout Int, count: Int, max: Int) throws -> [Int32] {
        guard page.count - position >= 4 else { throw ChunkFailure(message: "levels' length missing: truncated or corrupt") }
        let length = Int(UInt32(littleEndian: page.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
        position += 4
        guard length <= page.count - position else { throw ChunkFailure(message: "levels of \(length) bytes run past the page") }
        defer { position += length }
        return try hybrid(UnsafeRawBufferPointer(rebasing: page[position..<position + length]), count: count, bitWidth: bitWidth(max), max: max)
    }

    /// The RLE/bit-packed hybrid encoding (Encodings.md): runs, each a ULEB128 header whose low
    /// bit says bit-packed (header >> 1 groups of 8 values, LSB first) or repeated (header >> 1
    /// copies of a value in ceil(width / 8) little-endian bytes). Values above `max` are errors.
    static func hybrid(_ data: UnsafeRawBufferPointer, count: Int, bitWidth width: Int, max: Int) throws -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(count)
        var at = 0
        if width == 0 {
            guard max >= 0 else { throw ChunkFailure(message: "level or index 0 exceeds its maximum \(max)") }
            return [Int32](repeating: 0, count: count)
        }
        let valueBytes = (width + 7) / 8
        while out.count < count {
            var header = 0, shift = 0
            while true {
                guard at < data.count else { throw ChunkFailure(message: "RLE/bit-packed data ends after \(out.count) of \(count) values") }
                let b = Int(data[at])
                at += 1
                header |= (b & 0x7F) << shift
                if b & 0x80 == 0 { break }
                shift += 7
                guard shift < 63 else { throw ChunkFailure(message: "RLE run header too long") }
            }
            if header & 1 == 1 {
                let values = (header >> 1) * 8
                let bytes = (values * width + 7) / 8
                let available = Swift.min(bytes, data.count - at)
                var bitPosition = 0
                for _ in 0..<values {
                    guard out.count < count else { break }
                    guard (bitPosition + width + 7) / 8 <= available else {
                        throw ChunkFailure(message: "bit-packed run ends early after \(out.count) of \(count) values")
                    }
                    var v = 0
                    for b in 0..<width {
                        let bit = bitPosition + b
                        v |= Int(data[at + bit / 8] >> (bit % 8) & 1) << b
                    }
                    bitPosition += width
                    guard v <= max else { throw ChunkFailure(message: "level or index \(v) exceeds its maximum \(max)") }
                    out.append(Int32(v))
                }
                at += available
            } else {
                let run = header >> 1
                guard valueBytes <= data.count - at else { throw ChunkFailure(message: "RLE run value missing") }
                var v = 0
                for b in 0..<valueBytes { v |= Int(data[at + b]) << (8 * b) }
                at += valueBytes
                guard v <= max else { throw ChunkFailure(message: "level or index \(v) exceeds its maximum \(max)") }
                out.append(contentsOf: repeatElement(Int32(v), count: Swift.min(run, count - out.count)))
            }
        }
        return out
    }

}

extension ParquetFile.ColumnCursor {
    /// The next row's value; errors name the file, row group and column.
    package func nextValue(group: Int) throws -> ParquetValue {
        try namingFailures(group: group) { try nextValue() }
    }

    /// Moves to the next row, whose value is then `currentBytes`; errors name the file, row
    /// group and column.
    package func advanceInPlace(group: Int) throws {
        // Within the page nothing can fail: no closure to name failures for every row.
        if current + 1 < bounds.count / 2 {
            current += 1
            return
        }
        try namingFailures(group: group) { try advanceInPlace() }
    }

    private func namingFailures<R>(group: Int, _ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch let error as ParquetFile.ChunkFailure {
            throw InputError(file: file.path, message: "row group \(group), column '\(column.name)': \(error.message)")
        } catch let error as Decompression.Failure {
            throw InputError(file: file.path, message: "row group \(group), column '\(column.name)': \(error.message)")
        } catch let error as ThriftCompactReader.Failure {
            throw InputError(file: file.path, message: "row group \(group), column '\(column.name)': corrupt page header: \(error.message)")
        }
    }
}
