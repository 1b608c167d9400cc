import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A NumPy `.npy` file (format versions 1.0, 2.0 and 3.0), read a block of rows at a time so
/// that an array larger than memory can be streamed: only the header is parsed up front.
///
/// Format (numpy/lib/format.py): the magic `\x93NUMPY`, major and minor version bytes, the
/// header's length (little-endian uint16 in 1.0, uint32 in 2.0 and 3.0), then the header, a
/// Python dict literal such as `{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 5), }`,
/// padded with spaces and a newline, then the data in C order.
package final class NumPyArray {
    package enum Element: Sendable, Equatable {
        case float(bytes: Int)
        case signed(bytes: Int)
        case unsigned(bytes: Int)
        case bool

        package var size: Int {
            switch self {
            case .float(let b), .signed(let b), .unsigned(let b): b
            case .bool: 1
            }
        }
    }

    package let path: String
    package let element: Element
    package let bigEndian: Bool
    package let shape: [Int]
    /// Where the data starts.
    package let dataOffset: Int
    /// The descr as written, e.g. `<f4`.
    package let descr: String
    private let descriptor: Int32

    /// Rows of a 2-d array (elements of a 1-d one).
    package var rows: Int { shape.first ?? 1 }
    /// Values per row: the product of the dimensions after the first.
    package var columns: Int { shape.dropFirst().reduce(1, *) }

    package init(path: String) throws {
        self.path = path
        let (descriptor, size) = try FileBytes.openForReading(path)
        var ok = false
        defer { if !ok { close(descriptor) } }
        let prefix = try FileBytes.read(descriptor, path: path, offset: 0, count: min(size, 12))
        guard prefix.count >= 10, prefix.starts(with: [0x93] + Array("NUMPY".utf8)) else {
            throw InputError(file: path, message: "not a NumPy .npy file (it does not start with \\x93NUMPY); save the array with numpy.save")
        }
        let major = prefix[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(prefix[8]) | Int(prefix[9]) << 8
            headerStart = 10
        case 2, 3:
            guard prefix.count >= 12 else { throw InputError(file: path, message: "truncated: the header's length is missing") }
            headerLength = (8..<12).reduce(0) { $0 | Int(prefix[$1]) << (8 * ($1 - 8)) }
            headerStart = 12
        default:
            throw InputError(file: path, message: "NumPy format version \(major).\(prefix[7]) is not supported (1.0, 2.0 and 3.0 are)")
        }
        guard headerStart + headerLength <= size else {
            throw InputError(file: path, message: "truncated: the header says it is \(headerLength) bytes, the file ends first")
        }
        let headerBytes = try FileBytes.read(descriptor, path: path, offset: headerStart, count: headerLength)
        guard let header = String(bytes: headerBytes, encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw InputError(file: path, message: "the header is not text")
        }
        let fields = try Self.parseHeader(header, path: path)
        guard let descr = fields["descr"], case .string(let text) = descr else {
            throw InputError(file: path, message: "the header has no 'descr' string (a structured dtype is not supported): \(header.trimmingWhitespace())")
        }
        guard let order = fields["fortran_order"], case .bool(let fortran) = order else {
            throw InputError(file: path, message: "the header has no 'fortran_order'")
        }
        guard !fortran else {
            throw InputError(file: path, message: "the array is in Fortran order; save numpy.ascontiguousarray(a) instead")
        }
        guard let shapeField = fields["shape"], case .tuple(let dimensions) = shapeField else {
            throw InputError(file: path, message: "the header has no 'shape' tuple")
        }
        self.descr = text
        (element, bigEndian) = try Self.element(text, path: path)
        shape = dimensions
        dataOffset = headerStart + headerLength
        let (count, overflow) = dimensions.reduce((1, false)) { product, d in
            let (p, o) = product.0.multipliedReportingOverflow(by: d)
            return (p, product.1 || o)
        }
        let (expected, overflowBytes) = count.multipliedReportingOverflow(by: element.size)
        guard !overflow, !overflowBytes, size - dataOffset >= expected else {
            throw InputError(file: path, message: "truncated: shape \(Self.describe(dimensions)) of \(text) needs \(expected) bytes of data, the file has \(size - dataOffset)")
        }
        self.descriptor = descriptor
        ok = true
    }

    deinit { close(descriptor) }

    /// Whether the file starts with NumPy's magic string.
    package static func isNumPy(path: String) -> Bool {
        FileBytes.prefix(path, count: 6) == [0x93] + Array("NUMPY".utf8)
    }

    static func describe(_ shape: [Int]) -> String { "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")") }

    /// The shape as numpy prints it.
    package var shapeDescription: String { Self.describe(shape) }

    /// Rows `range` as Double, row-major, appended to `out` (which is emptied first).
    package func readRows(_ range: Range<Int>, into out: inout [Double]) throws {
        out.removeAll(keepingCapacity: true)
        let count = range.count * columns
        guard count > 0 else { return }
        let bytes = try FileBytes.read(descriptor, path: path, offset: dataOffset + range.lowerBound * columns * element.size, count: count * element.size)
        out.reserveCapacity(count)
        bytes.withUnsafeBytes { raw in
            func load<T: FixedWidthInteger>(_: T.Type) {
                for i in 0..<count {
                    let v = raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)
                    out.append(Double(bigEndian ? T(bigEndian: v) : T(littleEndian: v)))
                }
            }
            switch element {
            case .float(4):
                for i in 0..<count {
                    let bits = raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)
                    out.append(Double(Float(bitPattern: bigEndian ? UInt32(bigEndian: bits) : UInt32(littleEndian: bits))))
                }
            case .float:
                for i in 0..<count {
                    let bits = raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
                    out.append(Double(bitPattern: bigEndian ? UInt64(bigEndian: bits) : UInt64(littleEndian: bits)))
                }
            case .signed(1): load(Int8.self)
            case .signed(2): load(Int16.self)
            case .signed(4): load(Int32.self)
            case .signed: load(Int64.self)
            case .unsigned(1), .bool: load(UInt8.self)
            case .unsigned(2): load(UInt16.self)
            case .unsigned(4): load(UInt32.self)
            case .unsigned: load(UInt64.self)
            }
        }
    }

    /// Every value, as Double.
    package func readAll() throws -> [Double] {
        var out: [Double] = []
        try readRows(0..<rows, into: &out)
        return out
    }

    /// Calls `body` with consecutive blocks of whole rows (first row, values row-major), each
    /// at most about `blockBytes` of Doubles, so memory stays bounded however large the file.
    package func forEachBlock(blockBytes: Int = 8 << 20, _ body: (Int, [Double]) throws -> Void) throws {
        let perBlock = max(1, blockBytes / max(1, columns * 8))
        var buffer: [Double] = []
        var start = 0
        while start < rows {
            let end = min(rows, start + perBlock)
            try readRows(start..<end, into: &buffer)
            try body(start, buffer)
            start = end
        }
    }

    static func element(_ descr: String, path: String) throws -> (Element, Bool) {
        let chars = Array(descr)
        guard chars.count >= 3, "<>|=".contains(chars[0]), let size = Int(String(chars[2...])) else {
            throw InputError(file: path, message: "unsupported dtype '\(descr)'")
        }
        let big = chars[0] == ">"
        let element: Element
        switch (chars[1], size) {
        case ("f", 4), ("f", 8): element = .float(bytes: size)
        case ("i", 1), ("i", 2), ("i", 4), ("i", 8): element = .signed(bytes: size)
        case ("u", 1), ("u", 2), ("u", 4), ("u", 8): element = .unsigned(bytes: size)
        case ("b", 1): element = .bool
        default:
            throw InputError(file: path, message: "unsupported dtype '\(descr)': expected float32 or float64 (probabilities) or an integer type (labels)")
        }
        return (element, big)
    }

    enum HeaderValue: Equatable {
        case string(String)
        case bool(Bool)
        case tuple([Int])
    }

    /// The header dict: string keys to a string, a bool or a tuple of integers.
    static func parseHeader(_ header: String, path: String) throws -> [String: HeaderValue] {
        var s = Substring(header.trimmingWhitespace())
        func fail(_ what: String) -> InputError { InputError(file: path, message: "cannot read the header (\(what)): \(header.trimmingWhitespace())") }
        func skipSpace() { while let c = s.first, c == " " || c == "\n" || c == "\t" { s.removeFirst() } }
        func expect(_ c: Character) throws {
            skipSpace()
            guard s.first == c else { throw fail("expected '\(c)'") }
            s.removeFirst()
        }
        func string() throws -> String {
            skipSpace()
            guard let quote = s.first, quote == "'" || quote == "\"" else { throw fail("expected a quoted string") }
            s.removeFirst()
            guard let end = s.firstIndex(of: quote) else { throw fail("unterminated string") }
            defer { s = s[s.index(after: end)...] }
            return String(s[..<end])
        }
        try expect("{")
        var fields: [String: HeaderValue] = [:]
        while true {
            skipSpace()
            if s.first == "}" { break }
            let key = try string()
            try expect(":")
            skipSpace()
            if s.first == "'" || s.first == "\"" {
                fields[key] = .string(try string())
            } else if s.hasPrefix("True") || s.hasPrefix("False") {
                let value = s.hasPrefix("True")
                s = s.dropFirst(value ? 4 : 5)
                fields[key] = .bool(value)
            } else if s.first == "(" {
                s.removeFirst()
                guard let end = s.firstIndex(of: ")") else { throw fail("unterminated tuple") }
                let parts = s[..<end].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                let values = try parts.map { part -> Int in
                    guard let v = Int(part.hasSuffix("L") ? String(part.dropLast()) : part), v >= 0 else { throw fail("bad dimension '\(part)'") }
                    return v
                }
                fields[key] = .tuple(values)
                s = s[s.index(after: end)...]
            } else {
                throw fail("unexpected value for '\(key)'")
            }
            skipSpace()
            if s.first == "," { s.removeFirst() }
        }
        return fields
    }
}
