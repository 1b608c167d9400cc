import DQAnalyses
import DQLearning
import DQReports
import DQStore
import DQText
import Foundation

/// The parameters of a `dq pvi` run.
package struct PVIParameters: RunParameters {
    package static let kind = RunKind.pvi
    /// The null-input model g (`trained` or `prior`); nil for imported probabilities.
    package var null: String?
    /// The label order of the stored probability vectors.
    package var labels: [String]
    /// Cross-fitting folds, or the train/evaluate splits of the paper's protocol.
    package var folds: Int?
    package var trainSplit: String?
    package var evalSplit: String?
    package var transform: PVIRun.Transform?
    package var tokensFile: String?
    package var tokens: [String]?
    /// Samples that share this stay in one fold (text, or a metadata column); nil: none.
    package var groupBy: String?
    package var splits: [String]?
    /// For imported probabilities: the file.
    package var file: String?
    /// Multi-label data: the label this binary run is about ("has it" against "has it not").
    package var oneVsRest: String?
    package var model: ModelParameters

    /// How the run scored its samples.
    package func scheme(run: Int64) throws -> PVIEstimation.Scheme {
        if let folds { return .crossFit(folds: folds) }
        if let trainSplit, let evalSplit { return .split(train: [trainSplit], evaluate: [evalSplit]) }
        throw RunError.notRefittable(run: run, reason: "it records neither folds nor train/eval splits")
    }

    private enum CodingKeys: String, CodingKey {
        case null, labels, folds, trainSplit, evalSplit, transform, tokensFile, tokens, groupBy, splits, file, oneVsRest
    }

    init(labels: [String], model: ModelParameters) {
        self.labels = labels
        self.model = model
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        null = try c.decodeIfPresent(String.self, forKey: .null)
        labels = try c.decode([String].self, forKey: .labels)
        folds = try c.decodeIfPresent(Int.self, forKey: .folds)
        trainSplit = try c.decodeIfPresent(String.self, forKey: .trainSplit)
        evalSplit = try c.decodeIfPresent(String.self, forKey: .evalSplit)
        transform = try c.decodeIfPresent(PVIRun.Transform.self, forKey: .transform)
        tokensFile = try c.decodeIfPresent(String.self, forKey: .tokensFile)
        tokens = try c.decodeIfPresent([String].self, forKey: .tokens)
        groupBy = try c.decodeIfPresent(String.self, forKey: .groupBy)
        splits = try c.decodeIfPresent([String].self, forKey: .splits)
        file = try c.decodeIfPresent(String.self, forKey: .file)
        oneVsRest = try c.decodeIfPresent(String.self, forKey: .oneVsRest)
        model = try ModelParameters(from: decoder)
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(null, forKey: .null)
        try c.encode(labels, forKey: .labels)
        try c.encodeIfPresent(folds, forKey: .folds)
        try c.encodeIfPresent(trainSplit, forKey: .trainSplit)
        try c.encodeIfPresent(evalSplit, forKey: .evalSplit)
        try c.encodeIfPresent(transform, forKey: .transform)
        try c.encodeIfPresent(tokensFile, forKey: .tokensFile)
        try c.encodeIfPresent(tokens, forKey: .tokens)
        try c.encodeIfPresent(groupBy, forKey: .groupBy)
        try c.encodeIfPresent(splits, forKey: .splits)
        try c.encodeIfPresent(file, forKey: .file)
        try c.encodeIfPresent(oneVsRest, forKey: .oneVsRest)
        try model.encode(to: encoder)
    }
}
