import Foundation
import Testing
import DQAnalyses
import DQReports
@testable import DQRuns
import DQStore
import DQTestSupport
import DQText

/// A store with the planted reviews (20 reviews labelled as they read, 5 with wrong labels).
private func reviewsStore() throws -> Store {
    let store = try Store(path: scratchPath("runs.sqlite"))
    try store.ingest(file: fixture("specs/planted-reviews.csv"), options: IngestOptions(dataset: "reviews"))
    return store
}

private let reviews = DatasetSelection(name: "reviews")

private func bowOptions(folds: Int = 2) -> PVIRun.Options {
    var options = PVIRun.Options()
    options.scheme = .crossFit(folds: folds)
    options.null = .prior
    return options
}

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

@Test func suspectsMergeTheSignalsThereAreAndSayWhichAreMissing() throws {
    let store = try reviewsStore()
    var ranking = InconsistentRun.Options(specsFile: fixture("specs/planted-reviews-specs.json"))
    ranking.ranking.top = 3
    let inconsistent = try InconsistentRun.run(store: store, dataset: reviews, options: ranking)
    #expect(try store.specificationSuspects(run: inconsistent.run).count == inconsistent.suspects.count)
    let conflicts = try ConflictsRun.run(store: store, options: ConflictsRun.Options())
    let outcome = try SuspectsRun.run(store: store, dataset: reviews, options: SuspectsRun.Options())
    #expect(outcome.missing == [.pvi, .cartography])
    #expect(outcome.sources.map(\.kind) == [.inconsistent, .conflicts] && outcome.sources.map(\.run) == [inconsistent.run, conflicts.run])
    let stored = try store.suspects(run: outcome.run)
    #expect(stored.count == outcome.suspects.count)
    #expect(stored.map(\.reasonText) == outcome.suspects.map { $0.reasons.map(\.reason).joined(separator: "; ") })
    // No model run: the list is the samples a specification or a duplicate flags, without probabilities.
    #expect(outcome.lengthRule == "the samples a specification or a duplicate flags" && stored.allSatisfy { $0.probability == nil })
    let samples = try store.samples(dataset: try store.requireDataset("reviews"))
    let planted = Set(samples.filter { $0.displayID.hasPrefix("p") }.map(\.id))
    #expect(planted.isSubset(of: Set(stored.map(\.sampleID))))
    let parameters = try store.run(outcome.run).parameters(SuspectsParameters.self)
    #expect(parameters.sources == ["inconsistent": inconsistent.run, "conflicts": conflicts.run])
    #expect(outcome.table(top: 2).note?.contains("Not run yet: pvi, cartography.") == true)
}

@Test func afterEvaluateSuspectsCarryCalibratedProbabilitiesAndTheEstimatedLength() throws {
    let store = try reviewsStore()
    let pvi = try PVIRun.run(store: store, dataset: reviews, options: bowOptions())
    _ = try ConflictsRun.run(store: store, options: ConflictsRun.Options())
    let plain = try SuspectsRun.run(store: store, dataset: reviews, options: SuspectsRun.Options())
    #expect(plain.calibratedBy == nil && plain.suspects.allSatisfy { $0.probability == nil })
    // The default length is cleanlab's num_label_issues on the pvi run's probabilities.
    let rows = try store.pviRows(run: pvi.run)
    let labels = try store.run(pvi.run).parameters(PVIParameters.self).labels
    let input = ConfidentLearning.Input(labels: rows.map { labels.firstIndex(of: $0.label)! }, probabilities: rows.flatMap(\.probabilities),
                                        classes: labels.count)
    #expect(plain.suspects.count == ConfidentLearning.findLabelIssues(input).estimatedIssues)
    // Every signal gives a reason for every suspect.
    #expect(plain.suspects.allSatisfy { $0.reasons.map(\.signal) == ["bow PVI", "confident learning (bow)", "conflicting duplicates"] })
    var evaluate = EvaluateRun.Options()
    (evaluate.repeats, evaluate.folds) = (2, 2)
    let evaluation = try EvaluateRun.run(store: store, dataset: reviews, options: evaluate)
    let calibrated = try SuspectsRun.run(store: store, dataset: reviews, options: SuspectsRun.Options())
    #expect(calibrated.calibratedBy == evaluation.run)
    let probabilities = calibrated.suspects.compactMap(\.probability)
    #expect(probabilities.count == calibrated.suspects.count && probabilities == probabilities.sorted(by: >))
    // The length: the smaller of confident learning's count and the calibrated probabilities' sum.
    var every = SuspectsRun.Options()
    every.all = true
    let sum = try SuspectsRun.run(store: store, dataset: reviews, options: every).suspects.compactMap(\.probability).reduce(0, +)
    #expect(calibrated.suspects.count == min(plain.suspects.count, Int(sum.rounded())), "\(calibrated.lengthRule)")
    #expect(try store.suspects(run: calibrated.run).map(\.probability) == calibrated.suspects.map(\.probability))
    var top = SuspectsRun.Options()
    top.top = 3
    #expect(try SuspectsRun.run(store: store, dataset: reviews, options: top).suspects.count == 3)
    top.top = nil
    top.all = true
    #expect(try SuspectsRun.run(store: store, dataset: reviews, options: top).suspects.count == rows.count)
}

@Test func theReportHasASectionPerAnalysisAndSaysWhatIsMissing() throws {
    let store = try reviewsStore()
    _ = try PVIRun.run(store: store, dataset: reviews, options: bowOptions())
    _ = try DivergenceRun.run(store: store, dataset: reviews, options: DivergenceRun.Options())
    let report = try ReportRun.build(store: store, dataset: reviews, top: 5)
    #expect(report.sections.map(\.title) == ["Dataset", "V-information", "Data map", "Label-pair difficulty", "Suspects", "Finding planted errors"])
    #expect(report.sections.map { $0.body != nil } == [true, true, false, true, false, false])
    #expect(report.sections[2].missing == "Not run yet: dq cartography --dataset reviews")
    #expect(report.sections[1].provenance?.hasPrefix("run 1 · pvi · dq ") == true)
}

@Test func divergencesReadBackWithTheirContributingTokens() throws {
    let store = try reviewsStore()
    var options = DivergenceRun.Options()
    options.divergence.topTokens = 3
    let outcome = try DivergenceRun.run(store: store, dataset: reviews, options: options)
    let stored = try store.divergences(run: outcome.run)
    #expect(stored.count == 1 && stored[0].divergence == outcome.pairs[0].divergence)
    #expect(stored[0].baseline == outcome.pairs[0].baseline?.mean && stored[0].baseline != nil)
    // The baseline's per-sample bags hold the same words as the counts the JSD is computed from.
    for vocabulary in LabelDivergence.Vocabulary.allCases {
        var divergence = LabelDivergence.Options()
        (divergence.vocabulary, divergence.minCount, divergence.stopwords) = (vocabulary, 2, ["the", "a"])
        let id = try store.requireDataset("reviews")
        let samples = StoreSamples(store: store, dataset: id, splits: nil)
        let pair = LabelDivergence.pairs(try LabelDivergence.count(samples, options: divergence), options: divergence)[0]
        let bags = try LabelDivergence.bags(samples, options: divergence)
        #expect(abs(LabelDivergence.divergence(bags, a: pair.a, b: pair.b, options: divergence) - pair.divergence) < 1e-12)
    }
    #expect(stored[0].towardA.map(\.token) == outcome.pairs[0].towardA.map(\.token))
    #expect(stored[0].towardB.map(\.contribution) == outcome.pairs[0].towardB.map(\.contribution))
    #expect(outcome.matrixTable.columns == ["label", "positive", "negative"])
}

@Test func suspectsExportedForAnnotatorsComeBackAsCorrections() throws {
    let store = try reviewsStore()
    var ranking = InconsistentRun.Options(specsFile: fixture("specs/planted-reviews-specs.json"))
    ranking.ranking.top = 3
    _ = try InconsistentRun.run(store: store, dataset: reviews, options: ranking)
    _ = try SuspectsRun.run(store: store, dataset: reviews, options: SuspectsRun.Options())

    // Label Studio: annotate the first task twice, the later annotation cancelled.
    let tasks = try ExportRun.suspects(store: store, dataset: reviews, run: nil, top: 2, format: .labelstudio)
    guard case .array(var list) = try JSONValue.parse(tasks.text), case .object(var first) = list[0] else { Issue.record("no tasks"); return }
    func annotation(_ label: String, cancelled: Bool) -> JSONValue {
        .object([("was_cancelled", .bool(cancelled)), ("completed_by", .object([("email", .string("ann@example.org"))])),
                 ("result", .array([.object([("value", .object([("choices", .array([.string(label)]))]))])]))])
    }
    first.append(("annotations", .array([annotation("negative", cancelled: false), annotation("positive", cancelled: true)])))
    list[0] = .object(first)
    let path = scratchPath("export.json")
    try JSONValue.array(list).jsonText.write(toFile: path, atomically: true, encoding: .utf8)
    let entries = try CorrectionsRun.readLabelStudio(path)
    #expect(entries.count == 1 && entries[0].label == "negative" && entries[0].annotator == "ann@example.org")
    #expect(entries[0].location == "$[0].annotations[0]")

    // doccano: the first label of each line.
    let lines = try ExportRun.suspects(store: store, dataset: reviews, run: nil, top: 2, format: .doccano).text
    let doccano = scratchPath("export.jsonl")
    try lines.write(toFile: doccano, atomically: true, encoding: .utf8)
    #expect(try CorrectionsRun.readDoccano(doccano).count == 2)

    // CSV: a spreadsheet's formula guard is undone; an unknown label applies nothing.
    let csv = scratchPath("review.csv")
    try "id,corrected_label\np01,negative\np02,'-neutral\n".write(toFile: csv, atomically: true, encoding: .utf8)
    #expect(try CorrectionsRun.readCSV(csv).map(\.label) == ["negative", "-neutral"])
    #expect(throws: InputError.self) { try CorrectionsRun.importFile(csv, store: store, dataset: reviews, annotator: "alice") }
    #expect(try store.correctionHistory(dataset: try store.requireDataset("reviews")).isEmpty)
    try "id,corrected_label\np01,negative\np02,\n".write(toFile: csv, atomically: true, encoding: .utf8)
    let outcome = try CorrectionsRun.importFile(csv, store: store, dataset: reviews, annotator: "alice")
    #expect(outcome == CorrectionsRun.Outcome(read: 1, applied: 1, dataset: "reviews"))
    let exported = try ExportRun.dataset(store: store, dataset: reviews, correctedLabels: true)
    #expect(exported.corrected == 1 && exported.csv.contains("p01,train,It broke after two days so I want my money back,negative,positive,true"))
}

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

@Test func cartographyRefusesAModelThatDoesNotTrainInEpochs() throws {
    let store = try reviewsStore()
    var options = CartographyRun.Options()
    options.model = ModelSettings(model: .bow)
    #expect(throws: OptionError("cartography needs a model trained in epochs: use {model} tiny-bert (the default) or a BERT directory")) {
        try CartographyRun.run(store: store, dataset: reviews, options: options)
    }
    #expect(try store.runs(dataset: nil).isEmpty)
}

@Test func biasTablesTakeTheModelRatesFromThePVIRun() throws {
    let store = try reviewsStore()
    let terms = scratchPath("terms.txt")
    try "# comment\nrefund\nmoney back\n".write(toFile: terms, atomically: true, encoding: .utf8)
    let before = try BiasRun.tables(store: store, dataset: reviews, options: BiasRun.Options(termsFile: terms, label: "negative"))
    #expect(before[0].rows.allSatisfy { $0[3] == .missing })
    _ = try PVIRun.run(store: store, dataset: reviews, options: bowOptions())
    let after = try BiasRun.tables(store: store, dataset: reviews, options: BiasRun.Options(termsFile: terms, label: "negative"))
    #expect(after[0].rows.allSatisfy { $0[3] != .missing } && after[0].note?.contains("pvi run 1") == true)
    #expect(throws: RunError.unknownLabel("neutral", dataset: "reviews", known: ["positive", "negative"])) {
        try BiasRun.tables(store: store, dataset: reviews, options: BiasRun.Options(termsFile: terms, label: "neutral"))
    }
}

@Test func vInformationComparesRunsWithTheFirst() throws {
    let store = try reviewsStore()
    _ = try PVIRun.run(store: store, dataset: reviews, options: bowOptions())
    var shuffled = bowOptions()
    shuffled.transform = .shuffle
    _ = try PVIRun.run(store: store, dataset: reviews, options: shuffled)
    var options = VInfoRun.Options()
    options.bootstrap = 200
    let tables = try VInfoRun.tables(store: store, options: options)
    #expect(tables.map(\.name) == ["v_information", "differences"])
    #expect(tables[0].rows.map { $0[3] } == [.text("original"), .text("shuffle")])
    #expect(tables[1].rows[0][5] == .text("paired"))
}

@Test func ingestTellsTheObserverAboutRejectedRows() throws {
    let store = try Store(path: scratchPath("ingest.sqlite"))
    var notes: [String] = []
    let observer = RunObserver(note: { notes.append($0) }, progress: { _ in }, endProgress: {}, checkInterrupt: {})
    let summaries = try IngestRun.run(store: store, files: [fixture("csv/ragged-rows.csv")], options: IngestOptions(dataset: "r"), observer: observer)
    #expect(summaries.count == 1 && summaries[0].rowsRejected == 2)
    #expect(notes.first?.hasSuffix("ragged-rows.csv:3: rejected: expected 3 fields, found 2") == true)
    #expect(SummaryTables.ingest(summaries).rows[0][5] == .int(2))
}

@Test func correctionsRefuseAnIdThatNamesSeveralSamplesOrAppearsTwice() throws {
    let store = try Store(path: scratchPath("dup.sqlite"))
    let data = scratchPath("dup.csv")
    try "id,text,label\na1,first text,x\na1,another text,y\nb2,third,x\n".write(toFile: data, atomically: true, encoding: .utf8)
    try store.ingest(file: data, options: IngestOptions(dataset: "d"))
    let samples = try store.samples(dataset: try store.requireDataset("d"))
    #expect(samples.count == 3)
    let csv = scratchPath("fix.csv")
    try "id,corrected_label\na1,y\nb2,y\nb2,x\n".write(toFile: csv, atomically: true, encoding: .utf8)
    do {
        _ = try CorrectionsRun.importFile(csv, store: store, dataset: DatasetSelection(name: "d"), annotator: nil)
        Issue.record("expected an error")
    } catch let error as InputError {
        #expect(error.message.contains("line 2: id a1 names 2 samples of d (#\(samples[0].id), #\(samples[1].id)); write one of those ids instead"), "\(error)")
        #expect(error.message.contains("line 4: sample b2 is corrected twice in this file (also at line 3)"), "\(error)")
    }
    #expect(try store.correctionHistory(dataset: try store.requireDataset("d")).isEmpty)
    try "id,corrected_label\n#\(samples[1].id),x\n".write(toFile: csv, atomically: true, encoding: .utf8)
    #expect(try CorrectionsRun.importFile(csv, store: store, dataset: DatasetSelection(name: "d"), annotator: nil).applied == 1)
    #expect(try store.currentLabel(sample: samples[1].id) == "x" && store.currentLabel(sample: samples[0].id) == "x")
}

@Test func anExportedDatasetIngestsBackAsItWas() throws {
    let store = try Store(path: scratchPath("faithful.sqlite"))
    let data = scratchPath("signs.csv")
    try "id,text,label\nt1,-5 degrees outside,-1\nt2,=SUM(A1:A2) is a formula,+1\nt3,\"@mention, with a comma\",0\n"
        .write(toFile: data, atomically: true, encoding: .utf8)
    try store.ingest(file: data, options: IngestOptions(dataset: "signs"))
    let exported = try ExportRun.dataset(store: store, dataset: DatasetSelection(name: "signs"), correctedLabels: false)
    let path = scratchPath("exported.csv")
    try exported.csv.write(toFile: path, atomically: true, encoding: .utf8)
    let summary = try store.ingest(file: path, options: IngestOptions(dataset: "again"))
    #expect(summary.rowsNew == 3 && summary.rowsRejected == 0)
    let before = try store.samples(dataset: try store.requireDataset("signs")).map { [$0.externalID, $0.text, $0.label] }
    let after = try store.samples(dataset: try store.requireDataset("again")).map { [$0.externalID, $0.text, $0.label] }
    #expect(before == after)
}

@Test func ingestSaysWhenAnIdNamesSeveralSamples() throws {
    let store = try Store(path: scratchPath("ids.sqlite"))
    let data = scratchPath("ids.csv")
    try "id,text,label\na1,first text,x\na1,another text,y\nb2,third,x\n".write(toFile: data, atomically: true, encoding: .utf8)
    var notes: [String] = []
    let observer = RunObserver(note: { notes.append($0) }, progress: { _ in }, endProgress: {}, checkInterrupt: {})
    _ = try IngestRun.run(store: store, files: [data], options: IngestOptions(dataset: "d"), observer: observer)
    #expect(notes.contains { $0.hasPrefix("d: 1 ids name more than one sample") }, "\(notes)")
    // Distinct ids in a new dataset: the ingest knows there is no repeat and does not count.
    let unique = scratchPath("unique.csv")
    try "id,text,label\nc1,one,x\nc2,two,y\n".write(toFile: unique, atomically: true, encoding: .utf8)
    notes = []
    let first = try IngestRun.run(store: store, files: [unique], options: IngestOptions(dataset: "e"), observer: observer)
    #expect(first.first?.mayRepeatIDs == false && !notes.contains { $0.contains("ids name more than one sample") })
    // A later file repeating an id of an earlier one (another split) is still found, dataset-wide.
    let later = scratchPath("later.csv")
    try "id,text,label\nc9,nine,x\nc1,one again,y\n".write(toFile: later, atomically: true, encoding: .utf8)
    let second = try IngestRun.run(store: store, files: [later], options: IngestOptions(dataset: "e", split: "test"), observer: observer)
    #expect(second.first?.mayRepeatIDs == true)
    #expect(notes.contains { $0.hasPrefix("e: 1 ids name more than one sample") }, "\(notes)")
}

@Test func anEmbeddingsProbeIsASecondModelSourceForEvaluateAndSuspects() throws {
    let store = try reviewsStore()
    let checkpoint = fixture("bert/random-tiny")
    let bow = try PVIRun.run(store: store, dataset: reviews, options: bowOptions())
    _ = try ConflictsRun.run(store: store, options: ConflictsRun.Options())
    var evaluate = EvaluateRun.Options()
    (evaluate.repeats, evaluate.folds, evaluate.embedModel) = (2, 2, checkpoint)
    let evaluation = try EvaluateRun.run(store: store, dataset: reviews, options: evaluate)
    let signals = Set(evaluation.metrics.map(\.signal))
    #expect(signals.isSuperset(of: ["bow PVI", "confident learning (bow)", "embeddings PVI", "confident learning (embeddings)",
                                    EvaluateRun.merged, EvaluateRun.calibrated]))
    #expect(try store.run(evaluation.run).parameters(EvaluateParameters.self).embedModel == checkpoint)
    // The fusion needs the embeddings signals, which no stored run has yet: suspects fall back and say why.
    let fallback = try SuspectsRun.run(store: store, dataset: reviews, options: SuspectsRun.Options())
    #expect(fallback.calibratedBy == nil && fallback.calibrationUnusable?.run == evaluation.run)
    #expect(fallback.calibrationUnusable?.missing == ["embeddings PVI", "confident learning (embeddings)"])
    #expect(fallback.table(top: 1).note?.contains("dq pvi --model embeddings:DIR") == true)

    var probeOptions = bowOptions()
    probeOptions.model = ModelSettings(model: ModelChoice("embeddings:" + checkpoint))
    let probe = try PVIRun.run(store: store, dataset: reviews, options: probeOptions)
    let recorded = try store.run(probe.run).parameters(PVIParameters.self).model
    #expect(recorded.model == "embeddings" && recorded.checkpoint == checkpoint && recorded.features?.contains("mean-pooled") == true)
    let rebuilt = try recorded.family(seed: 13, run: probe.run)
    #expect(rebuilt is EmbeddingProbeFamily)
    let both = try SuspectsRun.run(store: store, dataset: reviews, options: SuspectsRun.Options())
    #expect(both.sources.filter { $0.kind == .pvi }.map(\.run) == [probe.run, bow.run])
    #expect(both.calibratedBy == evaluation.run && both.calibrationUnusable == nil)
    #expect(both.suspects.first?.reasons.map(\.signal) == ["embeddings PVI", "confident learning (embeddings)", "bow PVI", "confident learning (bow)",
                                                         "conflicting duplicates"])
    #expect(try store.run(both.run).parameters(SuspectsParameters.self).sources["pvi 2"] == bow.run)
    // The default length: the smallest of cleanlab's num_label_issues on each model's probabilities and on their mean.
    let labels = try store.run(bow.run).parameters(PVIParameters.self).labels
    let bowRows = try store.pviRows(run: bow.run), probeRows = Dictionary(uniqueKeysWithValues: try store.pviRows(run: probe.run).map { ($0.sampleID, $0) })
    let given = bowRows.map { labels.firstIndex(of: $0.label)! }
    func count(_ probabilities: [Double]) -> Int {
        ConfidentLearning.findLabelIssues(ConfidentLearning.Input(labels: given, probabilities: probabilities, classes: labels.count)).estimatedIssues
    }
    let mean = bowRows.flatMap { row in zip(row.probabilities, probeRows[row.sampleID]!.probabilities).map { ($0 + $1) / 2 } }
    let counts = [count(bowRows.flatMap(\.probabilities)), count(bowRows.flatMap { probeRows[$0.sampleID]!.probabilities }), count(mean)]
    // With a calibration, the sum of its probabilities over every sample is one more estimate.
    var every = SuspectsRun.Options()
    every.all = true
    let calibratedSum = Int(try SuspectsRun.run(store: store, dataset: reviews, options: every).suspects.compactMap(\.probability).reduce(0, +).rounded())
    #expect(both.suspects.count == (counts + [calibratedSum]).min()!, "\(counts) \(calibratedSum) \(both.lengthRule)")
    #expect(both.lengthRule.hasPrefix("the smallest estimate of the label errors, \(both.suspects.count): \(counts[1]) by confident learning")
            && both.lengthRule.contains("; \(calibratedSum) by the calibrated probabilities' sum"), "\(both.lengthRule)")
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

@Test func evaluateScoresCartographyOnEachNoisyCopyAndSuspectsWeighItOnlyWithACartographyRun() throws {
    let store = try reviewsStore()
    _ = try PVIRun.run(store: store, dataset: reviews, options: bowOptions())
    var bert = ModelSettings(model: .tinyBert, weights: fixture("bert/random-tiny"), epochs: 2, maxLength: 16)
    bert.learningRate = 3e-4
    var evaluate = EvaluateRun.Options()
    (evaluate.repeats, evaluate.folds, evaluate.cartography) = (2, 2, bert)
    let evaluation = try EvaluateRun.run(store: store, dataset: reviews, options: evaluate)
    #expect(evaluation.metrics.filter { $0.signal == "cartography" }.count == 2)
    let recorded = try store.run(evaluation.run).parameters(EvaluateParameters.self)
    #expect(recorded.cartography?.checkpoint == fixture("bert/random-tiny") && recorded.cartography?.epochs == 2)
    let fusion = try store.fusion(run: evaluation.run)
    #expect(fusion.map(\.feature) == ["intercept"] + Array(repeating: ["rank", "tail"], count: 4).flatMap { $0 })
    #expect(fusion.map { $0.signal ?? "-" } == ["-", "pvi", "pvi", "confident-learning", "confident-learning", "cartography", "cartography",
                                                 "conflicts", "conflicts"])
    #expect(fusion.map { $0.model ?? "-" } == ["-", "bow", "bow", "bow", "bow", "-", "-", "-", "-"])
    // No data map yet: the calibration cannot be used, and the output says which signal is missing.
    let before = try SuspectsRun.run(store: store, dataset: reviews, options: SuspectsRun.Options())
    #expect(before.calibratedBy == nil && before.calibrationUnusable?.missing == ["cartography", "conflicting duplicates"])
    _ = try ConflictsRun.run(store: store, options: ConflictsRun.Options())
    _ = try CartographyRun.run(store: store, dataset: reviews, options: CartographyRun.Options(model: bert))
    let after = try SuspectsRun.run(store: store, dataset: reviews, options: SuspectsRun.Options())
    #expect(after.calibratedBy == evaluation.run && after.suspects.allSatisfy { $0.probability != nil })
    #expect(after.suspects.first?.reasons.map(\.signal) == ["bow PVI", "confident learning (bow)", "cartography", "conflicting duplicates"])
}

@Test func evaluateRefusesACartographyModelThatDoesNotTrainInEpochs() throws {
    let store = try reviewsStore()
    var evaluate = EvaluateRun.Options()
    evaluate.cartography = ModelSettings(model: .bow)
    #expect(throws: OptionError("{cartography} needs a model trained in epochs: tiny-bert or a BERT checkpoint directory, not bow")) {
        try EvaluateRun.run(store: store, dataset: reviews, options: evaluate)
    }
    #expect(try store.runs(dataset: nil).isEmpty)
}
