import Foundation
import Testing
@testable import DQRuns
import DQStore
import DQTestSupport
import DQText

/// TREC's 500 test questions as split "test" and its first 600 training questions as "train",
/// with a bow PVI run over both splits.
private func trecStore() throws -> (Store, trainIDs: Set<Int64>, testIDs: Set<Int64>) {
    let store = try Store(path: scratchPath("splits.sqlite"))
    let lines = try String(contentsOfFile: fixture("demo/trec/train.csv"), encoding: .utf8).split(separator: "\r\n", omittingEmptySubsequences: false)
    let train = scratchPath("train600.csv")
    try lines.prefix(601).joined(separator: "\n").write(toFile: train, atomically: true, encoding: .utf8)
    try store.ingest(file: train, options: IngestOptions(dataset: "trec", split: "train"))
    try store.ingest(file: fixture("demo/trec/test.csv"), options: IngestOptions(dataset: "trec", split: "test"))
    var pvi = PVIRun.Options()
    (pvi.scheme, pvi.null) = (.crossFit(folds: 3), .prior)
    _ = try PVIRun.run(store: store, dataset: DatasetSelection(name: "trec"), options: pvi)
    let id = try store.requireDataset("trec")
    return (store, Set(try store.samples(dataset: id, splits: ["train"]).map(\.id)), Set(try store.samples(dataset: id, splits: ["test"]).map(\.id)))
}

@Test func suspectsLabelIssuesExportAndReportKeepToTheSplitAskedFor() throws {
    let (store, train, test) = try trecStore()
    let testOnly = DatasetSelection(name: "trec", splits: ["test"])
    var all = SuspectsRun.Options()
    all.all = true
    let suspects = try SuspectsRun.run(store: store, dataset: testOnly, options: all)
    #expect(suspects.suspects.count == test.count && suspects.suspects.allSatisfy { test.contains($0.sampleID) })
    #expect(try store.suspects(run: suspects.run).allSatisfy { test.contains($0.sampleID) })
    // The default list is confident learning's count on the test samples alone.
    let listed = try SuspectsRun.run(store: store, dataset: testOnly, options: .init())
    #expect(listed.suspects.allSatisfy { test.contains($0.sampleID) } && !listed.suspects.isEmpty)

    let issues = try LabelIssuesRun.run(store: store, dataset: DatasetSelection(name: "trec", splits: ["train"]), options: .init())
    #expect(issues.sampleIDs.count == train.count && issues.sampleIDs.allSatisfy { $0.map(train.contains) ?? false })
    #expect(try store.run(issues.run).parameters(LabelIssuesParameters.self).splits == ["train"])

    // The latest suspects run holds test samples only; exported for train, nothing is left.
    let exported = try ExportRun.suspects(store: store, dataset: DatasetSelection(name: "trec", splits: ["train"]), run: nil, top: nil, format: .csv)
    #expect(exported.count == 0)
    let report = try ReportRun.run(store: store, dataset: testOnly, top: 5)
    #expect(report.subtitle.hasPrefix("500 samples of split test"))
}

@Test func anUnknownSplitIsAnErrorNamingTheDatasetsSplits() throws {
    let (store, _, _) = try trecStore()
    let wrong = DatasetSelection(name: "trec", splits: ["tset"])
    let expected = RunError.unknownSplit("tset", dataset: "trec", known: ["train", "test"])
    #expect(throws: expected) { try SuspectsRun.run(store: store, dataset: wrong, options: .init()) }
    #expect(throws: expected) { try LabelIssuesRun.run(store: store, dataset: wrong, options: .init()) }
    #expect(throws: expected) { try ReportRun.run(store: store, dataset: wrong, top: 5) }
    var agreement = AgreementRun.Options()
    (agreement.dataset, agreement.splits) = ("trec", ["tset"])
    #expect(throws: expected) { try AgreementRun.run(store: store, options: agreement) }
    var consensus = ConsensusRun.Options()
    (consensus.dataset, consensus.splits) = ("trec", ["tset"])
    #expect(throws: expected) { try ConsensusRun.run(store: store, options: consensus) }
}

@Test func suspectsOfASplitTheModelRunNeverScoredNameTheRunToMake() throws {
    let store = try Store(path: scratchPath("splits-unscored.sqlite"))
    try store.ingest(file: fixture("demo/trec/test.csv"), options: IngestOptions(dataset: "trec", split: "test"))
    try store.ingest(file: fixture("demo/trec/test.csv"), options: IngestOptions(dataset: "trec", split: "dev"))
    var pvi = PVIRun.Options()
    (pvi.scheme, pvi.null) = (.crossFit(folds: 3), .prior)
    let run = try PVIRun.run(store: store, dataset: DatasetSelection(name: "trec", splits: ["test"]), options: pvi).run
    #expect(throws: RunError.splitNotScored(splits: ["dev"], dataset: "trec", kind: .pvi, run: run)) {
        try SuspectsRun.run(store: store, dataset: DatasetSelection(name: "trec", splits: ["dev"]), options: .init())
    }
}

@Test func aSelectionOfOneSplitRefusesARunFittedOnOthersAndRunsSayWhatTheyWereMadeOn() throws {
    let (store, train, _) = try trecStore()
    let trainOnly = DatasetSelection(name: "trec", splits: ["train"])
    let rule = try SelectRun.Rule(dropLowest: .count(10), keepHardest: nil, region: nil)
    let both = try #require(try store.latestRun(dataset: try store.requireDataset("trec"), kind: .pvi))
    #expect(both.made.model == "bow" && both.made.splits == nil && both.described.hasPrefix("pvi run \(both.id) (bow; every split; started "))
    // The latest PVI run was fitted on train and test: its train scores carry the test rows.
    #expect(throws: RunError.runCoversOtherSplits(run: both.described, splits: ["train"], others: ["test"])) {
        try SelectRun.run(store: store, dataset: trainOnly, sourceRun: nil, rule: rule, out: "kept.csv") { _ in }
    }
    var pvi = PVIRun.Options()
    (pvi.scheme, pvi.null) = (.crossFit(folds: 3), .prior)
    let trainRun = try PVIRun.run(store: store, dataset: trainOnly, options: pvi).run
    let selected = try SelectRun.run(store: store, dataset: trainOnly, sourceRun: nil, rule: rule, out: "kept.csv") { _ in }
    #expect(selected.sourceRun == trainRun && selected.kept == train.count - 10 && selected.sourceDescribed.contains("split train"))
    // dq runs shows each run's model, splits and transform.
    let runs = try SummaryTables.runs(store, dataset: "trec")
    #expect(runs.columns.prefix(6) == ["run", "kind", "dataset", "model", "splits", "transform"])
    let pviRows = runs.rows.filter { $0[1] == .text("pvi") }
    #expect(pviRows.map { $0[4] } == [.text("train"), .text("all")] && pviRows.allSatisfy { $0[3] == .text("bow") })
}

@Test func labelIssuesOfOneSplitWarnWhenTheirRunWasFittedOnOthersToo() throws {
    let (store, _, _) = try trecStore()
    var notes: [String] = []
    var observer = RunObserver.silent
    observer.note = { notes.append($0) }
    _ = try LabelIssuesRun.run(store: store, dataset: DatasetSelection(name: "trec", splits: ["test"]), options: .init(), observer: observer)
    #expect(notes.contains { $0.hasPrefix("the probabilities of pvi run 1 (bow; every split;") }, "\(notes)")
    #expect(notes.contains { $0.hasPrefix("warning: that run scored every split") }, "\(notes)")
    notes = []
    _ = try LabelIssuesRun.run(store: store, dataset: DatasetSelection(name: "trec"), options: .init(), observer: observer)
    #expect(!notes.contains { $0.hasPrefix("warning") }, "\(notes)")
}
