import DQAnalyses
import DQLearning
import DQReports
import DQStore
import DQText
import Foundation

/// The parameters of a `dq inconsistent` run.
package struct InconsistentParameters: RunParameters {
    package static let kind = RunKind.inconsistent
    package var specsFile: String
    /// The specifications' names, in file order.
    package var specs: [String]
    package var aggregate: RankAggregation
    package var rrfK: Double
    package var top: Int
    package var minSpecs: Int
    /// Nil: each label's size (at least 100); see `depths`.
    package var depth: Int?
    /// The depth each label's specifications were held to (absent in runs before it was recorded).
    package var depths: [String: Int]?
    package var k1: Double
    package var b: Double
    package var embedModel: String?
    package var splits: [String]?
}
