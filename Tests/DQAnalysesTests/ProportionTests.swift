import Testing
@testable import DQAnalyses

/// Wilson's interval equals statsmodels 0.15's proportion_confint(k, n, method="wilson") (values
/// printed by it, kept here); the normal quantile is scipy's norm.ppf.
@Test func wilsonIntervalsEqualStatsmodels() {
    let cases: [(Int, Int, Double, Double)] = [(8, 10, 0.49016247153664183, 0.9433178485456247), (0, 20, 0, 0.1611251580528194),
                                               (147, 500, 0.25575848743575685, 0.3353827408344027), (3, 3, 0.43850296824495444, 1)]
    for (k, n, low, high) in cases {
        let interval = Proportion.wilson(k, of: n)!
        #expect(abs(interval.low - low) < 1e-12 && abs(interval.high - high) < 1e-12, "\(k)/\(n): \(interval)")
    }
    #expect(Proportion.wilson(0, of: 0) == nil)
    #expect(abs(Proportion.normalQuantile(0.975) - 1.959963984540054) < 1e-13)
    #expect(abs(Proportion.normalQuantile(0.95) - 1.6448536269514722) < 1e-13)
}
