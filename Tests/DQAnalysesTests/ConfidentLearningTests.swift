import Foundation
import Testing
@testable import DQAnalyses
import DQTestSupport
import DQText

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

/// Rows handed over a few at a time, as a file too large to hold is read.
private struct Blocks: ConfidentLearning.ProbabilityRows {
    var input: ConfidentLearning.Input
    var rowsPerBlock: Int
    var count: Int { input.count }
    var singlePrecision: Bool { false }
    var classes: Int { input.classes }
    func forEachBlock(_ body: (Int, UnsafeBufferPointer<Double>) throws -> Void) throws {
        try input.probabilities.withUnsafeBufferPointer { all in
            for first in stride(from: 0, to: count, by: rowsPerBlock) {
                let end = min(count, first + rowsPerBlock)
                try body(first, UnsafeBufferPointer(rebasing: all[first * classes..<end * classes]))
            }
        }
    }
}

@Test func streamingInBlocksFlagsWhatCleanlabFlags() throws {
    for (c, test) in try golden().cases.enumerated() {
        let input = ConfidentLearning.Input(labels: test.labels, probabilities: test.probabilities.flatMap { $0 }, classes: test.classes)
        for rowsPerBlock in [1, 7] {
            for filter in ConfidentLearning.Filter.allCases {
                for rankBy in ConfidentLearning.RankBy.allCases {
                    let streamed = try ConfidentLearning.findLabelIssues(rows: Blocks(input: input, rowsPerBlock: rowsPerBlock), labels: test.labels,
                                                                         filter: filter, rankBy: rankBy,
                                                                         minExamplesPerClass: test.min_examples_per_class)
                    #expect(streamed.ranked == test.issues["\(filter.rawValue)/\(rankBy.rawValue)"], "case \(c), \(filter), \(rankBy), \(rowsPerBlock)")
                    #expect(streamed.estimatedIssues == test.num_label_issues)
                }
            }
        }
    }
}

private struct NumPyGolden: Decodable {
    var cleanlab: String
    var results: [String: [Int]]
}

@Test func numPyProbabilitiesStreamToCleanlabsIssuesInEitherPrecision() throws {
    let golden = try JSONDecoder().decode(NumPyGolden.self, from: Data(contentsOf: URL(fileURLWithPath: fixture("npy/golden.json"))))
    #expect(golden.cleanlab == "2.9.0")
    let labels = try ImportedProbabilities.readLabelIndices(path: fixture("npy/labels.npy"), rows: 400, classes: 5)
    for dtype in ["float32", "float64"] {
        var rows = ImportedProbabilities.NumPyRows(array: try NumPyArray(path: fixture("npy/probs\(dtype == "float32" ? "32" : "64").npy")))
        rows.blockBytes = 13 * 5 * 8
        for filter in ConfidentLearning.Filter.allCases {
            let result = try ConfidentLearning.findLabelIssues(rows: rows, labels: labels, filter: filter)
            #expect(result.ranked == golden.results["\(dtype)/\(filter.rawValue)"], "\(dtype) \(filter)")
            #expect(result.estimatedIssues == golden.results["\(dtype)/num_label_issues"]?.first ?? -1)
        }
    }
}

@Test func labelsForNumPyProbabilitiesAreCheckedAgainstTheArray() throws {
    let csv = scratchPath("labels.csv")
    try "label\n0\n4\n".write(toFile: csv, atomically: true, encoding: .utf8)
    #expect(try ImportedProbabilities.readLabelIndices(path: csv, rows: 2, classes: 5) == [0, 4])
    #expect(throws: InputError.self) { try ImportedProbabilities.readLabelIndices(path: csv, rows: 2, classes: 4) }
    #expect(throws: InputError.self) { try ImportedProbabilities.readLabelIndices(path: csv, rows: 3, classes: 5) }
    #expect(throws: InputError.self) { try ImportedProbabilities.readLabelIndices(path: fixture("npy/probs64.npy"), rows: 400, classes: 5) }
    // A Parquet label column of indices, as pandas writes `pd.DataFrame({"label": labels})`.
    let parquet = scratchPath("labels.parquet")
    try Data(ParquetWriter(columns: ["label"]).bytes([["0"], ["4"]])).write(to: URL(fileURLWithPath: parquet))
    #expect(throws: InputError.self) { try ImportedProbabilities.readLabelIndices(path: parquet, rows: 2, classes: 5) }  // strings, not integers
    #expect(try ImportedProbabilities.readLabelIndices(path: fixture("npy/labels.parquet"), rows: 400, classes: 5)
            == ImportedProbabilities.readLabelIndices(path: fixture("npy/labels.npy"), rows: 400, classes: 5))
}
