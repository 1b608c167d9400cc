import Testing
import DQAnalyses

@Test func anAuditDrawsHalfFromTheListAndHalfFromTheRest() {
    let draw = Audit.draw(list: 10, total: 100, count: 8, seed: 1)
    #expect(draw.list.count == 4 && draw.rest.count == 4)
    #expect(draw.list.allSatisfy { (0..<10).contains($0) } && draw.rest.allSatisfy { (10..<100).contains($0) })
    #expect(Set(draw.list).count == 4 && Set(draw.rest).count == 4 && draw.list == draw.list.sorted())
    #expect(Audit.draw(list: 10, total: 100, count: 8, seed: 1) == draw && Audit.draw(list: 10, total: 100, count: 8, seed: 2) != draw)
    // A short list gives what it has; the rest makes up the count.
    let short = Audit.draw(list: 2, total: 100, count: 8, seed: 1)
    #expect(short.list == [0, 1] && short.rest.count == 6)
    // More than there are: every sample.
    let all = Audit.draw(list: 3, total: 5, count: 50, seed: 1)
    #expect(all.list == [0, 1, 2] && all.rest == [3, 4])
}

@Test func theStratifiedEstimateEqualsAHandComputation() {
    // List: 200 samples, 16 of 20 reviewed wrong; rest: 1,800, 1 of 20 wrong.
    let estimate = Audit.estimate(list: .init(size: 200, reviewed: 20, wrong: 16), rest: .init(size: 1800, reviewed: 20, wrong: 1))
    // 200 · 0.8 + 1800 · 0.05 = 250. Variances with p̃ = (wrong + 2)/24 and ñ = 24:
    // 200² · 0.9 · (18/24)(6/24) / 24 = 281.25; 1800² · (1 − 20/1800) · (3/24)(21/24) / 24 = 14601.56;
    // 1.96 · √14882.81 = 239.11.
    #expect(abs(estimate.errors - 250) < 1e-9)
    // The low end, 250 − 239.11, is below the 17 wrong labels found: it is those.
    #expect(estimate.low == 17 && abs(estimate.high - (250 + 239.11)) < 0.01, "\(estimate)")
    #expect(estimate.precision == 0.8 && abs(estimate.recall! - 0.64) < 1e-12 && estimate.complete)
    // Every sample reviewed: no sampling error left.
    let census = Audit.estimate(list: .init(size: 5, reviewed: 5, wrong: 4), rest: .init(size: 10, reviewed: 10, wrong: 1))
    #expect(census.errors == 5 && census.low == 5 && census.high == 5 && census.recall == 0.8)
    // No wrong label among 20 reviews of 5,000 still leaves room for hundreds.
    let none = Audit.estimate(list: .init(size: 100, reviewed: 20, wrong: 10), rest: .init(size: 5000, reviewed: 20, wrong: 0))
    #expect(none.errors == 50 && none.high > 400 && none.low == 10, "\(none)")
    // Nothing reviewed in the rest: the estimate is incomplete.
    #expect(!Audit.estimate(list: .init(size: 5, reviewed: 5, wrong: 4), rest: .init(size: 10, reviewed: 0, wrong: 0)).complete)
}

@Test func reviewsCalibrateTheProbabilityThatALabelIsWrongAndSayHowWell() {
    // 40 reviews: wrong at the top of the ranking, right below; ranks spread over [0, 1].
    let rank = (0..<40).map { Double($0) / 39 }
    let wrong = rank.map { $0 > 0.8 }
    let calibration = Audit.calibrate(rank: rank, wrong: wrong, weight: [Double](repeating: 1, count: 40), n: 1000)!
    #expect(calibration.probability(rank: 0.99, n: 1000) > 0.8 && calibration.probability(rank: 0.1, n: 1000) < 0.1)
    #expect(calibration.reviewed == 40 && calibration.error < 0.15, "\(calibration.error)")
    // Verdicts unrelated to the rank: flat probabilities near the share wrong, 0.5.
    let noise = Audit.calibrate(rank: rank, wrong: rank.indices.map { $0 % 2 == 0 }, weight: [Double](repeating: 1, count: 40), n: 1000)!
    #expect(abs(noise.probability(rank: 0.9, n: 1000) - 0.5) < 0.2 && abs(noise.probability(rank: 0.1, n: 1000) - 0.5) < 0.2)
    // Too few reviews, or only one verdict: no calibration.
    #expect(Audit.calibrate(rank: Array(rank.prefix(9)), wrong: Array(wrong.prefix(9)), weight: [Double](repeating: 1, count: 9), n: 1000) == nil)
    #expect(Audit.calibrate(rank: rank, wrong: [Bool](repeating: false, count: 40), weight: [Double](repeating: 1, count: 40), n: 1000) == nil)
    // A weight counts like that many copies of the review.
    let weighted = LogisticFusion.fit(features: [[0], [1]], targets: [false, true], weights: [3, 1], l2: 0)
    let copies = LogisticFusion.fit(features: [[0], [0], [0], [1]], targets: [false, false, false, true], l2: 0)
    #expect(zip(weighted.weights, copies.weights).allSatisfy { abs($0 - $1) < 1e-6 }, "\(weighted.weights) \(copies.weights)")
}
