import DQStore

/// The parameters of a `dq suspects` run.
package struct SuspectsParameters: RunParameters {
    package static let kind = RunKind.suspects
    /// The run each signal came from, by kind (raw value).
    package var sources: [String: Int64]
    /// The `dq evaluate` run whose fitted fusion scored the samples; nil: the rank average.
    package var calibratedBy: Int64?
    /// The list's length and the rule that set it.
    package var length: Int?
    package var lengthRule: String?
    /// The estimated number of label errors and its 95% interval: [estimate, low, high].
    package var estimate: [Int]?
    /// `dq suspects --audit N`: the sample drawn for review.
    package var audit: AuditParameters?
    // Recorded by the earlier, flag-merging dq suspects.
    package var minSignals: Int?
    package var rrfK: Double?
}

/// An audit sample (`dq suspects --audit N`): the samples drawn from the list and from the rest,
/// the sizes of both, and the seed of the draw.
package struct AuditParameters: Codable, Sendable, Equatable {
    package var listSize: Int
    package var restSize: Int
    package var fromList: [Int64]
    package var fromRest: [Int64]
    package var seed: UInt64
}
