import Foundation
import Testing
import DQAnalyses
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
