/// Merging several rankings of the same documents into one.
///
/// Ranks are modified competition ranks from 0 ("1334" ranking): rank(d) = #{d′ : s(d′) ≥ s(d)} − 1,
/// so tied documents share the last rank of their tie, every rank lies in 0…|D|−1, and the
/// documents a ranker does not match at all (score 0) tie at the very end, |D| − 1, rather than
/// just below the last match. Every method gives a fused score, higher = better:
///
/// - `rrf`: reciprocal rank fusion, Σ_r 1 / (k + rank_r(d) + 1), k = 60 (Cormack, Clarke &
///   Büttcher, SIGIR 2009; their ranks start at 1, hence the + 1).
/// - `borda`: Borda count, Σ_r (|D| − 1 − rank_r(d)) (Aslam & Montague, SIGIR 2001).
/// - `combsum`: Σ_r ŝ_r(d) with ŝ the min-max normalised score, (s − min) / (max − min), 0 when all
///   scores are equal (Fox & Shaw, TREC-2 1994).
/// - `combmnz`: CombSUM × the number of rankers that scored d above 0 (matched it at all).
/// - `median`, `mean`: minus the median or mean rank (so that higher is better, as for the rest).
package enum RankAggregation: String, CaseIterable, Sendable, Codable {
    case rrf, borda, combsum, combmnz, median, mean

    /// Modified competition ranks of `scores` (higher score = better = smaller rank).
    package static func ranks(_ scores: [Double]) -> [Int] {
        let order = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        var ranks = [Int](repeating: 0, count: scores.count)
        var end = order.count
        for position in order.indices.reversed() {
            if position + 1 < order.count && scores[order[position + 1]] != scores[order[position]] { end = position + 1 }
            ranks[order[position]] = end - 1
        }
        return ranks
    }

    /// Fuses rankers' `scores` (one array per ranker, each over the same documents) and their
    /// `ranks` into one fused score per document.
    package func fuse(scores: [[Double]], ranks: [[Int]], rrfK: Double = 60) -> [Double] {
        precondition(scores.count == ranks.count && !scores.isEmpty)
        let count = scores[0].count
        switch self {
        case .rrf:
            return (0..<count).map { d in ranks.reduce(0) { $0 + 1 / (rrfK + Double($1[d]) + 1) } }
        case .borda:
            return (0..<count).map { d in ranks.reduce(0) { $0 + Double(count - 1 - $1[d]) } }
        case .combsum, .combmnz:
            var fused = [Double](repeating: 0, count: count)
            var matched = [Int](repeating: 0, count: count)
            for ranker in scores {
                let low = ranker.min() ?? 0, high = ranker.max() ?? 0
                for d in 0..<count {
                    if high > low { fused[d] += (ranker[d] - low) / (high - low) }
                    if ranker[d] > 0 { matched[d] += 1 }
                }
            }
            if self == .combmnz { for d in 0..<count { fused[d] *= Double(matched[d]) } }
            return fused
        case .median:
            return (0..<count).map { d in
                let sorted = ranks.map { Double($0[d]) }.sorted()
                let middle = sorted.count / 2
                return -(sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2)
            }
        case .mean:
            return (0..<count).map { d in -ranks.reduce(0) { $0 + Double($1[d]) } / Double(ranks.count) }
        }
    }
}
