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
