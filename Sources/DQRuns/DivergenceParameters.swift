import DQAnalyses
import DQLearning
import DQReports
import DQStore
import DQText
import Foundation

/// The parameters of a `dq divergence` run.
package struct DivergenceParameters: RunParameters {
    package static let kind = RunKind.divergence
    package var alpha: Double
    /// "2" (bits) or "e" (nats).
    package var log: String
    package var vocab: LabelDivergence.Vocabulary
    package var minCount: Int
    package var stopwords: String?
    package var field: LabelDivergence.Field
    package var tokens: DivergenceRun.TokenKind
    package var tokenizer: String?
    package var splits: [String]?
    /// Label permutations per pair for the baseline (nil: runs before it existed), and their seed.
    package var permutations: Int?
    package var seed: UInt64?
}
