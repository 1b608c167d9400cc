/// Confident learning for multi-label data (each sample may carry several labels), as cleanlab
/// 2.9 does it: one-vs-rest. For every label k, the binary problem "has k or not" with
/// probabilities [1 − p_k, p_k] goes through single-label confident learning
/// (`ConfidentLearning.findLabelIssues`, equal to cleanlab's); a sample is an issue when any of
/// its labels is. Ranked, the issues are ordered by the multi-label quality score, lowest first.
///
/// The quality score (cleanlab's `multilabel_classification.get_label_quality_scores`): each
/// label's binary score (self-confidence: p_k when the sample has k, else 1 − p_k; or the
/// normalised margin (s − (1 − s') + 1)/2 of the two columns), then the scores of a sample sorted
/// in descending order and folded by an exponential moving average, EMA₁ = s₁,
/// EMA_t = α·s_t + (1 − α)·EMA_{t−1}, α = 0.8: the worst labels weigh most.
package enum MultiLabelConfidentLearning {
    package struct Input: Sendable {
        /// Per sample, its labels (indices 0..<classes, each once).
        package var labels: [[Int]]
        /// Row-major n × K: the probability that each sample has each label (rows need not sum to 1).
        package var probabilities: [Double]
        package var classes: Int

        package init(labels: [[Int]], probabilities: [Double], classes: Int) {
            precondition(probabilities.count == labels.count * classes)
            self.labels = labels
            self.probabilities = probabilities
            self.classes = classes
        }

        package var count: Int { labels.count }

        /// Per sample, 1 where it has the label: the one-hot matrix, column k.
        func has(_ k: Int) -> [Int] {
            labels.map { $0.contains(k) ? 1 : 0 }
        }

        /// The binary problem of label k: [1 − p_k, p_k] per sample.
        func binary(_ k: Int) -> ConfidentLearning.Input {
            var values = [Double](repeating: 0, count: 2 * count)
            for i in 0..<count {
                let p = probabilities[i * classes + k]
                values[2 * i] = 1 - p
                values[2 * i + 1] = p
            }
            return ConfidentLearning.Input(labels: has(k), probabilities: values, classes: 2)
        }
    }

    package struct Result: Sendable {
        /// Per sample: an issue in any label.
        package var isIssue: [Bool]
        /// Per sample: the labels flagged (whose presence or absence looks wrong).
        package var flaggedLabels: [[Int]]
        /// The issues, lowest quality first.
        package var ranked: [Int]
        /// Per sample: the multi-label quality score (higher = likelier all labels right).
        package var quality: [Double]
        /// Per label: issues found in that label, and its binary (2 × 2) confident joint.
        package var issuesPerLabel: [Int]
        package var confidentJoints: [[[Int]]]
    }

    /// Per sample and label: the binary quality score of the label's presence or absence.
    package static func classQuality(_ input: Input, rankBy: ConfidentLearning.RankBy = .selfConfidence) -> [[Double]] {
        var scores = [[Double]](repeating: [Double](repeating: 0, count: input.classes), count: input.count)
        for k in 0..<input.classes {
            let column = ConfidentLearning.quality(input.binary(k), rankBy: rankBy)
            for i in 0..<input.count { scores[i][k] = column[i] }
        }
        return scores
    }

    /// cleanlab's exponential moving average of a sample's label scores, sorted descending.
    package static func exponentialMovingAverage(_ scores: [Double], alpha: Double = 0.8) -> Double {
        let sorted = scores.sorted(by: >)
        guard var ema = sorted.first else { return .nan }
        for s in sorted.dropFirst() { ema = alpha * s + (1 - alpha) * ema }
        return ema
    }

    /// Every sample's multi-label quality score (cleanlab's `get_label_quality_scores`).
    package static func quality(_ input: Input, rankBy: ConfidentLearning.RankBy = .selfConfidence, alpha: Double = 0.8) -> [Double] {
        classQuality(input, rankBy: rankBy).map { exponentialMovingAverage($0, alpha: alpha) }
    }

    /// cleanlab's `multilabel_classification.filter.find_label_issues(labels, pred_probs,
    /// filter_by:, min_examples_per_class:, return_indices_ranked_by:)`.
    package static func findLabelIssues(_ input: Input, filter: ConfidentLearning.Filter = .pruneByNoiseRate,
                                       rankBy: ConfidentLearning.RankBy = .selfConfidence, minExamplesPerClass: Int = 1) -> Result {
        var isIssue = [Bool](repeating: false, count: input.count)
        var flagged = [[Int]](repeating: [], count: input.count)
        var perLabel = [Int](repeating: 0, count: input.classes)
        var joints: [[[Int]]] = []
        for k in 0..<input.classes {
            let result = ConfidentLearning.findLabelIssues(input.binary(k), filter: filter, rankBy: rankBy, minExamplesPerClass: minExamplesPerClass)
            joints.append(result.confidentJoint)
            for i in 0..<input.count where result.isIssue[i] {
                isIssue[i] = true
                flagged[i].append(k)
                perLabel[k] += 1
            }
        }
        let quality = Self.quality(input, rankBy: rankBy)
        // cleanlab takes the union of the per-label issues (ascending indices) and argsorts their
        // scores; ties keep index order here.
        let ranked = (0..<input.count).filter { isIssue[$0] }.sorted { quality[$0] < quality[$1] || (quality[$0] == quality[$1] && $0 < $1) }
        return Result(isIssue: isIssue, flaggedLabels: flagged, ranked: ranked, quality: quality, issuesPerLabel: perLabel, confidentJoints: joints)
    }

    /// The share of a label's rarer side (samples with it, or without it) whose flags make the
    /// label's flags implausible as errors.
    package static let implausibleShare = 0.5

    /// Labels whose issues reach `implausibleShare` of their rarer side: their one-vs-rest model
    /// cannot tell the label from its absence, so it flags them wholesale.
    package static func implausibleLabels(_ input: Input, result: Result) -> [Int] {
        (0..<input.classes).filter { k in
            let with = input.labels.count { $0.contains(k) }
            let rarer = min(with, input.count - with)
            return rarer > 0 && Double(result.issuesPerLabel[k]) >= implausibleShare * Double(rarer)
        }
    }

    /// A sample of multi-label data as a suspect: the labels whose presence or absence looks wrong.
    package struct Suspect: Sendable, Equatable {
        /// The sample's index in the input.
        package var sample: Int
        /// 1 − the multi-label quality score: higher is likelier wrong.
        package var score: Double
        /// Labels the sample lacks that the model finds likely, and labels it has that the
        /// model finds unlikely (the flagged ones; empty for a sample with no issue).
        package var add: [Int]
        package var remove: [Int]
        /// How close the model is to even on the doubted labels, 0 to 1: 1 − |2p − 1| for the
        /// doubted label whose probability p is nearest ½ (0 for a sample with no issue).
        package var ambiguity: Double

        /// The sample's labels with the doubted ones added or removed.
        package func suggested(given: [Int]) -> [Int] {
            (given.filter { !remove.contains($0) } + add).sorted()
        }
    }

    /// The issues as suspects, lowest quality first, then, with `all`, every other sample by
    /// quality (no label doubted). Flags in the labels `ignoring` (say, `implausibleLabels`)
    /// doubt nothing: a sample flagged only in them is not an issue here. With `suspicion` (per
    /// sample, higher = likelier wrong), the same samples are ordered and scored by it instead.
    package static func suspects(_ input: Input, result: Result, all: Bool = false, ignoring: Set<Int> = [],
                                 suspicion: [Double]? = nil) -> [Suspect] {
        let score = suspicion ?? result.quality.map { 1 - $0 }
        let byScore = { (a: Int, b: Int) in score[a] > score[b] || (score[a] == score[b] && a < b) }
        let flagged = result.flaggedLabels.map { $0.filter { !ignoring.contains($0) } }
        var issues = result.ranked.filter { !flagged[$0].isEmpty }
        if suspicion != nil { issues.sort(by: byScore) }
        let listed = Set(issues)
        let rest = all ? (0..<input.count).filter { !listed.contains($0) }.sorted(by: byScore) : []
        return (issues + rest).map { i in
            let ambiguity = flagged[i].map { 1 - abs(2 * input.probabilities[i * input.classes + $0] - 1) }.max() ?? 0
            return Suspect(sample: i, score: score[i], add: flagged[i].filter { !input.labels[i].contains($0) },
                           remove: flagged[i].filter { input.labels[i].contains($0) }, ambiguity: ambiguity)
        }
    }
}
