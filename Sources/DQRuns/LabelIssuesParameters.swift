import DQAnalyses
import DQReports
import DQStore
import DQText

/// The parameters of a `dq label-issues` run.
package struct LabelIssuesParameters: RunParameters {
    package static let kind = RunKind.labelIssues
    /// The `dq pvi` run whose probabilities were used, or the file they came from.
    package var pviRun: Int64?
    package var probs: String?
    /// With a NumPy `probs`: the file of given labels.
    package var labelsFile: String?
    package var filterBy: ConfidentLearning.Filter
    package var rankBy: ConfidentLearning.RankBy
    package var minExamplesPerClass: Int
    /// The label order of the probability columns.
    package var labels: [String]
    /// Multi-label data (`--multi-label`): one-vs-rest per label.
    package var multiLabel: Bool?
    /// On a multi-label dataset: the one-vs-rest PVI run of each label.
    package var oneVsRestRuns: [String: Int64]?
    /// Only these splits' samples were judged; nil: all.
    package var splits: [String]?
}
