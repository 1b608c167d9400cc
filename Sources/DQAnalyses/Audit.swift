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

    /// P(label wrong) as a function of a sample's suspicion rank, fitted on reviewed samples.
    package struct Calibration: Sendable, Equatable {
        package var model: LogisticFusion.Model
        /// Expected calibration error of leave-one-out predictions: the weighted mean, over 5
        /// equal-width bins of the prediction, of |mean prediction − share wrong|.
        package var error: Double
        package var reviewed: Int

        /// The features of a rank r in [0, 1] among `n` samples: r and its log tail.
        package static func features(rank r: Double, n: Int) -> [Double] { [r, -log(1 - r + 1 / Double(max(n, 1)))] }

        package func probability(rank: Double, n: Int) -> Double { model.probability(Self.features(rank: rank, n: n)) }
    }

    /// A logistic regression of the reviews' verdicts on the rank (and its log tail) of each
    /// reviewed sample among the `n` judged, each weighted by the samples it stands for (its
    /// part's size over the part's reviews). nil with fewer than 10 reviews, or without both a
    /// wrong and a right label among them.
    package static func calibrate(rank: [Double], wrong: [Bool], weight: [Double], n: Int) -> Calibration? {
        guard rank.count >= 10, wrong.contains(true), wrong.contains(false) else { return nil }
        let x = rank.map { Calibration.features(rank: $0, n: n) }
        let model = LogisticFusion.fit(features: x, targets: wrong, weights: weight, l2: 1e-2)
        // Leave-one-out predictions for the calibration error.
        var predicted = [Double](repeating: 0, count: rank.count)
        for i in rank.indices {
            let keep = rank.indices.filter { $0 != i }
            let fold = LogisticFusion.fit(features: keep.map { x[$0] }, targets: keep.map { wrong[$0] }, weights: keep.map { weight[$0] }, l2: 1e-2)
            predicted[i] = fold.probability(x[i])
        }
        var (sumW, sumP, sumY) = ([Double](repeating: 0, count: 5), [Double](repeating: 0, count: 5), [Double](repeating: 0, count: 5))
        for i in rank.indices {
            let bin = min(4, Int(predicted[i] * 5))
            sumW[bin] += weight[i]
            sumP[bin] += weight[i] * predicted[i]
            sumY[bin] += weight[i] * (wrong[i] ? 1 : 0)
        }
        let total = sumW.reduce(0, +)
        let error = (0..<5).reduce(0.0) { $0 + (sumW[$1] > 0 ? abs(sumP[$1] - sumY[$1]) / total : 0) }
        return Calibration(model: model, error: error, reviewed: rank.count)
    }
}
