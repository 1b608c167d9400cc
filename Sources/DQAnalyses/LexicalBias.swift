import DQLearning
import DQText

/// Lexical bias of a label toward a list of terms (e.g. identity terms in a toxicity dataset):
/// for each term t, p(L | t), the share of the samples containing t that carry label L (in the
/// data), and the mean of g′'s out-of-sample p′(L | x) over them (under the model); and the
/// rate deviation
///
///     pB = Σ_{t ∈ T} |p(L | t) − φ| / |T|
///
/// over the terms T that occur, with φ the dataset's overall p(L) (or 0.5). A dataset or model
/// without lexical bias gives p(L | t) ≈ φ for every term and pB ≈ 0. pB is dq's own summary: it
/// has the form of Dixon et al.'s equality differences (Σ_t |FPR − FPR_t|, "Measuring and
/// Mitigating Unintended Bias in Text Classification", AIES 2018) with the label's rate in place
/// of an error rate and a mean in place of the sum; no published source defines it as such.
///
/// With model probabilities, also Dixon et al.'s pinned AUC of each term: the AUC of p′(L | x)
/// for "label is L" on the pinned set s(D_t) ∪ s(D), the term's samples together with as many
/// drawn at random (seeded, without replacement) from the whole dataset, and their pinned AUC
/// equality difference Σ_t |AUC − pAUC_t|, AUC being the model's over the whole dataset.
///
/// A term matches a sample when its word tokens (`WordTokens`) occur consecutively in the
/// sample's text or text pair.
package enum LexicalBias {
    package struct Term: Sendable, Equatable {
        package var term: String
        /// Positions of the samples containing the term.
        package var samples: [Int]
        /// p(L | t) in the data.
        package var dataRate: Double
        /// Mean p′(L | x) of g′ over the samples, when probabilities were given.
        package var modelRate: Double?
        /// Dixon et al.'s pinned AUC, when probabilities were given and the pinned set holds both classes.
        package var pinnedAUC: Double?
    }

    package struct Result: Sendable, Equatable {
        package var phi: Double
        package var terms: [Term]
        /// Terms that no sample contains (left out of pB).
        package var absent: [String]
        package var pinnedData: Double
        package var pinnedModel: Double?
        /// The model's AUC over the whole dataset, and Σ_t |AUC − pAUC_t| over the terms with a pinned AUC.
        package var auc: Double?
        package var pinnedAUCEqualityDifference: Double?
    }

    /// The area under the ROC curve of `scores` for `positive` (`DetectionMetrics.auroc`).
    package static func auc(scores: [Double], positive: [Bool]) -> Double? { DetectionMetrics.auroc(scores: scores, positive: positive) }

    /// Whether `tokens` contains `term` as consecutive tokens.
    static func contains(_ tokens: [String], _ term: [String]) -> Bool {
        guard !term.isEmpty, tokens.count >= term.count else { return false }
        for start in 0...(tokens.count - term.count) where tokens[start] == term[0] {
            if (1..<term.count).allSatisfy({ tokens[start + $0] == term[$0] }) { return true }
        }
        return false
    }

    /// - Parameters:
    ///   - texts: each sample's texts (text, and text pair if any).
    ///   - labels: each sample's label.
    ///   - modelProbabilities: each sample's p′(L | x), or nil.
    ///   - phi: the reference rate; nil for the dataset's p(L).
    package static func analyse(texts: [[String]], labels: [String], label: String, terms: [String],
                               modelProbabilities: [Double]?, phi: Double?, seed: UInt64 = 13) -> Result {
        precondition(texts.count == labels.count && (modelProbabilities?.count ?? labels.count) == labels.count)
        let tokens = texts.map { $0.flatMap(WordTokens.split) }
        let reference = phi ?? Double(labels.filter { $0 == label }.count) / Double(max(labels.count, 1))
        var found: [Term] = []
        var absent: [String] = []
        for term in terms {
            let words = WordTokens.split(term)
            let members = tokens.indices.filter { contains(tokens[$0], words) }
            guard !members.isEmpty else {
                absent.append(term)
                continue
            }
            let n = Double(members.count)
            found.append(Term(
                term: term, samples: members, dataRate: Double(members.filter { labels[$0] == label }.count) / n,
                modelRate: modelProbabilities.map { p in members.reduce(0) { $0 + p[$1] } / n },
                pinnedAUC: modelProbabilities.flatMap { p in
                    // s(D): as many samples as the term has, drawn from all of D.
                    var rng = SplitMix64(seed: seed &+ UInt64(found.count + absent.count))
                    var order = Array(labels.indices)
                    order.shufflePrefix(members.count, using: &rng)
                    let pinned = members + order.prefix(members.count)
                    return auc(scores: pinned.map { p[$0] }, positive: pinned.map { labels[$0] == label })
                }))
        }
        func pinned(_ rate: (Term) -> Double?) -> Double? {
            guard !found.isEmpty else { return nil }
            var total = 0.0
            for term in found {
                guard let r = rate(term) else { return nil }
                total += abs(r - reference)
            }
            return total / Double(found.count)
        }
        let overall = modelProbabilities.flatMap { auc(scores: $0, positive: labels.map { $0 == label }) }
        let pinnedAUCs = found.compactMap(\.pinnedAUC)
        return Result(phi: reference, terms: found, absent: absent, pinnedData: pinned(\.dataRate) ?? 0,
                      pinnedModel: modelProbabilities == nil ? nil : pinned(\.modelRate),
                      auc: overall, pinnedAUCEqualityDifference: overall.map { a in pinnedAUCs.reduce(0) { $0 + abs(a - $1) } })
    }
}
