/// Dense ids for word tokens (`WordTokens`), assigned straight from a text's UTF-8 bytes: ASCII
/// text (the common case) is classified eight bytes at a time, hashed and looked up without
/// creating a `String` per token, which is what makes counting and indexing a million texts
/// fast. Ids are given in order of first appearance, from 0.
///
/// A class over manually managed buffers, so that the per-token path touches no reference
/// counts (with Swift arrays, every buffer access retained and released its storage). Not safe
/// for concurrent use while tokens are added; read-only use may be shared.
package final class TokenInterner: @unchecked Sendable {
    /// Every token's bytes, one after another; token i is `arena[starts[i]..<starts[i + 1]]`.
    /// Allocated 8 bytes longer than `arenaCapacity`, so that tokens compare a word at a time.
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCapacity = 4096
    private var starts: UnsafeMutablePointer<Int>
    private var hashes: UnsafeMutablePointer<UInt64>
    private var tokenCapacity = 1024
    /// Open addressing over token ids (-1: empty), kept at most half full.
    private var slots: UnsafeMutablePointer<Int32>
    private var slotCount = 2048
    /// The number of distinct tokens seen.
    package private(set) var count = 0

    package init() {
        arena = .allocate(capacity: arenaCapacity + 8)
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
    package func token(_ id: Int32) -> String {
        let start = starts[Int(id)], end = starts[Int(id) + 1]
        return String(decoding: UnsafeBufferPointer(start: arena + start, count: end - start), as: UTF8.self)
    }

    /// The id of `token`, if it has been seen.
    package func id(of token: String) -> Int32? {
        var token = token
        return token.withUTF8 { bytes in
            withPadded(bytes) { padded in
                let (slot, found) = find(padded, hash: TokenInterner.hash(padded))
                return found ? slots[slot] : nil
            }
        }
    }

    /// The id of `bytes`, added if new.
    package func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        withPadded(bytes) { intern($0, hash: TokenInterner.hash($0)) }
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
            arena = TokenInterner.grown(arena, from: start, to: capacity + 8)
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
    package func appendIDs(of text: String, to ids: inout [Int32]) {
        var text = text
        text.withUTF8 { appendIDs(ofUTF8: $0, to: &ids) }
    }

    /// Appends the ids of `text`'s word tokens that have been seen; unseen ones are skipped.
    package func appendKnownIDs(of text: String, to ids: inout [Int32]) {
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
    package func appendIDs(ofUTF8 bytes: UnsafeBufferPointer<UInt8>, to ids: inout [Int32]) {
        forEachToken(of: bytes) { token, hash in ids.append(intern(token, hash: hash)) }
    }

    /// Adds one to `counts[id]` for the id of each word token of UTF-8 `bytes`, adding new tokens;
    /// `counts` is first grown with zeros so that every id the text can produce has a place
    /// (it may end up longer than `count`).
    package func countIDs(ofUTF8 bytes: UnsafeBufferPointer<UInt8>, into counts: inout [Int]) {
        // A text of n bytes holds at most (n + 1) / 2 tokens, hence at most that many new ids.
        let needed = count + (bytes.count + 1) / 2
        if counts.count < needed { counts += repeatElement(0, count: needed - counts.count) }
        counts.withUnsafeMutableBufferPointer { counts in
            let base = counts.baseAddress!
            forEachToken(of: bytes) { token, hash in base[Int(intern(token, hash: hash))] &+= 1 }
        }
    }

    /// Calls `body` with every word token of `bytes` (as `WordTokens.split` cuts them) and its
    /// hash; each token's buffer has at least 8 readable bytes after its end (see `hash`). ASCII
    /// text is classified eight bytes at a time (`ASCIIWords`) and its tokens are found as runs
    /// of set bits, with no branch per byte; other text goes through `WordTokens.split`.
    @inline(__always)
    private func forEachToken(of bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>, UInt64) -> Void) {
        let n = bytes.count
        guard let base = bytes.baseAddress, n > 0 else { return }
        let words = (n + 7) / 8, maskWords = (words + 7) / 8
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: words + 1 + maskWords) { scratch in
            let lowered = scratch.baseAddress!, masks = lowered + words + 1
            // The text in words, zero-padded; the padding word is what `hash` may over-read.
            lowered[words - 1] = 0
            lowered[words] = 0
            UnsafeMutableRawPointer(lowered).copyMemory(from: base, byteCount: n)
            var high: UInt64 = 0
            for w in 0..<words { high |= lowered[w] }
            guard high & 0x8080_8080_8080_8080 == 0 else {
                for var word in WordTokens.split(String(decoding: bytes, as: UTF8.self)) {
                    word.withUTF8 { token in withPadded(token) { body($0, TokenInterner.hash($0)) } }
                }
                return
            }
            for m in 0..<maskWords { masks[m] = 0 }
            for w in 0..<words {
                let (folded, flags) = ASCIIWords.classify(lowered[w])
                lowered[w] = folded
                masks[w &>> 3] |= UInt64(flags) &<< UInt64((w & 7) &* 8)
            }
            let text = UnsafeRawPointer(lowered).assumingMemoryBound(to: UInt8.self)
            var start = -1
            for m in 0..<maskWords {
                let mask = masks[m], offset = m &* 64
                var bit = 0
                while bit < 64 {
                    if start < 0 {
                        let rest = mask &>> UInt64(bit)
                        if rest == 0 { break }
                        bit &+= rest.trailingZeroBitCount
                        start = offset &+ bit
                    } else {
                        let rest = ~mask &>> UInt64(bit)
                        if rest == 0 { break }
                        bit &+= rest.trailingZeroBitCount
                        let token = UnsafeBufferPointer(start: text + start, count: offset &+ bit &- start)
                        body(token, TokenInterner.hash(token))
                        start = -1
                    }
                }
            }
            if start >= 0 {
                let token = UnsafeBufferPointer(start: text + start, count: n &- start)
                body(token, TokenInterner.hash(token))
            }
        }
    }

    /// Calls `body` with a copy of `bytes` that has 8 readable bytes after its end.
    private func withPadded<R>(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count + 8) { buffer in
            let base = buffer.baseAddress!
            if let source = bytes.baseAddress { base.update(from: source, count: bytes.count) }
            (base + bytes.count).initialize(repeating: 0, count: 8)
            return body(UnsafeBufferPointer(start: base, count: bytes.count))
        }
    }

    /// The slot holding `bytes`, or the empty slot where it would go. `bytes` and the arena both
    /// have 8 readable bytes after their ends, so tokens are compared a word at a time.
    @inline(__always)
    private func find(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (slot: Int, found: Bool) {
        let mask = slotCount - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let id = Int(slots[slot])
            if id < 0 { return (slot, false) }
            if hashes[id] == hash && starts[id + 1] - starts[id] == bytes.count
                && TokenInterner.equal(UnsafeRawPointer(arena + starts[id]), UnsafeRawPointer(bytes.baseAddress!), count: bytes.count) {
                return (slot, true)
            }
            slot = (slot + 1) & mask
        }
    }

    /// Whether `count` bytes at `a` and `b` are equal, compared eight at a time (both must have
    /// 8 readable bytes past `count`).
    @inline(__always)
    private static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
        var i = 0
        while i &+ 8 <= count {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i &+= 8
        }
        guard i < count else { return true }
        let keep = ~UInt64(0) &>> UInt64(64 &- 8 &* (count &- i))
        return (a.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ b.loadUnaligned(fromByteOffset: i, as: UInt64.self)) & keep == 0
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

    /// The hash of a token: its bytes read eight at a time, the last word zero-padded by a mask
    /// (so `bytes` must have 8 readable bytes after its end), each word folded in with a
    /// multiply-xorshift mix (SplitMix64's finaliser), seeded by the length.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = bytes.count
        var h = UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15
        guard let base = bytes.baseAddress else { return mix(h) }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i &+ 8 <= n {
            h = mix(h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i &+= 8
        }
        if i < n {
            let keep = ~UInt64(0) &>> UInt64(64 &- 8 &* (n &- i))
            h = mix(h ^ (raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & keep))
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
