import DQText
import Foundation

/// One labelled training or evaluation example.
package struct TextExample: Sendable {
    package var text: String
    package var pair: String?
    package var label: Int

    package init(text: String, pair: String? = nil, label: Int) {
        self.text = text
        self.pair = pair
        self.label = label
    }
}

/// How `BertTrainer` trains. Defaults differ by initialisation (see `fineTuning` and
/// `fromScratch`): a randomly initialised BERT learns nothing in an epoch at fine-tuning rates.
package struct BertTrainingOptions: Sendable, Equatable {
    package var epochs: Int
    package var batchSize: Int
    package var learningRate: Float
    /// Share of the steps spent warming the learning rate up from 0.
    package var warmupFraction: Float
    package var weightDecay: Float
    package var maxGradientNorm: Float
    /// Texts (pairs together) are truncated to this many tokens, specials included.
    package var maxLength: Int
    package var seed: UInt64

    package init(epochs: Int, batchSize: Int = 32, learningRate: Float, warmupFraction: Float = 0.1,
                weightDecay: Float = 0.01, maxGradientNorm: Float = 1, maxLength: Int = 128, seed: UInt64 = 0) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.warmupFraction = warmupFraction
        self.weightDecay = weightDecay
        self.maxGradientNorm = maxGradientNorm
        self.maxLength = maxLength
        self.seed = seed
    }

    /// Fine-tuning pretrained weights: 3 epochs at 1e-4 (bert-tiny fine-tunes well at 1e-4 to
    /// 3e-4; BERT-base's 2e-5 to 5e-5 is too low for a model this small).
    package static func fineTuning(seed: UInt64 = 0) -> BertTrainingOptions {
        BertTrainingOptions(epochs: 3, learningRate: 1e-4, seed: seed)
    }

    /// Training from random initialisation: 10 epochs at 1e-3.
    package static func fromScratch(seed: UInt64 = 0) -> BertTrainingOptions {
        BertTrainingOptions(epochs: 10, learningRate: 1e-3, seed: seed)
    }
}

/// Where training is, for progress lines.
package struct TrainingProgress: Sendable {
    package var epoch: Int
    package var epochs: Int
    package var step: Int
    package var totalSteps: Int
    /// Mean loss over the epoch so far.
    package var loss: Double
    package var samplesPerSecond: Double
    package var elapsed: Double

    /// Seconds left at the current speed.
    package var eta: Double { step > 0 ? elapsed / Double(step) * Double(totalSteps - step) : .nan }
}

package enum TrainingError: Error, CustomStringConvertible, Equatable {
    case nonFiniteLoss(epoch: Int, step: Int, loss: Double)
    case labelOutOfRange(Int, labels: Int)

    package var description: String {
        switch self {
        case let .nonFiniteLoss(epoch, step, loss):
            return "training diverged: the loss was \(loss) at step \(step) (epoch \(epoch))"
        case let .labelOutOfRange(label, labels):
            return "label index \(label) is outside 0..<\(labels)"
        }
    }
}

/// Fine-tunes or trains a `BertClassifier` with AdamW, linear warm-up and decay, gradient
/// clipping and dropout, in seeded shuffled mini-batches padded to their longest member.
package final class BertTrainer {
    package let model: BertClassifier
    package let tokenizer: BertTokenizer

    package init(model: BertClassifier, tokenizer: BertTokenizer) {
        self.model = model
        self.tokenizer = tokenizer
    }

    /// Trains on `examples`. `progress` is called after every step and may throw to stop;
    /// `checkpoint(n)` (n counting from 1) is called every `checkpointSteps` steps, or after each
    /// epoch when `checkpointSteps` is nil, and after the last step if that was not one.
    package func train(
        _ examples: [TextExample], options: BertTrainingOptions,
        progress: ((TrainingProgress) throws -> Void)? = nil,
        checkpointSteps: Int? = nil,
        checkpoint: ((Int) throws -> Void)? = nil
    ) throws {
        if let bad = examples.first(where: { $0.label < 0 || $0.label >= model.labels }) {
            throw TrainingError.labelOutOfRange(bad.label, labels: model.labels)
        }
        try train(inputs: examples.map { ($0.text, $0.pair) }, options: options, progress: progress, checkpointSteps: checkpointSteps,
                  checkpoint: checkpoint) { members, logits in
            let (loss, gradient, _) = CrossEntropy.evaluate(logits: logits, labels: members.map { examples[$0].label })
            return (loss, gradient)
        }
    }

    /// Trains K sigmoid outputs (one per label, `model.labels` = K) on multi-label targets with
    /// binary cross-entropy: `labels[i]` holds the labels example i has (Hugging Face's
    /// `problem_type="multi_label_classification"`).
    package func trainMultiLabel(
        _ inputs: [(text: String, pair: String?)], labels: [[Int]], options: BertTrainingOptions,
        progress: ((TrainingProgress) throws -> Void)? = nil
    ) throws {
        precondition(inputs.count == labels.count)
        if let bad = labels.joined().first(where: { $0 < 0 || $0 >= model.labels }) {
            throw TrainingError.labelOutOfRange(bad, labels: model.labels)
        }
        try train(inputs: inputs, options: options, progress: progress, checkpointSteps: nil, checkpoint: nil) { members, logits in
            let (loss, gradient, _) = BinaryCrossEntropy.evaluate(logits: logits, targets: members.map { labels[$0] })
            return (loss, gradient)
        }
    }

    /// The training loop, with the loss of a batch (its members' positions and the logits) given.
    private func train(
        inputs: [(text: String, pair: String?)], options: BertTrainingOptions,
        progress: ((TrainingProgress) throws -> Void)?, checkpointSteps: Int?, checkpoint: ((Int) throws -> Void)?,
        loss lossOf: ([Int], Matrix) -> (Double, Matrix)
    ) throws {
        let examples = inputs
        let maxLength = min(options.maxLength, model.config.maxPositionEmbeddings)
        let encodings = inputs.map { tokenizer.encode($0.text, pair: $0.pair, maxLength: maxLength) }
        let stepsPerEpoch = (examples.count + options.batchSize - 1) / options.batchSize
        let totalSteps = stepsPerEpoch * options.epochs
        let schedule = LinearSchedule(
            peak: options.learningRate, warmupSteps: Int(Float(totalSteps) * options.warmupFraction), totalSteps: totalSteps)
        let optimiser = AdamW(weightDecay: options.weightDecay)
        var shuffler = SplitMix64(seed: options.seed)
        var dropout = SplitMix64(seed: options.seed &+ 0x5EED)
        let parameters = model.parameters
        let started = Date()
        var step = 0
        var checkpoints = 0
        let every = max(1, checkpointSteps ?? stepsPerEpoch)
        for epoch in 1...max(1, options.epochs) where options.epochs > 0 {
            var order = Array(examples.indices)
            order.shuffle(using: &shuffler)
            var lossSum = 0.0, seen = 0
            for start in stride(from: 0, to: order.count, by: options.batchSize) {
                let members = Array(order[start..<min(order.count, start + options.batchSize)])
                let batch = BertTrainer.batch(members.map { encodings[$0] }, padID: tokenizer.padID)
                model.zeroGradients()
                let logits = model.forward(batch, training: true, rng: &dropout)
                let (loss, gradient) = lossOf(members, logits)
                guard loss.isFinite else {
                    model.release()
                    throw TrainingError.nonFiniteLoss(epoch: epoch, step: step + 1, loss: loss)
                }
                model.backward(gradient)
                clipGradientNorm(parameters, maxNorm: options.maxGradientNorm)
                optimiser.update(parameters, learningRate: schedule.rate(at: step))
                step += 1
                lossSum += loss * Double(members.count)
                seen += members.count
                if let progress {
                    let elapsed = Date().timeIntervalSince(started)
                    try progress(TrainingProgress(
                        epoch: epoch, epochs: options.epochs, step: step, totalSteps: totalSteps,
                        loss: lossSum / Double(seen), samplesPerSecond: Double(step * options.batchSize) / max(elapsed, 1e-9),
                        elapsed: elapsed))
                }
                if let checkpoint, step % every == 0 || step == totalSteps {
                    checkpoints += 1
                    try checkpoint(checkpoints)
                }
            }
        }
    }

    /// p(label | text) for every example, in evaluation mode (no dropout). Texts are batched by
    /// length to waste little on padding; the result is in the order given.
    package func probabilities(_ texts: [(text: String, pair: String?)], maxLength: Int, batchSize: Int = 64) -> [[Float]] {
        outputs(texts, maxLength: maxLength, batchSize: batchSize) { Softmax.inPlace($0.data, rows: $0.rows, count: $0.columns) }
    }

    /// σ(logit) of every label for every example (a multi-label model's probabilities).
    package func sigmoidProbabilities(_ texts: [(text: String, pair: String?)], maxLength: Int, batchSize: Int = 64) -> [[Float]] {
        outputs(texts, maxLength: maxLength, batchSize: batchSize) { logits in
            for i in 0..<(logits.rows * logits.columns) {
                let z = logits.data[i]
                logits.data[i] = z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
            }
        }
    }

    private func outputs(_ texts: [(text: String, pair: String?)], maxLength: Int, batchSize: Int, transform: (Matrix) -> Void) -> [[Float]] {
        let maxLength = min(maxLength, model.config.maxPositionEmbeddings)
        let encodings = texts.map { tokenizer.encode($0.text, pair: $0.pair, maxLength: maxLength) }
        var out = [[Float]](repeating: [], count: texts.count)
        var rng = SplitMix64(seed: 0)
        BertTrainer.forEachBatchByLength(encodings, batchSize: batchSize, padID: tokenizer.padID) { members, batch in
            let logits = model.forward(batch, training: false, rng: &rng)
            model.release()
            transform(logits)
            for (row, index) in members.enumerated() {
                out[index] = Array(UnsafeBufferPointer(start: logits.row(row), count: logits.columns))
            }
        }
        return out
    }

    /// Calls `body` with batches of `encodings` in order of length, each padded to its longest,
    /// and the positions of its members in `encodings`: batches of similar lengths waste little
    /// on padding.
    static func forEachBatchByLength(_ encodings: [Encoding], batchSize: Int, padID: Int32, _ body: ([Int], BertBatch) throws -> Void) rethrows {
        let order = encodings.indices.sorted { encodings[$0].inputIDs.count < encodings[$1].inputIDs.count }
        for start in stride(from: 0, to: order.count, by: batchSize) {
            let members = Array(order[start..<min(order.count, start + batchSize)])
            try body(members, batch(members.map { encodings[$0] }, padID: padID))
        }
    }

    /// Pads encodings to the longest of them.
    static func batch(_ encodings: [Encoding], padID: Int32) -> BertBatch {
        let length = encodings.map(\.inputIDs.count).max() ?? 0
        var ids: [Int32] = [], types: [Int32] = [], mask: [Int32] = []
        ids.reserveCapacity(encodings.count * length)
        for e in encodings {
            let pad = length - e.inputIDs.count
            ids += e.inputIDs + [Int32](repeating: padID, count: pad)
            types += e.tokenTypeIDs + [Int32](repeating: 0, count: pad)
            mask += e.attentionMask + [Int32](repeating: 0, count: pad)
        }
        return BertBatch(inputIDs: ids, tokenTypeIDs: types, attentionMask: mask, size: encodings.count, length: length)
    }
}
