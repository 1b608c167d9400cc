import Foundation
import Testing
import DQTestSupport
import DQAnalyses
import DQLearning
import DQStore

@Test func theIntervalOfTwoValuesIsTheirRange() {
    // Means of two draws from {0, 1} are 0, 0.5, 1 with probabilities ¼, ½, ¼: the 2.5% and
    // 97.5% quantiles of many resamples are 0 and 1.
    let interval = Bootstrap.mean([0, 1], resamples: 4000, seed: 1)
    #expect(interval.estimate == 0.5 && interval.low == 0 && interval.high == 1)
    let constant = Bootstrap.mean([2, 2, 2], resamples: 200)
    #expect(constant.estimate == 2 && constant.low == 2 && constant.high == 2)
    // Seeded: the same seed, the same interval; the interval holds the estimate.
    let values = (0..<50).map { sin(Double($0)) }
    #expect(Bootstrap.mean(values, seed: 3) == Bootstrap.mean(values, seed: 3))
    #expect(Bootstrap.mean(values, seed: 3).contains(values.reduce(0, +) / 50))
    // Normal theory: the 95% interval of a mean is about ±1.96 standard errors.
    let sd = sqrt(values.map { $0 * $0 }.reduce(0, +) / 50 - pow(values.reduce(0, +) / 50, 2))
    let width = Bootstrap.mean(values, resamples: 4000, seed: 3).high - Bootstrap.mean(values, resamples: 4000, seed: 3).low
    #expect(abs(width - 2 * 1.96 * sd / sqrt(50)) < 0.25 * width)
}

@Test func pairedDifferencesSeeTheShiftIndependentOnesBlurIt() {
    let a = (0..<40).map { Double($0 % 7) }
    let b = a.map { $0 + 0.1 }
    let paired = Bootstrap.pairedDifference(a, b)
    #expect(abs(paired.estimate - 0.1) < 1e-12 && abs(paired.low - 0.1) < 1e-12 && abs(paired.high - 0.1) < 1e-12)
    let independent = Bootstrap.difference(a, b)
    #expect(abs(independent.estimate - 0.1) < 1e-12 && independent.contains(0))
}

@Test func shuffledLabelsCarryNoVInformation() throws {
    let store = try Store(path: scratchPath("boot.sqlite"))
    try store.ingest(file: fixture("demo/trec/train.csv"), options: IngestOptions(dataset: "trec"))
    var samples = Array(try store.samples(dataset: try store.requireDataset("trec")).prefix(600))
    var rng = SplitMix64(seed: 5)
    let shuffled = samples.map(\.label).shuffled(using: &rng)
    for i in samples.indices { samples[i].label = shuffled[i] }
    let labels = Array(Set(shuffled)).sorted()
    let results = try PVIEstimation.run(samples: samples, labels: labels, family: BowFamily(), scheme: .crossFit(folds: 5),
                                        null: .trained, seed: 1)
    let interval = Bootstrap.mean(results.map(\.score.pvi))
    #expect(interval.contains(0), "\(interval)")
    #expect(interval.estimate < 0.1)
}
