import Foundation
import Testing
import DQAnalyses

@Test func detectionMetricsEqualScikitLearnsOnHandComputedCases() {
    // sklearn.metrics.average_precision_score([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.6]) = 1/2 · 1 + 1/2 · 2/3 = 0.8333…
    let scores = DetectionMetrics.evaluate(suspicion: [0.9, 0.8, 0.7, 0.6], planted: [true, false, true, false], k: 2)
    #expect(abs(scores.averagePrecision - 5.0 / 6) < 1e-15)
    #expect(scores.precisionAtK == 0.5 && scores.recallAtK == 0.5)
    // roc_auc_score: 3 of the 4 (planted, clean) pairs are ordered.
    #expect(scores.auroc == 0.75)
    // A tie between a planted and a clean sample at the top: one threshold, recall 1 at precision 1/2.
    #expect(DetectionMetrics.averagePrecision(suspicion: [0.5, 0.5, 0.1], planted: [true, false, false]) == 0.5)
    // Ties at the cut of the top k go by sample order.
    #expect(DetectionMetrics.evaluate(suspicion: [1, 1, 1], planted: [false, true, false], k: 1).precisionAtK == 0)
    #expect(DetectionMetrics.rankNormalised([3, 1, 3, 2]) == [0.875, 0.25, 0.875, 0.5])
}

@Test func plantedErrorsAreSeededCountedAndFollowTheConfusions() {
    let labels = (0..<1000).map { $0 % 4 }
    let uniform = LabelNoise.plant(labels: labels, classes: 4, rate: 0.1, mode: .uniform, seed: 3)
    #expect(uniform.count == 100)
    #expect(zip(labels, uniform.labels).enumerated().allSatisfy { i, pair in (pair.0 != pair.1) == uniform.planted[i] })
    #expect(uniform == LabelNoise.plant(labels: labels, classes: 4, rate: 0.1, mode: .uniform, seed: 3))
    #expect(uniform != LabelNoise.plant(labels: labels, classes: 4, rate: 0.1, mode: .uniform, seed: 4))
    // Label 0 is only ever confused with 2; label 1's row has no mass off its diagonal: uniform.
    let confusion: [[Double]] = [[5, 0, 3, 0], [0, 9, 0, 0], [1, 1, 1, 1], [0, 2, 2, 2]]
    let confusable = LabelNoise.plant(labels: labels, classes: 4, rate: 0.5, mode: .confusable, confusion: confusion, seed: 3)
    let fromZero = labels.indices.filter { labels[$0] == 0 && confusable.planted[$0] }.map { confusable.labels[$0] }
    #expect(!fromZero.isEmpty && fromZero.allSatisfy { $0 == 2 })
    let fromOne = Set(labels.indices.filter { labels[$0] == 1 && confusable.planted[$0] }.map { confusable.labels[$0] })
    #expect(fromOne == [0, 2, 3])
    let fromThree = labels.indices.filter { labels[$0] == 3 && confusable.planted[$0] }.map { confusable.labels[$0] }
    #expect(!fromThree.contains(0) && !fromThree.contains(3))
    // The soft confusion sums each label's probability vectors.
    #expect(LabelNoise.confusion(labels: [0, 0, 1], probabilities: [[0.5, 0.5], [1, 0], [0.25, 0.75]], classes: 2) == [[1.5, 0.5], [0.25, 0.75]])
}

@Test func plantedMembershipFlipsChangeOneLabelOfEachChosenSample() {
    // 600 samples over 5 labels: some with none, some with all, most with one or two.
    let labels: [[Int]] = (0..<600).map { i in i % 10 == 0 ? [] : i % 10 == 1 ? [0, 1, 2, 3, 4] : i % 3 == 0 ? [i % 5, (i + 2) % 5].sorted() : [i % 5] }
    let noise = LabelNoise.plant(memberships: labels, classes: 5, rate: 0.2, seed: 7)
    #expect(noise.count == 120 && noise.planted.count { $0 } == 120)
    for i in labels.indices {
        let difference = Set(labels[i]).symmetricDifference(noise.labels[i])
        #expect(difference == (noise.flipped[i].map { [$0] } ?? []))
        #expect(noise.labels[i] == noise.labels[i].sorted())
        if labels[i].isEmpty, let k = noise.flipped[i] { #expect(noise.labels[i] == [k]) }
        if labels[i].count == 5, noise.flipped[i] != nil { #expect(noise.labels[i].count == 4) }
    }
    // Both kinds of error, in roughly equal numbers among samples that allow both.
    let both = labels.indices.filter { noise.flipped[$0] != nil && !labels[$0].isEmpty && labels[$0].count < 5 }
    let removed = both.count { noise.labels[$0].count < labels[$0].count }
    #expect(removed > both.count / 4 && removed < 3 * both.count / 4)
    #expect(noise == LabelNoise.plant(memberships: labels, classes: 5, rate: 0.2, seed: 7))
    #expect(noise != LabelNoise.plant(memberships: labels, classes: 5, rate: 0.2, seed: 8))
}

@Test func logisticFusionEqualsScikitLearnsLogisticRegression() {
    // sklearn.linear_model.LogisticRegression(C=1/(n·λ), tol=1e-12) on these ten points, λ = 0.1:
    // the same objective, mean log-loss + (λ/2)‖w‖² with the intercept unpenalised.
    let x: [[Double]] = [[0.1, 1.0], [0.2, 0.5], [0.35, 0.0], [0.4, 2.0], [0.5, 1.5], [0.6, 0.2], [0.7, 0.9], [0.8, 0.1], [0.9, 1.2], [1.0, 0.3]]
    let y = [false, false, true, false, true, false, true, true, false, true]
    let model = LogisticFusion.fit(features: x, targets: y, l2: 0.1)
    let expected = [0.14756436389537764, 0.4474237465330682, -0.5163044063331171]
    for (w, e) in zip(model.weights, expected) { #expect(abs(w - e) < 1e-7) }
    #expect(abs(model.probability([0.5, 1.0]) - 1 / (1 + exp(-(expected[0] + 0.5 * expected[1] + 1.0 * expected[2])))) < 1e-7)
}

@Test func suspectScoringAveragesDenseSourcesAndUsesACalibrationOnlyWhenItsSignalsAreThere() {
    // Two signals of one model, and a sparse one that flags only sample 0.
    let pvi = SuspectScoring.Signal(id: .pvi(model: "bow"), suspicion: [0.1, 0.9, 0.5, 0.2], sparse: false, reasons: ["", "", "", ""])
    let cl = SuspectScoring.Signal(id: .confidentLearning(model: "bow"), suspicion: [0.2, 0.8, 0.6, 0.1], sparse: false,
                                   reasons: ["", "", "", ""])
    let specs = SuspectScoring.Signal(id: .specifications, suspicion: [1, 0, 0, 0], sparse: true, reasons: ["", "", "", ""])
    let plain = SuspectScoring.rank([pvi, cl, specs], calibration: nil)
    // The sparse signal is not averaged in: the model's order stands.
    #expect(plain.order == [1, 2, 0, 3] && plain.probability == nil)  // 0 and 3 tie: by position
    #expect(plain.score == [0.375, 1, 0.75, 0.375])
    // A calibration that weighs only the specifications puts sample 0 first, with probabilities.
    let calibration = SuspectScoring.Calibration(features: Feature.both(.specifications), model: .init(weights: [-2, 4, 0]))
    let calibrated = SuspectScoring.rank([pvi, cl, specs], calibration: calibration)
    #expect(calibrated.order.first == 0 && calibrated.probability != nil)
    // Without a signal it needs, the calibration is not used.
    #expect(SuspectScoring.rank([pvi, cl], calibration: calibration).probability == nil)
}

@Test func signalsKeepTheirNamesAndSourcesAndRoundTripThroughTheirStoredForm() {
    let all: [SignalID] = [.pvi(model: "bow"), .confidentLearning(model: "embeddings"), .cartography, .specifications, .conflicts, .annotators]
    #expect(all.map(\.name) == ["bow PVI", "confident learning (embeddings)", "cartography", "specifications", "conflicting duplicates",
                                 "annotator disagreement"])
    #expect(all.map(\.source) == ["bow", "embeddings", "cartography", "specifications", "conflicts", "annotators"])
    for id in all { #expect(SignalID(kind: id.stored.kind, model: id.stored.model) == id) }
    #expect(SignalID(kind: "pvi", model: nil) == nil && SignalID(kind: "nonsense", model: nil) == nil)
}

@Test func aFeatureIsTheRankOrHowFarIntoTheTailItIs() {
    // Ranks of [0.1, 0.9, 0.5] among 3: 1/3, 1, 2/3; tail −log(1 − r + 1/3).
    let suspicion = [0.1, 0.9, 0.5]
    let ranks = [1.0 / 3, 1, 2.0 / 3]
    for (f, r) in zip(Feature.rank(.cartography).values(suspicion), ranks) { #expect(abs(f - r) < 1e-12) }
    let tail = Feature.tail(.cartography).values(suspicion)
    for (t, r) in zip(tail, ranks) { #expect(abs(t - -log(1 - r + 1.0 / 3)) < 1e-12) }
    #expect(abs(tail[1] - log(3)) < 1e-12)
}

@Test func theModelSignalsAreMinusPVIAndOneMinusTheGivenLabelsProbability() {
    let view = SuspectScoring.Signal.ModelView(model: "bow", labels: ["a", "b", "c"], given: [0, 2],
                                                probabilities: [0.7, 0.2, 0.1, 0.5, 0.3, 0.2], pvi: [1.5, -0.25])
    let signals = SuspectScoring.Signal.model(view, runnerUp: view.runnerUp)
    #expect(signals.map(\.id) == [.pvi(model: "bow"), .confidentLearning(model: "bow")])
    #expect(signals[0].suspicion == [-1.5, 0.25])
    #expect(abs(signals[1].suspicion[0] - 0.3) < 1e-12 && abs(signals[1].suspicion[1] - 0.8) < 1e-12)
    #expect(view.runnerUp == [1, 0])
    #expect(signals[1].reasons[1] == "bow: p(c) 0.200, p(a) 0.500")
    // The mean of two models, in the first one's label order.
    let other = SuspectScoring.Signal.ModelView(model: "e", labels: ["c", "b", "a"], given: [2, 0], probabilities: [0.1, 0.2, 0.7, 0.2, 0.3, 0.5], pvi: [0, 0])
    #expect(SuspectScoring.Signal.ModelView.meanProbabilities([view, other]) == view.probabilities)
}

@Test func hardPlantingFlipsTheSamplesTheModelsSplitOver() {
    // 1,000 samples of 3 labels (frequencies 600, 300, 100); the first 500 are ambiguous (1), the rest not (0).
    let labels = (0..<1000).map { $0 % 10 < 6 ? 0 : $0 % 10 < 9 ? 1 : 2 }
    let ambiguity = (0..<1000).map { $0 < 500 ? 1.0 : 0.0 }
    let noise = LabelNoise.plantHard(labels: labels, classes: 3, rate: 0.1, ambiguity: ambiguity, seed: 5)
    #expect(noise.count == 100 && zip(labels, noise.labels).enumerated().allSatisfy { i, pair in noise.planted[i] == (pair.0 != pair.1) })
    // Weights 1.05 against 0.05: about 95% of the flips fall on the ambiguous half.
    let ambiguous = (0..<500).filter { noise.planted[$0] }.count
    #expect(ambiguous >= 85, "\(ambiguous) of 100 on the ambiguous half")
    #expect(LabelNoise.plantHard(labels: labels, classes: 3, rate: 0.1, ambiguity: ambiguity, seed: 5) == noise)
    // New labels follow the labels' frequencies: a flipped 1 becomes 0 six times as often as 2.
    let fromOne = (0..<1000).filter { noise.planted[$0] && labels[$0] == 1 }.map { noise.labels[$0] }
    #expect(fromOne.filter { $0 == 0 }.count > fromOne.filter { $0 == 2 }.count, "\(fromOne)")
}
