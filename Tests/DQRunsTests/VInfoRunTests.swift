import Foundation
import Testing
import DQAnalyses
import DQReports
@testable import DQRuns
import DQStore
import DQTestSupport
import DQText

@Test func vInformationComparesRunsWithTheFirst() throws {
    let store = try reviewsStore()
    _ = try PVIRun.run(store: store, dataset: reviews, options: bowOptions())
    var shuffled = bowOptions()
    shuffled.transform = .shuffle
    _ = try PVIRun.run(store: store, dataset: reviews, options: shuffled)
    var options = VInfoRun.Options()
    options.bootstrap = 200
    let tables = try VInfoRun.run(store: store, options: options)
    #expect(tables.map(\.name) == ["v_information", "differences"])
    #expect(tables[0].rows.map { $0[3] } == [.text("original"), .text("shuffle")])
    #expect(tables[1].rows[0][5] == .text("paired"))
}
