import Foundation
import Testing
import DQAnalyses
import DQReports
@testable import DQRuns
import DQStore
import DQTestSupport
import DQText

@Test func theReportHasASectionPerAnalysisAndSaysWhatIsMissing() throws {
    let store = try reviewsStore()
    _ = try PVIRun.run(store: store, dataset: reviews, options: bowOptions())
    _ = try DivergenceRun.run(store: store, dataset: reviews, options: DivergenceRun.Options())
    let report = try ReportRun.run(store: store, dataset: reviews, top: 5)
    #expect(report.sections.map(\.title) == ["Dataset", "V-information", "Data map", "Label-pair difficulty", "Suspects", "Finding planted errors"])
    #expect(report.sections.map { $0.body != nil } == [true, true, false, true, false, false])
    #expect(report.sections[2].missing == "Not run yet: dq cartography --dataset reviews")
    #expect(report.sections[1].provenance.map(\.run).first?.hasPrefix("pvi run 1 (bow; every split; started ") == true, "\(report.sections[1].provenance)")
    #expect(report.sections[1].provenance.first?.parameters.contains("\"model\":\"bow\"") == true)
    #expect(report.written(to: "r.html").contains { $0.hasPrefix("  V-information: pvi run 1 (bow") })
}
