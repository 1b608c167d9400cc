import Foundation
import Testing
@testable import DQLearning

/// A tiny BERT for gradient checks: 2 layers, H = 8, 2 heads, I = 12, 20-word vocabulary.
private func tinyModel(dropout: Float = 0) -> BertClassifier {
    var config = BertConfig(vocabSize: 20, hiddenSize: 8, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 12,
                            hiddenDropoutProb: dropout, attentionProbsDropoutProb: dropout, maxPositionEmbeddings: 16,
                            initializerRange: 0.5, layerNormEps: 1e-5)
    config.typeVocabSize = 2
    let model = BertClassifier(config: config, labels: 3, seed: 11)
    // Non-trivial LayerNorm parameters and biases, so their gradients are exercised too.
    var rng = SplitMix64(seed: 5)
    for p in model.parameters where !p.decays {
        for i in 0..<p.count { p.value.data[i] += 0.3 * rng.nextGaussian() }
    }
    return model
}

/// Two sequences of length 5, the second padded after 3 tokens, with both token types.
private let batch = BertBatch(
    inputIDs: [2, 7, 9, 3, 11, 2, 5, 3, 0, 0], tokenTypeIDs: [0, 0, 0, 1, 1, 0, 0, 0, 0, 0],
    attentionMask: [1, 1, 1, 1, 1, 1, 1, 1, 0, 0], size: 2, length: 5)
private let labels = [2, 0]

private func loss(_ model: BertClassifier) -> Double {
    var rng = SplitMix64(seed: 1)
    let logits = model.forward(batch, training: false, rng: &rng)
    model.release()
    return CrossEntropy.evaluate(logits: logits, labels: labels).loss
}

@Test func everyBertParameterGradientMatchesCentralFiniteDifferences() {
    let model = tinyModel()
    var rng = SplitMix64(seed: 1)
    model.zeroGradients()
    let logits = model.forward(batch, training: true, rng: &rng)
    model.backward(CrossEntropy.evaluate(logits: logits, labels: labels).gradient)
    var checked = 0
    var probe = SplitMix64(seed: 99)
    for p in model.parameters {
        // A few coordinates of each tensor (and, for embeddings, rows the batch used).
        var coordinates: [Int] = []
        for _ in 0..<4 {
            if p.name.contains("word_embeddings") {
                let row = Int(batch.inputIDs[Int(probe.next() % 8)])
                coordinates.append(row * p.value.columns + Int(probe.next() % UInt64(p.value.columns)))
            } else if p.name.contains("position_embeddings") || p.name.contains("token_type") {
                coordinates.append(Int(probe.next() % UInt64(2 * p.value.columns)))
            } else {
                coordinates.append(Int(probe.next() % UInt64(p.count)))
            }
        }
        for i in coordinates {
            let saved = p.value.data[i]
            let eps: Float = 1e-2
            p.value.data[i] = saved + eps
            let plus = loss(model)
            p.value.data[i] = saved - eps
            let minus = loss(model)
            p.value.data[i] = saved
            let numeric = (plus - minus) / Double(2 * eps)
            let analytic = Double(p.gradient.data[i])
            let error = abs(numeric - analytic) / max(1e-3, abs(numeric) + abs(analytic))
            #expect(error < 2e-2, "\(p.name)[\(i)]: analytic \(analytic), numeric \(numeric)")
            checked += 1
        }
    }
    #expect(checked == 4 * model.parameters.count)
}

@Test func paddingDoesNotChangeTheOutputOfRealTokens() {
    let model = tinyModel()
    var rng = SplitMix64(seed: 1)
    let padded = model.forward(batch, training: false, rng: &rng)
    let short = BertBatch(inputIDs: [2, 5, 3], tokenTypeIDs: [0, 0, 0], attentionMask: [1, 1, 1], size: 1, length: 3)
    let alone = model.forward(short, training: false, rng: &rng)
    for j in 0..<3 { #expect(abs(padded[1, j] - alone[0, j]) < 1e-5) }
}

@Test func dropoutGradientsMatchFiniteDifferencesWithTheSameMasks() {
    // With a fixed seed the dropout masks repeat, so the training-mode loss is a smooth
    // function of the parameters and its gradient can be checked the same way.
    let model = tinyModel(dropout: 0.2)
    func trainingLoss() -> Double {
        var rng = SplitMix64(seed: 3)
        let logits = model.forward(batch, training: true, rng: &rng)
        model.release()
        return CrossEntropy.evaluate(logits: logits, labels: labels).loss
    }
    var rng = SplitMix64(seed: 3)
    model.zeroGradients()
    let logits = model.forward(batch, training: true, rng: &rng)
    model.backward(CrossEntropy.evaluate(logits: logits, labels: labels).gradient)
    for p in model.parameters where p.name.contains("layer.1.attention.self.query.weight") || p.name.hasPrefix("pooler.dense.weight") {
        for i in [0, 7, 19] {
            let saved = p.value.data[i]
            p.value.data[i] = saved + 1e-2
            let plus = trainingLoss()
            p.value.data[i] = saved - 1e-2
            let minus = trainingLoss()
            p.value.data[i] = saved
            let numeric = (plus - minus) / 2e-2
            let analytic = Double(p.gradient.data[i])
            #expect(abs(numeric - analytic) / max(1e-3, abs(numeric) + abs(analytic)) < 2e-2, "\(p.name)[\(i)]")
        }
    }
}

@Test func crossEntropyMatchesAHandComputedCase() {
    // logits (0, ln 3): p = (1/4, 3/4); label 1 → loss −ln(3/4); gradient (1/4, −1/4).
    let logits = Matrix(rows: 1, columns: 2, values: [0, Float(log(3.0))])
    let (loss, gradient, _) = CrossEntropy.evaluate(logits: logits, labels: [1])
    #expect(abs(loss + log(0.75)) < 1e-6)
    #expect(abs(gradient[0, 0] - 0.25) < 1e-6 && abs(gradient[0, 1] + 0.25) < 1e-6)
}

@Test func inferenceSplitBetweenCoresGivesExactlyTheValuesOfOneBatch() {
    // Large enough that the whole batch's products are split between the cores when there are two.
    var config = BertConfig(vocabSize: 60, hiddenSize: 64, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 256,
                            hiddenDropoutProb: 0.1, attentionProbsDropoutProb: 0.1, maxPositionEmbeddings: 32,
                            initializerRange: 0.2, layerNormEps: 1e-12)
    config.typeVocabSize = 2
    let model = BertClassifier(config: config, labels: 3, seed: 8)
    let size = 7, length = 24
    var rng = SplitMix64(seed: 2)
    let ids = (0..<(size * length)).map { _ in Int32(rng.next() % 60) }
    let mask = (0..<(size * length)).map { Int32($0 % length < length - $0 / length ? 1 : 0) }
    let batch = BertBatch(inputIDs: ids, tokenTypeIDs: [Int32](repeating: 0, count: ids.count), attentionMask: mask,
                          size: size, length: length)
    let whole = model.classifyOnce(batch, training: false, rng: &rng)
    let inThree = model.inParts(batch, parts: 3) { model.classifyOnce($0, training: false, rng: &$1) }
    let public_ = model.forward(batch, training: false, rng: &rng)
    #expect(inThree.rows == size && inThree.values == whole.values)
    #expect(public_.values == whole.values)
    let hidden = model.encodeOnce(batch, training: false, rng: &rng)
    #expect(model.encode(batch, training: false, rng: &rng).values == hidden.values)
    // Each part's kernels were limited to one core, on whichever thread ran it.
    let seen = model.inParts(batch, parts: 2) { part, _ in Matrix(rows: part.size, columns: 1, values: [Float](repeating: Float(Threading.cores), count: part.size)) }
    #expect(seen.values == [Float](repeating: 1, count: size))
    // More parts than cores, taken as the cores finish: still the whole batch's values, in order.
    let inFive = model.inParts(batch, parts: 5) { model.classifyOnce($0, training: false, rng: &$1) }
    #expect(inFive.values == whole.values)
}

@Test func inferenceSplitsABatchIntoPartsOfAboutFiveHundredTokenRows() {
    func parts(size: Int, length: Int, cores: Int) -> Int {
        let batch = BertBatch(inputIDs: [Int32](repeating: 0, count: size * length), tokenTypeIDs: [Int32](repeating: 0, count: size * length),
                              attentionMask: [Int32](repeating: 1, count: size * length), size: size, length: length)
        return BertClassifier.parts(batch, cores: cores)
    }
    #expect(parts(size: 32, length: 60, cores: 2) == 4)     // 1,920 rows: 4 parts of 480
    #expect(parts(size: 32, length: 128, cores: 2) == 8)    // 4,096 rows: 8 of 512
    #expect(parts(size: 32, length: 35, cores: 2) == 4)     // 1,120 rows want 3, rounded up to the cores
    #expect(parts(size: 32, length: 10, cores: 2) == 2)     // short: one part per core
    #expect(parts(size: 3, length: 400, cores: 2) == 3)     // no more parts than sequences
    #expect(parts(size: 1, length: 10, cores: 2) == 1)
    #expect(parts(size: 32, length: 60, cores: 1) == 4)
}

/// Dropout draws its mask on all cores and still gives the mask of one `nextFloat()` per value
/// in order, leaving the generator where that sequential draw leaves it (runs stay the same for
/// the same seed); backward multiplies by that mask.
@Test func dropoutDrawnOnEveryCoreIsTheSequentialDraw() {
    let rows = 300, columns = 128  // 38,400 values: split between the cores when there are two
    var fill = SplitMix64(seed: 4)
    let x = Matrix(rows: rows, columns: columns, values: (0..<(rows * columns)).map { _ in fill.nextFloat() + 0.5 })
    let dropout = Dropout(probability: 0.1)
    var rng = SplitMix64(seed: 9), sequential = SplitMix64(seed: 9)
    _ = rng.next(); _ = sequential.next()  // not at the seed's start
    let y = dropout.forward(x, training: true, rng: &rng)
    let mask = (0..<x.count).map { _ in sequential.nextFloat() >= 0.1 ? Float(1 / 0.9) : 0 }
    #expect(y.values == zip(x.values, mask).map { $0 * $1 })
    #expect(rng.next() == sequential.next())
    let dy = Matrix(rows: rows, columns: columns, values: (0..<(rows * columns)).map { Float($0 % 7) })
    #expect(dropout.backward(dy).values == zip(dy.values, mask).map { $0 * $1 })
    // Values ahead of a state are the ones next() gives, in any order.
    var a = SplitMix64(seed: 77), b = SplitMix64(seed: 77)
    let ahead = a.take(5)
    let drawn = (0..<5).map { _ in b.next() }
    #expect([4, 0, 3, 1, 2].map { ahead.value($0) } == [4, 0, 3, 1, 2].map { drawn[$0] } && a.next() == b.next())
}
