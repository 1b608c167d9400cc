import Foundation
import Testing
@testable import DQAnalyses

private struct Golden: Decodable {
    struct Case: Decodable {
        var classes: Int
        var min_examples_per_class: Int
        var labels: [Int]
        var probabilities: [[Double]]
        var confident_joint: [[Int]]
        var issues: [String: [Int]]
        var num_label_issues: Int
        var health: Double
    }
    var cleanlab: String
    var cases: [Case]
}

private func golden() throws -> Golden {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/confident_learning.json")
    return try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
}

@Test func labelIssuesEqualCleanlabsForEveryFilterAndRanking() throws {
    let golden = try golden()
    #expect(golden.cases.count == 6)
    var compared = 0
    for (c, test) in golden.cases.enumerated() {
        let input = ConfidentLearning.Input(labels: test.labels, probabilities: test.probabilities.flatMap { $0 }, classes: test.classes)
        #expect(ConfidentLearning.confidentJoint(input, calibrate: true).joint == test.confident_joint, "case \(c)")
        for filter in ConfidentLearning.Filter.allCases {
            for rankBy in ConfidentLearning.RankBy.allCases {
                let result = ConfidentLearning.findLabelIssues(input, filter: filter, rankBy: rankBy,
                                                               minExamplesPerClass: test.min_examples_per_class)
                let want = try #require(test.issues["\(filter.rawValue)/\(rankBy.rawValue)"])
                #expect(result.ranked == want, "case \(c), \(filter.rawValue), \(rankBy.rawValue)")
                #expect(result.isIssue.filter { $0 }.count == want.count)
                // cleanlab's num_label_issues and overall_label_health_score, whatever the filter.
                #expect(result.estimatedIssues == test.num_label_issues, "case \(c)")
                #expect(abs(result.health - test.health) < 1e-15, "case \(c)")
                compared += want.count
            }
        }
    }
    #expect(compared > 1000)
}

@Test func roundingKeepsTheTotalAsCleanlabDoes() {
    // Values from cleanlab.internal.util.round_preserving_sum: the largest rounding loss goes up
    // first (ties: the later entry), the largest gain down; halves round to even.
    #expect(ConfidentLearning.roundPreservingSum([1.4, 1.4, 1.2]) == [1, 2, 1])
    #expect(ConfidentLearning.roundPreservingSum([2.6, 2.6, 2.8]) == [2, 3, 3])
    #expect(ConfidentLearning.roundPreservingSum([0.5, 1.5, 2.5, 0.5]) == [0, 2, 2, 1])
}

@Test func selectionFindsTheNthSmallestAsSortingDoes() {
    var state: UInt64 = 42
    for size in [1, 2, 3, 10, 257] {
        // Few distinct values, so ties are everywhere.
        let values = (0..<size).map { _ -> Double in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double((state >> 33) % 7)
        }
        let sorted = values.sorted()
        for n in [0, size / 2, size - 1] {
            var scratch = values
            #expect(ConfidentLearning.select(n, in: &scratch) == sorted[n], "size \(size), n \(n)")
        }
    }
}
