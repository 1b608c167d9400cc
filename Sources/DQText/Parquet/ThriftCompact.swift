/// A reader of Apache Thrift's compact protocol, the encoding of Parquet's file and page
/// metadata (thrift/doc/specs/thrift-compact-protocol.md): integers as ULEB128 varints,
/// zigzag-encoded when signed; each struct field a header byte holding the type in its low
/// nibble and the field id's delta from the previous field in its high nibble (0: the id follows
/// as a zigzag i16); booleans in the header's type; a stop byte 0 ends a struct.
struct ThriftCompactReader {
    enum FieldType: UInt8 {
        case stop = 0, booleanTrue = 1, booleanFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7, binary = 8
        case list = 9, set = 10, map = 11, structure = 12
    }

    struct Failure: Error {
        var offset: Int
        var message: String
    }

    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    /// Nesting guard: a corrupt file must not recurse without end.
    private var depth = 0

    init(_ bytes: UnsafeRawBufferPointer, at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw Failure(offset: position, message: "metadata ends early") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw Failure(offset: position, message: "varint longer than 64 bits") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// A varint used as a length or count: one that does not fit an Int is an error, not a trap.
    mutating func count() throws -> Int {
        let v = try varint()
        guard let n = Int(exactly: v) else { throw Failure(offset: position, message: "a length of \(v) is beyond any file") }
        return n
    }

    mutating func zigzag() throws -> Int64 {
        let v = try varint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    mutating func int32() throws -> Int32 {
        let v = try zigzag()
        guard let narrow = Int32(exactly: v) else { throw Failure(offset: position, message: "integer \(v) out of the i32 range") }
        return narrow
    }

    mutating func binary() throws -> UnsafeRawBufferPointer {
        let length = try count()
        guard length <= bytes.count - position else { throw Failure(offset: position, message: "a \(length)-byte string runs past the metadata") }
        defer { position += length }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<position + length])
    }

    mutating func string() throws -> String { String(decoding: try binary(), as: UTF8.self) }

    mutating func double() throws -> Double {
        guard bytes.count - position >= 8 else { throw Failure(offset: position, message: "metadata ends early") }
        defer { position += 8 }
        return Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)))
    }

    /// A list's (or set's) header: the element type and count.
    mutating func listHeader() throws -> (FieldType, Int) {
        let header = try byte()
        guard let type = FieldType(rawValue: header & 0x0F) else { throw Failure(offset: position - 1, message: "unknown element type \(header & 0x0F)") }
        let count = header >> 4 == 0x0F ? try self.count() : Int(header >> 4)
        guard count <= bytes.count - position else { throw Failure(offset: position, message: "a list of \(count) elements runs past the metadata") }
        return (type, count)
    }

    mutating func list<T>(_ element: (inout ThriftCompactReader) throws -> T) throws -> [T] {
        let (_, count) = try listHeader()
        var out: [T] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(try element(&self)) }
        return out
    }

    /// Reads a struct, calling `field` with each field's id and type; it reads the fields it
    /// knows and returns false for the others, which are skipped.
    mutating func structure(_ field: (inout ThriftCompactReader, Int16, FieldType) throws -> Bool) throws {
        depth += 1
        defer { depth -= 1 }
        guard depth < 64 else { throw Failure(offset: position, message: "structs nested too deep") }
        var last: Int16 = 0
        while true {
            let header = try byte()
            guard let type = FieldType(rawValue: header & 0x0F) else { throw Failure(offset: position - 1, message: "unknown field type \(header & 0x0F)") }
            if type == .stop { return }
            let delta = Int16(header >> 4)
            let id = delta == 0 ? Int16(truncatingIfNeeded: try zigzag()) : last &+ delta
            last = id
            if try !field(&self, id, type) { try skip(type) }
        }
    }

    /// The boolean a field header carried.
    static func boolean(_ type: FieldType) -> Bool { type == .booleanTrue }

    mutating func skip(_ type: FieldType) throws {
        switch type {
        case .stop: return
        case .booleanTrue, .booleanFalse: return
        case .byte: _ = try byte()
        case .i16, .i32, .i64: _ = try varint()
        case .double: _ = try double()
        case .binary: _ = try binary()
        case .list, .set:
            // Lists of lists nest as structs do, and as deep (the stack is a thread's).
            depth += 1
            defer { depth -= 1 }
            guard depth < 64 else { throw Failure(offset: position, message: "lists nested too deep") }
            let (element, count) = try listHeader()
            guard element != .stop || count == 0 else { throw Failure(offset: position, message: "a list of stop elements") }
            for _ in 0..<count { try skipElement(element) }
        case .map:
            depth += 1
            defer { depth -= 1 }
            guard depth < 64 else { throw Failure(offset: position, message: "maps nested too deep") }
            // Every entry takes at least two bytes, so a larger count cannot fit (a fuzz finding:
            // a map of 2^40 entries of types that take no byte spun for minutes).
            let count = try self.count()
            guard count > 0 else { return }
            guard count <= (bytes.count - position) / 2 else { throw Failure(offset: position, message: "a map of \(count) entries runs past the metadata") }
            let types = try byte()
            guard let key = FieldType(rawValue: types >> 4), let value = FieldType(rawValue: types & 0x0F), key != .stop, value != .stop else {
                throw Failure(offset: position - 1, message: "unknown map types")
            }
            for _ in 0..<count {
                try skipElement(key)
                try skipElement(value)
            }
        case .structure: try structure { _, _, _ in false }
        }
    }

    /// An element of a list or map: there a boolean takes a byte of its own.
    private mutating func skipElement(_ type: FieldType) throws {
        if type == .booleanTrue || type == .booleanFalse { _ = try byte() } else { try skip(type) }
    }
}
