import Foundation

/// How well a suspicion score finds known label errors (planted ones, in `dq evaluate`): the
/// figures retrieval and label-noise papers report, defined as scikit-learn defines them.
package enum DetectionMetrics {
    package struct Scores: Sendable, Equatable, Codable {
        /// Share of planted errors among the k most suspect samples.
        package var precisionAtK: Double
        /// Share of all planted errors found among the k most suspect samples.
        package var recallAtK: Double
        /// scikit-learn's `average_precision_score`: Σₙ (Rₙ − Rₙ₋₁) Pₙ over the distinct thresholds.
        package var averagePrecision: Double
        /// The probability that a planted error is more suspect than a clean sample, ties one half.
        package var auroc: Double
    }

    /// `suspicion`: higher = more likely wrong; `planted`: which samples are known errors; `k`:
    /// the list length for precision and recall (ties at the cut by sample order).
    package static func evaluate(suspicion: [Double], planted: [Bool], k: Int) -> Scores {
        precondition(suspicion.count == planted.count)
        let positives = planted.filter { $0 }.count
        let order = suspicion.indices.sorted { suspicion[$0] > suspicion[$1] || (suspicion[$0] == suspicion[$1] && $0 < $1) }
        let hits = order.prefix(k).filter { planted[$0] }.count
        return Scores(precisionAtK: k > 0 ? Double(hits) / Double(min(k, order.count)) : 0,
                      recallAtK: positives > 0 ? Double(hits) / Double(positives) : 0,
                      averagePrecision: averagePrecision(suspicion: suspicion, planted: planted),
                      auroc: auroc(scores: suspicion, positive: planted) ?? 0.5)
    }

    /// scikit-learn's `average_precision_score` (no interpolation): the samples are taken in
    /// decreasing score, a tie group at a time; each group adds (recall gained) × (precision after it).
    package static func averagePrecision(suspicion: [Double], planted: [Bool]) -> Double {
        let positives = planted.filter { $0 }.count
        guard positives > 0 else { return 0 }
        let order = suspicion.indices.sorted { suspicion[$0] > suspicion[$1] }
        var total = 0.0, seen = 0, found = 0, start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && suspicion[order[end + 1]] == suspicion[order[start]] { end += 1 }
            let gained = order[start...end].filter { planted[$0] }.count
            seen += end - start + 1
            found += gained
            total += Double(gained) / Double(positives) * Double(found) / Double(seen)
            start = end + 1
        }
        return total
    }

    /// The area under the ROC curve (Mann–Whitney, ties one half); nil without both classes.
    package static func auroc(scores: [Double], positive: [Bool]) -> Double? {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        let positives = positive.filter { $0 }.count, negatives = positive.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        var rankSum = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
            let midRank = Double(start + end + 2) / 2
            for k in start...end where positive[order[k]] { rankSum += midRank }
            start = end + 1
        }
        let p = Double(positives)
        return (rankSum - p * (p + 1) / 2) / (p * Double(negatives))
    }

    /// Each score's rank among all, ties averaged, scaled to (0, 1]: scores on different scales
    /// become comparable (the rank average that fuses independent sources).
    package static func rankNormalised(_ scores: [Double]) -> [Double] {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var out = [Double](repeating: 0, count: scores.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
            let rank = Double(start + end + 2) / 2 / Double(scores.count)
            for k in start...end { out[order[k]] = rank }
            start = end + 1
        }
        return out
    }
}
