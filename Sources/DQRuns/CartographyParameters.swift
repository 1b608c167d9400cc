import DQAnalyses
import DQLearning
import DQReports
import DQStore
import DQText

/// The parameters of a `dq cartography` run.
package struct CartographyParameters: RunParameters {
    package static let kind = RunKind.cartography
    /// Share of samples in each region.
    package var share: Double
    /// Dynamics recorded every this many epochs (nil: imported).
    package var every: Double?
    package var labels: [String]?
    package var splits: [String]?
    /// For imported dynamics: the folder of allenai-format files.
    package var directory: String?
    package var model: ModelParameters

    private enum CodingKeys: String, CodingKey { case share, every, labels, splits, directory }

    init(share: Double, model: ModelParameters) {
        self.share = share
        self.model = model
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        share = try c.decode(Double.self, forKey: .share)
        every = try c.decodeIfPresent(Double.self, forKey: .every)
        labels = try c.decodeIfPresent([String].self, forKey: .labels)
        splits = try c.decodeIfPresent([String].self, forKey: .splits)
        directory = try c.decodeIfPresent(String.self, forKey: .directory)
        model = try ModelParameters(from: decoder)
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(share, forKey: .share)
        try c.encodeIfPresent(every, forKey: .every)
        try c.encodeIfPresent(labels, forKey: .labels)
        try c.encodeIfPresent(splits, forKey: .splits)
        try c.encodeIfPresent(directory, forKey: .directory)
        try model.encode(to: encoder)
    }
}
