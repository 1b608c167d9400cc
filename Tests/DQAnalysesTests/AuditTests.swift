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
