import Foundation
import Testing
@testable import DQAnalyses

private struct ConsensusGolden: Decodable {
    struct Case: Decodable {
        var name: String
        var classes: Int
        var wide: [[Int?]]
        var probabilities: [[Double]]
        var majority_with_probs: [Int]
        var majority: [Int]
        var consensus_label: [Int]
        var consensus_quality: [Double]
        var annotator_agreement: [Double]
        var num_annotations: [Int]
        var detailed_quality: [[Double?]]
        var annotator_quality: [Double?]
        var agreement_with_consensus: [Double]
        var worst_class: [Int]
        var num_examples_labeled: [Int]
        var model_weight: Double
        var annotator_weight: [Double]
        var ds_labels: [Int]
        var ds_posterior: [[Double]]
    }
    var cleanlab: String
    var cases: [Case]
}

private func consensusGolden() throws -> ConsensusGolden {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/consensus.json")
    return try JSONDecoder().decode(ConsensusGolden.self, from: Data(contentsOf: url))
}

/// cleanlab 2.9's get_majority_vote_label, with and without probabilities (make_consensus_golden.py).
@Test func majorityVoteBreaksTiesAsCleanlabDoes() throws {
    let golden = try consensusGolden()
    #expect(golden.cleanlab == "2.9.0")
    var differing = 0
    for c in golden.cases {
        let matrix = AnnotationMatrix(wide: c.wide, labelCount: c.classes)
        #expect(Consensus.majorityVote(matrix, probabilities: c.probabilities) == c.majority_with_probs, "\(c.name)")
        #expect(Consensus.majorityVote(matrix) == c.majority, "\(c.name)")
        differing += zip(c.majority, c.majority_with_probs).filter { $0 != $1 }.count
    }
    #expect(differing > 20)  // the cases do exercise the tie-breaks
}

/// cleanlab 2.9's get_label_quality_multiannotator with its defaults, to 1e-12.
@Test func crowdlabEqualsCleanlab() throws {
    for c in try consensusGolden().cases {
        let matrix = AnnotationMatrix(wide: c.wide, labelCount: c.classes)
        let result = Consensus.crowdlab(matrix, probabilities: c.probabilities)
        #expect(result.label == c.consensus_label, "\(c.name)")
        #expect(result.annotations == c.num_annotations)
        for i in c.wide.indices {
            #expect(abs(result.quality[i] - c.consensus_quality[i]) < 1e-12, "\(c.name) quality \(i)")
            #expect(abs(result.agreement[i] - c.annotator_agreement[i]) < 1e-12, "\(c.name) agreement \(i)")
            for (a, given) in c.wide[i].enumerated() {
                guard let given else { #expect(c.detailed_quality[i][a] == nil); continue }
                #expect(abs(result.posterior![i][given] - c.detailed_quality[i][a]!) < 1e-12, "\(c.name) detailed \(i),\(a)")
            }
        }
        #expect(abs(result.modelWeight! - c.model_weight) < 1e-12)
        for (ours, theirs) in zip(result.annotatorWeights!, c.annotator_weight) { #expect(abs(ours - theirs) < 1e-12) }
        for (a, annotator) in result.annotators.enumerated() {
            #expect(annotator.items == c.num_examples_labeled[a])
            #expect(annotator.worstLabel == c.worst_class[a], "\(c.name) worst class of \(a)")
            #expect(abs(annotator.agreement! - c.agreement_with_consensus[a]) < 1e-12)
            switch (annotator.quality, c.annotator_quality[a]) {
            case let (ours?, theirs?): #expect(abs(ours - theirs) < 1e-12, "\(c.name) annotator quality \(a)")
            case (nil, nil): break
            default: Issue.record("\(c.name) annotator \(a): quality defined on one side only")
            }
        }
    }
}

/// crowd-kit 1.4.2's DawidSkene(n_iter=100, tol=1e-5): the same labels and posteriors.
@Test func dawidSkeneEqualsCrowdKit() throws {
    for c in try consensusGolden().cases {
        let matrix = AnnotationMatrix(wide: c.wide, labelCount: c.classes)
        let result = Consensus.dawidSkene(matrix)
        #expect(result.label == c.ds_labels, "\(c.name)")
        var largest = 0.0
        for (ours, theirs) in zip(result.posterior!, c.ds_posterior) {
            for (x, y) in zip(ours, theirs) { largest = max(largest, abs(x - y)) }
        }
        #expect(largest < 1e-9, "\(c.name): posteriors differ by \(largest)")
    }
}

/// Dawid–Skene finds the reliable annotator: one annotator always tracks the truth, the two others
/// answer 0 on every other item; the first gets the highest estimated accuracy.
@Test func dawidSkeneTrustsTheConsistentAnnotator() {
    var rows: [[Int?]] = []
    for i in 0..<60 {
        let truth = i % 3
        rows.append([truth, i % 2 == 0 ? 0 : truth, i % 2 == 1 ? 0 : truth])
    }
    let matrix = AnnotationMatrix(wide: rows, labelCount: 3)
    let ds = Consensus.dawidSkene(matrix)
    #expect(ds.label == (0..<60).map { $0 % 3 })
    let quality = ds.annotators.map { $0.quality! }
    #expect(quality[0] > quality[1] && quality[0] > quality[2])
}

@Test func majorityVoteWhenEveryItemIsTiedTakesTheFirstLabelInsteadOfCrashing() {
    // Two items, each with one annotator for each label: no untied item to rate the annotators on,
    // and both labels equally frequent, so every tie-break but the last has nothing to go on.
    let matrix = AnnotationMatrix(itemCount: 2, annotatorCount: 2, labelCount: 2, item: [0, 0, 1, 1], annotator: [0, 1, 0, 1], label: [0, 1, 1, 0])
    #expect(Consensus.majorityVote(matrix) == [0, 0])
    let result = Consensus.majority(matrix)
    #expect(result.label == [0, 0] && result.quality == [0.5, 0.5])
}
