import Testing
import DQAnalyses

// Toy corpus: N = 3, lengths 3, 6, 3, avgdl = 4. With k1 = 1.2, b = 0.75 the length norms
// k1·(1 − b + b·|d|/avgdl) are 0.975, 1.65 and 0.975.
private let corpus = ["The cat sat.", "the dog sat on the mat", "Cats and dogs"]

@Test func bm25ScoresEqualHandComputedValues() {
    let index = BM25Index(documents: corpus)
    #expect(index.averageLength == 4)
    // idf(cat) = ln(1 + (3 − 1 + 0.5)/(1 + 0.5)) = ln(8/3); d0: idf · 1/(1 + 0.975).
    #expect(abs(index.inverseDocumentFrequency("cat") - 0.9808292530117263) < 1e-12)
    let cat = index.scores(query: "cat")
    #expect(abs(cat[0] - 0.4966224065882158) < 1e-6)
    #expect(cat[1] == 0 && cat[2] == 0)
    // idf(the) = idf(sat) = ln(1 + 1.5/2.5) = ln 1.6. d0: 2 · idf/1.975;
    // d1: idf · 2/(2 + 1.65) + idf · 1/(1 + 1.65).
    let query = index.scores(query: "the SAT")
    #expect(abs(query[0] - 0.47595304227416263) < 1e-6)
    #expect(abs(query[1] - 0.43489609529587325) < 1e-6)
    #expect(query[2] == 0)
    #expect(abs(index.score(query: "the sat", document: 1) - query[1]) < 1e-12)
    #expect(index.top(2, query: "the sat").map(\.document) == [0, 1])
    // A repeated query term counts twice; an unknown one adds nothing.
    #expect(abs(index.scores(query: "cat cat zebra")[0] - 2 * cat[0]) < 1e-6)
}

@Test func bm25ParametersChangeTheLengthNormalisation() {
    // b = 0: no length normalisation, so the same term frequency scores the same in any length.
    let index = BM25Index(documents: ["sat", "sat a b c d e f g"], parameters: .init(k1: 1.2, b: 0))
    let s = index.scores(query: "sat")
    #expect(abs(s[0] - s[1]) < 1e-12 && s[0] > 0)
}

@Test func tiedDocumentsShareTheLastRankOfTheirTie() {
    #expect(RankAggregation.ranks([0.5, 2, 0.5, 3, 0]) == [3, 1, 3, 0, 4])
    #expect(RankAggregation.ranks([0, 0, 0]) == [2, 2, 2])
    #expect(RankAggregation.ranks([1, 0, 0, 2]) == [1, 3, 3, 0])
}

@Test func everyAggregationEqualsHandComputedFusion() {
    // Two rankers over four documents.
    let scores: [[Double]] = [[4, 3, 0, 1], [0, 2, 2, 5]]
    let ranks = scores.map(RankAggregation.ranks)
    #expect(ranks == [[0, 1, 3, 2], [3, 2, 2, 0]])
    // RRF, k = 60: d0 = 1/61 + 1/64.
    let rrf = RankAggregation.rrf.fuse(scores: scores, ranks: ranks)
    #expect(abs(rrf[0] - (1.0 / 61 + 1.0 / 64)) < 1e-15)
    #expect(abs(rrf[3] - (1.0 / 63 + 1.0 / 61)) < 1e-15)
    // Borda: (|D| − 1 − rank) summed: d0 = 3 + 0, d1 = 2 + 1, d2 = 0 + 1, d3 = 1 + 3.
    #expect(RankAggregation.borda.fuse(scores: scores, ranks: ranks) == [3, 3, 1, 4])
    // Min-max: ranker 1 → (1, 0.75, 0, 0.25); ranker 2 → (0, 0.4, 0.4, 1).
    let combsum = RankAggregation.combsum.fuse(scores: scores, ranks: ranks)
    for (got, want) in zip(combsum, [1, 1.15, 0.4, 1.25]) { #expect(abs(got - want) < 1e-12) }
    // CombMNZ multiplies by the rankers that scored above 0: 1, 2, 1, 2.
    let combmnz = RankAggregation.combmnz.fuse(scores: scores, ranks: ranks)
    for (got, want) in zip(combmnz, [1, 2.3, 0.4, 2.5]) { #expect(abs(got - want) < 1e-12) }
    // Median and mean of two ranks are the same: −(r1 + r2)/2.
    #expect(RankAggregation.median.fuse(scores: scores, ranks: ranks) == [-1.5, -1.5, -2.5, -1])
    #expect(RankAggregation.mean.fuse(scores: scores, ranks: ranks) == [-1.5, -1.5, -2.5, -1])
    // Median of three is the middle rank.
    #expect(RankAggregation.median.fuse(scores: [[3, 2, 1], [1, 2, 3], [3, 1, 2]],
                                        ranks: [[0, 1, 2], [2, 1, 0], [0, 2, 1]]) == [-0, -1, -1])
}
