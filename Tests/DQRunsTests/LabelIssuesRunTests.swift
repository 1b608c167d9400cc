import Foundation
import Testing
import DQAnalyses
import DQReports
@testable import DQRuns
import DQStore
import DQTestSupport
import DQText

@Test func labelIssuesUseTheRunsLabelOrderAndProbabilities() throws {
    let store = try reviewsStore()
    let pvi = try PVIRun.run(store: store, dataset: reviews, options: bowOptions())
    let outcome = try LabelIssuesRun.run(store: store, dataset: reviews, options: LabelIssuesRun.Options())
    let direct = ConfidentLearning.findLabelIssues(
        ConfidentLearning.Input(labels: pvi.results.map { pvi.labels.firstIndex(of: $0.sample.label)! },
                                probabilities: pvi.results.flatMap(\.probabilities), classes: 2))
    #expect(outcome.result.ranked == direct.ranked)
    let stored = try store.labelIssues(run: outcome.run)
    #expect(stored.map(\.sampleID) == direct.ranked.map { pvi.results[$0].sample.id })
    #expect(try store.run(outcome.run).parameters(LabelIssuesParameters.self).pviRun == pvi.run)
    #expect(outcome.tables(top: 5).map(\.name) == ["label_health", "noise_matrix", "issues"])
}
