import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The parts of FlatBuffers Arrow's metadata needs: tables found through their vtables,
/// strings, vectors of tables and of structs, unions as a type byte and a table.
struct FlatTable {
    let buffer: [UInt8]
    let position: Int

    struct Failure: Error {
        var message: String
    }

    static func root(_ buffer: [UInt8]) throws -> FlatTable {
        guard buffer.count >= 4 else { throw Failure(message: "metadata too short") }
        return try FlatTable(buffer: buffer, position: Int(u32(buffer, 0)))
    }

    init(buffer: [UInt8], position: Int) throws {
        guard position >= 0, position + 4 <= buffer.count else { throw Failure(message: "a table lies outside the metadata") }
        self.buffer = buffer
        self.position = position
    }

    static func u32(_ b: [UInt8], _ at: Int) -> UInt32 { b.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: UInt32.self)) } }

    private func load<T: FixedWidthInteger>(_ at: Int, as: T.Type) -> T { buffer.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: T.self)) } }

    private func check(_ at: Int, _ size: Int) throws {
        guard at >= 0, at + size <= buffer.count else { throw Failure(message: "a field lies outside the metadata") }
    }

    /// Where field `slot` is stored, or nil when absent.
    func field(_ slot: Int) throws -> Int? {
        let vtable = position - Int(Int32(bitPattern: Self.u32(buffer, position)))
        try check(vtable, 4)
        let size = Int(load(vtable, as: UInt16.self))
        guard 4 + 2 * slot + 2 <= size else { return nil }
        try check(vtable + 4 + 2 * slot, 2)
        let offset = Int(load(vtable + 4 + 2 * slot, as: UInt16.self))
        return offset == 0 ? nil : position + offset
    }

    func int(_ slot: Int, bytes: Int, default value: Int = 0) throws -> Int {
        guard let at = try field(slot) else { return value }
        try check(at, bytes)
        switch bytes {
        case 1: return Int(buffer[at])
        case 2: return Int(load(at, as: Int16.self))
        case 4: return Int(load(at, as: Int32.self))
        default: return Int(load(at, as: Int64.self))
        }
    }

    private func indirect(_ slot: Int) throws -> Int? {
        guard let at = try field(slot) else { return nil }
        try check(at, 4)
        return at + Int(Self.u32(buffer, at))
    }

    func table(_ slot: Int) throws -> FlatTable? {
        try indirect(slot).map { try FlatTable(buffer: buffer, position: $0) }
    }

    func string(_ slot: Int) throws -> String? {
        guard let at = try indirect(slot) else { return nil }
        try check(at, 4)
        let length = Int(Self.u32(buffer, at))
        try check(at + 4, length)
        // Strict, as CSV is: a column name or metadata (ClassLabel names) that is not UTF-8 would
        // otherwise become a name holding U+FFFD (a fuzz finding, beside pyarrow's reading).
        guard let text = String(validating: buffer[at + 4..<at + 4 + length], as: UTF8.self) else {
            throw Failure(message: "a name or metadata value that is not UTF-8")
        }
        return text
    }

    func tables(_ slot: Int) throws -> [FlatTable] {
        guard let at = try indirect(slot) else { return [] }
        try check(at, 4)
        let count = Int(Self.u32(buffer, at))
        try check(at + 4, 4 * count)
        return try (0..<count).map { i in
            let element = at + 4 + 4 * i
            return try FlatTable(buffer: buffer, position: element + Int(Self.u32(buffer, element)))
        }
    }

    /// A vector of structs of `size` bytes: where the first starts, and how many there are.
    func structs(_ slot: Int, size: Int) throws -> (start: Int, count: Int) {
        guard let at = try indirect(slot) else { return (0, 0) }
        try check(at, 4)
        let count = Int(Self.u32(buffer, at))
        try check(at + 4, size * count)
        return (at + 4, count)
    }

    func int64(at: Int) -> Int { Int(load(at, as: Int64.self)) }
}

/// An Arrow IPC file (`.arrow`, `.feather` v2) or stream, read by dq itself a record batch at a
/// time (format/Schema.fbs, Message.fbs): encapsulated messages of FlatBuffers metadata and a
/// body of buffers. Columns of strings, binaries, integers, floats, booleans and nulls, lists of
/// those, and dictionary-encoded columns of them; buffers uncompressed or Zstandard-compressed.
/// The Hugging Face `datasets` metadata (the schema's "huggingface" key) gives ClassLabel names.
package final class ArrowFile {
    package struct Field: Sendable, Equatable {
        package var name: String
        /// The Type union's id (2 Int, 3 FloatingPoint, 5 Utf8, 12 List, …).
        package var type: Int
        package var bitWidth = 0
        package var signed = true
        package var precision = 2
        package var dictionary: Int?
        package var dictionaryIndexWidth = 32
        package var children: [Field] = []
    }

    package let path: String
    package private(set) var fields: [Field] = []
    /// Per top-level column: ClassLabel names from the Hugging Face metadata.
    package private(set) var classLabels: [String: [String]] = [:]
    private let descriptor: Int32
    package let size: Int
    private var position: Int
    private var dictionaries: [Int: [ParquetValue]] = [:]
    private var finished = false
    private var batchNumber = 0

    package init(path: String) throws {
        self.path = path
        (descriptor, size) = try FileBytes.openForReading(path)
        position = 0
        let head = try read(0, min(8, size))
        if head.starts(with: Array("ARROW1".utf8)) { position = 8 }
        // Anything else is refused before a length is read from it: an error message must not
        // show a refused file's bytes (as "a message of N bytes" would).
        else if !head.starts(with: [0xFF, 0xFF, 0xFF, 0xFF]) {
            throw InputError(file: path, message: "not an Arrow IPC file or stream: it starts with neither ARROW1 nor a continuation marker")
        }
        // The schema comes first.
        guard let (header, type, _) = try nextMessage(), type == 1 else {
            throw InputError(file: path, message: "not an Arrow IPC file or stream: no schema message at its start")
        }
        do {
            fields = try header.tables(1).map(Self.field)
            for keyValue in try header.tables(2) where try keyValue.string(0) == "huggingface" {
                if let text = try keyValue.string(1), let json = try? JSONValue.parse(text),
                   case .object(let features)? = json["info"]?["features"] {
                    for (name, feature) in features where feature["_type"]?.scalarText == "ClassLabel" {
                        if case .array(let names)? = feature["names"] {
                            let labels = names.compactMap(\.scalarText)
                            // Two classes of one name would silently become one label.
                            if let twice = labels.enumerated().first(where: { labels[..<$0.offset].contains($0.element) }) {
                                throw InputError(file: path, message: "the ClassLabel of column '\(name.visibleEscaped)' names '\(twice.element.visibleEscaped)' twice")
                            }
                            classLabels[name] = labels
                        }
                    }
                }
            }
        } catch let error as FlatTable.Failure {
            throw InputError(file: path, message: "corrupt schema: \(error.message)")
        }
        if head.starts(with: Array("ARROW1".utf8)) { try checkFooter() }
    }

    /// An IPC file keeps a second copy of its schema in its footer, which pyarrow reads: a file
    /// whose copies differ (or whose footer is gone) is corrupt, not a file read two ways.
    private func checkFooter() throws {
        func corrupt(_ why: String) -> InputError { InputError(file: path, message: "corrupt Arrow IPC file: \(why)") }
        guard size >= 18, try read(size - 6, 6) == Array("ARROW1".utf8) else { throw corrupt("no ARROW1 at its end (truncated?)") }
        let length = Int(Int32(bitPattern: FlatTable.u32(try read(size - 10, 4), 0)))
        guard length > 0, length <= size - 18 else { throw corrupt("its footer's length does not fit the file") }
        do {
            let footer = try FlatTable.root(try read(size - 10 - length, length))
            guard let schema = try footer.table(1) else { throw corrupt("its footer has no schema") }
            guard try schema.tables(1).map(Self.field) == fields else { throw corrupt("the schema in its footer differs from the one at its start") }
        } catch let error as FlatTable.Failure {
            throw corrupt("footer: \(error.message)")
        }
    }

    deinit { close(descriptor) }

    /// Whether the file starts like an Arrow IPC file (`ARROW1`) or stream (a continuation marker).
    package static func isArrow(path: String) -> Bool {
        guard let head = FileBytes.prefix(path, count: 6) else { return false }
        return head == Array("ARROW1".utf8) || head.prefix(4) == [0xFF, 0xFF, 0xFF, 0xFF]
    }

    static func field(_ table: FlatTable) throws -> Field {
        var field = Field(name: try table.string(0) ?? "", type: try table.int(2, bytes: 1))
        if let type = try table.table(3) {
            switch field.type {
            case 2:
                field.bitWidth = try type.int(0, bytes: 4)
                field.signed = try type.int(1, bytes: 1) != 0
            case 3: field.precision = try type.int(0, bytes: 2)
            default: break
            }
        }
        if let dictionary = try table.table(4) {
            field.dictionary = try dictionary.int(0, bytes: 8)
            field.dictionaryIndexWidth = try dictionary.table(1).map { try $0.int(0, bytes: 4) } ?? 32
        }
        // A fuzz finding: a dictionary index width of 0 or less made a negative byte count.
        guard field.type != 2 || [8, 16, 32, 64].contains(field.bitWidth) else {
            throw FlatTable.Failure(message: "column '\(field.name)': an integer of \(field.bitWidth) bits")
        }
        guard field.dictionary == nil || [8, 16, 32, 64].contains(field.dictionaryIndexWidth) else {
            throw FlatTable.Failure(message: "column '\(field.name)': dictionary indices of \(field.dictionaryIndexWidth) bits")
        }
        field.children = try table.tables(5).map(Self.field)
        return field
    }

    private func read(_ offset: Int, _ count: Int) throws -> [UInt8] {
        try FileBytes.read(descriptor, path: path, offset: offset, count: count)
    }

    /// The next message: its header table, header type and body; nil at the end of the stream.
    private func nextMessage() throws -> (FlatTable, Int, [UInt8])? {
        guard !finished, size - position >= 4 else { return nil }
        var length = Int(Int32(bitPattern: FlatTable.u32(try read(position, 4), 0)))
        position += 4
        if length == -1 {
            guard size - position >= 4 else { throw InputError(file: path, message: "truncated after a continuation marker") }
            length = Int(Int32(bitPattern: FlatTable.u32(try read(position, 4), 0)))
            position += 4
        }
        if length == 0 {
            finished = true
            return nil
        }
        guard length > 0, length <= size - position else {
            throw InputError(file: path, message: "a message of \(length) bytes at byte \(position) runs past the file: truncated or corrupt")
        }
        let metadata = try read(position, length)
        position += length
        do {
            let root = try FlatTable.root(metadata)
            let type = try root.int(1, bytes: 1), bodyLength = try root.int(3, bytes: 8)
            guard bodyLength >= 0, bodyLength <= size - position else {
                throw InputError(file: path, message: "a message body of \(bodyLength) bytes runs past the file: truncated")
            }
            guard let header = try root.table(2) else { throw FlatTable.Failure(message: "a message without a header") }
            let body = try read(position, bodyLength)
            position += bodyLength
            return (header, type, body)
        } catch let error as FlatTable.Failure {
            throw InputError(file: path, message: "corrupt message at byte \(position): \(error.message)")
        }
    }

    /// The next record batch's top-level columns, each as long as the batch; nil at the end.
    package func nextBatch() throws -> [[ParquetValue]]? {
        try nextBatch(inPlace: []).map { $0.map(\.values) }
    }

    /// The next record batch's top-level columns; those of `inPlace` that hold UTF-8 strings
    /// (not dictionary-encoded) stay as their data buffer and each row's bounds in it.
    package func nextBatch(inPlace: Set<Int>) throws -> [ArrowColumn]? {
        while let (header, type, body) = try nextMessage() {
            batchNumber += 1
            do {
                switch type {
                case 2:
                    // A dictionary batch: one column of the dictionary's values.
                    let id = try header.int(0, bytes: 8)
                    guard let data = try header.table(1), let field = Self.findDictionary(id, in: fields) else {
                        throw FlatTable.Failure(message: "a dictionary batch for an unknown dictionary \(id)")
                    }
                    var valueField = field
                    valueField.dictionary = nil
                    let values = try decode(batch: data, body: body, fields: [valueField])[0].values
                    dictionaries[id] = try header.int(2, bytes: 1) != 0 ? (dictionaries[id] ?? []) + values : values
                case 3:
                    return try decode(batch: header, body: body, fields: fields, inPlace: inPlace)
                default:
                    continue
                }
            } catch let error as FlatTable.Failure {
                throw InputError(file: path, message: "record batch \(batchNumber): \(error.message)")
            } catch let error as Decompression.Failure {
                throw InputError(file: path, message: "record batch \(batchNumber): \(error.message)")
            }
        }
        return nil
    }

    static func findDictionary(_ id: Int, in fields: [Field]) -> Field? {
        for field in fields {
            if field.dictionary == id { return field }
            if let found = findDictionary(id, in: field.children) { return found }
        }
        return nil
    }

    /// The columns of a record batch, from its field nodes and buffers; those of `inPlace` that
    /// hold UTF-8 strings as `.text`.
    private func decode(batch: FlatTable, body: [UInt8], fields: [Field], inPlace: Set<Int> = []) throws -> [ArrowColumn] {
        let (nodeStart, nodeCount) = try batch.structs(1, size: 16)
        let (bufferStart, bufferCount) = try batch.structs(2, size: 16)
        var codec: Int?
        if let compression = try batch.table(3) { codec = try compression.int(0, bytes: 1) }
        var nodeIndex = 0, bufferIndex = 0
        func node() throws -> (length: Int, nulls: Int) {
            guard nodeIndex < nodeCount else { throw FlatTable.Failure(message: "fewer field nodes than the schema needs") }
            defer { nodeIndex += 1 }
            return (batch.int64(at: nodeStart + 16 * nodeIndex), batch.int64(at: nodeStart + 16 * nodeIndex + 8))
        }
        func buffer() throws -> [UInt8] {
            guard bufferIndex < bufferCount else { throw FlatTable.Failure(message: "fewer buffers than the schema needs") }
            defer { bufferIndex += 1 }
            let offset = batch.int64(at: bufferStart + 16 * bufferIndex), length = batch.int64(at: bufferStart + 16 * bufferIndex + 8)
            // Compared without adding: two huge values would overflow (a fuzz finding).
            guard offset >= 0, length >= 0, offset <= body.count, length <= body.count - offset else {
                throw FlatTable.Failure(message: "a buffer lies outside the body")
            }
            let raw = Array(body[offset..<offset + length])
            guard let codec, length > 0 else { return raw }
            // Compressed buffers: the uncompressed length (-1: stored as is), then the data.
            guard length >= 8 else { throw FlatTable.Failure(message: "a compressed buffer without its length") }
            let uncompressed = raw.withUnsafeBytes { Int(Int64(littleEndian: $0.loadUnaligned(as: Int64.self))) }
            if uncompressed == -1 { return Array(raw[8...]) }
            guard codec == 1 else { throw FlatTable.Failure(message: "buffers compressed with LZ4, which dq does not read (it reads ZSTD)") }
            return try raw.withUnsafeBytes { try Zstandard.decompress(UnsafeRawBufferPointer(rebasing: $0[8...]), expected: uncompressed) }
        }
        let rows = try batch.int(0, bytes: 8)
        // Every row of a column but Null takes at least a bit of the body: larger claims are corrupt.
        guard rows >= 0, rows <= max(1 << 20, 8 * body.count) else { throw FlatTable.Failure(message: "a batch claims \(rows) rows: corrupt") }
        /// A column's values; with `keepsText`, a string column (`Field.readsInPlace`) as its
        /// data buffer and row bounds.
        func column(_ field: Field, keepsText: Bool = false) throws -> ArrowColumn {
            let (length, nulls) = try node()
            guard length >= 0, length <= max(1 << 20, 8 * body.count) else { throw FlatTable.Failure(message: "a column claims \(length) values: corrupt") }
            if field.type == 1 {
                // Null: no buffers.
                return .values([ParquetValue](repeating: .null, count: length))
            }
            let validity = try buffer()
            // A fuzz finding: a validity bitmap shorter than its column read out of range. An
            // empty bitmap means no nulls; a short one is corrupt even when no value is null
            // (pyarrow: "Buffer #0 too small").
            guard validity.isEmpty || validity.count * 8 >= length else {
                throw FlatTable.Failure(message: "column '\(field.name)': validity bitmap too short")
            }
            func valid(_ i: Int) -> Bool { nulls == 0 || validity.isEmpty || validity[i >> 3] >> (i & 7) & 1 == 1 }
            if let dictionary = field.dictionary {
                let indices = try buffer()
                let width = field.dictionaryIndexWidth / 8
                guard indices.count >= width * length else { throw FlatTable.Failure(message: "dictionary indices too short") }
                let values = dictionaries[dictionary] ?? []
                return .values(try (0..<length).map { i in
                    guard valid(i) else { return .null }
                    let index = Self.integer(indices, i, width: width, signed: true)
                    guard index >= 0, index < values.count else { throw FlatTable.Failure(message: "dictionary index \(index) out of range") }
                    return values[index]
                })
            }
            switch field.type {
            case 2, 3:
                let data = try buffer()
                let width = field.type == 2 ? field.bitWidth / 8 : [2, 4, 8][min(max(field.precision, 0), 2)]
                guard width > 0, data.count >= width * length else { throw FlatTable.Failure(message: "column '\(field.name)': values buffer too short") }
                if field.type == 3 && width == 2 { throw FlatTable.Failure(message: "column '\(field.name)': half floats are not supported") }
                return .values((0..<length).map { i in
                    guard valid(i) else { return .null }
                    if field.type == 2 {
                        // An unsigned 64-bit value above Int64.max, as text, exactly as pyarrow prints it.
                        let v = Self.integer(data, i, width: width, signed: field.signed)
                        return !field.signed && v < 0 ? .string(String(UInt64(bitPattern: Int64(v)))) : .int(Int64(v))
                    }
                    return data.withUnsafeBytes { raw in
                        width == 4 ? .double(Double(Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self).littleEndian)))
                            : .double(Double(bitPattern: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self).littleEndian))
                    }
                })
            case 6:
                let data = try buffer()
                guard data.count * 8 >= length else { throw FlatTable.Failure(message: "column '\(field.name)': booleans too short") }
                return .values((0..<length).map { valid($0) ? .bool(data[$0 >> 3] >> ($0 & 7) & 1 == 1) : .null })
            case 4, 5, 19, 20:
                let (data, bounds) = try byteArrays(field, length: length, valid: valid)
                if keepsText && field.readsInPlace { return .text(data: data, bounds: bounds) }
                return .values((0..<length).map { i in
                    let start = bounds[2 * i]
                    guard start >= 0 else { return .null }
                    let bytes = data[start..<bounds[2 * i + 1]]
                    if field.type == 5 || field.type == 20, let s = String(validating: bytes, as: UTF8.self) { return .string(s) }
                    return .bytes(Array(bytes))
                })
            case 12, 21:
                let offsets = try buffer()
                guard let child = field.children.first else { throw FlatTable.Failure(message: "column '\(field.name)': a list without its element field") }
                let values = try column(child).values
                let width = field.type == 21 ? 8 : 4
                guard offsets.count >= width * (length + 1) || length == 0 else { throw FlatTable.Failure(message: "column '\(field.name)': offsets too short") }
                return .values(try (0..<length).map { i in
                    guard valid(i) else { return .null }
                    let start = Self.integer(offsets, i, width: width, signed: true), end = Self.integer(offsets, i + 1, width: width, signed: true)
                    guard start >= 0, start <= end, end <= values.count else { throw FlatTable.Failure(message: "column '\(field.name)': list offsets outside the values") }
                    return .list(Array(values[start..<end]))
                })
            default:
                throw FlatTable.Failure(message: "column '\(field.name)' has Arrow type \(field.type), which dq does not read "
                                            + "(it reads strings, binaries, integers, floats, booleans, nulls and lists of them)")
            }
        }
        /// The data buffer of a (large) string or binary column, and each row's start and end in
        /// it (start -1: null).
        func byteArrays(_ field: Field, length: Int, valid: (Int) -> Bool) throws -> (data: [UInt8], bounds: [Int]) {
            let offsets = try buffer(), data = try buffer()
            let width = field.type >= 19 ? 8 : 4
            guard offsets.count >= width * (length + 1) || length == 0 else { throw FlatTable.Failure(message: "column '\(field.name)': offsets too short") }
            var bounds: [Int] = []
            bounds.reserveCapacity(2 * length)
            for i in 0..<length {
                guard valid(i) else {
                    bounds.append(-1)
                    bounds.append(-1)
                    continue
                }
                let start = Self.integer(offsets, i, width: width, signed: true), end = Self.integer(offsets, i + 1, width: width, signed: true)
                guard start >= 0, start <= end, end <= data.count else { throw FlatTable.Failure(message: "column '\(field.name)': offsets outside the data") }
                bounds.append(start)
                bounds.append(end)
            }
            return (data, bounds)
        }
        // A top-level column has as many values as its batch has rows (pyarrow: "Array length
        // did not match record batch length").
        let columns = try fields.enumerated().map { i, field in try column(field, keepsText: inPlace.contains(i)) }
        if let k = columns.firstIndex(where: { $0.count != rows }) {
            throw FlatTable.Failure(message: "column '\(fields[k].name)' has \(columns[k].count) values, its record batch \(rows) rows: corrupt")
        }
        return columns
    }

    static func integer(_ bytes: [UInt8], _ i: Int, width: Int, signed: Bool) -> Int {
        var value: UInt64 = 0
        for b in 0..<width { value |= UInt64(bytes[i * width + b]) << UInt64(8 * b) }
        if signed && width < 8 && value >> UInt64(8 * width - 1) & 1 == 1 { value |= ~UInt64(0) << UInt64(8 * width) }
        return Int(truncatingIfNeeded: value)
    }
}

/// A record batch's column, as `ArrowFile.nextBatch(inPlace:)` reads it.
package enum ArrowColumn {
    case values([ParquetValue])
    /// A UTF-8 string column: its data buffer and each row's start and end in it (start -1: null).
    case text(data: [UInt8], bounds: [Int])

    package var count: Int {
        switch self {
        case .values(let values): values.count
        case .text(_, let bounds): bounds.count / 2
        }
    }

    /// Row `row`'s bytes in a `.text` column; nil when null.
    package func bytes(_ row: Int) -> ArraySlice<UInt8>? {
        guard case .text(let data, let bounds) = self, bounds[2 * row] >= 0 else { return nil }
        return data[bounds[2 * row]..<bounds[2 * row + 1]]
    }

    /// Row `row`'s value, as `nextBatch()` gives it.
    package subscript(row: Int) -> ParquetValue {
        switch self {
        case .values(let values): values[row]
        case .text: bytes(row).map(ParquetFile.textValue) ?? .null
        }
    }

    /// Every row's value.
    package var values: [ParquetValue] {
        if case .values(let values) = self { return values }
        return (0..<count).map { self[$0] }
    }
}

extension ArrowFile.Field {
    /// A UTF-8 or large UTF-8 column, not dictionary-encoded: it can be read in place.
    package var readsInPlace: Bool { (type == 5 || type == 20) && dictionary == nil }
}
