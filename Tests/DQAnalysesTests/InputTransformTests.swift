import Testing
import DQAnalyses
import DQText

private func sample(_ text: String, _ pair: String? = nil, id: Int64 = 7) -> Sample {
    Sample(id: id, split: "train", sourceRow: 2, externalID: nil, text: text, textPair: pair, label: "a", metadata: nil)
}

@Test func shufflingKeepsTheWordsAndIsSeeded() {
    let s = sample("the quick brown fox jumps over the lazy dog", "a second text of words")
    let once = InputTransform.shuffle(seed: 1).apply(s)
    #expect(once == InputTransform.shuffle(seed: 1).apply(s))
    #expect(once.text != s.text)
    #expect(once.text.split(separator: " ").sorted() == s.text.split(separator: " ").sorted())
    #expect(once.textPair!.split(separator: " ").sorted() == s.textPair!.split(separator: " ").sorted())
    #expect(InputTransform.shuffle(seed: 2).apply(s).text != once.text)
    // Another sample with the same text gets its own order.
    #expect(InputTransform.shuffle(seed: 1).apply(sample(s.text, id: 8)).text != once.text)
    #expect(once.label == s.label && once.id == s.id)
}

@Test func pairTransformsKeepOneText() {
    let s = sample("A man plays a guitar.", "A person plays music.")
    #expect(InputTransform.textOnly.apply(s).text == s.text && InputTransform.textOnly.apply(s).textPair == nil)
    #expect(InputTransform.pairOnly.apply(s).text == "A person plays music." && InputTransform.pairOnly.apply(s).textPair == nil)
}

@Test func lengthLeavesOnlyABucketAndDropTokensRemovesListedWords() {
    #expect(InputTransform.length.apply(sample("one two three")).text == "len01to05")
    #expect(InputTransform.length.apply(sample("1 2 3 4 5 6")).text == "len06to10")
    #expect(InputTransform.length.apply(sample(Array(repeating: "w", count: 41).joined(separator: " "))).text == "len41plus")
    let dropped = InputTransform.dropTokens(["not", "never"]).apply(sample("I do NOT like it, never. Not-bad though"))
    #expect(dropped.text == "I do like it, Not-bad though")
    #expect(InputTransform.lowercase.apply(sample("MiXed Case")).text == "mixed case")
}
