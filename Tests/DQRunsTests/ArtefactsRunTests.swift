import Foundation
import Testing
import DQAnalyses
import DQReports
@testable import DQRuns
import DQStore
import DQTestSupport
import DQText

@Test func artefactsRefitABowRunExactly() throws {
    let store = try reviewsStore()
    _ = try PVIRun.run(store: store, dataset: reviews, options: bowOptions())
    var options = ArtefactsRun.Options()
    options.minCount = 2
    let outcome = try ArtefactsRun.run(store: store, dataset: reviews, options: options)
    #expect(outcome.ranked.map(\.label) == ["positive", "negative"])
    #expect(outcome.tables(top: 3).map(\.name) == ["artefacts_positive", "artefacts_negative"])
    guard case .object(let draft) = try JSONValue.parse(outcome.specsDraft), case .array(let specs)? = draft.first?.value else {
        Issue.record("no specs")
        return
    }
    #expect(specs.count == 2 && specs[0]["label"]?.scalarText == "positive")
}
