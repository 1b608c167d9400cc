import DQLearning
import Foundation

/// An audit of a suspects list: a stratified random sample of the samples judged, drawn from
/// the list (stratum 0) and from the rest (stratum 1), reviewed by people. From the reviews it
/// estimates how many labels are wrong in all, with an interval, and the list's precision and
/// recall: the stratified estimator of survey sampling (Cochran, *Sampling Techniques*, 1977,
/// ch. 5), each stratum's share wrong weighted by its size, with the finite-population
/// correction; each stratum's variance uses Agresti and Coull's adjusted share (1998).
package enum Audit {
    /// Draws `count` of the positions `0..<list` (the list) and `list..<total` (the rest): half
    /// from each, as far as each stratum has samples, the remainder from the other. Seeded; each
    /// stratum's draw is sorted.
    package static func draw(list: Int, total: Int, count: Int, seed: UInt64) -> (list: [Int], rest: [Int]) {
        let rest = total - list
        var fromList = min(list, (count + 1) / 2)
        let fromRest = min(rest, count - fromList)
        fromList = min(list, count - fromRest)
        var rng = SplitMix64(seed: seed)
        var listOrder = Array(0..<list), restOrder = Array(list..<total)
        listOrder.shufflePrefix(fromList, using: &rng)
        restOrder.shufflePrefix(fromRest, using: &rng)
        return (Array(listOrder.prefix(fromList)).sorted(), Array(restOrder.prefix(fromRest)).sorted())
    }

    /// One stratum: its size, and of its reviewed samples how many had a wrong label.
    package struct Stratum: Sendable, Equatable {
        package var size: Int
        package var reviewed: Int
        package var wrong: Int

        package init(size: Int, reviewed: Int, wrong: Int) {
            (self.size, self.reviewed, self.wrong) = (size, reviewed, wrong)
        }

        /// The share wrong among the reviewed (0 when none is reviewed).
        package var share: Double { reviewed > 0 ? Double(wrong) / Double(reviewed) : 0 }

        /// The variance of the estimated number wrong in the stratum, N²(1 − n/N) p̃(1 − p̃)/ñ,
        /// with Agresti and Coull's p̃ = (wrong + 2)/(n + 4) and ñ = n + 4: the plain p(1 − p)
        /// is 0 when no reviewed label (or every one) is wrong, which would claim certainty that
        /// 20 reviews of thousands cannot give.
        var variance: Double {
            guard reviewed >= 1, size > 0 else { return 0 }
            let (n, big) = (Double(reviewed), Double(size))
            let p = (Double(wrong) + 2) / (n + 4)
            return big * big * (1 - n / big) * p * (1 - p) / (n + 4)
        }
    }

    package struct Estimate: Sendable, Equatable {
        /// The estimated number of wrong labels among all samples judged, and its 95% interval.
        package var errors: Double
        package var low: Double
        package var high: Double
        /// The list's precision (its share wrong) and recall (its wrong labels over all of them).
        package var precision: Double
        package var recall: Double?
        /// Every stratum has a reviewed sample.
        package var complete: Bool
    }

    /// The estimate from the list's stratum and the rest's. The interval is the normal one on the
    /// stratified variance, and never below the wrong labels actually found.
    package static func estimate(list: Stratum, rest: Stratum) -> Estimate {
        let strata = [list, rest]
        let errors = strata.reduce(0) { $0 + Double($1.size) * $1.share }
        let half = 1.96 * strata.reduce(0) { $0 + $1.variance }.squareRoot()
        let found = Double(list.wrong + rest.wrong)
        let total = Double(list.size + rest.size)
        let inList = Double(list.size) * list.share
        return Estimate(errors: errors, low: max(found, errors - half), high: min(total, errors + half), precision: list.share,
                        recall: errors > 0 ? inList / errors : nil,
                        complete: strata.allSatisfy { $0.size == 0 || $0.reviewed > 0 })
    }
}
