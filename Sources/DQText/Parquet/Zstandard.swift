/// A Zstandard decoder (RFC 8878), written after the format's text and the structure of
/// facebook/zstd's educational decoder: frames (skippable ones skipped), raw, RLE and
/// compressed blocks; literals raw, RLE or Huffman-coded in one or four streams; sequences with
/// predefined, RLE, FSE-coded or repeated tables; repeat offsets; the content checksum
/// (XXH64) checked. Dictionaries are not supported (Parquet does not use them).
enum Zstandard {
    typealias Failure = Decompression.Failure

    static func decompress(_ input: UnsafeRawBufferPointer, expected: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(min(expected, 64 * input.count + 1 << 16))  // a corrupt length must not allocate the claim
        var position = 0
        while position < input.count {
            guard input.count - position >= 4 else { throw Failure(message: "Zstandard data ends inside a frame's magic number") }
            let magic = input.loadUnaligned(fromByteOffset: position, as: UInt32.self).littleEndian
            position += 4
            if magic & 0xFFFF_FFF0 == 0x184D_2A50 {
                guard input.count - position >= 4 else { throw Failure(message: "Zstandard skippable frame ends early") }
                let size = Int(input.loadUnaligned(fromByteOffset: position, as: UInt32.self).littleEndian)
                position += 4
                guard size <= input.count - position else { throw Failure(message: "Zstandard skippable frame runs past the data") }
                position += size
                continue
            }
            guard magic == 0xFD2F_B528 else { throw Failure(message: "not Zstandard data (magic number \(String(magic, radix: 16)))") }
            var frame = Frame(input: input, position: position, outputStart: out.count)
            try frame.decode(into: &out, limit: expected)
            position = frame.position
        }
        guard out.count == expected else { throw Failure(message: "Zstandard data decoded to \(out.count) bytes, the page header says \(expected)") }
        return out
    }

    // MARK: Tables

    struct FSETable {
        var accuracyLog = 0
        var symbols: [UInt8] = []
        var bits: [UInt8] = []
        var base: [UInt16] = []

        /// The decoding table of a normalized distribution (-1: "less than one").
        init(distribution: [Int], accuracyLog: Int) throws {
            self.accuracyLog = accuracyLog
            let size = 1 << accuracyLog
            symbols = [UInt8](repeating: 0, count: size)
            bits = symbols
            base = [UInt16](repeating: 0, count: size)
            var next = [Int](repeating: 0, count: distribution.count)
            var high = size
            for (s, p) in distribution.enumerated() where p == -1 {
                high -= 1
                symbols[high] = UInt8(s)
                next[s] = 1
            }
            let step = (size >> 1) + (size >> 3) + 3, mask = size - 1
            var position = 0
            for (s, p) in distribution.enumerated() where p > 0 {
                next[s] = p
                for _ in 0..<p {
                    symbols[position] = UInt8(s)
                    repeat { position = (position + step) & mask } while position >= high
                }
            }
            guard position == 0 else { throw Failure(message: "Zstandard FSE distribution does not fill its table") }
            for i in 0..<size {
                let state = next[Int(symbols[i])]
                next[Int(symbols[i])] += 1
                let n = accuracyLog - (Int.bitWidth - 1 - state.leadingZeroBitCount)
                bits[i] = UInt8(n)
                base[i] = UInt16(truncatingIfNeeded: (state << n) - size)
            }
        }

        /// A table that always decodes `symbol`, reading no bits.
        init(rle symbol: UInt8) {
            symbols = [symbol]
            bits = [0]
            base = [0]
        }
    }

    struct HuffmanTable {
        var maxBits = 0
        var symbols: [UInt8] = []
        var bits: [UInt8] = []

        init(weights: [Int]) throws {
            guard !weights.isEmpty, weights.count < 256 else { throw Failure(message: "Zstandard Huffman table has \(weights.count + 1) symbols") }
            var sum = 0
            for w in weights {
                guard w <= 11 else { throw Failure(message: "Zstandard Huffman weight \(w) too large") }
                if w > 0 { sum += 1 << (w - 1) }
            }
            guard sum > 0 else { throw Failure(message: "Zstandard Huffman weights are all zero") }
            maxBits = Int.bitWidth - sum.leadingZeroBitCount
            let leftover = (1 << maxBits) - sum
            guard leftover & (leftover - 1) == 0 else { throw Failure(message: "Zstandard Huffman weights do not complete a tree") }
            let last = Int.bitWidth - leftover.leadingZeroBitCount
            let lengths = weights.map { $0 > 0 ? maxBits + 1 - $0 : 0 } + [maxBits + 1 - last]
            guard maxBits <= 11 else { throw Failure(message: "Zstandard Huffman code too deep") }
            var rankCount = [Int](repeating: 0, count: maxBits + 1)
            for l in lengths { rankCount[l] += 1 }
            let size = 1 << maxBits
            symbols = [UInt8](repeating: 0, count: size)
            bits = symbols
            var rankIndex = [Int](repeating: 0, count: maxBits + 1)
            for i in stride(from: maxBits, through: 1, by: -1) {
                rankIndex[i - 1] = rankIndex[i] + rankCount[i] * (1 << (maxBits - i))
                guard rankIndex[i - 1] <= size else { throw Failure(message: "Zstandard Huffman table overflows") }
                for j in rankIndex[i]..<rankIndex[i - 1] { bits[j] = UInt8(i) }
            }
            guard rankIndex[0] == size else { throw Failure(message: "Zstandard Huffman table is incomplete") }
            for (symbol, l) in lengths.enumerated() where l != 0 {
                let code = rankIndex[l], length = 1 << (maxBits - l)
                for j in code..<code + length { symbols[j] = UInt8(symbol) }
                rankIndex[l] += length
            }
        }
    }

    // MARK: Bit streams

    /// Little-endian bits read forward (headers and FSE table descriptions).
    struct ForwardBits {
        let bytes: UnsafeRawBufferPointer
        var bit: Int

        mutating func read(_ n: Int) throws -> Int {
            guard bit + n <= bytes.count * 8 else { throw Failure(message: "Zstandard header ends early") }
            let value = Int(Zstandard.bitsLE(bytes, n, at: bit))
            bit += n
            return value
        }
    }

    /// A stream read backward from its last set bit; reads before its start give zero bits.
    struct BackwardBits {
        let bytes: UnsafeRawBufferPointer
        var offset: Int

        init(_ bytes: UnsafeRawBufferPointer) throws {
            guard let last = bytes.last, last != 0 else { throw Failure(message: "Zstandard bit stream is empty or lacks its end mark") }
            self.bytes = bytes
            offset = bytes.count * 8 - (8 - (UInt8.bitWidth - 1 - last.leadingZeroBitCount))
        }

        mutating func read(_ n: Int) -> Int {
            guard n > 0 else { return 0 }
            offset -= n
            var start = offset, count = n
            if start < 0 {
                count += start
                start = 0
            }
            var value = count > 0 ? Zstandard.bitsLE(bytes, count, at: start) : 0
            if offset < 0 { value = -offset >= 64 ? 0 : value << UInt64(-offset) }
            return Int(value)
        }
    }

    static func bitsLE(_ bytes: UnsafeRawBufferPointer, _ n: Int, at bitOffset: Int) -> UInt64 {
        var result: UInt64 = 0, got = 0, position = bitOffset
        while got < n {
            let shift = position & 7
            let take = min(8 - shift, n - got)
            let chunk = (UInt64(bytes[position >> 3]) >> UInt64(shift)) & ((1 << UInt64(take)) - 1)
            result |= chunk << UInt64(got)
            got += take
            position += take
        }
        return result
    }

    /// An FSE table description (RFC 8878 4.1.1) at `bytes[at...]`; returns the table and the bytes used.
    static func readFSETable(_ bytes: UnsafeRawBufferPointer, at: Int, maxAccuracy: Int, maxSymbols: Int) throws -> (FSETable, Int) {
        var reader = ForwardBits(bytes: UnsafeRawBufferPointer(rebasing: bytes[at...]), bit: 0)
        let accuracy = try reader.read(4) + 5
        guard accuracy <= maxAccuracy else { throw Failure(message: "Zstandard FSE accuracy \(accuracy) above \(maxAccuracy)") }
        var remaining = 1 << accuracy
        var distribution: [Int] = []
        while remaining > 0 && distribution.count < maxSymbols {
            let n = Int.bitWidth - (remaining + 1).leadingZeroBitCount
            var value = try reader.read(n)
            let lowerMask = (1 << (n - 1)) - 1
            let threshold = (1 << n) - 1 - (remaining + 1)
            if value & lowerMask < threshold {
                reader.bit -= 1
                value &= lowerMask
            } else if value > lowerMask {
                value -= threshold
            }
            let probability = value - 1
            remaining -= abs(probability)
            distribution.append(probability)
            if probability == 0 {
                var repeats = try reader.read(2)
                while true {
                    for _ in 0..<repeats where distribution.count < maxSymbols { distribution.append(0) }
                    guard repeats == 3 else { break }
                    repeats = try reader.read(2)
                }
            }
        }
        guard remaining == 0 else { throw Failure(message: "Zstandard FSE distribution is corrupt") }
        return (try FSETable(distribution: distribution, accuracyLog: accuracy), (reader.bit + 7) / 8)
    }

    static let literalLengthDefault = [4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1, -1, -1, -1, -1]
    static let offsetDefault = [1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1]
    static let matchLengthDefault = [1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                     1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1]
    static let literalLengthBase = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 22, 24, 28, 32, 40, 48, 64, 128, 256, 512,
                                    1024, 2048, 4096, 8192, 16384, 32768, 65536]
    static let literalLengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]
    static let matchLengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
                                  33, 34, 35, 37, 39, 41, 43, 47, 51, 59, 67, 83, 99, 131, 259, 515, 1027, 2051, 4099, 8195, 16387, 32771, 65539]
    static let matchLengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2,
                                   3, 3, 4, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]

    // MARK: Frames

    struct Frame {
        let input: UnsafeRawBufferPointer
        var position: Int
        let outputStart: Int
        var huffman: HuffmanTable?
        var literalLengths: FSETable?
        var offsets: FSETable?
        var matchLengths: FSETable?
        var history = [1, 4, 8]

        init(input: UnsafeRawBufferPointer, position: Int, outputStart: Int) {
            (self.input, self.position, self.outputStart) = (input, position, outputStart)
        }

        mutating func byte() throws -> Int {
            guard position < input.count else { throw Failure(message: "Zstandard frame ends early") }
            defer { position += 1 }
            return Int(input[position])
        }

        mutating func littleEndian(_ n: Int) throws -> Int {
            var value = 0
            for i in 0..<n { value |= try byte() << (8 * i) }
            return value
        }

        mutating func decode(into out: inout [UInt8], limit: Int) throws {
            let descriptor = try byte()
            guard descriptor & 8 == 0 else { throw Failure(message: "Zstandard frame header has its reserved bit set") }
            let singleSegment = descriptor & 0x20 != 0
            let checksum = descriptor & 4 != 0
            if !singleSegment { _ = try byte() }
            let dictionaryBytes = [0, 1, 2, 4][descriptor & 3]
            guard try littleEndian(dictionaryBytes) == 0 else { throw Failure(message: "Zstandard frame needs a dictionary, which dq does not have") }
            let sizeFlag = descriptor >> 6
            if singleSegment || sizeFlag != 0 { _ = try littleEndian([1, 2, 4, 8][sizeFlag]) }
            var last = false
            while !last {
                let header = try littleEndian(3)
                last = header & 1 == 1
                let size = header >> 3
                switch (header >> 1) & 3 {
                case 0:
                    guard size <= input.count - position, out.count - outputStart + size <= limit else { throw Failure(message: "Zstandard raw block too long") }
                    out.append(contentsOf: input[position..<position + size])
                    position += size
                case 1:
                    guard out.count - outputStart + size <= limit else { throw Failure(message: "Zstandard RLE block too long") }
                    out.append(contentsOf: repeatElement(UInt8(try byte()), count: size))
                case 2:
                    guard size <= input.count - position else { throw Failure(message: "Zstandard block runs past the data") }
                    try block(UnsafeRawBufferPointer(rebasing: input[position..<position + size]), into: &out, limit: limit)
                    position += size
                default:
                    throw Failure(message: "Zstandard block of reserved type")
                }
            }
            if checksum {
                let expected = try littleEndian(4)
                let actual = Int(XXH64.hash(out[outputStart...]) & 0xFFFF_FFFF)
                guard expected == actual else { throw Failure(message: "Zstandard content checksum does not match (corrupt)") }
            }
        }

        /// A compressed block: literals, then sequences executed against them.
        mutating func block(_ data: UnsafeRawBufferPointer, into out: inout [UInt8], limit: Int) throws {
            var at = 0
            let literals = try self.literals(data, at: &at)
            guard at < data.count else { throw Failure(message: "Zstandard block lacks its sequences section") }
            var count = Int(data[at])
            at += 1
            if count >= 128 {
                guard at < data.count else { throw Failure(message: "Zstandard sequence count ends early") }
                if count < 255 {
                    count = ((count - 128) << 8) + Int(data[at])
                    at += 1
                } else {
                    guard at + 1 < data.count else { throw Failure(message: "Zstandard sequence count ends early") }
                    count = Int(data[at]) + (Int(data[at + 1]) << 8) + 0x7F00
                    at += 2
                }
            }
            var literalAt = 0
            func copyLiterals(_ n: Int) throws {
                guard n <= literals.count - literalAt, out.count - outputStart + n <= limit else {
                    throw Failure(message: "Zstandard sequence takes more literals than there are")
                }
                out.append(contentsOf: literals[literalAt..<literalAt + n])
                literalAt += n
            }
            if count > 0 {
                guard at < data.count else { throw Failure(message: "Zstandard block lacks its compression modes") }
                let modes = Int(data[at])
                at += 1
                guard modes & 3 == 0 else { throw Failure(message: "Zstandard compression modes have reserved bits set") }
                literalLengths = try table(data, at: &at, mode: modes >> 6, current: literalLengths, defaults: Zstandard.literalLengthDefault,
                                           defaultAccuracy: 6, maxAccuracy: 9, maxSymbols: 36)
                offsets = try table(data, at: &at, mode: (modes >> 4) & 3, current: offsets, defaults: Zstandard.offsetDefault,
                                    defaultAccuracy: 5, maxAccuracy: 8, maxSymbols: 32)
                matchLengths = try table(data, at: &at, mode: (modes >> 2) & 3, current: matchLengths, defaults: Zstandard.matchLengthDefault,
                                         defaultAccuracy: 6, maxAccuracy: 9, maxSymbols: 53)
                let ll = literalLengths!, of = offsets!, ml = matchLengths!
                var stream = try BackwardBits(UnsafeRawBufferPointer(rebasing: data[at...]))
                var llState = stream.read(ll.accuracyLog), ofState = stream.read(of.accuracyLog), mlState = stream.read(ml.accuracyLog)
                for i in 0..<count {
                    let ofCode = Int(of.symbols[ofState]), llCode = Int(ll.symbols[llState]), mlCode = Int(ml.symbols[mlState])
                    guard llCode < 36, mlCode < 53, ofCode <= 31 else { throw Failure(message: "Zstandard sequence code out of range") }
                    let offsetValue = (1 << ofCode) + stream.read(ofCode)
                    let matchLength = Zstandard.matchLengthBase[mlCode] + stream.read(Zstandard.matchLengthExtra[mlCode])
                    let literalLength = Zstandard.literalLengthBase[llCode] + stream.read(Zstandard.literalLengthExtra[llCode])
                    if i < count - 1 {
                        llState = Int(ll.base[llState]) + stream.read(Int(ll.bits[llState]))
                        mlState = Int(ml.base[mlState]) + stream.read(Int(ml.bits[mlState]))
                        ofState = Int(of.base[ofState]) + stream.read(Int(of.bits[ofState]))
                    }
                    try copyLiterals(literalLength)
                    // Repeat offsets (RFC 8878 3.1.1.5).
                    var offset: Int
                    if offsetValue <= 3 {
                        var index = offsetValue - 1
                        if literalLength == 0 { index += 1 }
                        if index == 0 {
                            offset = history[0]
                        } else {
                            offset = index < 3 ? history[index] : history[0] - 1
                            if index > 1 { history[2] = history[1] }
                            history[1] = history[0]
                            history[0] = offset
                        }
                    } else {
                        offset = offsetValue - 3
                        history[2] = history[1]
                        history[1] = history[0]
                        history[0] = offset
                    }
                    let produced = out.count - outputStart
                    guard offset > 0, offset <= produced, produced + matchLength <= limit else {
                        throw Failure(message: "Zstandard match (offset \(offset), length \(matchLength)) outside the data")
                    }
                    for _ in 0..<matchLength { out.append(out[out.count - offset]) }
                }
                guard stream.offset == 0 else { throw Failure(message: "Zstandard sequence bit stream not fully used (corrupt)") }
            }
            try copyLiterals(literals.count - literalAt)
        }

        mutating func table(_ data: UnsafeRawBufferPointer, at: inout Int, mode: Int, current: FSETable?, defaults: [Int],
                            defaultAccuracy: Int, maxAccuracy: Int, maxSymbols: Int) throws -> FSETable {
            switch mode {
            case 0: return try FSETable(distribution: defaults, accuracyLog: defaultAccuracy)
            case 1:
                guard at < data.count else { throw Failure(message: "Zstandard RLE table ends early") }
                defer { at += 1 }
                return FSETable(rle: data[at])
            case 2:
                let (table, used) = try Zstandard.readFSETable(data, at: at, maxAccuracy: maxAccuracy, maxSymbols: maxSymbols)
                at += used
                return table
            default:
                guard let current else { throw Failure(message: "Zstandard repeats a table it never had") }
                return current
            }
        }

        /// The literals section (RFC 8878 3.1.1.3.1).
        mutating func literals(_ data: UnsafeRawBufferPointer, at: inout Int) throws -> [UInt8] {
            guard at < data.count else { throw Failure(message: "Zstandard block is empty") }
            let b0 = Int(data[at])
            let type = b0 & 3, format = (b0 >> 2) & 3
            func bytes(_ n: Int) throws -> Int {
                guard n <= data.count - at else { throw Failure(message: "Zstandard literals header ends early") }
                var value = 0
                for i in 0..<n { value |= Int(data[at + i]) << (8 * i) }
                at += n
                return value
            }
            if type <= 1 {
                let size: Int
                switch format {
                case 0, 2: size = try bytes(1) >> 3
                case 1: size = try bytes(2) >> 4
                default: size = try bytes(3) >> 4
                }
                if type == 0 {
                    guard size <= data.count - at else { throw Failure(message: "Zstandard raw literals run past the block") }
                    defer { at += size }
                    return Array(data[at..<at + size])
                }
                guard at < data.count else { throw Failure(message: "Zstandard RLE literals end early") }
                defer { at += 1 }
                return [UInt8](repeating: data[at], count: size)
            }
            let regenerated: Int, compressed: Int, streams: Int
            switch format {
            case 0, 1:
                let h = try bytes(3)
                (regenerated, compressed, streams) = ((h >> 4) & 0x3FF, (h >> 14) & 0x3FF, format == 0 ? 1 : 4)
            case 2:
                let h = try bytes(4)
                (regenerated, compressed, streams) = ((h >> 4) & 0x3FFF, (h >> 18) & 0x3FFF, 4)
            default:
                let h = try bytes(5)
                (regenerated, compressed, streams) = ((h >> 4) & 0x3FFFF, (h >> 22) & 0x3FFFF, 4)
            }
            guard compressed <= data.count - at else { throw Failure(message: "Zstandard compressed literals run past the block") }
            var section = UnsafeRawBufferPointer(rebasing: data[at..<at + compressed])
            at += compressed
            if type == 2 {
                let (table, used) = try Zstandard.huffmanTable(section)
                huffman = table
                section = UnsafeRawBufferPointer(rebasing: section[used...])
            }
            guard let huffman else { throw Failure(message: "Zstandard treeless literals with no earlier Huffman table") }
            var out: [UInt8] = []
            out.reserveCapacity(regenerated)
            if streams == 1 {
                try Zstandard.huffmanStream(section, table: huffman, into: &out)
            } else {
                guard section.count >= 6 else { throw Failure(message: "Zstandard literals jump table missing") }
                let sizes = (0..<3).map { Int(section[2 * $0]) | Int(section[2 * $0 + 1]) << 8 }
                var start = 6
                for size in sizes + [section.count - 6 - sizes.reduce(0, +)] {
                    guard size >= 0, start + size <= section.count else { throw Failure(message: "Zstandard literals streams exceed their section") }
                    try Zstandard.huffmanStream(UnsafeRawBufferPointer(rebasing: section[start..<start + size]), table: huffman, into: &out)
                    start += size
                }
            }
            guard out.count == regenerated else { throw Failure(message: "Zstandard literals decoded to \(out.count) bytes, not \(regenerated)") }
            return out
        }
    }

    /// A Huffman tree description (RFC 8878 4.2.1): weights direct (4 bits each) or FSE-coded.
    static func huffmanTable(_ data: UnsafeRawBufferPointer) throws -> (HuffmanTable, Int) {
        guard let header = data.first.map(Int.init) else { throw Failure(message: "Zstandard Huffman description missing") }
        var weights: [Int] = []
        var used: Int
        if header >= 128 {
            let count = header - 127
            used = 1 + (count + 1) / 2
            guard used <= data.count else { throw Failure(message: "Zstandard Huffman weights end early") }
            for i in 0..<count {
                let b = Int(data[1 + i / 2])
                weights.append(i % 2 == 0 ? b >> 4 : b & 0xF)
            }
        } else {
            used = 1 + header
            guard used <= data.count, header > 0 else { throw Failure(message: "Zstandard Huffman weights end early") }
            let section = UnsafeRawBufferPointer(rebasing: data[1..<used])
            let (table, tableBytes) = try readFSETable(section, at: 0, maxAccuracy: 6, maxSymbols: 256)
            guard tableBytes < section.count else { throw Failure(message: "Zstandard Huffman weights missing") }
            var stream = try BackwardBits(UnsafeRawBufferPointer(rebasing: section[tableBytes...]))
            var state1 = stream.read(table.accuracyLog), state2 = stream.read(table.accuracyLog)
            while weights.count < 255 {
                weights.append(Int(table.symbols[state1]))
                state1 = Int(table.base[state1]) + stream.read(Int(table.bits[state1]))
                if stream.offset < 0 {
                    weights.append(Int(table.symbols[state2]))
                    break
                }
                weights.append(Int(table.symbols[state2]))
                state2 = Int(table.base[state2]) + stream.read(Int(table.bits[state2]))
                if stream.offset < 0 {
                    weights.append(Int(table.symbols[state1]))
                    break
                }
            }
        }
        return (try HuffmanTable(weights: weights), used)
    }

    static func huffmanStream(_ data: UnsafeRawBufferPointer, table: HuffmanTable, into out: inout [UInt8]) throws {
        var stream = try BackwardBits(data)
        let mask = (1 << table.maxBits) - 1
        var state = stream.read(table.maxBits)
        while stream.offset > -table.maxBits {
            out.append(table.symbols[state])
            let n = Int(table.bits[state])
            state = ((state << n) + stream.read(n)) & mask
        }
        guard stream.offset == -table.maxBits else { throw Failure(message: "Zstandard Huffman stream does not end where it should (corrupt)") }
    }
}

/// XXH64 (seed 0), for Zstandard's content checksum.
enum XXH64 {
    static let p1: UInt64 = 0x9E37_79B1_85EB_CA87, p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F, p3: UInt64 = 0x1656_67B1_9E37_79F9
    static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63, p5: UInt64 = 0x27D4_EB2F_1656_67C5

    static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }
    static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 { rotl(acc &+ input &* p2, 31) &* p1 }
    static func merge(_ acc: UInt64, _ value: UInt64) -> UInt64 { (acc ^ round(0, value)) &* p1 &+ p4 }

    static func hash(_ slice: ArraySlice<UInt8>) -> UInt64 {
        slice.withUnsafeBytes { b in
            let n = b.count
            func u64(_ i: Int) -> UInt64 { UInt64(littleEndian: b.loadUnaligned(fromByteOffset: i, as: UInt64.self)) }
            func u32(_ i: Int) -> UInt64 { UInt64(UInt32(littleEndian: b.loadUnaligned(fromByteOffset: i, as: UInt32.self))) }
            var i = 0
            var h: UInt64
            if n >= 32 {
                var v1 = p1 &+ p2, v2 = p2, v3: UInt64 = 0, v4 = 0 &- p1
                while i + 32 <= n {
                    v1 = round(v1, u64(i))
                    v2 = round(v2, u64(i + 8))
                    v3 = round(v3, u64(i + 16))
                    v4 = round(v4, u64(i + 24))
                    i += 32
                }
                h = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
                h = merge(merge(merge(merge(h, v1), v2), v3), v4)
            } else {
                h = p5
            }
            h = h &+ UInt64(n)
            while i + 8 <= n {
                h ^= round(0, u64(i))
                h = rotl(h, 27) &* p1 &+ p4
                i += 8
            }
            if i + 4 <= n {
                h ^= u32(i) &* p1
                h = rotl(h, 23) &* p2 &+ p3
                i += 4
            }
            while i < n {
                h ^= UInt64(b[i]) &* p5
                h = rotl(h, 11) &* p1
                i += 1
            }
            h ^= h >> 33
            h = h &* p2
            h ^= h >> 29
            h = h &* p3
            h ^= h >> 32
            return h
        }
    }
}
