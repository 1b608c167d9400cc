import Foundation

/// A share with its uncertainty.
package enum Proportion {
    /// Wilson's score interval (Wilson, JASA 1927) for `successes` of `trials` at `level`, as
    /// statsmodels' `proportion_confint(method="wilson")` gives it; nil for no trials.
    package static func wilson(_ successes: Int, of trials: Int, level: Double = 0.95) -> (low: Double, high: Double)? {
        guard trials > 0 else { return nil }
        let z = normalQuantile(0.5 + level / 2)
        let n = Double(trials), p = Double(successes) / n, z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return (max(0, centre - half), min(1, centre + half))
    }

    /// The standard normal quantile of `p` in (0, 1), by bisection on Φ(x) = erfc(−x/√2)/2 to
    /// the last bit (1.959963984540054 for 0.975).
    package static func normalQuantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1)
        var (low, high) = (-40.0, 40.0)
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if middle == low || middle == high { break }
            if erfc(-middle / 2.0.squareRoot()) / 2 < p { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }
}
