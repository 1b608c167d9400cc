import DQAnalyses
import DQReports
import DQStore
import DQText

/// The parameters of a `dq consensus` run.
package struct ConsensusParameters: RunParameters {
    package static let kind = RunKind.consensus
    package var method: Consensus.Method
    package var splits: [String]?
    /// CROWDLAB's probabilities: a file (`--probs`) or a PVI run's out-of-sample probabilities.
    package var probs: String?
    package var pviRun: Int64?
    /// The labels, in the probabilities' column order when there are probabilities.
    package var labels: [String]
    /// The dataset the consensus was saved as, if any.
    package var savedAs: String?
    /// The annotator attribute whose groups' majorities were compared with the consensus.
    package var by: String?
}
