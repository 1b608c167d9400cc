import DQText
import Foundation

/// Token-level artefacts (Ethayarajh, Choi & Swayamdipta, ICML 2022, §4.3), as the reference
/// code computes them (kawine/dataset_difficulty, `v_info.find_annotation_artefacts`): with g′
/// fixed (the model that scored the sample out of sample), removing one occurrence of token t
/// from input x changes PVI by
///
///     Δ(t, x) = PVI(x → y) − PVI(x∖tⱼ → y) = log2 g′(y | x) − log2 g′(y | x∖tⱼ)
///
/// (the null model's term cancels), where x∖tⱼ is x without its j-th token. Every occurrence
/// gives one Δ: a token twice in a sample is removed once each time, contributing two values.
/// For each label y and token t, the mean of Δ over the occurrences of t in samples of label
/// y, for the tokens whose occurrences in all labels number more than `minCount` (the
/// reference's `min_freq`). Tokens with a large mean are the cues g′ relies on for y.
///
/// Deliberate differences: tokens are dq's word tokens (lower-cased runs of letters and digits,
/// `WordTokens`), where the reference uses a Hugging Face whitespace pre-tokenizer (case kept,
/// punctuation runs as tokens); and both texts of a pair are searched, where the reference reads
/// one input column.
package enum TokenArtefacts {
    package struct Token: Sendable, Equatable {
        package var token: String
        package var label: String
        /// Occurrences of the token in the label's samples (each one removal).
        package var count: Int
        /// Mean Δ in bits.
        package var meanContribution: Double
    }

    /// Why a model prefers label `toward` to label `from` for each sample: its words whose
    /// removal lowers log2 p(toward | x) − log2 p(from | x) the most (each word once, by its
    /// largest effect; only effects of at least `minimumBits`), at most `count` per sample.
    package static func pulls(model: any Classifier, samples: [(sample: Sample, from: Int, toward: Int)], count: Int = 3,
                              minimumBits: Double = 0.05) -> [[String]] {
        let (inputs, owners) = Accumulator.removals(samples.map(\.sample))
        let probabilities = model.probabilities(inputs)
        var effects = [[String: Double]](repeating: [:], count: samples.count)
        var full = 0.0
        for (k, owner) in owners.enumerated() {
            let item = samples[owner.sample]
            let floor = PointwiseVInformation.minimumProbability
            let margin = log2(max(probabilities[k][item.toward], floor)) - log2(max(probabilities[k][item.from], floor))
            guard let token = owner.token else {
                full = margin
                continue
            }
            effects[owner.sample][token] = max(effects[owner.sample][token] ?? -.infinity, full - margin)
        }
        return effects.map { words in
            words.filter { $0.value >= minimumBits }.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(count).map(\.key)
        }
    }

    /// Accumulates Δ(t, x) over the samples one fitted g′ scores.
    package struct Accumulator: Sendable {
        var sums: [String: [String: (total: Double, count: Int)]] = [:]
        /// Occurrences of each token in all labels.
        var totals: [String: Int] = [:]

        package init() {}

        /// The sample with the `occurrence`-th word token (counting the text's, then the pair's) removed.
        static func removing(_ occurrence: (field: Int, range: Range<String.Index>), from sample: Sample) -> (text: String, pair: String?) {
            var text = sample.text, pair = sample.textPair
            if occurrence.field == 0 { text.removeSubrange(occurrence.range) } else { pair!.removeSubrange(occurrence.range) }
            return (text, pair)
        }

        /// Each sample as it is, then once without each of its word-token occurrences (the text's,
        /// then the pair's): the inputs, and for each the sample and the token removed (nil: none).
        static func removals(_ samples: [Sample]) -> (inputs: [(text: String, pair: String?)], owners: [(sample: Int, token: String?)]) {
            var inputs: [(text: String, pair: String?)] = []
            var owners: [(sample: Int, token: String?)] = []
            for (i, sample) in samples.enumerated() {
                inputs.append((sample.text, sample.textPair))
                owners.append((i, nil))
                for (field, text) in [sample.text, sample.textPair].enumerated() {
                    guard let text else { continue }
                    for occurrence in WordTokens.occurrences(text) {
                        inputs.append(removing((field, occurrence.range), from: sample))
                        owners.append((i, occurrence.token))
                    }
                }
            }
            return (inputs, owners)
        }

        /// Adds the contribution of every word-token occurrence of each sample, using `model`.
        /// Returns the model's probabilities for the samples as they are (the inputs without
        /// removals), in order.
        package mutating func add(model: any Classifier, samples: [Sample], labels: [String]) -> [[Double]] {
            let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
            let (inputs, owners) = Self.removals(samples)
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
                totals[token, default: 0] += 1
            }
            return unchanged
        }

        /// Each label's tokens that occur more than `minCount` times in all labels, largest mean
        /// contribution first (ties by token).
        package func ranked(minCount: Int) -> [String: [Token]] {
            var out: [String: [Token]] = [:]
            for (label, tokens) in sums {
                var list: [Token] = []
                for (token, entry) in tokens where totals[token, default: 0] > minCount {
                    list.append(Token(token: token, label: label, count: entry.count, meanContribution: entry.total / Double(entry.count)))
                }
                list.sort { $0.meanContribution > $1.meanContribution || ($0.meanContribution == $1.meanContribution && $0.token < $1.token) }
                out[label] = list
            }
            return out
        }
    }
}
