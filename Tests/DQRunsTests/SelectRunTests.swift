import Foundation
import Testing
import DQAnalyses
import DQReports
@testable import DQRuns
import DQStore
import DQTestSupport
import DQText

@Test func selectionsKeepWhatTheRuleSaysAndWriteInTheRunsTransaction() throws {
    let store = try reviewsStore()
    _ = try PVIRun.run(store: store, dataset: reviews, options: bowOptions())
    var written = ""
    let outcome = try SelectRun.run(store: store, dataset: reviews, sourceRun: nil, rule: .dropLowest(.share(0.2)), out: "x.csv") { written = $0 }
    #expect(outcome.kept == 20 && written == outcome.csv && written.split(separator: "\n").count == 21)
    #expect(try store.selection(run: outcome.run).count == 20)
    #expect(try store.run(outcome.run).parameters(SelectionParameters.self).rule == "drop the 5 lowest-PVI samples (20%)")
    // A failing write leaves no selection recorded.
    struct DiskFull: Error {}
    #expect(throws: DiskFull.self) {
        try SelectRun.run(store: store, dataset: reviews, sourceRun: nil, rule: .keepHardest(.count(3)), out: "y.csv") { _ in throw DiskFull() }
    }
    #expect(try store.runs(dataset: nil, kind: .selection).map(\.status) == [.failed, .succeeded])
    #expect(throws: RunError.noRun(.cartography, dataset: "reviews")) {
        try SelectRun.run(store: store, dataset: reviews, sourceRun: nil, rule: .region(.ambiguous), out: "z.csv") { _ in }
    }
}
