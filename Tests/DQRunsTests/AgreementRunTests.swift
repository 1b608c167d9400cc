import Foundation
import Testing
@testable import DQRuns
import DQStore
import DQTestSupport

/// Fleiss's 1971 psychiatric diagnoses: 30 patients, 6 raters each.
private func diagnosesStore() throws -> Store {
    let store = try Store(path: scratchPath("agreement.sqlite"))
    var options = IngestRun.Options()
    (options.dataset, options.annotatorPrefix) = ("diagnoses", "rater_")
    _ = try IngestRun.run(store: store, files: [fixture("annotations/fleiss_diagnoses.csv")], options: options)
    return store
}

@Test func anAgreementRunGivesFleisssKappaAndRecordsItsSummaryAndParameters() throws {
    let store = try diagnosesStore()
    var options = AgreementRun.Options()
    (options.dataset, options.resamples) = ("diagnoses", 200)
    let outcome = try AgreementRun.run(store: store, options: options)
    // Fleiss (1971): κ = 0.430 on these diagnoses (R irr gives 0.430).
    let kappa = try #require(outcome.result.fleiss.estimate)
    #expect(abs(kappa - 0.4302) < 5e-4, "\(kappa)")
    let (low, high) = (try #require(outcome.result.fleiss.low), try #require(outcome.result.fleiss.high))
    #expect(low < kappa && kappa < high)
    #expect(outcome.result.items == 30 && outcome.annotators.count == 6)
    let run = try store.run(outcome.run)
    #expect(run.status == .succeeded && run.kind == .agreement)
    let parameters = try run.parameters(AgreementParameters.self)
    #expect(parameters.resamples == 200 && parameters.level == 0.95 && parameters.splits == nil)
    // The stored summary holds what the run returned.
    guard case .object(let stored)? = try store.summary(run: outcome.run)?["fleiss_kappa"],
          case .number(let storedKappa)? = stored.first(where: { $0.key == "estimate" })?.value else {
        Issue.record("no fleiss_kappa in the summary: \(String(describing: try store.summary(run: outcome.run)?.jsonText))")
        return
    }
    #expect(storedKappa == kappa)
    // The same seed gives the same intervals.
    #expect(try AgreementRun.run(store: store, options: options).result.fleiss.low == low)
}

@Test func agreementRefusesBadOptionsBeforeRecordingARun() throws {
    let store = try diagnosesStore()
    var options = AgreementRun.Options()
    options.level = 1.5
    #expect(throws: OptionError("{level} must be between 0 and 1, e.g. 0.95")) { try AgreementRun.run(store: store, options: options) }
    options = AgreementRun.Options()
    options.resamples = -1
    #expect(throws: OptionError("{resamples} must be 0 or more")) { try AgreementRun.run(store: store, options: options) }
    #expect(try store.runs(dataset: nil, kind: .agreement).isEmpty)
}

@Test func agreementOnADatasetWithoutAnnotationsSaysSo() throws {
    let store = try Store(path: scratchPath("agreement-none.sqlite"))
    try store.ingest(file: fixture("demo/trec/test.csv"), options: IngestOptions(dataset: "trec"))
    #expect(throws: RunError.noAnnotations(dataset: "trec")) { try AgreementRun.run(store: store, options: .init()) }
}
