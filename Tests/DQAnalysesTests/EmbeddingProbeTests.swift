import Foundation
import Testing
import DQTestSupport
import DQAnalyses
import DQLearning
import DQStore
import DQText

private func trecExamples(_ count: Int) throws -> (samples: [Sample], labels: [String]) {
    let store = try Store(path: scratchPath("probe.sqlite"))
    try store.ingest(file: fixture("demo/trec/train.csv"), options: IngestOptions(dataset: "trec"))
    let id = try store.requireDataset("trec")
    return (Array(try store.samples(dataset: id).prefix(count)), try store.labels(dataset: id))
}

@Test func aPairsProbeInputIsBothEmbeddingsTheirDistanceAndTheirProduct() {
    let x = EmbeddingProbeFamily.features([1, 2], [3, -1])
    #expect(x.indices == [0, 1, 2, 3, 4, 5, 6, 7])
    #expect(x.values == [1, 2, 3, -1, 2, 3, 3, -2])
    #expect(EmbeddingProbeFamily.features([0.5, -0.5], nil).values == [0.5, -0.5])
}

@Test func theProbeIsLogisticRegressionOnTheEmbedderOutput() throws {
    let data = try trecExamples(120)
    let directory = fixture("bert/random-tiny")
    var options = SoftmaxRegression.Options()
    options.solver.gradientTolerance = 1e-9
    let family = try EmbeddingProbeFamily(directory: directory, options: options)
    let index = Dictionary(uniqueKeysWithValues: data.labels.enumerated().map { ($1, $0) })
    let examples = data.samples.map { TextExample(text: $0.text, pair: nil, label: index[$0.label]!) }
    let probe = try family.fit(examples, classes: data.labels.count, seed: 0, progress: { _ in })
    // The same regression on embeddings made one text at a time by a separately loaded embedder.
    let embedder = try SentenceEmbedder(directory: directory)
    let rows = SparseRows(examples.map { e in
        let u = embedder.embed([e.text])[0]
        return SparseVector(indices: (0..<Int32(u.count)).map { $0 }, values: u)
    })
    let fit = SoftmaxRegression.fit(rows: rows, labels: examples.map(\.label), classes: data.labels.count, dimension: family.width, options: options)
    let got = probe.probabilities(examples.prefix(20).map { (text: $0.text, pair: nil) })
    for i in 0..<20 {
        let want = fit.model.probabilities(rows[i])
        // Batched and single embeddings agree to float rounding (1e-6), and so do the probabilities.
        for (a, b) in zip(got[i], want) { #expect(abs(a - b) < 1e-5, "sample \(i)") }
    }
}

@Test func theProbeCrossFitsAsOneFitPerFoldAndEmbedsEachTextOnce() throws {
    let data = try trecExamples(300)
    var options = SoftmaxRegression.Options()
    options.solver.gradientTolerance = 1e-9
    options.solver.relativeDecreaseTolerance = 0
    let family = try EmbeddingProbeFamily(directory: fixture("bert/random-tiny"), options: options)
    var embedded = 0
    family.onEmbed = { done, total in if done == total { embedded += total } }
    let shared = try PVIEstimation.run(samples: data.samples, labels: data.labels, family: family, scheme: .crossFit(folds: 3),
                                       null: .trained, seed: 5)
    let distinct = Set(data.samples.map(\.text)).count
    #expect(embedded == distinct)
    let alone = try PVIEstimation.run(samples: data.samples, labels: data.labels, family: OneFitAtATime(inner: family),
                                      scheme: .crossFit(folds: 3), null: .trained, seed: 5)
    #expect(embedded == distinct, "a second run reuses the embeddings")
    #expect(shared.map(\.sample.id) == alone.map(\.sample.id))
    let worst = zip(shared, alone).map { abs($0.0.score.pvi - $0.1.score.pvi) }.max()!
    #expect(worst < 1e-5, "largest PVI difference \(worst) bits")
    // The empty input embeds to a constant, so the trained null model is the training folds' label frequencies
    // (returned directly; the regression on the constant converges to them, checked below).
    for result in shared {
        let training = shared.filter { $0.fold != result.fold }
        let frequency = Double(training.filter { $0.sample.label == result.sample.label }.count) / Double(training.count)
        #expect(abs(result.score.nullProbability - frequency) < 1e-12, "sample \(result.sample.displayID)")
    }
    let embedder = try SentenceEmbedder(directory: fixture("bert/random-tiny"))
    let constant = SparseVector(indices: (0..<Int32(family.width)).map { $0 }, values: embedder.embed([""])[0])
    let labels = data.samples.prefix(200).map { data.labels.firstIndex(of: $0.label)! }
    var loose = SoftmaxRegression.Options()
    loose.solver.maxIterations = 5000
    let regression = SoftmaxRegression.fit(rows: SparseRows(Array(repeating: constant, count: labels.count)), labels: labels,
                                           classes: data.labels.count, dimension: family.width, options: loose)
    let prior = PriorClassifier(labels: labels, classes: data.labels.count).prior
    for (a, b) in zip(regression.model.probabilities(constant), prior) { #expect(abs(a - b) < 1e-4) }
}
