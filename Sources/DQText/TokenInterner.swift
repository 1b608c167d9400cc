/// Dense ids for word tokens (`WordTokens`), assigned straight from a text's UTF-8 bytes: ASCII
/// text (the common case) is tokenised and looked up without creating a `String` per token,
/// which is what makes counting and indexing a million texts fast. Ids are given in order of
/// first appearance, from 0.
public struct TokenInterner: Sendable {
    /// Every token's bytes, one after another; token i is `arena[starts[i]..<starts[i + 1]]`.
    private var arena: [UInt8] = []
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Open addressing over token ids (-1: empty), kept at most half full.
    private var slots: [Int32] = Array(repeating: -1, count: 1024)

    public init() {}

    /// The number of distinct tokens seen.
    public var count: Int { hashes.count }

    /// The text of token `id`.
    public func token(_ id: Int32) -> String {
        String(decoding: arena[starts[Int(id)]..<starts[Int(id) + 1]], as: UTF8.self)
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
    public mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        intern(bytes, hash: TokenInterner.hash(bytes))
    }

    private mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int32 {
        let (slot, found) = find(bytes, hash: hash)
        if found { return slots[slot] }
        let id = Int32(hashes.count)
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        hashes.append(hash)
        slots[slot] = id
        if hashes.count * 2 > slots.count { grow() }
        return id
    }

    /// Appends the ids of `text`'s word tokens to `ids`, adding new tokens.
    public mutating func appendIDs(of text: String, to ids: inout [Int32]) {
        forEachToken(of: text) { ids.append(intern($0)) }
    }

    /// Appends the ids of `text`'s word tokens that have been seen; unseen ones are skipped.
    public func appendKnownIDs(of text: String, to ids: inout [Int32]) {
        forEachToken(of: text) { bytes in
            let (slot, found) = find(bytes, hash: TokenInterner.hash(bytes))
            if found { ids.append(slots[slot]) }
        }
    }

    /// Appends the ids of the word tokens of UTF-8 `bytes`, adding new tokens. ASCII text is
    /// cut, lower-cased and hashed in one pass over its bytes.
    public mutating func appendIDs(ofUTF8 bytes: UnsafeBufferPointer<UInt8>, to ids: inout [Int32]) {
        let start = ids.count
        let ascii = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(bytes.count, 1)) { token -> Bool in
            var length = 0
            var h = TokenInterner.offsetBasis
            for byte in bytes {
                if byte >= 0x80 { return false }
                let lower = byte | 0x20
                let kept: UInt8
                if byte >= 0x30 && byte <= 0x39 {
                    kept = byte
                } else if lower >= 0x61 && lower <= 0x7A {
                    kept = lower
                } else {
                    if length > 0 {
                        ids.append(intern(UnsafeBufferPointer(rebasing: token[0..<length]), hash: TokenInterner.finish(h)))
                        length = 0
                        h = TokenInterner.offsetBasis
                    }
                    continue
                }
                token[length] = kept
                length += 1
                h = (h ^ UInt64(kept)) &* TokenInterner.prime
            }
            if length > 0 { ids.append(intern(UnsafeBufferPointer(rebasing: token[0..<length]), hash: TokenInterner.finish(h))) }
            return true
        }
        if ascii { return }
        ids.removeSubrange(start...)
        for var word in WordTokens.split(String(decoding: bytes, as: UTF8.self)) { word.withUTF8 { ids.append(intern($0)) } }
    }

    /// Calls `body` with the UTF-8 bytes of every word token of `text`, as `WordTokens.split`
    /// cuts them.
    private func forEachToken(of text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var text = text
        if text.withUTF8({ TokenInterner.forEachASCIIToken(of: $0, body) }) { return }
        for var word in WordTokens.split(text) { word.withUTF8 { body($0) } }
    }

    /// `WordTokens.split` on bytes for ASCII text: calls `body` with each lower-cased token and
    /// returns true; returns false, calling nothing, for text that is not all ASCII.
    private static func forEachASCIIToken(of bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) -> Bool {
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return false }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(bytes.count, 1)) { token in
            var length = 0
            for byte in bytes {
                let lower = byte | 0x20
                if byte >= 0x30 && byte <= 0x39 {
                    token[length] = byte
                    length += 1
                } else if lower >= 0x61 && lower <= 0x7A {
                    token[length] = lower
                    length += 1
                } else if length > 0 {
                    body(UnsafeBufferPointer(rebasing: token[0..<length]))
                    length = 0
                }
            }
            if length > 0 { body(UnsafeBufferPointer(rebasing: token[0..<length])) }
        }
        return true
    }

    /// The slot holding `bytes`, or the empty slot where it would go.
    private func find(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (slot: Int, found: Bool) {
        slots.withUnsafeBufferPointer { slots in
            hashes.withUnsafeBufferPointer { hashes in
                let mask = slots.count - 1
                var slot = Int(truncatingIfNeeded: hash) & mask
                while true {
                    let id = slots[slot]
                    if id < 0 { return (slot, false) }
                    if hashes[Int(id)] == hash && equal(Int(id), bytes) { return (slot, true) }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    private func equal(_ id: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[id], end = starts[id + 1]
        guard end - start == bytes.count else { return false }
        return arena.withUnsafeBufferPointer { arena in
            // Word tokens are short: a loop beats a call to memcmp.
            for i in 0..<bytes.count where arena[start + i] != bytes[i] { return false }
            return true
        }
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (id, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id)
        }
    }

    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x100_0000_01b3

    /// FNV-1a, 64-bit, with a final mix so that the low bits used for slots are well spread.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = offsetBasis
        for byte in bytes { h = (h ^ UInt64(byte)) &* prime }
        return finish(h)
    }

    private static func finish(_ h: UInt64) -> UInt64 {
        var h = h
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        return h ^ (h >> 33)
    }
}
