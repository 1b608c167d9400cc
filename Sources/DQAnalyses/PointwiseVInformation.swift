import DQText
import Foundation

/// Pointwise V-usable information (Ethayarajh, Choi & Swayamdipta, "Understanding Dataset
/// Difficulty with V-Usable Information", ICML 2022, Definition 4):
///
///     PVI(x → y) = −log₂ g[∅](y) + log₂ g′[x](y)
///
/// where g′ ∈ V was fitted on (x, y) pairs and g ∈ V on (∅, y) pairs, ∅ the null input. The
/// V-information of a dataset is estimated by the mean PVI over it (their Definition 3 / Eq. 2),
/// and likewise for any slice. Probabilities are clipped below at `minimumProbability` so that a
/// model certain of the wrong label gives a large finite value instead of −∞.
package enum PointwiseVInformation {
    package static let minimumProbability = 1e-12

    /// One scored sample.
    package struct Score: Sendable, Equatable {
        package var label: Int
        /// argmax of p′(· | x).
        package var predicted: Int
        /// p′(y | x), from the model that saw x.
        package var inputProbability: Double
        /// p(y | ∅), from the null-input model.
        package var nullProbability: Double
        /// −log₂ p(y | ∅).
        package var hNull: Double
        /// −log₂ p′(y | x).
        package var hInput: Double
        /// hNull − hInput, in bits.
        package var pvi: Double
        package var correct: Bool { predicted == label }
    }

    /// Scores one sample from the two models' probability vectors over the labels.
    package static func score(label: Int, inputProbabilities: [Double], nullProbabilities: [Double]) -> Score {
        precondition(inputProbabilities.count == nullProbabilities.count && label < inputProbabilities.count)
        var predicted = 0
        for (i, p) in inputProbabilities.enumerated() where p > inputProbabilities[predicted] { predicted = i }
        let pInput = inputProbabilities[label], pNull = nullProbabilities[label]
        let hInput = -log2(max(pInput, minimumProbability))
        let hNull = -log2(max(pNull, minimumProbability))
        return Score(label: label, predicted: predicted, inputProbability: pInput, nullProbability: pNull,
                     hNull: hNull, hInput: hInput, pvi: hNull - hInput)
    }

    /// V-information of a group of samples: mean PVI, count, and the accuracy of g′.
    package struct Summary: Sendable, Equatable {
        package var group: String
        package var count: Int
        package var vInformation: Double
        package var meanHNull: Double
        package var meanHInput: Double
        package var accuracy: Double
    }

    package static func summarise<S: PVIScored>(_ scores: [S], group: String) -> Summary {
        let n = Double(max(scores.count, 1))
        return Summary(
            group: group, count: scores.count,
            vInformation: scores.reduce(0) { $0 + $1.pvi } / n,
            meanHNull: scores.reduce(0) { $0 + $1.hNull } / n,
            meanHInput: scores.reduce(0) { $0 + $1.hInput } / n,
            accuracy: Double(scores.filter(\.correct).count) / n)
    }

    /// Summaries per value of `key` (e.g. the label, or a metadata column), in first-seen order.
    package static func summarise<S: PVIScored>(_ scores: [S], by key: [String]) -> [Summary] {
        precondition(key.count == scores.count)
        return zip(scores, key).groupedInOrder(by: \.1).map { summarise($0.elements.map(\.0), group: $0.key) }
    }
}

/// A sample's PVI and its parts: a fresh `PointwiseVInformation.Score` or a stored row (DQRuns).
package protocol PVIScored {
    var pvi: Double { get }
    var hNull: Double { get }
    var hInput: Double { get }
    var correct: Bool { get }
}

extension PointwiseVInformation.Score: PVIScored {}
