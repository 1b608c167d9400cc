/// Classifies eight ASCII bytes at once (SWAR: SIMD within a 64-bit register), for the word
/// tokens of `WordTokens`: which bytes are letters or digits, and the bytes lower-cased.
///
/// For a byte b < 0x80, b + (0x80 − c) has its high bit set exactly when b ≥ c, and never
/// carries into the next byte; two such tests bound each range ('0'…'9', and 'a'…'z' after
/// OR-ing 0x20, which maps 'A'…'Z' onto 'a'…'z' and keeps every byte below 0x80). The high
/// bits of the eight bytes are gathered into one byte by a multiplication
/// (bit 8k · 2^(56 − 7k) lands on bit 56 + k; no two partial products meet there).
enum ASCIIWords {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// `word`: eight bytes, first byte lowest, every byte below 0x80. Returns the bytes with
    /// letters lower-cased, and a byte whose bit k says whether byte k is a letter or a digit.
    @inline(__always)
    static func classify(_ word: UInt64) -> (folded: UInt64, flags: UInt8) {
        let digit = atLeast(word, 0x30) & ~atLeast(word, 0x3A)
        let lower = word | (ones &* 0x20)
        let letter = atLeast(lower, 0x61) & ~atLeast(lower, 0x7B)
        let flags = (((digit | letter) &>> 7) &* 0x0102_0408_1020_4080) &>> 56
        return (word | (letter &>> 2), UInt8(truncatingIfNeeded: flags))
    }

    /// The high bit of each byte of `word` set where that byte is ≥ `bound`.
    @inline(__always)
    private static func atLeast(_ word: UInt64, _ bound: UInt8) -> UInt64 {
        (word &+ ones &* UInt64(0x80 &- bound)) & highBits
    }
}
