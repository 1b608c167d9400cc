import DQLearning

/// Percentile bootstrap confidence intervals (Efron & Tibshirani, "An Introduction to the
/// Bootstrap", 1993, ch. 13): the statistic is recomputed on `resamples` samples drawn with
/// replacement (seeded), and the interval is the (1 − level)/2 and (1 + level)/2 quantiles of
/// those values (linear interpolation, numpy's default).
package enum Bootstrap {
    package struct Interval: Sendable, Equatable {
        package var estimate: Double
        package var low: Double
        package var high: Double

        package func contains(_ x: Double) -> Bool { low <= x && x <= high }
    }

    /// The mean of `values` with its interval.
    package static func mean(_ values: [Double], resamples: Int = 1000, level: Double = 0.95, seed: UInt64 = 13) -> Interval {
        precondition(!values.isEmpty && resamples > 0)
        var rng = SplitMix64(seed: seed)
        let n = values.count
        let means = (0..<resamples).map { _ in
            var sum = 0.0
            for _ in 0..<n { sum += values[Int(rng.next() % UInt64(n))] }
            return sum / Double(n)
        }
        return interval(estimate: values.reduce(0, +) / Double(n), draws: means, level: level)
    }

    /// The mean of b − a over the same samples (paired: one resample of indices for both).
    package static func pairedDifference(_ a: [Double], _ b: [Double], resamples: Int = 1000, level: Double = 0.95, seed: UInt64 = 13) -> Interval {
        precondition(a.count == b.count)
        return mean(zip(a, b).map { $1 - $0 }, resamples: resamples, level: level, seed: seed)
    }

    /// mean(b) − mean(a) for independent samples (each resampled on its own).
    package static func difference(_ a: [Double], _ b: [Double], resamples: Int = 1000, level: Double = 0.95, seed: UInt64 = 13) -> Interval {
        precondition(!a.isEmpty && !b.isEmpty)
        var rng = SplitMix64(seed: seed)
        func resampledMean(_ values: [Double]) -> Double {
            var sum = 0.0
            for _ in 0..<values.count { sum += values[Int(rng.next() % UInt64(values.count))] }
            return sum / Double(values.count)
        }
        let draws = (0..<resamples).map { _ in
            let ma = resampledMean(a)
            return resampledMean(b) - ma
        }
        let estimate = b.reduce(0, +) / Double(b.count) - a.reduce(0, +) / Double(a.count)
        return interval(estimate: estimate, draws: draws, level: level)
    }

    static func interval(estimate: Double, draws: [Double], level: Double) -> Interval {
        let sorted = draws.sorted()
        return Interval(estimate: estimate, low: Quantile.linear(sorted, (1 - level) / 2), high: Quantile.linear(sorted, (1 + level) / 2))
    }
}
