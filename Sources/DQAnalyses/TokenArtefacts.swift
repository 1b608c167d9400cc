import DQStore
import DQText
import Foundation

/// Token-level artefacts (after Ethayarajh, Choi & Swayamdipta, ICML 2022, §4.3): which tokens'
/// presence gives g′ its information about a label. With g′ fixed (the model that scored the
/// sample out of sample), removing token t from input x changes PVI by
///
///     Δ(t, x) = PVI(x → y) − PVI(x∖t → y) = log2 g′(y | x) − log2 g′(y | x∖t)
///
/// (the null model's term cancels), where x∖t is x with every whitespace-separated word made of
/// t removed (`InputTransform.dropTokens`). For each label y and token t, the mean of Δ over the
/// samples of label y that contain t, with their count: tokens with a large mean are the cues
/// g′ relies on for y — candidate spurious cues and candidate specifications.
public enum TokenArtefacts {
    public struct Token: Sendable, Equatable {
        public var token: String
        public var label: String
        public var count: Int
        /// Mean Δ in bits.
        public var meanContribution: Double
    }

    /// Accumulates Δ(t, x) over the samples one fitted g′ scores.
    public struct Accumulator: Sendable {
        var sums: [String: [String: (total: Double, count: Int)]] = [:]

        public init() {}

        /// Adds the contributions of every distinct word token of each sample, using `model`.
        /// Returns the model's probabilities for the samples as they are (the inputs without
        /// removals), in order.
        public mutating func add(model: any Classifier, samples: [Sample], labels: [String]) -> [[Double]] {
            let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
            var inputs: [(text: String, pair: String?)] = []
            var owners: [(sample: Int, token: String?)] = []
            for (i, sample) in samples.enumerated() {
                inputs.append((sample.text, sample.textPair))
                owners.append((i, nil))
                let tokens = Set([sample.text, sample.textPair].compactMap { $0 }.flatMap(WordTokens.split))
                for token in tokens.sorted() {
                    let without = InputTransform.dropTokens([token]).apply(sample)
                    inputs.append((without.text, without.textPair))
                    owners.append((i, token))
                }
            }
            let probabilities = model.probabilities(inputs)
            var unchanged: [[Double]] = []
            var full: Double = 0
            for (k, owner) in owners.enumerated() {
                if owner.token == nil { unchanged.append(probabilities[k]) }
                let sample = samples[owner.sample]
                guard let y = index[sample.label] else { continue }
                let bits = log2(max(probabilities[k][y], PointwiseVInformation.minimumProbability))
                guard let token = owner.token else {
                    full = bits
                    continue
                }
                var entry = sums[sample.label, default: [:]][token] ?? (0, 0)
                entry.total += full - bits
                entry.count += 1
                sums[sample.label, default: [:]][token] = entry
            }
            return unchanged
        }

        /// Each label's tokens seen at least `minCount` times, largest mean contribution first
        /// (ties by token).
        public func ranked(minCount: Int) -> [String: [Token]] {
            var out: [String: [Token]] = [:]
            for (label, tokens) in sums {
                var list: [Token] = []
                for (token, entry) in tokens where entry.count >= minCount {
                    list.append(Token(token: token, label: label, count: entry.count, meanContribution: entry.total / Double(entry.count)))
                }
                list.sort { $0.meanContribution > $1.meanContribution || ($0.meanContribution == $1.meanContribution && $0.token < $1.token) }
                out[label] = list
            }
            return out
        }
    }
}
