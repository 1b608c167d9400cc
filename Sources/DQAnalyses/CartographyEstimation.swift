import DQText
import DQLearning
import Foundation

/// Training a BERT-family model on a dataset and recording, after every epoch (or every given
/// fraction of one), each training sample's gold-label probability and whether the model's
/// prediction is right: the training dynamics that `DatasetCartography` maps.
///
/// Deviation from allenai/cartography, which logs the training-mode logits seen during each
/// epoch: dq scores every sample in evaluation mode (no dropout) at the end of each epoch, so
/// all samples are measured by the same weights; this costs one inference pass per epoch.
package enum CartographyEstimation {
    package struct Result: Sendable {
        package var sample: Sample
        package var goldProbabilities: [Double]
        package var correct: [Bool]
        package var point: DatasetCartography.Point
    }

    /// `every`: checkpoints per epoch as a fraction of it (1 = after each epoch, 0.5 = twice per epoch).
    package static func run(samples: [Sample], labels: [String], family: BertFamily, share: Double, every: Double = 1,
                           progress: @escaping (String) -> Void = { _ in }) throws -> [Result] {
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        let examples = samples.map { TextExample(text: $0.text, pair: $0.textPair, label: index[$0.label]!) }
        let texts = samples.flatMap { [$0.text] + ($0.textPair.map { [$0] } ?? []) }
        let trainer = try family.makeTrainer(texts: texts, classes: labels.count, seed: family.training.seed)
        let inputs = samples.map { (text: $0.text, pair: $0.textPair) }
        var gold = [[Double]](repeating: [], count: samples.count)
        var correct = [[Bool]](repeating: [], count: samples.count)
        let stepsPerEpoch = (samples.count + family.training.batchSize - 1) / family.training.batchSize
        let steps = max(1, Int((Double(stepsPerEpoch) * every).rounded()))
        try trainer.train(examples, options: family.training, progress: family.onStep, checkpointSteps: steps) { checkpoint in
            progress("checkpoint \(checkpoint): scoring the \(samples.count) training samples")
            let p = trainer.probabilities(inputs, maxLength: family.training.maxLength)
            for (i, row) in p.enumerated() {
                let y = examples[i].label
                gold[i].append(Double(row[y]))
                let predicted = row.indices.max { row[$0] < row[$1] }!
                correct[i].append(predicted == y)
            }
        }
        let points = DatasetCartography.map(probabilities: gold, correct: correct, share: share)
        return samples.indices.map { Result(sample: samples[$0], goldProbabilities: gold[$0], correct: correct[$0], point: points[$0]) }
    }
}
