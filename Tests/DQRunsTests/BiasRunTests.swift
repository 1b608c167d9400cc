import Foundation
import Testing
import DQAnalyses
import DQReports
@testable import DQRuns
import DQStore
import DQTestSupport
import DQText

@Test func biasTablesTakeTheModelRatesFromThePVIRun() throws {
    let store = try reviewsStore()
    let terms = scratchPath("terms.txt")
    try "# comment\nrefund\nmoney back\n".write(toFile: terms, atomically: true, encoding: .utf8)
    let before = try BiasRun.run(store: store, dataset: reviews, options: BiasRun.Options(termsFile: terms, label: "negative"))
    #expect(before[0].rows.allSatisfy { $0[3] == .missing })
    _ = try PVIRun.run(store: store, dataset: reviews, options: bowOptions())
    let after = try BiasRun.run(store: store, dataset: reviews, options: BiasRun.Options(termsFile: terms, label: "negative"))
    #expect(after[0].rows.allSatisfy { $0[3] != .missing } && after[0].note?.contains("pvi run 1") == true)
    #expect(throws: RunError.unknownLabel("neutral", dataset: "reviews", known: ["positive", "negative"])) {
        try BiasRun.run(store: store, dataset: reviews, options: BiasRun.Options(termsFile: terms, label: "neutral"))
    }
}
