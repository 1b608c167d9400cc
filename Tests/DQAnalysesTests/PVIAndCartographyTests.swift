import Foundation
import Testing
import DQAnalyses
import DQText
import DQLearning
import DQStore

@Test func pviOfAHandComputedTableIsExact() {
    // p(y|∅) = 1/4 → H_yb = 2 bits; p′(y|x) = 1/2 → H_yx = 1 bit; PVI = 1 bit.
    let a = PointwiseVInformation.score(label: 0, inputProbabilities: [0.5, 0.25, 0.25], nullProbabilities: [0.25, 0.5, 0.25])
    #expect(a.hNull == 2 && a.hInput == 1 && a.pvi == 1)
    #expect(a.predicted == 0 && a.correct)
    // A sample the input model gets wrong: p′(y|x) = 1/8 → 3 bits; p(y|∅) = 1/2 → 1 bit; PVI = −2.
    let b = PointwiseVInformation.score(label: 1, inputProbabilities: [0.875, 0.125, 0], nullProbabilities: [0.25, 0.5, 0.25])
    #expect(b.pvi == -2 && !b.correct)
    let summary = PointwiseVInformation.summarise([a, b], group: "all")
    #expect(summary.vInformation == -0.5 && summary.accuracy == 0.5 && summary.meanHNull == 1.5 && summary.meanHInput == 2)
    // A zero probability is clipped, not infinite.
    let c = PointwiseVInformation.score(label: 2, inputProbabilities: [0.875, 0.125, 0], nullProbabilities: [0.25, 0.5, 0.25])
    #expect(abs(c.hInput - (-log2(1e-12))) < 1e-9)
}

@Test func pviSummariesPerGroupKeepFirstSeenOrder() {
    let s = [(0, 0.5), (1, 0.25), (0, 1.0)].map { label, p in
        PointwiseVInformation.score(label: label, inputProbabilities: label == 0 ? [p, 1 - p] : [1 - p, p], nullProbabilities: [0.5, 0.5])
    }
    let groups = PointwiseVInformation.summarise(s, by: ["b", "a", "b"])
    #expect(groups.map(\.group) == ["b", "a"])
    #expect(groups[0].count == 2 && groups[0].vInformation == 0.5)  // PVIs 0 and 1
    #expect(groups[1].vInformation == -1)
}

@Test func cartographyOfAHandComputedTableIsExact() {
    // Sample 0: probabilities 0.2, 0.4, 0.9 → μ = 0.5, σ² = (0.09 + 0.01 + 0.16)/3.
    let points = DatasetCartography.map(
        probabilities: [[0.2, 0.4, 0.9], [0.9, 0.95, 1.0], [0.1, 0.1, 0.1]],
        correct: [[false, true, false], [true, true, true], [false, false, false]], share: 1.0 / 3)
    #expect(abs(points[0].confidence - 0.5) < 1e-12)
    #expect(abs(points[0].variability - (0.26 / 3).squareRoot()) < 1e-12)
    #expect(abs(points[0].correctness - 1.0 / 3) < 1e-12)
    #expect(points[0].forgettingEvents == 1)
    #expect(points[2].neverLearned && points[2].forgettingEvents == 0)
    // Each region holds ⌊n/3⌋ + 1 = 2 of the 3 samples, chosen by its own metric.
    #expect(points.map(\.regions) == [[.ambiguous, .hard, .easy], [.ambiguous, .easy], [.hard]])
}

private struct CartographyGolden: Decodable {
    struct Sample: Decodable {
        let guid: String
        let gold_probabilities: [Double]
        let correct: [Bool]
        let confidence, variability, correctness: Double
        let forgetfulness: Int
    }
    let samples: [Sample]
    let selections: [String: [String: [String]]]
}

/// allenai/cartography's compute_train_dy_metrics and write_filtered_data, run unchanged on 61
/// random dynamics (Golden/make_cartography_golden.py): every metric, and each region's selection
/// at each of the reference's eight fractions, where ambiguous overlaps both other regions.
@Test func cartographyMatchesAllenaiMetricsAndRegionSelections() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/cartography_golden.json")
    let golden = try JSONDecoder().decode(CartographyGolden.self, from: Data(contentsOf: url))
    let epochs = Double(golden.samples[0].correct.count)
    var overlapsSeen = 0
    for (fraction, regions) in golden.selections {
        let points = DatasetCartography.map(probabilities: golden.samples.map(\.gold_probabilities),
                                            correct: golden.samples.map(\.correct), share: Double(fraction)!)
        if fraction == "0.3319" {
            for (point, sample) in zip(points, golden.samples) {
                #expect(abs(point.confidence - sample.confidence) < 1e-12)
                #expect(abs(point.variability - sample.variability) < 1e-12)
                #expect(abs(point.correctness * epochs - sample.correctness) < 1e-9)
                // allenai writes 1000 for a sample never predicted correctly; dq flags it.
                #expect(sample.forgetfulness == 1000 ? point.neverLearned : point.forgettingEvents == sample.forgetfulness)
            }
        }
        for region in CartographyRegion.allCases {
            let chosen = zip(points, golden.samples).filter { $0.0.regions.contains(region) }.map(\.1.guid).sorted()
            #expect(chosen == regions[region.rawValue], "\(region.rawValue) at \(fraction)")
        }
        overlapsSeen += points.filter { $0.regions.isSuperset(of: [.ambiguous, .hard]) }.count
    }
    #expect(overlapsSeen > 0)
}

@Test func stratifiedFoldsKeepLabelProportionsAndRepeatForASeed() {
    let labels = (0..<100).map { $0 < 70 ? 0 : 1 }
    var a = SplitMix64(seed: 3), b = SplitMix64(seed: 3)
    let folds = StratifiedFolds.assign(labels: labels, folds: 5, using: &a)
    #expect(folds == StratifiedFolds.assign(labels: labels, folds: 5, using: &b))
    for f in 0..<5 {
        let members = labels.indices.filter { folds[$0] == f }
        #expect(members.count == 20)
        #expect(members.filter { labels[$0] == 1 }.count == 6)
    }
}

@Test func groupedFoldsKeepAGroupTogetherAndSingletonsAsUngrouped() {
    // NLI-like: 60 premises with three hypotheses each, one per label.
    let labels = (0..<180).map { $0 % 3 }
    let groups = (0..<180).map { $0 / 3 }
    var rng = SplitMix64(seed: 4)
    let folds = StratifiedFolds.assign(labels: labels, groups: groups, folds: 5, using: &rng)
    for g in 0..<60 { #expect(Set((0..<3).map { folds[g * 3 + $0] }).count == 1, "premise \(g)") }
    for f in 0..<5 { #expect(folds.filter { $0 == f }.count == 36) }
    // Every group of one sample: the same folds as without groups.
    let plain = (0..<100).map { $0 % 4 }
    var a = SplitMix64(seed: 9), b = SplitMix64(seed: 9)
    #expect(StratifiedFolds.assign(labels: plain, groups: Array(0..<100), folds: 5, using: &a)
            == StratifiedFolds.assign(labels: plain, folds: 5, using: &b))
}
