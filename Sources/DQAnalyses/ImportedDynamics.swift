import DQLearning
import DQText
import Foundation

/// Training dynamics recorded elsewhere (allenai/cartography's `dynamics_epoch_<e>.jsonl`
/// files, read by `TrainingDynamicsFiles`): probabilities are softmax(logits), correctness is
/// argmax = gold.
package enum ImportedDynamics {
    package struct Dynamics: Sendable, Equatable {
        package var goldProbabilities: [Double] = []
        package var correct: [Bool] = []
    }

    /// Dynamics by guid, epochs in order.
    package static func read(directory: String) throws -> [String: Dynamics] {
        try TrainingDynamicsFiles.read(directory: directory) { logits, gold in
            (probability: Softmax.softmax(logits)[gold], correct: logits.indices.max { logits[$0] < logits[$1] } == gold)
        }.mapValues { epochs in Dynamics(goldProbabilities: epochs.map(\.probability), correct: epochs.map(\.correct)) }
    }

    /// Cartography of the samples whose ids the dynamics cover.
    package static func map(_ dynamics: [String: Dynamics], samples: [Sample], share: Double, directory: String) throws -> [CartographyEstimation.Result] {
        let covered = samples.filter { dynamics[$0.displayID] != nil }
        guard !covered.isEmpty else {
            throw InputError(file: directory, message: "no guid matches a sample id of this dataset (first guids: \(dynamics.keys.sorted().prefix(3).joined(separator: ", ")))")
        }
        let rows = covered.map { dynamics[$0.displayID]! }
        let points = DatasetCartography.map(probabilities: rows.map(\.goldProbabilities), correct: rows.map(\.correct), share: share)
        return covered.indices.map {
            CartographyEstimation.Result(sample: covered[$0], goldProbabilities: rows[$0].goldProbabilities,
                                         correct: rows[$0].correct, point: points[$0])
        }
    }
}
