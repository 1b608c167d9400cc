/// MurmurHash3, x86 32-bit variant (Austin Appleby, public domain), on UTF-8 bytes. The hash
/// scikit-learn's `HashingVectorizer` uses, so dq's hashed features equal scikit-learn's.
package enum MurmurHash3 {
    package static func hash32(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt32 = 0) -> UInt32 {
        let c1: UInt32 = 0xCC9E_2D51, c2: UInt32 = 0x1B87_3593
        var h = seed
        let n = bytes.count
        let blocks = n / 4
        for i in 0..<blocks {
            var k = UInt32(bytes[4 * i]) | UInt32(bytes[4 * i + 1]) << 8 | UInt32(bytes[4 * i + 2]) << 16 | UInt32(bytes[4 * i + 3]) << 24
            k &*= c1
            k = k << 15 | k >> 17
            k &*= c2
            h ^= k
            h = h << 13 | h >> 19
            h = h &* 5 &+ 0xE654_6B64
        }
        var k: UInt32 = 0
        let tail = 4 * blocks
        switch n & 3 {
        case 3:
            k ^= UInt32(bytes[tail + 2]) << 16
            fallthrough
        case 2:
            k ^= UInt32(bytes[tail + 1]) << 8
            fallthrough
        case 1:
            k ^= UInt32(bytes[tail])
            k &*= c1
            k = k << 15 | k >> 17
            k &*= c2
            h ^= k
        default:
            break
        }
        h ^= UInt32(truncatingIfNeeded: n)
        h ^= h >> 16
        h &*= 0x85EB_CA6B
        h ^= h >> 13
        h &*= 0xC2B2_AE35
        h ^= h >> 16
        return h
    }

    /// The signed hash of a string's UTF-8 bytes, as scikit-learn's `murmurhash3_32(s, seed)`.
    package static func signedHash(_ string: String, seed: UInt32 = 0) -> Int32 {
        var s = string
        return s.withUTF8 { Int32(bitPattern: hash32($0, seed: seed)) }
    }
}
