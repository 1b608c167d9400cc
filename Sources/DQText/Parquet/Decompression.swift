/// Decompressors for the codecs Parquet writers use by default. Each takes the compressed
/// bytes and the size the page header promises, and fails with a message naming what was
/// wrong rather than reading past its input.
enum Decompression {
    struct Failure: Error {
        var message: String
    }

    // MARK: Snappy

    /// Snappy's raw block format (google/snappy, format_description.txt): a varint of the
    /// uncompressed length, then elements, each a tag byte whose low two bits say literal (00),
    /// or copy with a 1-, 2- or 4-byte offset (01, 10, 11).
    static func snappy(_ input: UnsafeRawBufferPointer, expected: Int) throws -> [UInt8] {
        var position = 0
        func byte() throws -> Int {
            guard position < input.count else { throw Failure(message: "Snappy data ends early") }
            defer { position += 1 }
            return Int(input[position])
        }
        var length = 0, shift = 0
        while true {
            let b = try byte()
            length |= (b & 0x7F) << shift
            if b & 0x80 == 0 { break }
            shift += 7
            guard shift < 35 else { throw Failure(message: "Snappy length varint too long") }
        }
        guard length == expected else { throw Failure(message: "Snappy block holds \(length) bytes, the page header says \(expected)") }
        // A copy of 64 bytes takes 2 or more: nothing expands further (corrupt lengths must not allocate).
        guard length <= 32 * input.count + 64 else { throw Failure(message: "Snappy block claims \(length) bytes from \(input.count): corrupt") }
        // Room for 16 bytes past the end: short literals and copies move 16 bytes at a time,
        // writing past their end into bytes that come later (or into this spare room).
        let slack = 16
        var written = 0
        let out = try [UInt8](unsafeUninitializedCapacity: length + slack) { o, initialized in
            let base = o.baseAddress!
            let source = input.baseAddress!
            while position < input.count {
                let tag = try byte()
                switch tag & 3 {
                case 0:
                    var literal = tag >> 2
                    if literal >= 60 {
                        let bytes = literal - 59
                        literal = 0
                        for i in 0..<bytes { literal |= try byte() << (8 * i) }
                    }
                    literal += 1
                    guard literal <= input.count - position, literal <= length - written else {
                        throw Failure(message: "Snappy literal of \(literal) bytes runs past the block")
                    }
                    if literal <= 16 && input.count - position >= 16 {
                        UnsafeMutableRawPointer(base + written).storeBytes(
                            of: source.loadUnaligned(fromByteOffset: position, as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
                    } else {
                        UnsafeMutableRawPointer(base + written).copyMemory(from: source + position, byteCount: literal)
                    }
                    position += literal
                    written += literal
                default:
                    let count: Int, offset: Int
                    switch tag & 3 {
                    case 1:
                        count = ((tag >> 2) & 7) + 4
                        offset = ((tag >> 5) << 8) | (try byte())
                    case 2:
                        count = (tag >> 2) + 1
                        offset = try byte() | (try byte() << 8)
                    default:
                        count = (tag >> 2) + 1
                        var o = 0
                        for i in 0..<4 { o |= try byte() << (8 * i) }
                        offset = o
                    }
                    guard offset > 0, offset <= written, count <= length - written else {
                        throw Failure(message: "Snappy copy (offset \(offset), length \(count)) outside the block at byte \(written)")
                    }
                    if offset >= 16 {
                        // Each 16 bytes read lie before the 16 written (offset ≥ 16), so they
                        // are final; a copy is at most 64 bytes.
                        var k = 0
                        while k < count {
                            UnsafeMutableRawPointer(base + written + k).storeBytes(
                                of: UnsafeRawPointer(base + written - offset + k).loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
                            k += 16
                        }
                    } else {
                        // Byte by byte: the copy overlaps what it writes (a repeated pattern).
                        for i in 0..<count { base[written + i] = base[written - offset + i] }
                    }
                    written += count
                }
            }
            initialized = written
        }
        guard written == length else { throw Failure(message: "Snappy block decoded to \(written) bytes of \(length)") }
        return out
    }

    // MARK: gzip and DEFLATE

    /// gzip members (RFC 1952), each a header, a DEFLATE stream (RFC 1951) and a CRC-32 and
    /// length trailer, which are checked.
    static func gzip(_ input: UnsafeRawBufferPointer, expected: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        // DEFLATE expands at most 1032:1; a corrupt length must not allocate more.
        out.reserveCapacity(min(expected, 1032 * input.count + 64))
        var position = 0
        repeat {
            guard input.count - position >= 18, input[position] == 0x1F, input[position + 1] == 0x8B, input[position + 2] == 8 else {
                throw Failure(message: "not gzip data (no 1f 8b 08 header)")
            }
            let flags = input[position + 3]
            position += 10
            func need(_ n: Int) throws { guard input.count - position >= n else { throw Failure(message: "gzip header ends early") } }
            if flags & 4 != 0 {
                try need(2)
                position += 2 + (Int(input[position]) | Int(input[position + 1]) << 8)
            }
            for flag in [UInt8(8), 16] where flags & flag != 0 {
                while true {
                    try need(1)
                    position += 1
                    if input[position - 1] == 0 { break }
                }
            }
            if flags & 2 != 0 { position += 2 }
            let start = out.count
            var inflater = Inflater(input, at: position)
            try inflater.inflate(into: &out, limit: expected)
            position = inflater.bytePosition
            guard input.count - position >= 8 else { throw Failure(message: "gzip trailer missing") }
            let crc = (0..<4).reduce(UInt32(0)) { $0 | UInt32(input[position + $1]) << (8 * $1) }
            let size = (0..<4).reduce(UInt32(0)) { $0 | UInt32(input[position + 4 + $1]) << (8 * $1) }
            position += 8
            let member = out[start...]
            guard size == UInt32(truncatingIfNeeded: member.count), crc == CRC32.checksum(member) else {
                throw Failure(message: "gzip checksum or length does not match the data (corrupt)")
            }
        } while position < input.count && input[position] == 0x1F
        guard out.count == expected else { throw Failure(message: "gzip data decoded to \(out.count) bytes, the page header says \(expected)") }
        return out
    }

    /// DEFLATE, in the manner of zlib's puff: canonical Huffman codes decoded by counting codes
    /// of each length.
    struct Inflater {
        let input: UnsafeRawBufferPointer
        var position: Int
        var bitBuffer: UInt64 = 0
        var bitCount = 0

        init(_ input: UnsafeRawBufferPointer, at position: Int) {
            self.input = input
            self.position = position
        }

        /// The byte after the stream (the bits left in the last byte are dropped).
        var bytePosition: Int { position - bitCount / 8 }

        mutating func bits(_ n: Int) throws -> Int {
            while bitCount < n {
                guard position < input.count else { throw Failure(message: "DEFLATE stream ends early") }
                bitBuffer |= UInt64(input[position]) << UInt64(bitCount)
                position += 1
                bitCount += 8
            }
            let value = Int(bitBuffer & ((1 << UInt64(n)) - 1))
            bitBuffer >>= UInt64(n)
            bitCount -= n
            return value
        }

        struct Huffman {
            var counts = [Int](repeating: 0, count: 16)
            var symbols: [Int]

            init(lengths: [Int]) throws {
                symbols = []
                for l in lengths { counts[l] += 1 }
                var left = 1
                for len in 1..<16 {
                    left <<= 1
                    left -= counts[len]
                    guard left >= 0 else { throw Failure(message: "DEFLATE Huffman code over-subscribed") }
                }
                var offsets = [Int](repeating: 0, count: 16)
                for len in 1..<15 { offsets[len + 1] = offsets[len] + counts[len] }
                symbols = [Int](repeating: 0, count: lengths.count)
                for (symbol, l) in lengths.enumerated() where l != 0 {
                    symbols[offsets[l]] = symbol
                    offsets[l] += 1
                }
                counts[0] = 0
            }
        }

        mutating func decode(_ h: Huffman) throws -> Int {
            var code = 0, first = 0, index = 0
            for len in 1..<16 {
                code |= try bits(1)
                let count = h.counts[len]
                if code - count < first { return h.symbols[index + (code - first)] }
                index += count
                first += count
                first <<= 1
                code <<= 1
            }
            throw Failure(message: "DEFLATE stream has an invalid Huffman code")
        }

        static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
        static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
        static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
                                   4097, 6145, 8193, 12289, 16385, 24577]
        static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
        static let fixed: (Huffman, Huffman) = {
            var lengths = [Int](repeating: 8, count: 288)
            for i in 144..<256 { lengths[i] = 9 }
            for i in 256..<280 { lengths[i] = 7 }
            return (try! Huffman(lengths: lengths), try! Huffman(lengths: [Int](repeating: 5, count: 30)))
        }()

        mutating func inflate(into out: inout [UInt8], limit: Int) throws {
            let start = out.count
            var last = 0
            repeat {
                last = try bits(1)
                switch try bits(2) {
                case 0:
                    bitBuffer = 0
                    bitCount = 0
                    guard input.count - position >= 4 else { throw Failure(message: "DEFLATE stored block ends early") }
                    let len = Int(input[position]) | Int(input[position + 1]) << 8
                    let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
                    position += 4
                    guard len == ~complement & 0xFFFF, input.count - position >= len else { throw Failure(message: "DEFLATE stored block is corrupt") }
                    guard out.count - start + len <= limit else { throw Failure(message: "DEFLATE data is longer than the page header says") }
                    out.append(contentsOf: input[position..<position + len])
                    position += len
                case 1:
                    try codes(Self.fixed.0, Self.fixed.1, into: &out, start: start, limit: limit)
                case 2:
                    let (literals, distances) = try dynamicTables()
                    try codes(literals, distances, into: &out, start: start, limit: limit)
                default:
                    throw Failure(message: "DEFLATE block of reserved type 3")
                }
            } while last == 0
        }

        mutating func dynamicTables() throws -> (Huffman, Huffman) {
            let literalCount = try bits(5) + 257, distanceCount = try bits(5) + 1, codeCount = try bits(4) + 4
            guard literalCount <= 286, distanceCount <= 30 else { throw Failure(message: "DEFLATE block has too many codes") }
            let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
            var codeLengths = [Int](repeating: 0, count: 19)
            for i in 0..<codeCount { codeLengths[order[i]] = try bits(3) }
            let lengthCode = try Huffman(lengths: codeLengths)
            var lengths: [Int] = []
            while lengths.count < literalCount + distanceCount {
                let symbol = try decode(lengthCode)
                switch symbol {
                case 0..<16: lengths.append(symbol)
                case 16:
                    guard let previous = lengths.last else { throw Failure(message: "DEFLATE repeats a length before any") }
                    lengths += [Int](repeating: previous, count: 3 + (try bits(2)))
                case 17: lengths += [Int](repeating: 0, count: 3 + (try bits(3)))
                default: lengths += [Int](repeating: 0, count: 11 + (try bits(7)))
                }
            }
            guard lengths.count == literalCount + distanceCount, lengths[256] != 0 else { throw Failure(message: "DEFLATE code lengths are corrupt") }
            return (try Huffman(lengths: Array(lengths[..<literalCount])), try Huffman(lengths: Array(lengths[literalCount...])))
        }

        mutating func codes(_ literals: Huffman, _ distances: Huffman, into out: inout [UInt8], start: Int, limit: Int) throws {
            while true {
                let symbol = try decode(literals)
                if symbol < 256 {
                    guard out.count - start < limit else { throw Failure(message: "DEFLATE data is longer than the page header says") }
                    out.append(UInt8(symbol))
                } else if symbol == 256 {
                    return
                } else {
                    let s = symbol - 257
                    guard s < 29 else { throw Failure(message: "DEFLATE length code \(symbol) is invalid") }
                    let length = Self.lengthBase[s] + (try bits(Self.lengthExtra[s]))
                    let d = try decode(distances)
                    guard d < 30 else { throw Failure(message: "DEFLATE distance code \(d) is invalid") }
                    let distance = Self.distanceBase[d] + (try bits(Self.distanceExtra[d]))
                    guard distance <= out.count - start else { throw Failure(message: "DEFLATE distance \(distance) reaches before the data") }
                    guard out.count - start + length <= limit else { throw Failure(message: "DEFLATE data is longer than the page header says") }
                    for _ in 0..<length { out.append(out[out.count - distance]) }
                }
            }
        }
    }
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as gzip checks it.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
