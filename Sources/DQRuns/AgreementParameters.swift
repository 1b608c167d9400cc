import DQAnalyses
import DQReports
import DQStore
import DQText

/// The parameters of a `dq agreement` run.
package struct AgreementParameters: RunParameters {
    package static let kind = RunKind.agreement
    package var splits: [String]?
    package var resamples: Int
    package var level: Double
    package var seed: UInt64
    /// The ordered level of measurement α was also measured at (nil: nominal only).
    package var metric: String?
    /// The annotator attribute the annotators were grouped by.
    package var by: String?
    /// The reviewers of `dq corrections import` were measured, not the ingested annotators.
    package var reviews: Bool?
}
