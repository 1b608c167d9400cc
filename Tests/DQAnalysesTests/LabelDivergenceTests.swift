import Foundation
import Testing
import DQTestSupport
@testable import DQAnalyses
import DQLearning
import DQStore
import DQText

@Test func jensenShannonOfAHandComputedPair() {
    // A: "a a b" → P = (3, 2, 1)/6 with α = 1 over {a, b, c}; B: "b c" → Q = (1, 2, 2)/5.
    // ½ Σ P log2(P/M) + ½ Σ Q log2(Q/M), M = (P + Q)/2, worked out by hand: 0.0858020931573770.
    var counts = LabelDivergence.Counts()
    counts.add(label: "A", tokens: ["a", "a", "b"])
    counts.add(label: "B", tokens: ["b", "c"])
    let pair = LabelDivergence.pairs(counts, options: .init())[0]
    #expect(abs(pair.divergence - 0.08580209315737704) < 1e-12)
    #expect(pair.towardA.first?.token == "a")
    #expect(pair.towardB.first?.token == "c")
    #expect(pair.tokensA == 3 && pair.tokensB == 2)
}

/// Plain JSD in bits of two count vectors with add-α smoothing, written out for the tests.
private func handJSD(_ a: [Double], _ b: [Double], alpha: Double) -> Double {
    let v = Double(a.count)
    let p = a.map { ($0 + alpha) / (a.reduce(0, +) + alpha * v) }, q = b.map { ($0 + alpha) / (b.reduce(0, +) + alpha * v) }
    return zip(p, q).reduce(0) { total, pq in
        let m = (pq.0 + pq.1) / 2
        return total + 0.5 * pq.0 * log2(pq.0 / m) + 0.5 * pq.1 * log2(pq.1 / m)
    }
}

@Test func thePermutationBaselineOfAHandComputedPairIsTheMeanOverEverySplit() {
    // A holds two samples "x", B one sample "y". Splitting the three samples into groups of two
    // and one: {x, x | y} once (the observed one) and {x, y | x} twice.
    var bags = LabelDivergence.Bags()
    bags.labels = ["A", "B"]
    bags.samples = ["A": [[0], [0]], "B": [[1]]]
    bags.vocabularySize = 2
    let observed = handJSD([2, 0], [0, 1], alpha: 1), mixed = handJSD([1, 1], [1, 0], alpha: 1)
    let baseline = LabelDivergence.baseline(bags, a: "A", b: "B", options: .init(), permutations: 50, seed: 1)
    #expect(baseline.exact && baseline.permutations == 3)
    #expect(abs(baseline.mean - (observed + 2 * mixed) / 3) < 1e-15)
    // The observed JSD from counts is the first split's.
    var counts = LabelDivergence.Counts()
    counts.add(label: "A", tokens: ["x"])
    counts.add(label: "A", tokens: ["x"])
    counts.add(label: "B", tokens: ["y"])
    #expect(abs(LabelDivergence.pairs(counts, options: .init())[0].divergence - observed) < 1e-15)
    // With the global vocabulary, words of other labels count as absent from both.
    bags.vocabularySize = 5
    var global = LabelDivergence.Options()
    global.vocabulary = .global
    let wide = LabelDivergence.baseline(bags, a: "A", b: "B", options: global, permutations: 50, seed: 1)
    let wideHand = (handJSD([2, 0, 0, 0, 0], [0, 1, 0, 0, 0], alpha: 1) + 2 * handJSD([1, 1, 0, 0, 0], [1, 0, 0, 0, 0], alpha: 1)) / 3
    #expect(abs(wide.mean - wideHand) < 1e-15)
}

@Test func randomPermutationsAreSeededAndCentreLabelsWithoutSignalOnZero() {
    // Two labels drawn from one word distribution: their excess is near 0, whatever their sizes.
    var rng = SplitMix64(seed: 5)
    var bags = LabelDivergence.Bags()
    bags.labels = ["big", "small"]
    func sample() -> [Int32] { (0..<8).map { _ in Int32(rng.next() % 30) } }
    bags.samples = ["big": (0..<400).map { _ in sample() }, "small": (0..<12).map { _ in sample() }]
    bags.vocabularySize = 30
    var counts = LabelDivergence.Counts()
    for label in bags.labels { for s in bags.samples[label]! { counts.add(label: label, tokens: s.map { "w\($0)" }) } }
    let observed = LabelDivergence.pairs(counts, options: .init())[0].divergence
    let one = LabelDivergence.baseline(bags, a: "big", b: "small", options: .init(), permutations: 200, seed: 9)
    #expect(!one.exact && one.permutations == 200)
    #expect(one == LabelDivergence.baseline(bags, a: "big", b: "small", options: .init(), permutations: 200, seed: 9))
    #expect(one != LabelDivergence.baseline(bags, a: "big", b: "small", options: .init(), permutations: 200, seed: 10))
    #expect(observed > 0.02 && abs(observed - one.mean) < 0.25 * observed)
}

@Test func identicalDistributionsHaveZeroDivergenceAndDisjointOnesOneBit() {
    var same = LabelDivergence.Counts()
    same.add(label: "A", tokens: ["x", "y"])
    same.add(label: "B", tokens: ["y", "x"])
    #expect(abs(LabelDivergence.pairs(same, options: .init())[0].divergence) < 1e-15)
    var apart = LabelDivergence.Counts()
    apart.add(label: "A", tokens: ["x"])
    apart.add(label: "B", tokens: ["y"])
    var noSmoothing = LabelDivergence.Options()
    noSmoothing.alpha = 0
    #expect(abs(LabelDivergence.pairs(apart, options: noSmoothing)[0].divergence - 1) < 1e-15)
}

private struct Golden: Decodable {
    struct Case: Decodable { var a: String; var b: String; var alpha: Double; var log_base: Double; var vocab: String; var jsd: Double }
    var cases: [Case]
}

@Test func divergencesOfTRECEqualSciPys() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/divergence_golden.json")
    let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
    let store = try Store(path: scratchPath("jsd.sqlite"))
    try store.ingest(file: fixture("demo/trec/train.csv"), options: IngestOptions(dataset: "trec"))
    let counts = try LabelDivergence.count(try store.samples(dataset: try store.requireDataset("trec")), options: .init())
    #expect(golden.cases.count == 45)
    for c in golden.cases {
        var options = LabelDivergence.Options()
        options.alpha = c.alpha
        options.logBase = c.log_base
        options.vocabulary = c.vocab == "global" ? .global : .pair
        let pair = try #require(LabelDivergence.pairs(counts, options: options).first { Set([$0.a, $0.b]) == Set([c.a, c.b]) })
        #expect(abs(pair.divergence - c.jsd) < 1e-9, "\(c.a)–\(c.b) α \(c.alpha): \(pair.divergence) vs \(c.jsd)")
    }
}

@Test func theASCIIPathFindsTheSameWordsAsTheUnicodePath() {
    for text in ["Hello, World!", "snake_case x2 Y3", "  MiXeD 123 case. ", "~`!@#$%^&*()", "tab\there\nnew"] {
        // Appending a non-ASCII word sends the text down the Unicode path.
        #expect(WordTokens.split(text + " é") == WordTokens.split(text) + ["é"])
    }
}

@Test func wordsAreLowerCasedRunsOfLettersAndDigits() {
    #expect(WordTokens.split("What's the U.S. 2nd-largest city? Café!") == ["what", "s", "the", "u", "s", "2nd", "largest", "city", "café"])
}

