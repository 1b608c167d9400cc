import Foundation
import DQText

/// One batch of encoded texts, padded to a common length.
package struct BertBatch: Sendable {
    package var inputIDs: [Int32]
    package var tokenTypeIDs: [Int32]
    package var attentionMask: [Int32]
    package var size: Int
    package var length: Int

    package init(inputIDs: [Int32], tokenTypeIDs: [Int32], attentionMask: [Int32], size: Int, length: Int) {
        precondition(inputIDs.count == size * length && tokenTypeIDs.count == size * length && attentionMask.count == size * length)
        self.inputIDs = inputIDs
        self.tokenTypeIDs = tokenTypeIDs
        self.attentionMask = attentionMask
        self.size = size
        self.length = length
    }
}

/// BERT's embeddings: word + position + token type, then LayerNorm and dropout.
final class BertEmbeddings: HasParameters {
    let word: Embedding, position: Embedding, tokenType: Embedding
    let norm: LayerNorm
    let dropout: Dropout

    init(config: BertConfig) {
        word = Embedding(name: "embeddings.word_embeddings", count: config.vocabSize, width: config.hiddenSize)
        position = Embedding(name: "embeddings.position_embeddings", count: config.maxPositionEmbeddings, width: config.hiddenSize)
        tokenType = Embedding(name: "embeddings.token_type_embeddings", count: config.typeVocabSize, width: config.hiddenSize)
        norm = LayerNorm(name: "embeddings.LayerNorm", width: config.hiddenSize, epsilon: config.layerNormEps)
        dropout = Dropout(probability: config.hiddenDropoutProb)
    }

    var parameters: [Parameter] { word.parameters + position.parameters + tokenType.parameters + norm.parameters }

    /// Keeps what `backward` needs only in training.
    func forward(_ batch: BertBatch, training: Bool, rng: inout SplitMix64) -> Matrix {
        let positions = (0..<batch.size).flatMap { _ in (0..<batch.length).map(Int32.init) }
        let sum = word.forward(batch.inputIDs, keep: training)
        let p = position.forward(positions, keep: training), t = tokenType.forward(batch.tokenTypeIDs, keep: training)
        for i in 0..<sum.count { sum.data[i] += p.data[i] + t.data[i] }
        return dropout.forward(norm.forward(sum, keep: training), training: training, rng: &rng)
    }

    func backward(_ dy: Matrix) {
        let d = norm.backward(dropout.backward(dy))
        word.backward(d)
        position.backward(d)
        tokenType.backward(d)
    }
}

/// One transformer encoder layer as in BERT (post-LayerNorm):
///
///     a = LN(x + dropout(Wₒ·attention(W_q x, W_k x, W_v x)))
///     y = LN(a + dropout(W₂·gelu(W₁ a)))
final class BertLayer: HasParameters {
    let query: Linear, key: Linear, value: Linear
    let attention: ScaledDotProductAttention
    let attentionOutput: Linear
    let attentionDropout: Dropout
    let attentionNorm: LayerNorm
    let intermediate: Linear
    let activation = GELU()
    let output: Linear
    let outputDropout: Dropout
    let outputNorm: LayerNorm

    init(config: BertConfig, index: Int) {
        let prefix = "encoder.layer.\(index)."
        let h = config.hiddenSize
        query = Linear(name: prefix + "attention.self.query", inputs: h, outputs: h)
        key = Linear(name: prefix + "attention.self.key", inputs: h, outputs: h)
        value = Linear(name: prefix + "attention.self.value", inputs: h, outputs: h)
        attention = ScaledDotProductAttention(heads: config.numAttentionHeads, dropout: config.attentionProbsDropoutProb)
        attentionOutput = Linear(name: prefix + "attention.output.dense", inputs: h, outputs: h)
        attentionDropout = Dropout(probability: config.hiddenDropoutProb)
        attentionNorm = LayerNorm(name: prefix + "attention.output.LayerNorm", width: h, epsilon: config.layerNormEps)
        intermediate = Linear(name: prefix + "intermediate.dense", inputs: h, outputs: config.intermediateSize)
        output = Linear(name: prefix + "output.dense", inputs: config.intermediateSize, outputs: h)
        outputDropout = Dropout(probability: config.hiddenDropoutProb)
        outputNorm = LayerNorm(name: prefix + "output.LayerNorm", width: h, epsilon: config.layerNormEps)
    }

    var parameters: [Parameter] {
        query.parameters + key.parameters + value.parameters + attentionOutput.parameters + attentionNorm.parameters
            + intermediate.parameters + output.parameters + outputNorm.parameters
    }

    /// Keeps what `backward` needs only in training.
    func forward(_ x: Matrix, batch: BertBatch, training: Bool, rng: inout SplitMix64) -> Matrix {
        let keep = training
        let context = attention.forward(
            q: query.forward(x, keep: keep), k: key.forward(x, keep: keep), v: value.forward(x, keep: keep),
            mask: batch.attentionMask, batch: batch.size, length: batch.length, training: training, rng: &rng)
        let projected = attentionDropout.forward(attentionOutput.forward(context, keep: keep), training: training, rng: &rng)
        let a = attentionNorm.forward(projected, adding: x, keep: keep)
        let inner = activation.forward(intermediate.forward(a, keep: keep), keep: keep)
        let f = outputDropout.forward(output.forward(inner, keep: keep), training: training, rng: &rng)
        return outputNorm.forward(f, adding: a, keep: keep)
    }

    func backward(_ dy: Matrix) -> Matrix {
        let df = outputNorm.backward(dy)
        let da = intermediate.backward(activation.backward(output.backward(outputDropout.backward(df))))
        for i in 0..<da.count { da.data[i] += df.data[i] }
        let dp = attentionNorm.backward(da)
        let (dq, dk, dv) = attention.backward(attentionOutput.backward(attentionDropout.backward(dp)))
        let dx = query.backward(dq)
        let dxk = key.backward(dk), dxv = value.backward(dv)
        for i in 0..<dx.count { dx.data[i] += dxk.data[i] + dxv.data[i] + dp.data[i] }
        return dx
    }

    func release() {
        for linear in [query, key, value, attentionOutput, intermediate, output] { linear.release() }
        attention.release()
        attentionNorm.release()
        outputNorm.release()
        activation.release()
        attentionDropout.release()
        outputDropout.release()
    }
}

/// BERT for sequence classification (Devlin et al. 2019; Hugging Face's
/// `BertForSequenceClassification`): encoder, pooler = tanh(W·h_[CLS] + b), dropout, and a
/// linear classifier giving one logit per label.
package final class BertClassifier: HasParameters {
    package let config: BertConfig
    package let labels: Int
    let embeddings: BertEmbeddings
    let layers: [BertLayer]
    let pooler: Linear
    let poolerActivation = Tanh()
    let classifierDropout: Dropout
    let classifier: Linear
    private var shape: (size: Int, length: Int)?

    /// A model with BERT's initialisation: weights N(0, initializer_range²), biases 0,
    /// LayerNorm γ = 1, β = 0 (the padding row of the word embeddings is not zeroed).
    /// Weights for which `drawing` is false are left 0 for a checkpoint to fill, and their draws
    /// skipped, so the others get the values a full initialisation gives them.
    package init(config: BertConfig, labels: Int, seed: UInt64, drawing: (Parameter) -> Bool = { _ in true }) {
        self.config = config
        self.labels = labels
        embeddings = BertEmbeddings(config: config)
        layers = (0..<config.numHiddenLayers).map { BertLayer(config: config, index: $0) }
        pooler = Linear(name: "pooler.dense", inputs: config.hiddenSize, outputs: config.hiddenSize)
        classifierDropout = Dropout(probability: config.hiddenDropoutProb)
        classifier = Linear(name: "classifier", inputs: config.hiddenSize, outputs: labels)
        var rng = SplitMix64(seed: seed)
        for p in parameters where p.decays {
            if drawing(p) { p.initialiseNormal(std: config.initializerRange, rng: &rng) } else { rng.skipGaussians(p.count) }
        }
    }

    package var parameters: [Parameter] {
        embeddings.parameters + layers.flatMap(\.parameters) + pooler.parameters + classifier.parameters
    }

    /// The encoder's last hidden states, [size·length × H] (what `BertModel` returns as
    /// `last_hidden_state`), e.g. for sentence embeddings by mean pooling. Without `training`,
    /// see `forward`.
    package func encode(_ batch: BertBatch, training: Bool, rng: inout SplitMix64) -> Matrix {
        guard training else { return inParts(batch) { self.encodeOnce($0, training: false, rng: &$1) } }
        return encodeOnce(batch, training: true, rng: &rng)
    }

    /// Logits [size × labels]. With `training`, dropout is on and activations are kept for
    /// `backward`. Without (inference), nothing is kept and the sequences are split between
    /// the cores, each part run on one core from start to end: no thread waits for another
    /// between the layers' steps (16% more tokens/s than splitting every step on two cores).
    /// Every sequence is computed exactly as in one batch, so the split changes no value.
    package func forward(_ batch: BertBatch, training: Bool, rng: inout SplitMix64) -> Matrix {
        guard training else { return inParts(batch) { self.classifyOnce($0, training: false, rng: &$1) } }
        return classifyOnce(batch, training: true, rng: &rng)
    }

    func encodeOnce(_ batch: BertBatch, training: Bool, rng: inout SplitMix64) -> Matrix {
        var hidden = embeddings.forward(batch, training: training, rng: &rng)
        for layer in layers { hidden = layer.forward(hidden, batch: batch, training: training, rng: &rng) }
        return hidden
    }

    func classifyOnce(_ batch: BertBatch, training: Bool, rng: inout SplitMix64) -> Matrix {
        let hidden = encodeOnce(batch, training: training, rng: &rng)
        let h = config.hiddenSize
        let cls = Matrix(rows: batch.size, columns: h)
        for b in 0..<batch.size { cls.row(b).update(from: hidden.row(b * batch.length), count: h) }
        let pooled = poolerActivation.forward(pooler.forward(cls, keep: training), keep: training)
        if training { shape = (batch.size, batch.length) }
        return classifier.forward(classifierDropout.forward(pooled, training: training, rng: &rng), keep: training)
    }

    /// `body` on consecutive parts of the batch's sequences, each part on one core and limited to
    /// it, the cores taking parts as they finish; the parts' result rows, in order. (Inference
    /// only: `body` must write no state.)
    func inParts(_ batch: BertBatch, _ body: (BertBatch, inout SplitMix64) -> Matrix) -> Matrix {
        inParts(batch, parts: Self.parts(batch, cores: Threading.cores), body)
    }

    /// Token rows per part at most, where the batch allows: a part's activations then stay in a
    /// core's cache. MiniLM embeddings of 2,000 AG News texts (batches of 32 sequences, about
    /// 1,900 token rows) took 14.4–18.6 s in 4 parts of a batch and 15.4–17.0 s in 8, against
    /// 18.6–20.9 s in 2 (docs/benchmarks.md).
    static let rowsPerPart = 512

    /// At least one part per core, a multiple of the cores, and no more parts than sequences.
    static func parts(_ batch: BertBatch, cores: Int) -> Int {
        let rows = batch.size * batch.length
        let wanted = max(cores, (rows + rowsPerPart - 1) / rowsPerPart)
        return min(batch.size, (wanted + cores - 1) / cores * cores)
    }

    func inParts(_ batch: BertBatch, parts: Int, _ body: (BertBatch, inout SplitMix64) -> Matrix) -> Matrix {
        // No dropout without training, so the generator is never drawn from.
        var unused = SplitMix64(seed: 0)
        let parts = min(parts, batch.size)
        guard parts > 1 else { return body(batch, &unused) }
        let results = ConcurrentSlots<Matrix>(count: parts)
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            ForkJoin.perform(iterations: parts) { part in
                // Sizes differing by at most one sequence, none empty (parts ≤ sequences).
                let range = (batch.size * part / parts)..<(batch.size * (part + 1) / parts)
                var unused = SplitMix64(seed: 0)
                results.store(part, Threading.withCores(1) { box.value(batch.sequences(range), &unused) })
            }
        }
        let matrices = results.values
        let out = Matrix(rows: matrices.reduce(0) { $0 + $1.rows }, columns: matrices[0].columns, uninitialized: ())
        var row = 0
        for m in matrices {
            out.row(row).update(from: m.data, count: m.count)
            row += m.rows
        }
        return out
    }

    /// Back-propagates ∂L/∂logits through the whole model, accumulating every parameter's gradient.
    package func backward(_ dLogits: Matrix) {
        guard let shape else { preconditionFailure("BertClassifier: backward before forward") }
        let dCLS = pooler.backward(poolerActivation.backward(classifierDropout.backward(classifier.backward(dLogits))))
        let h = config.hiddenSize
        var dHidden = Matrix(rows: shape.size * shape.length, columns: h)
        for b in 0..<shape.size { dHidden.row(b * shape.length).update(from: dCLS.row(b), count: h) }
        for layer in layers.reversed() { dHidden = layer.backward(dHidden) }
        embeddings.backward(dHidden)
        release()
    }

    /// Frees the activations kept for the backward pass.
    package func release() {
        for layer in layers { layer.release() }
        pooler.release()
        classifier.release()
        poolerActivation.release()
        classifierDropout.release()
    }
}

extension BertBatch {
    /// The batch of the sequences in `range`.
    func sequences(_ range: Range<Int>) -> BertBatch {
        let values = (range.lowerBound * length)..<(range.upperBound * length)
        return BertBatch(inputIDs: Array(inputIDs[values]), tokenTypeIDs: Array(tokenTypeIDs[values]),
                         attentionMask: Array(attentionMask[values]), size: range.count, length: length)
    }
}
