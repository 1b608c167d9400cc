import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One value of a Parquet column, as a table of labelled texts needs it.
public enum ParquetValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    /// A BYTE_ARRAY that is not UTF-8 text, or a FIXED_LEN_BYTE_ARRAY.
    case bytes([UInt8])
    case list([ParquetValue])

    /// The value as text (nil for null); lists as a JSON array of their elements' texts.
    public var text: String? {
        switch self {
        case .null: nil
        case .bool(let b): b ? "true" : "false"
        case .int(let i): String(i)
        case .double(let d): d == d.rounded() && abs(d) < 1e15 ? String(format: "%.1f", d) : "\(d)"
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
/// RLE_DICTIONARY values; RLE/bit-packed hybrid levels; codecs none, Snappy and gzip; flat
/// columns of any physical type but INT96, optional or required, and lists of them (a LIST
/// group, three-level or legacy two-level). Anything else is refused naming the file, row
/// group and column.
public final class ParquetFile {
    public struct Column: Sendable {
        /// The top-level field's name.
        public var name: String
        /// Its leaf's position among the row group's column chunks.
        public var leaf: Int
        public var type: Parquet.PhysicalType
        public var typeLength: Int
        public var maxDefinition: Int
        public var maxRepetition: Int
        /// For a list: the definition level at which the list is present (empty or not).
        public var listDefinition: Int?
        /// Annotated as UTF-8 text (or an enum or JSON).
        public var isText: Bool
        /// Why the column cannot be read, if it cannot (a struct, a map, a nested list, INT96).
        public var unsupported: String?
    }

    public let path: String
    public let metadata: Parquet.FileMetaData
    /// Top-level fields, in schema order.
    public let columns: [Column]
    private let descriptor: Int32
    /// The file's size in bytes.
    public let size: Int

    public var rowGroupCount: Int { metadata.rowGroups.count }
    public var rowCount: Int { Int(metadata.numRows) }

    public init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw InputError(file: path, message: "cannot open: \(String(cString: strerror(errno)))") }
        var ok = false
        defer { if !ok { close(descriptor) } }
        var stats = stat()
        guard fstat(descriptor, &stats) == 0 else { throw InputError(file: path, message: "cannot read its size") }
        let size = Int(stats.st_size)
        guard size >= 12 else { throw InputError(file: path, message: "not a Parquet file: \(size) bytes, too short for the PAR1 header and footer") }
        let head = try Self.read(descriptor, path: path, offset: 0, count: 4)
        let tail = try Self.read(descriptor, path: path, offset: size - 8, count: 8)
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
        let footer = try Self.read(descriptor, path: path, offset: size - 8 - footerLength, count: footerLength)
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
    public static func isParquet(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 4)).map { Array($0) == Array("PAR1".utf8) } ?? false
    }

    public func column(named name: String) -> Column? { columns.first { $0.name == name } }

    /// The values of the given top-level columns in row group `group`, one array per column,
    /// each as long as the row group.
    public func readRowGroup(_ group: Int, columns wanted: [Column]) throws -> [[ParquetValue]] {
        let meta = metadata.rowGroups[group]
        return try wanted.map { column in
            func fail(_ message: String) -> InputError {
                InputError(file: path, message: "row group \(group), column '\(column.name)': \(message)")
            }
            if let why = column.unsupported { throw fail(why) }
            let chunk = meta.columns[column.leaf]
            guard chunk.type == column.type else { throw fail("the chunk's type \(chunk.type) differs from the schema's \(column.type)") }
            do {
                let values = try decodeChunk(chunk, column: column)
                guard values.count == Int(meta.numRows) else {
                    throw fail("\(values.count) values for the row group's \(meta.numRows) rows")
                }
                return values
            } catch let error as ChunkFailure {
                throw fail(error.message)
            } catch let error as Decompression.Failure {
                throw fail(error.message)
            } catch let error as ThriftCompactReader.Failure {
                throw fail("corrupt page header at byte \(error.offset) of the chunk: \(error.message)")
            }
        }
    }

    struct ChunkFailure: Error {
        var message: String
    }

    // MARK: Schema

    static func leafCount(_ schema: [Parquet.SchemaElement]) -> Int {
        schema.dropFirst().filter { ($0.numChildren ?? 0) == 0 }.count
    }

    /// The top-level fields with their leaves' levels. Groups other than lists are marked unsupported.
    static func flatten(_ schema: [Parquet.SchemaElement], path: String) throws -> [Column] {
        guard let root = schema.first else { throw InputError(file: path, message: "the schema is empty") }
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
        for _ in 0..<Int(root.numChildren ?? 0) {
            let top = try element()
            let (d0, r0) = levels(top)
            func isText(_ e: Parquet.SchemaElement) -> Bool {
                e.logicalType == 1 || e.logicalType == 4 || e.logicalType == 12 || e.convertedType == 0 || e.convertedType == 4 || e.convertedType == 19
            }
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

    private func decodeChunk(_ chunk: Parquet.ColumnMetaData, column: Column) throws -> [ParquetValue] {
        guard let codec = Parquet.Codec(rawValue: chunk.codec) else { throw ChunkFailure(message: "unknown compression codec \(chunk.codec)") }
        guard [.uncompressed, .snappy, .gzip].contains(codec) else {
            throw ChunkFailure(message: "compression \(codec.name) is not supported (dq reads UNCOMPRESSED, SNAPPY and GZIP)")
        }
        var start = Int(chunk.dataPageOffset)
        if let dictionary = chunk.dictionaryPageOffset, dictionary > 0, Int(dictionary) < start { start = Int(dictionary) }
        let length = Int(chunk.totalCompressedSize)
        guard start >= 4, length > 0, start + length <= size - 8 else {
            throw ChunkFailure(message: "its bytes (\(start)..<\(start + length)) lie outside the file's \(size) bytes: truncated or corrupt")
        }
        let bytes = try Self.read(descriptor, path: path, offset: start, count: length)
        var dictionary: [ParquetValue]?
        var leafValues: [ParquetValue] = []
        var definitions: [Int32] = []
        var repetitions: [Int32] = []
        let total = Int(chunk.numValues)
        leafValues.reserveCapacity(total)
        try bytes.withUnsafeBytes { raw in
            var position = 0
            var seen = 0
            while position < raw.count && seen < total {
                var reader = ThriftCompactReader(raw, at: position)
                let header = try reader.pageHeader()
                position = reader.position
                let compressed = Int(header.compressedSize), uncompressed = Int(header.uncompressedSize)
                guard compressed >= 0, uncompressed >= 0, compressed <= raw.count - position else {
                    throw ChunkFailure(message: "a page of \(compressed) bytes runs past the column chunk: truncated or corrupt")
                }
                let payload = UnsafeRawBufferPointer(rebasing: raw[position..<position + compressed])
                position += compressed
                switch Parquet.PageType(rawValue: header.type) {
                case .dictionaryPage:
                    let data = try decompress(payload, codec: codec, expected: uncompressed)
                    dictionary = try data.withUnsafeBytes { try plainValues($0, count: Int(header.numValues), column: column).values }
                case .dataPage:
                    let data = try decompress(payload, codec: codec, expected: uncompressed)
                    try data.withUnsafeBytes { page in
                        var at = 0
                        let count = Int(header.numValues)
                        if column.maxRepetition > 0 {
                            guard header.repetitionLevelEncoding == Parquet.Encoding.rle.rawValue else {
                                throw ChunkFailure(message: "repetition levels in \(Self.encodingName(header.repetitionLevelEncoding)), dq reads RLE")
                            }
                            repetitions += try Self.prefixedLevels(page, at: &at, count: count, max: column.maxRepetition)
                        }
                        var pageDefinitions = [Int32](repeating: Int32(column.maxDefinition), count: count)
                        if column.maxDefinition > 0 {
                            guard header.definitionLevelEncoding == Parquet.Encoding.rle.rawValue else {
                                throw ChunkFailure(message: "definition levels in \(Self.encodingName(header.definitionLevelEncoding)), dq reads RLE")
                            }
                            pageDefinitions = try Self.prefixedLevels(page, at: &at, count: count, max: column.maxDefinition)
                        }
                        let present = pageDefinitions.count { Int($0) == column.maxDefinition }
                        definitions += pageDefinitions
                        leafValues += try values(UnsafeRawBufferPointer(rebasing: page[at...]), count: present, encoding: header.encoding,
                                                 dictionary: dictionary, column: column)
                        seen += count
                    }
                case .dataPageV2:
                    let count = Int(header.numValues)
                    let repLength = Int(header.repetitionLevelsByteLength), defLength = Int(header.definitionLevelsByteLength)
                    guard repLength >= 0, defLength >= 0, repLength + defLength <= payload.count else {
                        throw ChunkFailure(message: "a v2 page's level lengths exceed the page")
                    }
                    if column.maxRepetition > 0 {
                        repetitions += try Self.hybrid(UnsafeRawBufferPointer(rebasing: payload[0..<repLength]), count: count,
                                                       bitWidth: Self.bitWidth(column.maxRepetition), max: column.maxRepetition)
                    }
                    var pageDefinitions = [Int32](repeating: Int32(column.maxDefinition), count: count)
                    if column.maxDefinition > 0 {
                        pageDefinitions = try Self.hybrid(UnsafeRawBufferPointer(rebasing: payload[repLength..<repLength + defLength]), count: count,
                                                          bitWidth: Self.bitWidth(column.maxDefinition), max: column.maxDefinition)
                    }
                    let present = pageDefinitions.count { Int($0) == column.maxDefinition }
                    definitions += pageDefinitions
                    let body = UnsafeRawBufferPointer(rebasing: payload[(repLength + defLength)...])
                    let expected = uncompressed - repLength - defLength
                    let data = header.isCompressed ? try decompress(body, codec: codec, expected: expected) : Array(body)
                    leafValues += try data.withUnsafeBytes {
                        try values($0, count: present, encoding: header.encoding, dictionary: dictionary, column: column)
                    }
                    seen += count
                case .indexPage:
                    continue
                case nil:
                    throw ChunkFailure(message: "unknown page type \(header.type)")
                }
            }
            guard seen == total else { throw ChunkFailure(message: "the pages hold \(seen) values, the metadata says \(total): truncated or corrupt") }
        }
        return try assemble(leafValues, definitions: definitions, repetitions: repetitions, column: column)
    }

    private func decompress(_ payload: UnsafeRawBufferPointer, codec: Parquet.Codec, expected: Int) throws -> [UInt8] {
        switch codec {
        case .snappy: return try Decompression.snappy(payload, expected: expected)
        case .gzip: return try Decompression.gzip(payload, expected: expected)
        default:
            guard payload.count == expected else {
                throw ChunkFailure(message: "an uncompressed page of \(payload.count) bytes, the header says \(expected)")
            }
            return Array(payload)
        }
    }

    static func encodingName(_ raw: Int32) -> String { Parquet.Encoding(rawValue: raw)?.name ?? "encoding \(raw)" }

    /// Rows from leaf values and levels: a value per row for flat columns, a list per row for lists.
    private func assemble(_ values: [ParquetValue], definitions: [Int32], repetitions: [Int32], column: Column) throws -> [ParquetValue] {
        let maxDefinition = Int32(column.maxDefinition)
        var next = 0
        func take() -> ParquetValue {
            defer { next += 1 }
            return values[next]
        }
        let defined = definitions.count { $0 == maxDefinition }
        guard values.count == defined else { throw ChunkFailure(message: "\(values.count) values for \(defined) defined levels") }
        // Flat: a value where the definition level is full, else null.
        guard let listDefinition = column.listDefinition.map(Int32.init) else {
            return definitions.map { $0 == maxDefinition ? take() : .null }
        }
        guard repetitions.count == definitions.count else { throw ChunkFailure(message: "repetition and definition levels differ in number") }
        // Lists: repetition 0 starts a row; below the repeated node's level the list is null (or,
        // one below, empty); at or above it, an element, null unless the level is full.
        var rows: [ParquetValue] = []
        var current: [ParquetValue]?
        var started = false
        for (d, r) in zip(definitions, repetitions) {
            if r == 0 {
                if started { rows.append(current.map(ParquetValue.list) ?? .null) }
                started = true
                current = d >= listDefinition - 1 ? [] : nil
            }
            if d >= listDefinition { current?.append(d == maxDefinition ? take() : .null) }
        }
        if started { rows.append(current.map(ParquetValue.list) ?? .null) }
        return rows
    }

    // MARK: Values

    private func values(_ data: UnsafeRawBufferPointer, count: Int, encoding: Int32, dictionary: [ParquetValue]?,
                        column: Column) throws -> [ParquetValue] {
        switch Parquet.Encoding(rawValue: encoding) {
        case .plain:
            return try plainValues(data, count: count, column: column).values
        case .plainDictionary, .rleDictionary:
            guard let dictionary else { throw ChunkFailure(message: "dictionary-encoded values but no dictionary page") }
            guard count > 0 else { return [] }
            guard data.count >= 1 else { throw ChunkFailure(message: "dictionary indices missing") }
            let width = Int(data[0])
            guard width <= 32 else { throw ChunkFailure(message: "dictionary index width \(width) bits is invalid") }
            let indices = try Self.hybrid(UnsafeRawBufferPointer(rebasing: data[1...]), count: count, bitWidth: width, max: dictionary.count - 1)
            return indices.map { dictionary[Int($0)] }
        case .rle where column.type == .boolean:
            // Booleans as RLE/bit-packed runs of width 1, after a 4-byte length (pages v1 and v2 alike).
            var at = 0
            return try Self.prefixedLevels(data, at: &at, count: count, max: 1).map { .bool($0 == 1) }
        default:
            throw ChunkFailure(message: "values in \(Self.encodingName(encoding)), which dq does not read (it reads PLAIN, dictionary and boolean RLE encodings)")
        }
    }

    private func plainValues(_ data: UnsafeRawBufferPointer, count: Int, column: Column) throws -> (values: [ParquetValue], used: Int) {
        var out: [ParquetValue] = []
        out.reserveCapacity(count)
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
            for i in 0..<count { out.append(.int(Int64(Int32(littleEndian: data.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))))) }
            at = 4 * count
        case .int64:
            try need(8 * count)
            for i in 0..<count { out.append(.int(Int64(littleEndian: data.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))) }
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
            for _ in 0..<count {
                try need(4)
                let length = Int(UInt32(littleEndian: data.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
                at += 4
                try need(length)
                out.append(text(UnsafeRawBufferPointer(rebasing: data[at..<at + length]), column: column))
                at += length
            }
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
        if width == 0 { return [Int32](repeating: 0, count: count) }
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

    private static func read(_ descriptor: Int32, path: String, offset: Int, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw InputError(file: path, message: n == 0 ? "truncated at byte \(offset + done)" : "read failed: \(String(cString: strerror(errno)))") }
            done += n
        }
        return bytes
    }
}
