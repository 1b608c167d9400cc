import Foundation
import Testing
@testable import DQRuns
import DQStore
import DQTestSupport

@Test func anInconsistentRunStoresTheSuspectsItReturnsWithTheirEvidence() throws {
    let store = try reviewsStore()
    let outcome = try InconsistentRun.run(store: store, dataset: reviews,
                                          options: InconsistentRun.Options(specsFile: fixture("specs/planted-reviews-specs.json")))
    #expect(!outcome.suspects.isEmpty)
    // Every suspect carries another label than the one its specifications are about.
    #expect(outcome.suspects.allSatisfy { outcome.samples[$0.index].label != $0.suggestedLabel })
    let stored = try store.specificationSuspects(run: outcome.run)
    #expect(stored.count == outcome.suspects.count)
    #expect(Set(stored.map(\.sampleID)) == Set(outcome.suspects.map { outcome.samples[$0.index].id }))
    #expect(stored.allSatisfy { !$0.evidence.isEmpty })
    let parameters = try store.run(outcome.run).parameters(InconsistentParameters.self)
    #expect(parameters.specsFile == fixture("specs/planted-reviews-specs.json"))
}

@Test func inconsistentRefusesBadRankingOptionsBeforeReadingAnything() throws {
    let store = try reviewsStore()
    var options = InconsistentRun.Options(specsFile: "no-such-file.json")
    options.ranking.minSpecs = 0
    #expect(throws: OptionError("{minSpecs} must be at least 1")) { try InconsistentRun.run(store: store, dataset: reviews, options: options) }
    options.ranking.minSpecs = 1
    options.ranking.bm25.b = 2
    #expect(throws: OptionError("{k1} must be 0 or more and {b} between 0 and 1")) { try InconsistentRun.run(store: store, dataset: reviews, options: options) }
    #expect(try store.runs(dataset: nil).isEmpty)
}

@Test func fetchingAModelThatIsNeitherKnownNorARepositoryIsRefusedWithoutTheNetwork() throws {
    #expect(throws: OptionError("unknown model 'bert-huge'; known: minilm, minilm-l3, tiny-bert, or give owner/name")) { try ModelsRun.fetch("bert-huge", revision: "main") }
}
