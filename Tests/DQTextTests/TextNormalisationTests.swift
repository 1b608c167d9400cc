import Testing
import DQText

@Test func duplicateKeysFoldCaseSpacingAndPunctuation() {
    #expect(TextNormalisation.duplicateKey("John wrote books.") == "john wrote books")
    #expect(TextNormalisation.duplicateKey("  JOHN,  wrote books!") == "john wrote books")
    #expect(TextNormalisation.duplicateKey("Café — naïve") == "café naïve")
    #expect(TextNormalisation.duplicateKey("won't") == "won t")
    #expect(TextNormalisation.duplicateKey("...") == "")
}

@Test func whitespaceTokensAreCounted() {
    #expect(TextNormalisation.whitespaceTokenCount("") == 0)
    #expect(TextNormalisation.whitespaceTokenCount("  one\ttwo\nthree  ") == 3)
}

@Test func stableHashesArePinnedAndSeparateFields() {
    // Pinned values, computed by an independent Python transcription of the algorithm: a change
    // here would change every stored content hash, so stores written before would not dedupe.
    #expect(StableHash.hash("") == 0x43a2_b65f_116a_ae0a)
    #expect(StableHash.hash("abc") == 0x4ea7_d444_9b1c_c955)
    #expect(StableHash.hash("a longer text, past eight bytes: é") == 0xbf23_23f9_f757_4228)
    #expect(StableHash.hash("abc") != StableHash.hash("abd"))
    var a = StableHash(), b = StableHash()
    a.combineOptional("ab"); a.combineOptional("c")
    b.combineOptional("a"); b.combineOptional("bc")
    #expect(a.finalize() != b.finalize())
    var c = StableHash(), d = StableHash()
    c.combineOptional(nil); d.combineOptional("")
    #expect(c.finalize() != d.finalize())
}

@Test func stableHashesDoNotCollideOnManySimilarStrings() {
    var seen = Set<UInt64>()
    for i in 0..<200_000 { seen.insert(StableHash.hash("row \(i) text")) }
    #expect(seen.count == 200_000)
}

@Test func theASCIIPathAgreesWithTheUnicodePath() {
    // The same text with one non-ASCII character appended goes down the general path.
    for text in ["Hello,  World!", "a-b_c d'e", "  MiXeD 123 case. ", "~`!@#$%^&*()", "tab\there\nnew"] {
        let expected = [TextNormalisation.duplicateKey(text), "é"].filter { !$0.isEmpty }.joined(separator: " ")
        #expect(TextNormalisation.duplicateKey(text + " é") == expected)
    }
}
