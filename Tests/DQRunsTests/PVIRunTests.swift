import Foundation
import Testing
import DQAnalyses
import DQReports
@testable import DQRuns
import DQStore
import DQTestSupport
import DQText

@Test func aPVIRunStoresWhatItReturnsAndRecordsParametersThatReadBack() throws {
    let store = try reviewsStore()
    let outcome = try PVIRun.run(store: store, dataset: reviews, options: bowOptions())
    #expect(outcome.results.count == 25 && outcome.familyDescription == "bow")
    let rows = try store.pviRows(run: outcome.run)
    #expect(rows.map(\.sampleID) == outcome.results.map(\.sample.id))
    #expect(rows.map(\.pvi) == outcome.results.map(\.score.pvi))
    #expect(rows.map(\.probabilities) == outcome.results.map(\.probabilities))
    let parameters = try store.run(outcome.run).parameters(PVIParameters.self)
    #expect(parameters.folds == 2 && parameters.null == "prior" && parameters.labels == ["positive", "negative"])
    #expect(parameters.groupBy == "text" && parameters.model.model == "bow")
    let tables = try outcome.tables(by: "split", top: 3)
    #expect(tables.map(\.name) == ["v_information", "slices", "lowest"])
    #expect(tables[0].rows.count == 3 && tables[2].rows.count == 3)
    #expect(outcome.sampleTable.rows.count == 25)
    // A column the samples do not have is an error before any training.
    var sliced = bowOptions()
    sliced.by = "annotator"
    #expect(throws: RunError.noMetadata(column: "annotator", sample: "r01")) { try PVIRun.run(store: store, dataset: reviews, options: sliced) }
    #expect(try store.runs(dataset: nil, kind: .pvi).count == 1)
}

@Test func theDefaultPVIRunIsTheLatestOnUntransformedInputs() throws {
    let store = try reviewsStore()
    let plain = try PVIRun.run(store: store, dataset: reviews, options: bowOptions())
    var shuffled = bowOptions()
    shuffled.transform = .shuffle
    let transformed = try PVIRun.run(store: store, dataset: reviews, options: shuffled)
    #expect(try store.run(transformed.run).parameters(PVIParameters.self).transform == .shuffle)
    let dataset = try store.resolve(reviews)
    #expect(try store.defaultRun(dataset: dataset.id, kind: .pvi)?.id == plain.run)
    #expect(try store.chosenRun(transformed.run, kind: .pvi, dataset: dataset)?.id == transformed.run)
    #expect(throws: RunError.notAFinishedRun(transformed.run, .cartography, dataset: "reviews")) {
        try store.chosenRun(transformed.run, kind: .cartography, dataset: dataset)
    }
    #expect(throws: RunError.noRun(.suspects, dataset: "reviews")) { try store.requiredRun(nil, kind: .suspects, dataset: dataset) }
    #expect(throws: RunError.unknownSplit("tset", dataset: "reviews", known: ["train"])) {
        try store.resolve(DatasetSelection(name: "reviews", splits: ["tset"]))
    }
}

@Test func aSecondEmbeddingsRunReusesTheStoredEmbeddingsAndScoresTheSame() throws {
    let store = try reviewsStore()
    var messages: [String] = []
    let observer = RunObserver(note: { _ in }, progress: { messages.append($0) }, endProgress: {}, checkInterrupt: {})
    var options = bowOptions()
    options.model = ModelSettings(model: .embeddings(fixture("bert/random-tiny")))
    let first = try PVIRun.run(store: store, dataset: reviews, options: options, observer: observer)
    #expect(messages.contains { $0.contains("embedding texts") })
    let texts = Set(try store.samples(dataset: try store.requireDataset("reviews")).map(\.text))
    let key = try EmbeddingProbeFamily(directory: fixture("bert/random-tiny")).encoderKey
    #expect(try store.embeddings(encoder: key, texts: Array(texts)).count == texts.count)
    messages = []
    let second = try PVIRun.run(store: store, dataset: reviews, options: options, observer: observer)
    #expect(!messages.contains { $0.contains("embedding texts") }, "\(messages)")
    #expect(first.results.map(\.score.pvi) == second.results.map(\.score.pvi))
}

@Test func multiLabelBERTRecordsEveryLabelsRunBeforeItsOneTraining() throws {
    let store = try Store(path: scratchPath("multilabel-bert.sqlite"))
    let lines = try String(contentsOfFile: fixture("annotations/topics.csv"), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
    let small = scratchPath("topics60.csv")
    try lines.prefix(61).joined(separator: "\n").write(toFile: small, atomically: true, encoding: .utf8)
    var ingest = IngestRun.Options()
    (ingest.dataset, ingest.multiLabel) = ("topics", true)
    _ = try IngestRun.run(store: store, files: [small], options: ingest)
    let labels = try store.labels(dataset: try store.requireDataset("topics")).filter { !$0.contains(";") && !$0.isEmpty }
    var options = PVIRun.Options()
    options.scheme = .crossFit(folds: 2)
    options.model = ModelSettings(model: .tinyBert, weights: fixture("bert/random-tiny"), epochs: 1, maxLength: 16)
    var runningDuringTraining: [Int] = []
    var observer = RunObserver.silent
    observer.note = { _ in runningDuringTraining.append((try? store.runs(dataset: nil, kind: .pvi).filter { $0.status == .running }.count) ?? -1) }
    let outcome = try PVIRun.run(store: store, dataset: DatasetSelection(name: "topics"), options: options, observer: observer)
    // A note per fold, while the one training runs: every label's run is there, running.
    #expect(runningDuringTraining.suffix(2) == [labels.count, labels.count], "\(runningDuringTraining) for \(labels)")
    let runs = try store.runs(dataset: nil, kind: .pvi)
    #expect(runs.count == labels.count && runs.allSatisfy { $0.status == .succeeded })
    #expect(Set(try runs.map { try $0.parameters(PVIParameters.self).oneVsRest ?? "" }) == Set(labels))
    #expect(runs.contains { $0.id == outcome.run })
}

@Test func degenerateDataIsRefusedWithAReasonBeforeARunIsRecorded() throws {
    let store = try Store(path: scratchPath("degenerate.sqlite"))
    let one = scratchPath("one-label.csv"), grouped = scratchPath("three-groups.csv"), same = scratchPath("same-text.csv")
    try ("text,label\n" + (0..<30).map { "text \($0),only" }.joined(separator: "\n")).write(toFile: one, atomically: true, encoding: .utf8)
    try ("text,label,g\n" + (0..<30).map { "text \($0),\($0 % 2),\($0 % 3)" }.joined(separator: "\n")).write(toFile: grouped, atomically: true, encoding: .utf8)
    try ("text,label\n" + (0..<30).map { "same text,\($0 % 2)" }.joined(separator: "\n")).write(toFile: same, atomically: true, encoding: .utf8)
    try store.ingest(file: one, options: IngestOptions(dataset: "one"))
    var columns = ColumnRequest()
    columns.meta = ["g"]
    try store.ingest(file: grouped, options: IngestOptions(dataset: "grouped", columns: columns))
    try store.ingest(file: same, options: IngestOptions(dataset: "same"))
    #expect(throws: RunError.tooFewLabels(dataset: "one")) { try PVIRun.run(store: store, dataset: DatasetSelection(name: "one"), options: bowOptions()) }
    var byColumn = bowOptions(folds: 5)
    byColumn.groupBy = "g"
    #expect(throws: PVIEstimation.EstimationError.tooFewGroups(3, folds: 5)) {
        try PVIRun.run(store: store, dataset: DatasetSelection(name: "grouped"), options: byColumn)
    }
    #expect(throws: PVIEstimation.EstimationError.tooFewGroups(1, folds: 2)) {
        try PVIRun.run(store: store, dataset: DatasetSelection(name: "same"), options: bowOptions())
    }
    #expect(throws: PVIEstimation.EstimationError.tooFewGroups(1, folds: 5)) {
        try EvaluateRun.run(store: store, dataset: DatasetSelection(name: "same"), options: .init())
    }
    #expect(try store.runs(dataset: nil).isEmpty)
}

@Test func evaluateFlipsMembershipsOfMultiLabelDataAndCountsAsLabelIssuesDoes() throws {
    let store = try Store(path: scratchPath("evaluate-multilabel.sqlite"))
    var ingest = IngestRun.Options()
    (ingest.dataset, ingest.multiLabel) = ("topics", true)
    _ = try IngestRun.run(store: store, files: [fixture("annotations/topics.csv")], options: ingest)
    let topics = DatasetSelection(name: "topics")
    // Planting modes and signals of single-label data are refused, and nothing is stored.
    var hard = EvaluateRun.Options()
    hard.mode = .hard
    #expect(throws: OptionError.self) { try EvaluateRun.run(store: store, dataset: topics, options: hard) }
    var specs = EvaluateRun.Options()
    specs.specsFile = fixture("demo/trec-specs.json")
    #expect(throws: OptionError.self) { try EvaluateRun.run(store: store, dataset: topics, options: specs) }
    #expect(try store.runs(dataset: nil).isEmpty)

    let outcome = try EvaluateRun.run(store: store, dataset: topics, options: .init())
    #expect(outcome.multiLabel && outcome.classes == 5)
    // 10%, 5% and 20% of the 400 samples, in turn.
    #expect(outcome.planted.map(\.count) == [40, 20, 80])
    #expect(try store.plantedErrors(run: outcome.run).count == 140)
    let signals = Set(outcome.metrics.map(\.signal))
    #expect(signals == ["confident learning (bow)", "bow PVI (lowest label)", "confident learning (bow), per label membership", "conflicting duplicates"])
    #expect(outcome.metrics.count == 4 * 3)
    // The list dq suspects ranks by finds the flips well above chance (AUROC 0.5), and per label better still.
    let auroc = { (signal: String) in outcome.metrics.filter { $0.signal == signal }.map(\.auroc).reduce(0, +) / 3 }
    #expect(auroc("confident learning (bow)") > 0.7)
    #expect(auroc("confident learning (bow), per label membership") > 0.85)
    // The count on the given labels is the number of samples dq label-issues --multi-label flags
    // on a bow PVI run with the same seed (the null model differs; g′ does not).
    _ = try PVIRun.run(store: store, dataset: topics, options: PVIRun.Options())
    let issues = try LabelIssuesRun.multiLabel(nil, store: store, dataset: topics, options: LabelIssuesRun.Options())
    #expect(outcome.counts.first?.counted == issues.result.ranked.count)
    #expect(outcome.counts.map(\.planted) == [0, 40, 20, 80])
    // 157 of 400 flagged before any flip: the table warns and leaves out the share found.
    let counts = try #require(outcome.tables.first { $0.name == "error_counts" })
    #expect(!counts.columns.contains("share found") && (counts.note ?? "").contains("Warning: it flags 157 of the 400 samples before any flip"), "\(counts.note ?? "")")
    #expect(try store.run(outcome.run).parameters(EvaluateParameters.self).multiLabel == true)
    // The report presents it as flipped memberships.
    let html = try ReportRun.run(store: store, dataset: topics, top: 5).render()
    #expect(html.contains("Flipped label memberships planted") && html.contains("per label membership"))
}

/// `--l2 auto` (bow's default): each fold's g′ chooses λ on one of its training folds held out;
/// the run records that it did and the λ of each fold, and a refit from the record chooses the
/// same way.
@Test func anAutomaticPenaltyIsRecordedFoldByFold() throws {
    let store = try questionsStore()
    let questions = DatasetSelection(name: "questions")
    var options = bowOptions(folds: 3)
    options.model = options.model.with(.selected)
    let outcome = try PVIRun.run(store: store, dataset: questions, options: options)
    let recorded = try store.run(outcome.run).parameters(PVIParameters.self)
    #expect(recorded.model.l2Selection == "held-out" && recorded.model.l2 == nil)
    let chosen = try #require(recorded.model.l2Chosen)
    // λ = c/n with c a power of 4 and n the fold's training rows (two thirds of 500).
    #expect(chosen.count == 3 && chosen.allSatisfy { c in
        let multiplier = c * Double(outcome.results.filter { $0.fold != outcome.results.first { r in r.chosenL2 == c }!.fold }.count)
        return abs(log(multiplier) / log(4) - (log(multiplier) / log(4)).rounded()) < 1e-6
    }, "\(chosen)")
    #expect(try recorded.model.family(seed: 13, run: outcome.run).parameters.contains { $0.key == "l2" && $0.value == .string("chosen per fold on a held-out training fold") })
    // 1/n records none.
    options.model = options.model.with(.perSample)
    let plain = try store.run(try PVIRun.run(store: store, dataset: questions, options: options).run).parameters(PVIParameters.self)
    #expect(plain.model.l2Selection == nil && plain.model.l2Chosen == nil)
    // Without --l2, bow chooses (since issue 33) and an embeddings probe keeps 1/n.
    options.model = options.model.with(nil)
    let unset = try store.run(try PVIRun.run(store: store, dataset: questions, options: options).run).parameters(PVIParameters.self)
    #expect(unset.model.l2Selection == "held-out" && unset.model.l2Chosen?.count == 3)
    #expect(ModelSettings(model: .bow).selectL2 && ModelSettings(model: .bow).with(.perSample).with(nil).selectL2)
    #expect(!ModelSettings(model: .embeddings("dir")).selectL2 && !ModelSettings(model: .embeddings("dir")).with(nil).selectL2)
    #expect(ModelSettings(model: .embeddings("dir")).with(.selected).selectL2)
    #expect(L2Setting("auto") == .selected && L2Setting("1/N") == .perSample && L2Setting("0.5") == .fixed(0.5) && L2Setting("much") == nil)
}

/// `--l2 auto` on text pairs: each text's features normalised apart and penalised apart, both
/// recorded so that a refit does the same.
@Test func anAutomaticPenaltyOnPairsRecordsEachTextsFactorsFoldByFold() throws {
    var state: UInt64 = 21
    func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
    let labels = ["entailment", "neutral", "contradiction"]
    var csv = "id,premise,hypothesis,label\n"
    for i in 0..<360 {
        let y = i % 3
        let premise = (0..<8).map { _ in "w\(next() % 40)" }.joined(separator: " ")
        let hypothesis = ["cue\(y)", "v\(next() % 30)", "v\(next() % 30)"].joined(separator: " ")
        csv += "q\(i),\(premise),\(hypothesis),\(labels[next() % 5 < 4 ? y : Int(next() % 3)])\n"
    }
    let file = scratchPath("pairs.csv")
    try csv.write(toFile: file, atomically: true, encoding: .utf8)
    let store = try Store(path: scratchPath("pairs.sqlite"))
    try store.ingest(file: file, options: IngestOptions(dataset: "pairs"))
    var options = bowOptions(folds: 3)
    options.model = options.model.with(.selected)
    let outcome = try PVIRun.run(store: store, dataset: DatasetSelection(name: "pairs"), options: options)
    let recorded = try store.run(outcome.run).parameters(PVIParameters.self)
    let factors = try #require(recorded.model.l2NamespaceFactors)
    #expect(factors.count == 3 && factors.allSatisfy { $0.count == 2 && $0.allSatisfy { f in abs(log(f) / log(4) - (log(f) / log(4)).rounded()) < 1e-9 } })
    // The premise is noise here: no fold penalises it less than the hypothesis.
    #expect(factors.allSatisfy { $0[0] >= $0[1] } && factors.contains { $0[0] > $0[1] }, "\(factors)")
    #expect(recorded.model.features?.contains("each text normalised apart") == true)
    let refit = try recorded.model.family(seed: 13, run: outcome.run)
    #expect(refit.parameters.contains { $0.key == "features" && ($0.value.scalarText ?? "").contains("each text normalised apart") })
    // Without auto, the pair is normalised as one vector, as before.
    options.model = options.model.with(.perSample)
    let plain = try store.run(try PVIRun.run(store: store, dataset: DatasetSelection(name: "pairs"), options: options).run).parameters(PVIParameters.self)
    #expect(plain.model.l2NamespaceFactors == nil && plain.model.features?.contains("apart") == false)
}
