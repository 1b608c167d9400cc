import Foundation
import Testing
import DQAnalyses
import DQLearning
import DQReports
@testable import DQRuns
import DQStore
import DQTestSupport
import DQText

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

@Test func afterEvaluateSuspectsAreRankedByTheFusionAndSizedByTheCorrectedCount() throws {
    let store = try questionsStore()
    let pvi = try PVIRun.run(store: store, dataset: questions, options: bowOptions())
    _ = try ConflictsRun.run(store: store, options: ConflictsRun.Options())
    let plain = try SuspectsRun.run(store: store, dataset: questions, options: SuspectsRun.Options())
    #expect(plain.calibratedBy == nil && plain.suspects.allSatisfy { $0.probability == nil })
    // The default length is cleanlab's num_label_issues on the pvi run's probabilities, the model having learned something.
    let rows = try store.pviRows(run: pvi.run)
    let labels = try store.run(pvi.run).parameters(PVIParameters.self).labels
    let given = rows.map { labels.firstIndex(of: $0.label)! }
    let input = ConfidentLearning.Input(labels: given, probabilities: rows.flatMap(\.probabilities), classes: labels.count)
    #expect(plain.strengths.map(\.model) == ["bow"] && plain.strengths.allSatisfy { !$0.strength.learnedNothing })
    let raw = ConfidentLearning.findLabelIssues(input).estimatedIssues
    #expect(raw > 0 && plain.suspects.count == raw && plain.estimate?.count == raw && plain.estimate?.correction == nil)
    #expect(plain.lengthRule.contains("confident learning's count (cleanlab's num_label_issues) on bow's probabilities, \(raw);"), "\(plain.lengthRule)")
    // Each suspect's ambiguity: how evenly bow splits between its label and the strongest rival; stored with it.
    let ambiguity = Dictionary(uniqueKeysWithValues: zip(rows.map(\.sampleID), Ambiguity.models(probabilities: input.probabilities, given: given,
                                                                                                   classes: labels.count)))
    #expect(plain.suspects.allSatisfy { abs($0.ambiguity - ambiguity[$0.sampleID]!) < 1e-12 })
    #expect(try store.suspects(run: plain.run).map(\.ambiguity) == plain.suspects.map(\.ambiguity))
    #expect(plain.suspects.allSatisfy { ($0.group == .ambiguous) == ($0.ambiguity >= Ambiguity.threshold) })
    // Every signal gives a reason for every suspect, then, for most, the words that pull bow towards the suggestion.
    let signals = ["bow PVI", "confident learning (bow)", "conflicting duplicates"]
    #expect(plain.suspects.allSatisfy { Array($0.reasons.map(\.signal).prefix(3)) == signals && $0.reasons.count <= 4 })
    let worded = plain.suspects.filter { $0.reasons.last?.signal == "words" }
    #expect(2 * worded.count > plain.suspects.count && worded.allSatisfy { $0.reasons.last!.reason.hasPrefix("words toward \($0.suggestedLabel!): ") })
    // The words are the sample's own.
    #expect(worded.allSatisfy { s in
        let words = s.reasons.last!.reason.split(separator: ": ", maxSplits: 1)[1].split(separator: ", ").map(String.init)
        return !words.isEmpty && Set(words).isSubset(of: Set(WordTokens.split(plain.samples[s.sampleID]!.text)))
    })
    var evaluate = EvaluateRun.Options()
    (evaluate.repeats, evaluate.folds) = (2, 2)
    let evaluation = try EvaluateRun.run(store: store, dataset: questions, options: evaluate)
    let calibrated = try SuspectsRun.run(store: store, dataset: questions, options: SuspectsRun.Options())
    #expect(calibrated.calibratedBy == evaluation.run)
    // The fusion orders the list; it gives no probability that a label is wrong (only an audit's reviews do).
    let scores = calibrated.suspects.map(\.score)
    #expect(scores == scores.sorted(by: >) && calibrated.suspects.allSatisfy { $0.probability == nil })
    // Evaluate counted label errors on the given labels and on each noisy copy, planted at 10% then 5%.
    let counts = try store.evaluationCounts(run: evaluation.run)
    #expect(counts.map(\.repeatIndex) == [0, 1, 2] && counts.map(\.rate) == [0, 0.1, 0.05])
    #expect(counts.map(\.planted) == [0, LabelNoise.plantedCount(rows.count, rate: 0.1), LabelNoise.plantedCount(rows.count, rate: 0.05)])
    #expect(evaluation.planted.map(\.count) == Array(counts.dropFirst().map(\.planted)))
    // The length: the count divided by its rise per planted error (or left as it is, when the rise says the model cannot count).
    #expect(counts.allSatisfy { $0.samples == rows.count })
    let response = ErrorCount.Response(clean: counts[0].counted, samples: rows.count, classes: labels.count,
                                       repeats: counts.dropFirst().map { ($0.rate, $0.planted, $0.counted) })
    let expected = ErrorCount.estimate(raw: ErrorCount.bootstrap(given: given, probabilities: input.probabilities, classes: labels.count),
                                       response: response)
    #expect(calibrated.estimate == expected && calibrated.suspects.count == expected.count, "\(calibrated.lengthRule)")
    #expect(try store.run(calibrated.run).parameters(SuspectsParameters.self).estimate == [expected.count, expected.low, expected.high])
    #expect(calibrated.lengthRule.contains("dq evaluate run \(evaluation.run) planted"), "\(calibrated.lengthRule)")
    #expect(try store.suspects(run: calibrated.run).map(\.score) == calibrated.suspects.map(\.score))
    var top = SuspectsRun.Options()
    top.top = 3
    #expect(try SuspectsRun.run(store: store, dataset: questions, options: top).suspects.count == 3)
    top.top = nil
    top.all = true
    #expect(try SuspectsRun.run(store: store, dataset: questions, options: top).suspects.count == rows.count)
}

@Test func anEmbeddingsProbeIsASecondModelSourceForEvaluateAndSuspects() throws {
    let store = try questionsStore()
    let checkpoint = fixture("bert/random-tiny")
    let bow = try PVIRun.run(store: store, dataset: questions, options: bowOptions())
    _ = try ConflictsRun.run(store: store, options: ConflictsRun.Options())
    var evaluate = EvaluateRun.Options()
    (evaluate.repeats, evaluate.folds, evaluate.embedModel) = (2, 2, checkpoint)
    let evaluation = try EvaluateRun.run(store: store, dataset: questions, options: evaluate)
    let signals = Set(evaluation.metrics.map(\.signal))
    #expect(signals.isSuperset(of: ["bow PVI", "confident learning (bow)", "embeddings PVI", "confident learning (embeddings)",
                                    "embedding neighbours", EvaluateRun.merged, EvaluateRun.calibrated, EvaluateRun.ensemble]))
    #expect(try store.run(evaluation.run).parameters(EvaluateParameters.self).embedModel == checkpoint)
    // The fusion needs the embeddings signals, which no stored run has yet: suspects fall back and say why.
    let fallback = try SuspectsRun.run(store: store, dataset: questions, options: SuspectsRun.Options())
    #expect(fallback.calibratedBy == nil && fallback.calibrationUnusable?.run == evaluation.run)
    #expect(fallback.calibrationUnusable?.missing == ["embeddings PVI", "confident learning (embeddings)", "embedding neighbours"])
    #expect(fallback.table(top: 1).note?.contains("dq pvi --model embeddings:DIR") == true)

    var probeOptions = bowOptions()
    probeOptions.model = ModelSettings(model: ModelChoice("embeddings:" + checkpoint))
    let probe = try PVIRun.run(store: store, dataset: questions, options: probeOptions)
    let recorded = try store.run(probe.run).parameters(PVIParameters.self).model
    #expect(recorded.model == "embeddings" && recorded.checkpoint == checkpoint && recorded.features?.contains("mean-pooled") == true)
    let rebuilt = try recorded.family(seed: 13, run: probe.run)
    #expect(rebuilt is EmbeddingProbeFamily)
    let both = try SuspectsRun.run(store: store, dataset: questions, options: SuspectsRun.Options())
    #expect(both.sources.filter { $0.kind == .pvi }.map(\.run) == [probe.run, bow.run])
    #expect(both.calibratedBy == evaluation.run && both.calibrationUnusable == nil)
    #expect(both.suspects.first?.reasons.map(\.signal) == ["embeddings PVI", "confident learning (embeddings)", "bow PVI", "confident learning (bow)",
                                                         "embedding neighbours", "conflicting duplicates", "words"])
    // The neighbours' reason names the nearest text with the rival label, when there is a rival.
    let neighbourReasons = both.suspects.compactMap { $0.reasons.first { $0.signal == "embedding neighbours" }?.reason }
    #expect(neighbourReasons.count == both.suspects.count && neighbourReasons.contains { $0.contains("nearest texts are") && $0.contains("similarity") },
            "\(neighbourReasons.prefix(3))")
    #expect(try store.run(both.run).parameters(SuspectsParameters.self).sources["pvi 2"] == bow.run)
    // The default length: cleanlab's num_label_issues on the mean of the models that learned something, corrected by evaluate's planted errors.
    let labels = try store.run(bow.run).parameters(PVIParameters.self).labels
    let bowRows = try store.pviRows(run: bow.run), probeRows = Dictionary(uniqueKeysWithValues: try store.pviRows(run: probe.run).map { ($0.sampleID, $0) })
    let given = bowRows.map { labels.firstIndex(of: $0.label)! }
    func count(_ probabilities: [Double]) -> Int {
        ConfidentLearning.findLabelIssues(ConfidentLearning.Input(labels: given, probabilities: probabilities, classes: labels.count)).estimatedIssues
    }
    let mean = bowRows.flatMap { row in zip(row.probabilities, probeRows[row.sampleID]!.probabilities).map { ($0 + $1) / 2 } }
    let usable = both.strengths.filter { !$0.strength.learnedNothing }.map(\.model)
    let raw = usable == ["embeddings", "bow"] ? count(mean) : usable == ["bow"] ? count(bowRows.flatMap(\.probabilities)) : -1
    #expect(both.estimate?.raw.count == raw, "\(usable) \(both.lengthRule)")
    let stored = try store.evaluationCounts(run: evaluation.run)
    let response = ErrorCount.Response(clean: stored[0].counted, samples: stored[0].samples, classes: labels.count,
                                       repeats: stored.dropFirst().map { ($0.rate, $0.planted, $0.counted) })
    #expect(both.suspects.count == ErrorCount.estimate(raw: both.estimate!.raw, response: response).count, "\(both.lengthRule)")
}

@Test func labelsTheTextsSayNothingAboutGetAWarningInsteadOfAList() throws {
    // 300 texts of random words with random labels: nothing in a text tells its label.
    var rng = SplitMix64(seed: 3)
    let words = (0..<60).map { "w\($0)" }
    let csv = "id,text,label\n" + (0..<300).map { i in
        let text = (0..<6).map { _ in words[Int(rng.next() % 60)] }.joined(separator: " ")
        return "s\(i),\(text),\(["red", "green", "blue"][Int(rng.next() % 3)])"
    }.joined(separator: "\n") + "\n"
    let path = scratchPath("noise.csv")
    try csv.write(toFile: path, atomically: true, encoding: .utf8)
    let store = try Store(path: scratchPath("noise.sqlite"))
    try store.ingest(file: path, options: IngestOptions(dataset: "noise"))
    let noise = DatasetSelection(name: "noise")
    _ = try PVIRun.run(store: store, dataset: noise, options: bowOptions(folds: 5))
    let outcome = try SuspectsRun.run(store: store, dataset: noise, options: SuspectsRun.Options())
    let strength = try #require(outcome.strengths.first?.strength)
    #expect(strength.learnedNothing && outcome.suspects.isEmpty && outcome.estimate == nil)
    #expect(outcome.weakModels.count == 1 && outcome.weakModels[0].hasPrefix("Warning: bow learned nothing usable about the labels"))
    #expect(outcome.table(top: 5).note?.hasPrefix("Warning: bow learned nothing usable") == true)
    #expect(outcome.lengthRule.hasPrefix("none: no model learned anything usable"))
    // Asked for, the ranking is still there.
    #expect(try SuspectsRun.run(store: store, dataset: noise, options: SuspectsRun.Options(top: 10, all: false)).suspects.count == 10)
}

@Test func aFusionThatRanksHeldOutErrorsWorseThanTheRankAverageIsNotUsed() throws {
    let store = try questionsStore()
    _ = try PVIRun.run(store: store, dataset: questions, options: bowOptions())
    _ = try ConflictsRun.run(store: store, options: ConflictsRun.Options())
    var evaluate = EvaluateRun.Options()
    (evaluate.repeats, evaluate.folds) = (2, 2)
    let evaluation = try EvaluateRun.run(store: store, dataset: questions, options: evaluate)
    #expect(!evaluation.metrics.contains { $0.signal == EvaluateRun.ensemble }, "one model: its own confident learning is the baseline")
    #expect(try SuspectsRun.run(store: store, dataset: questions, options: SuspectsRun.Options()).calibratedBy == evaluation.run)
    // The same run, had its fusion found the held-out errors less well than the rank average.
    try store.database.run("UPDATE evaluation_metrics SET average_precision = 0.1 WHERE run_id = ? AND signal = ?",
                           [.integer(evaluation.run), .text(EvaluateRun.calibrated)])
    let outcome = try SuspectsRun.run(store: store, dataset: questions, options: SuspectsRun.Options())
    #expect(outcome.calibratedBy == nil && outcome.calibrationBeaten?.run == evaluation.run && outcome.calibrationBeaten?.fusion == 0.1)
    #expect(outcome.table(top: 1).note?.contains("ranked its held-out planted errors less well than the rank average (average precision 0.100") == true)
}

@Test func anAuditSampleComesBackReviewedAsAnEstimatedErrorRateAndTheListsPrecisionAndRecall() throws {
    let store = try questionsStore()
    _ = try PVIRun.run(store: store, dataset: questions, options: bowOptions())
    let plain = try SuspectsRun.run(store: store, dataset: questions, options: SuspectsRun.Options())
    #expect(plain.auditReport == nil && plain.audit == nil)
    #expect(throws: OptionError("{top}, {all} and {audit} do not go together")) {
        try SuspectsRun.run(store: store, dataset: questions, options: SuspectsRun.Options(top: 3, all: false, audit: 10))
    }
    let drawn = try SuspectsRun.run(store: store, dataset: questions, options: SuspectsRun.Options(top: nil, all: false, audit: 20))
    let audit = try #require(drawn.audit)
    #expect(audit.fromList.count == 10 && audit.fromRest.count == 10 && drawn.suspects.map(\.sampleID) == audit.fromList + audit.fromRest)
    #expect(audit.listSize == plain.suspects.count && audit.listSize + audit.restSize == 500)
    let listed = Set(plain.suspects.map(\.sampleID))
    #expect(audit.fromList.allSatisfy(listed.contains) && !audit.fromRest.contains(where: listed.contains))
    #expect(try store.run(drawn.run).parameters(SuspectsParameters.self).audit == audit)
    // Reviewers find 8 of the 10 listed labels wrong and 1 of the 10 others; the rest they keep.
    let labels = try store.labels(dataset: try store.requireDataset("questions"))
    let samples = Dictionary(uniqueKeysWithValues: try store.samples(dataset: try store.requireDataset("questions")).map { ($0.id, $0) })
    func decision(_ id: Int64, wrong: Bool) -> String {
        let sample = samples[id]!
        return "\(sample.displayID),\(wrong ? labels.first { $0 != sample.label }! : sample.label)"
    }
    let csv = scratchPath("audit.csv")
    try (["id,corrected_label"] + audit.fromList.enumerated().map { decision($1, wrong: $0 < 8) }
         + audit.fromRest.enumerated().map { decision($1, wrong: $0 == 0) }).joined(separator: "\n").write(toFile: csv, atomically: true, encoding: .utf8)
    let imported = try CorrectionsRun.run(store: store, file: csv, dataset: questions, annotator: "alice")
    #expect(imported.applied == 9 && imported.kept == 11)
    let after = try SuspectsRun.run(store: store, dataset: questions, options: SuspectsRun.Options())
    let report = try #require(after.auditReport)
    #expect(report.run == drawn.run && report.list == Audit.Stratum(size: audit.listSize, reviewed: 10, wrong: 8))
    #expect(report.rest == Audit.Stratum(size: audit.restSize, reviewed: 10, wrong: 1))
    #expect(report.estimate == Audit.estimate(list: report.list, rest: report.rest) && report.estimate.precision == 0.8)
    #expect(after.auditTable?.note?.hasPrefix("Estimated wrong labels: \(Int(report.estimate.errors.rounded())) of 500") == true)
    // The 20 reviews calibrate P(label wrong) on the score's rank: high on the list, where 8 of 10 were wrong.
    let calibration = try #require(after.calibratedOnAudit)
    #expect(calibration.reviewed == 20 && calibration.error >= 0 && calibration.error <= 1)
    #expect(after.suspects.allSatisfy { $0.probability != nil } && after.suspects.first!.probability! > 0.5, "\(after.suspects.first!)")
    #expect(try store.suspects(run: after.run).map(\.probability) == after.suspects.map(\.probability))
    #expect(after.table(top: 3).columns.contains("P(wrong)") && after.table(top: 3).note?.contains("calibrated on the 20 reviewed samples") == true)
    // A keep is a decision, not a correction.
    let id = try store.requireDataset("questions")
    #expect(try store.relabelled(dataset: id, version: try #require(try store.labelVersion(dataset: id))).count == 9)
}

/// The review loop closes: after corrections are imported, the next pvi run trains on and
/// judges the corrected labels (and records which labels it read), suspects leave the reviewed
/// samples out unless asked, and `--labels given` still reads the labels as ingested.
@Test func correctionsFeedTheNextRunAndReviewedSamplesLeaveTheList() throws {
    let store = try questionsStore()
    let first = try PVIRun.run(store: store, dataset: questions, options: bowOptions())
    #expect(try store.run(first.run).labelVersion == nil)
    let before = try SuspectsRun.run(store: store, dataset: questions, options: SuspectsRun.Options())
    #expect(before.reviewedLeftOut == 0 && before.suspects.count >= 3)
    let samples = Dictionary(uniqueKeysWithValues: try store.samples(dataset: try store.requireDataset("questions")).map { ($0.id, $0) })
    // The first suspect is corrected to its suggestion (or another label), the second kept.
    let (changed, kept) = (samples[before.suspects[0].sampleID]!, samples[before.suspects[1].sampleID]!)
    let labels = try store.labels(dataset: try store.requireDataset("questions"))
    let newLabel = before.suspects[0].suggestedLabel ?? labels.first { $0 != changed.label }!
    let csv = scratchPath("loop.csv")
    try "id,corrected_label\n\(changed.displayID),\(newLabel)\n\(kept.displayID),\(kept.label)\n".write(toFile: csv, atomically: true, encoding: .utf8)
    let imported = try CorrectionsRun.run(store: store, file: csv, dataset: questions, annotator: "alice")
    #expect(imported.applied == 1 && imported.kept == 1 && imported.reviewedBefore == 0)

    let second = try PVIRun.run(store: store, dataset: questions, options: bowOptions())
    let version = try #require(try store.run(second.run).labelVersion)
    #expect(try store.labelVersion(dataset: try store.requireDataset("questions")) == version)
    let rows = Dictionary(uniqueKeysWithValues: try store.pviRows(run: second.run).map { ($0.sampleID, $0) })
    #expect(rows[changed.id]?.label == newLabel && rows[kept.id]?.label == kept.label)
    #expect(try store.pviRows(run: first.run).first { $0.sampleID == changed.id }?.label == changed.label)

    let after = try SuspectsRun.run(store: store, dataset: questions, options: SuspectsRun.Options())
    let listed = Set(after.suspects.map(\.sampleID))
    #expect(!listed.contains(changed.id) && !listed.contains(kept.id))
    #expect(after.table(top: 3).note?.contains("Labels judged: the labels after 1 correction (import \(version)).") == true)
    var everyone = SuspectsRun.Options(top: nil, all: true)
    #expect(try SuspectsRun.run(store: store, dataset: questions, options: everyone).reviewedLeftOut == 2)
    everyone.includeReviewed = true
    #expect(Set(try SuspectsRun.run(store: store, dataset: questions, options: everyone).suspects.map(\.sampleID)).isSuperset(of: [changed.id, kept.id]))

    // The given labels, when asked for, and the run records that it read them.
    let given = try PVIRun.run(store: store, dataset: DatasetSelection(name: "questions", labels: .given), options: bowOptions())
    #expect(try store.run(given.run).labelVersion == nil)
    #expect(try store.pviRows(run: given.run).first { $0.sampleID == changed.id }?.label == changed.label)

    // A second review of the same sample is counted, and the latest stands.
    try "id,corrected_label\n\(changed.displayID),\(changed.label)\n".write(toFile: csv, atomically: true, encoding: .utf8)
    #expect(try CorrectionsRun.run(store: store, file: csv, dataset: questions, annotator: "bob").reviewedBefore == 1)
    #expect(try store.samples(try store.resolve(questions)).first { $0.id == changed.id }?.label == changed.label)
}
