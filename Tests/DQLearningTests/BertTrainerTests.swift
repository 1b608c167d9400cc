import Foundation
import Testing
import DQLearning
import DQText

/// A toy task a small BERT must learn: the label is whether the sentence contains a positive
/// or a negative word, wherever it stands among neutral words.
private func toyExamples(count: Int, seed: UInt64) -> [TextExample] {
    let positive = ["good", "great", "fine", "nice"], negative = ["bad", "awful", "poor", "worse"]
    let neutral = ["the", "movie", "was", "really", "plot", "and", "acting", "quite", "a", "film"]
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in
        let label = Int(rng.next() % 2)
        var words = (0..<5).map { _ in neutral[Int(rng.next() % UInt64(neutral.count))] }
        let cue = (label == 1 ? positive : negative)[Int(rng.next() % 4)]
        words.insert(cue, at: Int(rng.next() % 6))
        return TextExample(text: words.joined(separator: " "), label: label)
    }
}

private func tinyTrainer(texts: [String]) throws -> BertTrainer {
    let basic = BasicTokenizer()
    let vocabulary = VocabularyBuilder.build(texts: texts, basic: basic, size: 200, minCount: 1)
    let tokenizer = try BertTokenizer(vocabulary: vocabulary)
    let config = BertConfig(vocabSize: vocabulary.count, hiddenSize: 32, numHiddenLayers: 1, numAttentionHeads: 2,
                            intermediateSize: 64, maxPositionEmbeddings: 32)
    return BertTrainer(model: BertClassifier(config: config, labels: 2, seed: 3), tokenizer: tokenizer)
}

private func accuracy(_ trainer: BertTrainer, _ examples: [TextExample]) -> Double {
    let p = trainer.probabilities(examples.map { ($0.text, $0.pair) }, maxLength: 16)
    return Double(zip(p, examples).filter { ($0[1] > $0[0] ? 1 : 0) == $1.label }.count) / Double(examples.count)
}

@Test func aSmallBertLearnsTheToyTaskFromScratchDeterministically() throws {
    let train = toyExamples(count: 256, seed: 1), test = toyExamples(count: 128, seed: 2)
    var options = BertTrainingOptions.fromScratch(seed: 4)
    options.epochs = 10
    options.batchSize = 16
    var losses: [Double] = []
    let first = try tinyTrainer(texts: train.map(\.text))
    #expect(accuracy(first, test) < 0.7)
    try first.train(train, options: options, progress: { losses.append($0.loss) })
    let learned = accuracy(first, test)
    #expect(learned >= 0.95, "held-out accuracy \(learned)")
    #expect(losses.last! < 0.5 * losses.first!, "final epoch loss \(losses.last!) vs first step \(losses.first!)")
    // Same seed, same data: the same weights.
    let second = try tinyTrainer(texts: train.map(\.text))
    try second.train(train, options: options)
    #expect(zip(first.model.parameters, second.model.parameters).allSatisfy { $0.value.values == $1.value.values })
}

@Test func aDivergingRunStopsWithTheStepItDivergedAt() throws {
    let train = toyExamples(count: 64, seed: 1)
    let trainer = try tinyTrainer(texts: train.map(\.text))
    var options = BertTrainingOptions.fromScratch()
    options.learningRate = .infinity
    options.warmupFraction = 0
    options.maxGradientNorm = .infinity
    #expect(throws: TrainingError.self) { try trainer.train(train, options: options) }
}

@Test func theVocabularyBuilderSpellsEveryTrainingWord() throws {
    let texts = ["Zebras zigzag!", "zebras rest"]
    let vocabulary = VocabularyBuilder.build(texts: texts, basic: BasicTokenizer(), size: 100, minCount: 2)
    #expect(Array(vocabulary.tokens.prefix(5)) == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    #expect(vocabulary.id("zebras") != nil)  // twice
    #expect(vocabulary.id("zigzag") == nil)  // once
    let tokenizer = try BertTokenizer(vocabulary: vocabulary)
    #expect(!tokenizer.tokenIDs("zigzag rest!").contains(1))
}

/// Binary cross-entropy against central finite differences of its own loss and a hand-computed
/// value: logits [[2, −1], [0.5, 0]] with targets {0}, {0, 1} give
/// mean(log1p(e⁻²), log1p(e⁻¹), log1p(e^−0.5), log 2) = 0.4018535 (Python: 0.40185346582531184).
@Test func binaryCrossEntropyHasTheRightValueAndGradient() {
    let logits = Matrix(rows: 2, columns: 2, values: [2, -1, 0.5, 0])
    let targets = [[0], [0, 1]]
    let (loss, gradient, probabilities) = BinaryCrossEntropy.evaluate(logits: logits, targets: targets)
    let terms: [Double] = [log1p(exp(-2.0)), log1p(exp(-1.0)), log1p(exp(-0.5)), log(2.0)]
    let expected = terms.reduce(0, +) / 4
    #expect(abs(loss - expected) < 1e-7 && abs(loss - 0.4018535) < 1e-6, "\(loss)")
    #expect(abs(Double(probabilities[0, 0]) - 1 / (1 + exp(-2.0))) < 1e-7)
    for b in 0..<2 {
        for k in 0..<2 {
            let h: Float = 1e-2
            let up = logits.copy(), down = logits.copy()
            up[b, k] += h
            down[b, k] -= h
            let numeric = (BinaryCrossEntropy.evaluate(logits: up, targets: targets).loss
                - BinaryCrossEntropy.evaluate(logits: down, targets: targets).loss) / Double(2 * h)
            #expect(abs(numeric - Double(gradient[b, k])) < 1e-5, "∂L/∂z[\(b),\(k)]")
        }
    }
}

/// K sigmoid heads learn a toy multi-label task: whether each of two cue families occurs.
@Test func aSmallBertLearnsTwoLabelsAtOnceWithSigmoidHeads() throws {
    var rng = SplitMix64(seed: 9)
    let cues = [["good", "great", "fine"], ["red", "blue", "green"]]
    let neutral = ["the", "movie", "was", "really", "plot", "and", "acting"]
    func draw(_ n: Int) -> [(text: String, labels: [Int])] {
        (0..<n).map { _ in
            var words = (0..<4).map { _ in neutral[Int(rng.next() % UInt64(neutral.count))] }
            var labels: [Int] = []
            for k in 0..<2 where rng.next() % 2 == 0 {
                labels.append(k)
                words.insert(cues[k][Int(rng.next() % 3)], at: Int(rng.next() % UInt64(words.count + 1)))
            }
            return (words.joined(separator: " "), labels)
        }
    }
    let train = draw(256), test = draw(128)
    let basic = BasicTokenizer()
    let vocabulary = VocabularyBuilder.build(texts: train.map(\.text), basic: basic, size: 200, minCount: 1)
    let config = BertConfig(vocabSize: vocabulary.count, hiddenSize: 32, numHiddenLayers: 1, numAttentionHeads: 2,
                            intermediateSize: 64, maxPositionEmbeddings: 32)
    let trainer = BertTrainer(model: BertClassifier(config: config, labels: 2, seed: 3), tokenizer: try BertTokenizer(vocabulary: vocabulary))
    var options = BertTrainingOptions.fromScratch(seed: 4)
    options.epochs = 20
    options.batchSize = 16
    try trainer.trainMultiLabel(train.map { ($0.text, nil) }, labels: train.map(\.labels), options: options)
    let p = trainer.sigmoidProbabilities(test.map { ($0.text, nil) }, maxLength: 16)
    var right = 0
    for (row, example) in zip(p, test) {
        for k in 0..<2 where (row[k] > 0.5) == example.labels.contains(k) { right += 1 }
    }
    #expect(Double(right) / Double(2 * test.count) > 0.95, "\(right) of \(2 * test.count) memberships right")
}
