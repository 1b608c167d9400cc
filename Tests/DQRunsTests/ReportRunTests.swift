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
    #expect(report.sections.map(\.title) == ["Summary", "Dataset", "V-information", "Data map", "Label-pair difficulty", "Suspects", "Finding planted errors"])
    #expect(report.sections.map { $0.body != nil } == [true, true, true, false, true, false, false])
    #expect(report.sections[3].missing == "Not run yet: dq cartography --dataset reviews")
    #expect(report.sections[2].provenance.map(\.run).first?.hasPrefix("pvi run 1 (bow; every split; started ") == true, "\(report.sections[2].provenance)")
    #expect(report.sections[2].provenance.first?.parameters.contains("\"model\":\"bow\"") == true)
    #expect(report.written(to: "r.html").contains { $0.hasPrefix("  V-information: pvi run 1 (bow") })
}

/// The report says what to do: a summary first (the estimated errors, the hardest pairs, the next
/// command, which asks for a new analysis once labels were corrected after it), confident
/// learning's noise matrix as a heatmap, the corrections made, and the annotators' κ heatmap.
@Test func theReportSummarisesAndShowsTheNoiseMatrixTheCorrectionsAndTheAnnotatorsKappa() throws {
    let store = try questionsStore()
    _ = try PVIRun.run(store: store, dataset: questions, options: bowOptions())
    _ = try DivergenceRun.run(store: store, dataset: questions, options: DivergenceRun.Options())
    _ = try LabelIssuesRun.run(store: store, dataset: questions, options: LabelIssuesRun.Options())
    _ = try SuspectsRun.run(store: store, dataset: questions, options: SuspectsRun.Options())
    func section(_ report: HTMLReport, _ title: String) -> String { report.sections.first { $0.title == title }?.body ?? "" }
    let before = try ReportRun.run(store: store, dataset: questions, top: 5)
    #expect(before.sections.first?.title == "Summary")
    let summary = section(before, "Summary")
    #expect(summary.contains("likely wrong labels") && summary.contains("hardest label pairs") && summary.contains("dq export suspects --dataset questions"), "\(summary)")
    let issues = section(before, "Confident learning")
    #expect(issues.contains("Noise matrix P(given label | true label)") && issues.contains("<svg"), "\(issues)")
    #expect(!before.sections.contains { $0.title == "Corrections" })

    let csv = temporaryFile(Array("id,corrected_label\ntest-11,ENTY\n".utf8), suffix: ".csv")
    _ = try CorrectionsRun.run(store: store, file: csv, dataset: questions, annotator: "alice")
    let after = try ReportRun.run(store: store, dataset: questions, top: 5)
    #expect(section(after, "Corrections").contains("<td>test-11</td><td>HUM</td><td>ENTY</td><td>alice</td>"), "\(section(after, "Corrections"))")
    #expect(section(after, "Summary").contains("labels were corrected after pvi run 1: dq pvi --dataset questions"), "\(section(after, "Summary"))")

    let annotated = try Store(path: scratchPath("report-annotators.sqlite"))
    var ingest = IngestRun.Options()
    (ingest.dataset, ingest.annotatorPrefix) = ("diagnoses", "rater_")
    _ = try IngestRun.run(store: annotated, files: [fixture("annotations/fleiss_diagnoses.csv")], options: ingest)
    var agreement = AgreementRun.Options()
    (agreement.dataset, agreement.resamples) = ("diagnoses", 50)
    _ = try AgreementRun.run(store: annotated, options: agreement)
    let report = try ReportRun.run(store: annotated, dataset: DatasetSelection(name: "diagnoses"), top: 5)
    #expect(section(report, "Annotators").contains("Cohen's κ of each pair of annotators") && section(report, "Annotators").contains("<svg"))
    #expect(section(report, "Summary").contains("weakest annotators") && section(report, "Summary").contains("mean Cohen&#39;s κ"), "\(section(report, "Summary"))")
}
