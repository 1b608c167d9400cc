import Foundation
import Testing
import DQTestSupport
import DQAnalyses
import DQLearning
import DQStore
import DQText

/// The first `count` TREC training questions, stored, with labels optionally shuffled.
private func trecSamples(_ count: Int, shuffled: Bool = false) throws -> (samples: [Sample], labels: [String]) {
    let store = try Store(path: scratchPath("pvi.sqlite"))
    try store.ingest(file: fixture("demo/trec/train.csv"), options: IngestOptions(dataset: "trec"))
    let id = try store.requireDataset("trec")
    var samples = Array(try store.samples(dataset: id).prefix(count))
    if shuffled {
        var rng = SplitMix64(seed: 21)
        let permuted = samples.map(\.label).shuffled(using: &rng)
        for i in samples.indices { samples[i].label = permuted[i] }
    }
    return (samples, try store.labels(dataset: id))
}

private let smallBow = BowFamily(features: HashedNGrams(dimension: 1 << 16, maxN: 2))

@Test func realLabelsCarryVInformationAndShuffledLabelsNone() throws {
    let real = try trecSamples(1500)
    let results = try PVIEstimation.run(samples: real.samples, labels: real.labels, family: smallBow,
                                        scheme: .crossFit(folds: 3), null: .trained, seed: 1)
    let vInfo = PointwiseVInformation.summarise(results.map(\.score), group: "all").vInformation
    #expect(vInfo > 0.8, "V-information of TREC with bow: \(vInfo) bits")

    let noise = try trecSamples(1500, shuffled: true)
    let shuffled = try PVIEstimation.run(samples: noise.samples, labels: noise.labels, family: smallBow,
                                         scheme: .crossFit(folds: 3), null: .trained, seed: 1)
    let noiseInfo = PointwiseVInformation.summarise(shuffled.map(\.score), group: "all").vInformation
    // Out of sample, a model of noise cannot beat the prior: V-information ≤ 0 up to estimation error.
    #expect(noiseInfo < 0.05 && noiseInfo > -0.5, "V-information with shuffled labels: \(noiseInfo) bits")
}

@Test func everySampleIsScoredOnceByAModelThatDidNotSeeIt() throws {
    let data = try trecSamples(300)
    let results = try PVIEstimation.run(samples: data.samples, labels: data.labels, family: smallBow,
                                        scheme: .crossFit(folds: 3), null: .prior, seed: 2)
    #expect(results.map(\.sample.id) == data.samples.map(\.id))
    #expect(Set(results.map(\.fold)) == [0, 1, 2])
    // The prior null model gives every sample of a label the same p(y|∅).
    let abbr = results.filter { $0.sample.label == "DESC" }.map(\.score.nullProbability)
    #expect(Set(abbr).count == 1)
    // Same seed, same scores.
    let again = try PVIEstimation.run(samples: data.samples, labels: data.labels, family: smallBow,
                                      scheme: .crossFit(folds: 3), null: .prior, seed: 2)
    #expect(results.map(\.score) == again.map(\.score))
}

@Test func tooFewSamplesForTheFoldsIsAnError() throws {
    let data = try trecSamples(5)
    #expect(throws: PVIEstimation.EstimationError.tooFewSamples(5, folds: 5)) {
        try PVIEstimation.run(samples: data.samples, labels: data.labels, family: smallBow, scheme: .crossFit(folds: 5), null: .prior, seed: 0)
    }
}

@Test func cartographyRecordsOneCheckpointPerEpochForEverySample() throws {
    let data = try trecSamples(96)
    var options = BertTrainingOptions.fromScratch(seed: 3)
    options.epochs = 3
    options.batchSize = 16
    options.maxLength = 24
    let config = BertConfig(vocabSize: 0, hiddenSize: 16, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 32,
                            maxPositionEmbeddings: 32)
    let family = BertFamily(name: "small", initialisation: .random(config: config, vocabularySize: 300), training: options)
    let results = try CartographyEstimation.run(samples: data.samples, labels: data.labels, family: family, share: 0.25)
    #expect(results.count == 96)
    #expect(results.allSatisfy { $0.goldProbabilities.count == 3 && $0.correct.count == 3 })
    // ⌊0.25 · 96⌋ + 1 samples in each region.
    for region in CartographyRegion.allCases { #expect(results.filter { $0.point.regions.contains(region) }.count == 25) }
    // Twice per epoch: 96 samples in batches of 16 are 6 steps an epoch, a checkpoint every 3.
    let finer = try CartographyEstimation.run(samples: data.samples, labels: data.labels, family: family, share: 0.25, every: 0.5)
    #expect(finer.allSatisfy { $0.goldProbabilities.count == 6 })
}

/// A family with its inner family's cross-fitting hidden: PVI fits each fold on its own (for bow,
/// features hashed per fit).
struct OneFitAtATime: ModelFamily {
    var inner: any ModelFamily
    var name: String { inner.name }
    var parameters: [(key: String, value: JSONValue)] { inner.parameters }
    func fit(_ examples: [TextExample], classes: Int, seed: UInt64, progress: (String) -> Void) throws -> any Classifier {
        try inner.fit(examples, classes: classes, seed: seed, progress: progress)
    }
}

@Test func bowCrossFittedOverSharedFeaturesScoresAsOneFitPerFoldDoes() throws {
    let data = try trecSamples(900)
    var tight = smallBow
    tight.options.solver.gradientTolerance = 1e-9
    tight.options.solver.relativeDecreaseTolerance = 0
    var withTrainSplit = data.samples
    for i in withTrainSplit.indices { withTrainSplit[i].split = i % 4 == 0 ? "test" : "train" }
    let cases: [(PVIEstimation.Scheme, [Sample], fits: Int)] = [(.crossFit(folds: 3), data.samples, 3),
                                                                 (.split(train: ["train"], evaluate: ["test"]), withTrainSplit, 1)]
    for (scheme, samples, fitCount) in cases {
        var messages: [String] = []
        let shared = try PVIEstimation.run(samples: samples, labels: data.labels, family: tight, scheme: scheme, null: .trained, seed: 4,
                                           progress: { messages.append($0) })
        let alone = try PVIEstimation.run(samples: samples, labels: data.labels, family: OneFitAtATime(inner: tight), scheme: scheme,
                                          null: .trained, seed: 4)
        #expect(shared.map { $0.sample.id } == alone.map { $0.sample.id } && shared.map { $0.fold } == alone.map { $0.fold })
        let worst = zip(shared, alone).map { abs($0.0.score.pvi - $0.1.score.pvi) }.max()!
        #expect(worst < 1e-5, "\(scheme): largest PVI difference \(worst) bits")
        // Each fold is announced before its fit and reported after it, in order.
        let fits = messages.filter { $0.contains("g′") }
        #expect(fits.count == 2 * fitCount)
        #expect(fits.first?.contains("fitting g′") == true && fits.dropFirst().first?.contains("fitted in") == true)
    }
}

@Test func crossFittingRefusesFewerGroupsThanFolds() throws {
    let samples = (0..<30).map { i in
        Sample(id: Int64(i + 1), split: "train", sourceRow: i + 2, externalID: nil, text: "text \(i)", textPair: nil, label: i % 2 == 0 ? "a" : "b", metadata: nil)
    }
    #expect(throws: PVIEstimation.EstimationError.tooFewGroups(3, folds: 5)) {
        try PVIEstimation.run(samples: samples, labels: ["a", "b"], family: smallBow, scheme: .crossFit(folds: 5), null: .prior, seed: 1,
                              groups: samples.map { "\($0.id % 3)" })
    }
}
