import DQAnalyses
import DQReports
import DQStore
import DQText

/// The parameters of a `dq conflicts` run.
package struct ConflictsParameters: RunParameters {
    package static let kind = RunKind.conflicts
    package var datasets: [String]
    package var threshold: Double
    package var exactOnly: Bool
    package var shingles: String
    package var minhash: String
}
