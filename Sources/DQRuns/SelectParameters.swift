import DQReports
import DQStore
import DQText

/// The parameters of a `dq select` run.
package struct SelectionParameters: RunParameters {
    package static let kind = RunKind.selection
    package var sourceRun: Int64
    package var sourceKind: RunKind
    /// The rule, for people ("drop the 545 lowest-PVI samples (10%)").
    package var rule: String
    package var kept: Int
    package var out: String
}
