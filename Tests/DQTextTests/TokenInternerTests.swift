import Testing
import DQText

@Test func internedIdsAreDenseInOrderOfFirstSightAndRoundTrip() {
    let interner = TokenInterner()
    var ids: [Int32] = []
    interner.appendIDs(of: "The cat, the CAT and the hat!", to: &ids)
    #expect(ids == [0, 1, 0, 1, 2, 0, 3])
    #expect((0..<4).map { interner.token(Int32($0)) } == ["the", "cat", "and", "hat"])
    #expect(interner.id(of: "hat") == 3 && interner.id(of: "dog") == nil)
    var known: [Int32] = []
    interner.appendKnownIDs(of: "a hat on the dog", to: &known)
    #expect(known == [3, 0])
    #expect(interner.count == 4)
}

@Test func internedTokensAreWordTokensForAnyTextAndSurviveGrowth() {
    let interner = TokenInterner()
    // Non-ASCII text takes the Unicode path; ASCII text the byte path: both cut as WordTokens.
    for text in ["Café déjà-vu 2nd", "naïve CAFÉ", "plain ASCII text, with 42 numbers", "", "   ", "snake_case x2"] {
        var ids: [Int32] = []
        interner.appendIDs(of: text, to: &ids)
        #expect(ids.map { interner.token($0) } == WordTokens.split(text), "\(text)")
    }
    // Thousands of distinct tokens, long and short: ids and texts stay right after the tables grow.
    let words = (0..<5000).map { "w\($0)" + String(repeating: "x", count: $0 % 23) }
    var ids: [Int32] = []
    interner.appendIDs(of: words.joined(separator: " "), to: &ids)
    #expect(Set(ids).count == 5000)
    #expect(zip(ids, words).allSatisfy { interner.token($0) == $1 && interner.id(of: $1) == $0 })
}

@Test func asciiTextIsCutEightBytesAtATimeExactlyAsWordTokens() {
    // Every ASCII byte, with runs of word characters 1 to 150 bytes long that cross the 8- and
    // 64-byte blocks of the word-at-a-time classifier at every offset; compared with the
    // byte-by-byte split. The bytes come from a fixed linear congruential sequence.
    var state: UInt64 = 12345
    func next(_ bound: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int(state >> 33) % bound
    }
    let wordBytes = Array("azAZ09mQ".utf8)
    for length in 0..<300 {
        var bytes: [UInt8] = []
        while bytes.count < length {
            if next(2) == 0 {
                bytes += (0..<(1 + next(150))).map { _ in wordBytes[next(wordBytes.count)] }
            } else {
                bytes.append(UInt8(next(128)))
            }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let interner = TokenInterner()
        var ids: [Int32] = []
        interner.appendIDs(of: text, to: &ids)
        #expect(ids.map { interner.token($0) } == WordTokens.split(text), "\(bytes)")
    }
}

@Test func countsByIdMatchTheIdsOfEachText() {
    let interner = TokenInterner()
    var counts: [Int] = []
    for text in ["the cat and the hat", "a a a", "Café au lait, the end", ""] {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBufferPointer { interner.countIDs(ofUTF8: UnsafeBufferPointer($0), into: &counts) }
    }
    var ids: [Int32] = []
    interner.appendIDs(of: "the cat and the hat a a a Café au lait, the end", to: &ids)
    var expected = [Int](repeating: 0, count: interner.count)
    for id in ids { expected[Int(id)] += 1 }
    #expect(counts.count >= interner.count)
    #expect(Array(counts.prefix(interner.count)) == expected && counts.dropFirst(interner.count).allSatisfy { $0 == 0 })
    #expect(counts[Int(interner.id(of: "the")!)] == 3)
}
