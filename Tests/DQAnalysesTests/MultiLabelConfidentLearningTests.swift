import Foundation
import Testing
@testable import DQAnalyses

private struct MultiLabelGolden: Decodable {
    struct Case: Decodable {
        var classes: Int
        var labels: [[Int]]
        var probabilities: [[Double]]
        var masks: [String: [Int]]
        var ranked: [String: [Int]]
        var quality: [String: [Double]]
        var class_quality: [String: [[Double]]]
    }
    var cleanlab: String
    var cases: [Case]
}

/// cleanlab 2.9's multilabel_classification find_label_issues (every filter, both rankings) and
/// label quality scores (make_multilabel_golden.py).
@Test func multiLabelIssuesEqualCleanlabs() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/multilabel.json")
    let golden = try JSONDecoder().decode(MultiLabelGolden.self, from: Data(contentsOf: url))
    #expect(golden.cleanlab == "2.9.0" && golden.cases.count == 2)
    var compared = 0
    for c in golden.cases {
        let input = MultiLabelConfidentLearning.Input(labels: c.labels, probabilities: c.probabilities.flatMap { $0 }, classes: c.classes)
        for filter in ConfidentLearning.Filter.allCases {
            for rank in ConfidentLearning.RankBy.allCases {
                let result = MultiLabelConfidentLearning.findLabelIssues(input, filter: filter, rankBy: rank)
                #expect((0..<input.count).filter { result.isIssue[$0] } == c.masks[filter.rawValue], "\(filter) mask")
                #expect(result.ranked == c.ranked["\(filter.rawValue)/\(rank.rawValue)"], "\(filter)/\(rank) ranking")
                compared += 1
            }
        }
        for rank in ConfidentLearning.RankBy.allCases {
            let quality = MultiLabelConfidentLearning.quality(input, rankBy: rank)
            for (ours, theirs) in zip(quality, c.quality[rank.rawValue]!) { #expect(abs(ours - theirs) < 1e-12) }
            let perClass = MultiLabelConfidentLearning.classQuality(input, rankBy: rank)
            for (ours, theirs) in zip(perClass.flatMap { $0 }, c.class_quality[rank.rawValue]!.flatMap { $0 }) { #expect(abs(ours - theirs) < 1e-15) }
        }
    }
    #expect(compared == 16)
}

/// The moving average of cleanlab's docstring: scores (0.9, 0.9, 0.3) → 0.42, (0.4, 0.9, 0.6) → 0.452.
@Test func exponentialMovingAverageMatchesCleanlabsExample() {
    #expect(abs(MultiLabelConfidentLearning.exponentialMovingAverage([0.9, 0.9, 0.3]) - 0.42) < 1e-12)
    #expect(abs(MultiLabelConfidentLearning.exponentialMovingAverage([0.4, 0.9, 0.6]) - 0.452) < 1e-12)
}
