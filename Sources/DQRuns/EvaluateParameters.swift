import DQAnalyses
import DQLearning
import DQReports
import DQStore
import DQText
import Foundation

/// The parameters of a `dq evaluate` run.
package struct EvaluateParameters: RunParameters {
    package static let kind = RunKind.evaluate
    package var mode: LabelNoise.Mode
    package var rate: Double
    package var repeats: Int
    package var folds: Int
    package var specsFile: String?
    /// The checkpoint whose sentence embeddings a second, independent probe was fitted on.
    package var embedModel: String?
    /// The BERT family whose training dynamics on each noisy copy gave the cartography signal.
    package var cartography: ModelParameters?
    package var labels: [String]
    package var splits: [String]?
    package var model: ModelParameters
    /// Multi-label data: one label membership flipped per planted error (absent: single-label).
    package var multiLabel: Bool?

    private enum CodingKeys: String, CodingKey { case mode, rate, repeats, folds, specsFile, embedModel, cartography, labels, splits, multiLabel }

    init(mode: LabelNoise.Mode, rate: Double, repeats: Int, folds: Int, specsFile: String?, embedModel: String?, labels: [String],
         splits: [String]?, model: ModelParameters) {
        (self.mode, self.rate, self.repeats, self.folds, self.specsFile) = (mode, rate, repeats, folds, specsFile)
        (self.embedModel, self.labels, self.splits, self.model) = (embedModel, labels, splits, model)
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        mode = try c.decode(LabelNoise.Mode.self, forKey: .mode)
        rate = try c.decode(Double.self, forKey: .rate)
        repeats = try c.decode(Int.self, forKey: .repeats)
        folds = try c.decode(Int.self, forKey: .folds)
        specsFile = try c.decodeIfPresent(String.self, forKey: .specsFile)
        embedModel = try c.decodeIfPresent(String.self, forKey: .embedModel)
        cartography = try c.decodeIfPresent(ModelParameters.self, forKey: .cartography)
        labels = try c.decode([String].self, forKey: .labels)
        splits = try c.decodeIfPresent([String].self, forKey: .splits)
        multiLabel = try c.decodeIfPresent(Bool.self, forKey: .multiLabel)
        model = try ModelParameters(from: decoder)
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(mode, forKey: .mode)
        try c.encode(rate, forKey: .rate)
        try c.encode(repeats, forKey: .repeats)
        try c.encode(folds, forKey: .folds)
        try c.encodeIfPresent(specsFile, forKey: .specsFile)
        try c.encodeIfPresent(embedModel, forKey: .embedModel)
        try c.encodeIfPresent(cartography, forKey: .cartography)
        try c.encode(labels, forKey: .labels)
        try c.encodeIfPresent(splits, forKey: .splits)
        try c.encodeIfPresent(multiLabel, forKey: .multiLabel)
        try model.encode(to: encoder)
    }
}
