/// Dense ids for word tokens (`WordTokens`), assigned straight from a text's UTF-8 bytes: ASCII
/// text (the common case) is tokenised, lower-cased, hashed and looked up in one pass without
/// creating a `String` per token, which is what makes counting and indexing a million texts
/// fast. Ids are given in order of first appearance, from 0.
///
/// A class over manually managed buffers, so that the per-token path touches no reference
/// counts (with Swift arrays, every buffer access retained and released its storage). Not safe
/// for concurrent use while tokens are added; read-only use may be shared.
public final class TokenInterner: @unchecked Sendable {
    /// Every token's bytes, one after another; token i is `arena[starts[i]..<starts[i + 1]]`.
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCapacity = 4096
    private var starts: UnsafeMutablePointer<Int>
    private var hashes: UnsafeMutablePointer<UInt64>
    private var tokenCapacity = 1024
    /// Open addressing over token ids (-1: empty), kept at most half full.
    private var slots: UnsafeMutablePointer<Int32>
    private var slotCount = 2048
    /// The number of distinct tokens seen.
    public private(set) var count = 0

    public init() {
        arena = .allocate(capacity: arenaCapacity)
        starts = .allocate(capacity: tokenCapacity + 1)
        starts[0] = 0
        hashes = .allocate(capacity: tokenCapacity)
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: -1, count: slotCount)
    }

    deinit {
        arena.deallocate()
        starts.deallocate()
        hashes.deallocate()
        slots.deallocate()
    }

    /// The text of token `id`.
    public func token(_ id: Int32) -> String {
        let start = starts[Int(id)], end = starts[Int(id) + 1]
        return String(decoding: UnsafeBufferPointer(start: arena + start, count: end - start), as: UTF8.self)
    }

    /// The id of `token`, if it has been seen.
    public func id(of token: String) -> Int32? {
        var token = token
        return token.withUTF8 { bytes in
            let (slot, found) = find(bytes, hash: TokenInterner.hash(bytes))
            return found ? slots[slot] : nil
        }
    }

    /// The id of `bytes`, added if new.
    public func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        intern(bytes, hash: TokenInterner.hash(bytes))
    }

    @inline(__always)
    private func intern(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int32 {
        let (slot, found) = find(bytes, hash: hash)
        if found { return slots[slot] }
        return add(bytes, hash: hash, slot: slot)
    }

    private func add(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64, slot: Int) -> Int32 {
        let id = count
        if id == tokenCapacity {
            tokenCapacity *= 2
            starts = TokenInterner.grown(starts, from: id + 1, to: tokenCapacity + 1)
            hashes = TokenInterner.grown(hashes, from: id, to: tokenCapacity)
        }
        let start = starts[id]
        if start + bytes.count > arenaCapacity {
            let capacity = max(arenaCapacity * 2, start + bytes.count)
            arena = TokenInterner.grown(arena, from: start, to: capacity)
            arenaCapacity = capacity
        }
        if let base = bytes.baseAddress { (arena + start).update(from: base, count: bytes.count) }
        starts[id + 1] = start + bytes.count
        hashes[id] = hash
        slots[slot] = Int32(id)
        count += 1
        if count * 2 > slotCount { rehash() }
        return Int32(id)
    }

    /// Appends the ids of `text`'s word tokens to `ids`, adding new tokens.
    public func appendIDs(of text: String, to ids: inout [Int32]) {
        var text = text
        text.withUTF8 { appendIDs(ofUTF8: $0, to: &ids) }
    }

    /// Appends the ids of `text`'s word tokens that have been seen; unseen ones are skipped.
    public func appendKnownIDs(of text: String, to ids: inout [Int32]) {
        var all: [Int32] = []
        var text = text
        text.withUTF8 { bytes in
            forEachToken(of: bytes) { token, hash in
                let (slot, found) = find(token, hash: hash)
                if found { all.append(slots[slot]) }
            }
        }
        ids += all
    }

    /// Appends the ids of the word tokens of UTF-8 `bytes`, adding new tokens.
    public func appendIDs(ofUTF8 bytes: UnsafeBufferPointer<UInt8>, to ids: inout [Int32]) {
        forEachToken(of: bytes) { token, hash in ids.append(intern(token, hash: hash)) }
    }

    /// Calls `body` with every word token of `bytes` (as `WordTokens.split` cuts them) and its
    /// hash. ASCII text is cut and lower-cased in one pass; other text goes through
    /// `WordTokens.split`.
    @inline(__always)
    private func forEachToken(of bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>, UInt64) -> Void) {
        guard TokenInterner.isASCII(bytes) else {
            for var word in WordTokens.split(String(decoding: bytes, as: UTF8.self)) {
                word.withUTF8 { body($0, TokenInterner.hash($0)) }
            }
            return
        }
        TokenInterner.fold.withUnsafeBufferPointer { fold in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(bytes.count, 1)) { buffer in
                guard let token = buffer.baseAddress else { return }
                var length = 0
                for byte in bytes {
                    let kept = fold[Int(byte)]
                    if kept != 0 {
                        token[length] = kept
                        length &+= 1
                    } else if length > 0 {
                        let piece = UnsafeBufferPointer(start: token, count: length)
                        body(piece, TokenInterner.hash(piece))
                        length = 0
                    }
                }
                if length > 0 {
                    let piece = UnsafeBufferPointer(start: token, count: length)
                    body(piece, TokenInterner.hash(piece))
                }
            }
        }
    }

    /// Whether every byte is below 0x80, checked eight at a time.
    @inline(__always)
    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var i = 0
        var high: UInt64 = 0
        while i &+ 8 <= bytes.count {
            high |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i &+= 8
        }
        while i < bytes.count {
            high |= UInt64(base[i])
            i &+= 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// ASCII byte → its lower-cased form if it is a letter or digit, else 0.
    private static let fold: [UInt8] = (0..<256).map { b -> UInt8 in
        let byte = UInt8(b)
        if byte >= 0x30 && byte <= 0x39 { return byte }
        if byte >= 0x61 && byte <= 0x7A { return byte }
        if byte >= 0x41 && byte <= 0x5A { return byte | 0x20 }
        return 0
    }

    /// The slot holding `bytes`, or the empty slot where it would go.
    @inline(__always)
    private func find(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (slot: Int, found: Bool) {
        let mask = slotCount - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let id = Int(slots[slot])
            if id < 0 { return (slot, false) }
            if hashes[id] == hash && starts[id + 1] - starts[id] == bytes.count {
                let stored = arena + starts[id]
                var same = true
                for i in 0..<bytes.count where stored[i] != bytes[i] {
                    same = false
                    break
                }
                if same { return (slot, true) }
            }
            slot = (slot + 1) & mask
        }
    }

    private func rehash() {
        slots.deallocate()
        slotCount *= 2
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: -1, count: slotCount)
        let mask = slotCount - 1
        for id in 0..<count {
            var slot = Int(truncatingIfNeeded: hashes[id]) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id)
        }
    }

    private static func grown<T>(_ pointer: UnsafeMutablePointer<T>, from count: Int, to capacity: Int) -> UnsafeMutablePointer<T> {
        let bigger = UnsafeMutablePointer<T>.allocate(capacity: capacity)
        bigger.moveInitialize(from: pointer, count: count)
        pointer.deallocate()
        return bigger
    }

    /// The hash of a token: its bytes read eight at a time (the last word zero-padded), each
    /// word folded in with a multiply-xorshift mix (SplitMix64's finaliser), seeded by the length.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard let base = bytes.baseAddress else { return mix(0) }
        let n = bytes.count
        var h = UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15
        var i = 0
        while i &+ 8 <= n {
            h = mix(h ^ UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            i &+= 8
        }
        if i < n {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(base[i]) << shift
                shift &+= 8
                i &+= 1
            }
            h = mix(h ^ tail)
        }
        return h
    }

    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
