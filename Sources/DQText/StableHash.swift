/// A 64-bit hash of bytes that is the same on every platform and in every run (unlike Swift's
/// `Hasher`, which is seeded per process). Used for content hashes of stored rows.
///
/// Eight bytes at a time (little-endian) are folded in with a multiply–xorshift step, the tail
/// byte by byte, and the result is finished with SplitMix64's avalanche (Steele, Lea & Flood,
/// "Fast splittable pseudorandom number generators", OOPSLA 2014). With n distinct inputs the
/// chance of any collision is about n²/2⁶⁵ (3·10⁻⁸ for a million rows).
package struct StableHash {
    private var state: UInt64
    private var length: UInt64 = 0

    package init(seed: UInt64 = 0x243F_6A88_85A3_08D3) {
        state = seed
    }

    @inline(__always)
    private static func mix(_ h: UInt64, _ word: UInt64) -> UInt64 {
        var x = (h ^ word) &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 29
        return x
    }

    package mutating func combine(buffer: UnsafeBufferPointer<UInt8>) {
        var h = state
        var i = 0
        let n = buffer.count
        if let base = buffer.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= n {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                h = StableHash.mix(h, word)
                i += 8
            }
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(buffer[i]) << shift
            shift += 8
            i += 1
        }
        h = StableHash.mix(h, tail ^ (UInt64(n) << 56))
        state = h
        length &+= UInt64(n)
    }

    package mutating func combine(_ string: String) {
        var s = string
        s.withUTF8 { combine(buffer: $0) }
    }

    /// Adds a field separator that cannot be confused with any string content, so that
    /// ("ab", "c") and ("a", "bc") hash differently.
    package mutating func combineOptional(_ string: String?) {
        guard var string else { return combineOptional(utf8: nil) }
        string.withUTF8 { combineOptional(utf8: $0) }
    }

    /// `combineOptional` for a string given as its UTF-8 bytes.
    package mutating func combineOptional(utf8 bytes: UnsafeBufferPointer<UInt8>?) {
        if let bytes {
            state = StableHash.mix(state, 1)
            combine(buffer: bytes)
        } else {
            state = StableHash.mix(state, 2)
        }
    }

    package func finalize() -> UInt64 {
        var z = state ^ length
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The hash of one string.
    package static func hash(_ string: String) -> UInt64 {
        var h = StableHash()
        h.combine(string)
        return h.finalize()
    }
}
