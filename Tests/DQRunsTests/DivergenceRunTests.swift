import Foundation
import Testing
import DQAnalyses
import DQReports
@testable import DQRuns
import DQStore
import DQTestSupport
import DQText

@Test func divergencesReadBackWithTheirContributingTokens() throws {
    let store = try reviewsStore()
    var options = DivergenceRun.Options()
    options.divergence.topTokens = 3
    let outcome = try DivergenceRun.run(store: store, dataset: reviews, options: options)
    let stored = try store.divergences(run: outcome.run)
    #expect(stored.count == 1 && stored[0].divergence == outcome.pairs[0].divergence)
    #expect(stored[0].baseline == outcome.pairs[0].baseline?.mean && stored[0].baseline != nil)
    // The baseline's per-sample bags hold the same words as the counts the JSD is computed from.
    for vocabulary in LabelDivergence.Vocabulary.allCases {
        var divergence = LabelDivergence.Options()
        (divergence.vocabulary, divergence.minCount, divergence.stopwords) = (vocabulary, 2, ["the", "a"])
        let id = try store.requireDataset("reviews")
        let samples = StoreSamples(store: store, dataset: id, splits: nil)
        let pair = LabelDivergence.pairs(try LabelDivergence.count(samples, options: divergence), options: divergence)[0]
        let bags = try LabelDivergence.bags(samples, options: divergence)
        #expect(abs(LabelDivergence.divergence(bags, a: pair.a, b: pair.b, options: divergence) - pair.divergence) < 1e-12)
    }
    #expect(stored[0].towardA.map(\.token) == outcome.pairs[0].towardA.map(\.token))
    #expect(stored[0].towardB.map(\.contribution) == outcome.pairs[0].towardB.map(\.contribution))
    #expect(outcome.matrixTable.columns == ["label", "positive", "negative"])
}
