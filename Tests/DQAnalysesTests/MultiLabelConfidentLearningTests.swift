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

/// Suspects from a hand-made result: the flagged labels split into those to remove (the sample
/// has them) and to add, the score is 1 − quality, the ambiguity is 1 − |2p − 1| of the doubted
/// label nearest ½, and `all` appends the unflagged samples by quality with nothing doubted.
@Test func multiLabelSuspectsAddAndRemoveTheDoubtedLabels() {
    let input = MultiLabelConfidentLearning.Input(labels: [[0], [1, 2], []], probabilities: [0.9, 0.2, 0.1, 0.3, 0.6, 0.45, 0.5, 0.5, 0.5], classes: 3)
    let result = MultiLabelConfidentLearning.Result(isIssue: [false, true, false], flaggedLabels: [[], [0, 2], []], ranked: [1],
                                                    quality: [0.9, 0.4, 0.5], issuesPerLabel: [1, 0, 1], confidentJoints: [])
    let flagged = MultiLabelConfidentLearning.suspects(input, result: result)
    #expect(flagged == [.init(sample: 1, score: 0.6, add: [0], remove: [2], ambiguity: 0.9)])
    #expect(flagged[0].suggested(given: [1, 2]) == [0, 1])
    let all = MultiLabelConfidentLearning.suspects(input, result: result, all: true)
    #expect(all.map(\.sample) == [1, 2, 0] && all[1].add.isEmpty && all[1].remove.isEmpty && all[1].ambiguity == 0)
    #expect(abs(all[2].score - 0.1) < 1e-12)
    // Label 2's flags ignored: sample 1 is still doubted in label 0; label 0 ignored too, no issue is left.
    #expect(MultiLabelConfidentLearning.suspects(input, result: result, ignoring: [2]) == [.init(sample: 1, score: 0.6, add: [0], remove: [], ambiguity: 0.6)])
    #expect(MultiLabelConfidentLearning.suspects(input, result: result, ignoring: [0, 2]).isEmpty)
    #expect(MultiLabelConfidentLearning.suspects(input, result: result, all: true, ignoring: [0, 2]).map(\.sample) == [1, 2, 0])
    // Another suspicion orders and scores the same samples: the flagged first, then the rest by it.
    let bySuspicion = MultiLabelConfidentLearning.suspects(input, result: result, all: true, suspicion: [3, 1, 2])
    #expect(bySuspicion.map(\.sample) == [1, 0, 2] && bySuspicion.map(\.score) == [1, 3, 2] && bySuspicion[0].add == [0])
}
