import DQStore
import Foundation

/// Dataset cartography (Swayamdipta et al., "Dataset Cartography: Mapping and Diagnosing
/// Datasets with Training Dynamics", EMNLP 2020), from each training sample's gold-label
/// probability and correctness recorded after each of E epochs (or finer checkpoints):
///
///     confidence  μ = (1/E) Σₑ p⁽ᵉ⁾(y* | x)
///     variability σ = √((1/E) Σₑ (p⁽ᵉ⁾(y* | x) − μ)²)      (population standard deviation)
///     correctness   = (1/E) Σₑ [ŷ⁽ᵉ⁾ = y*]
///
/// and forgetting events (Toneva et al., ICLR 2019): the number of times a sample is predicted
/// correctly at one checkpoint and wrongly at the next.
///
/// Regions: the `share` (default 33%) of samples with the highest variability are ambiguous;
/// of the others, the `share` of all samples with the lowest confidence are hard-to-learn and
/// the `share` with the highest confidence easy-to-learn (the paper's selection of each
/// region's top third); the rest are in none. Ties are broken by sample order.
public enum DatasetCartography {
    /// The regions, as the store records them.
    public typealias Region = CartographyRegion

    public struct Point: Sendable, Equatable {
        public var confidence: Double
        public var variability: Double
        public var correctness: Double
        public var forgettingEvents: Int
        /// Never predicted correctly at any checkpoint.
        public var neverLearned: Bool
        public var region: Region
    }

    /// `probabilities[i][e]` and `correct[i][e]`: sample i at checkpoint e.
    public static func map(probabilities: [[Double]], correct: [[Bool]], share: Double = 0.33) -> [Point] {
        precondition(probabilities.count == correct.count)
        var points = zip(probabilities, correct).map { p, c -> Point in
            let e = Double(max(p.count, 1))
            let mean = p.reduce(0, +) / e
            let variance = p.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / e
            var forgetting = 0
            for k in 1..<max(c.count, 1) where c[k - 1] && !c[k] { forgetting += 1 }
            return Point(confidence: mean, variability: variance.squareRoot(),
                         correctness: Double(c.filter { $0 }.count) / e, forgettingEvents: forgetting,
                         neverLearned: !c.contains(true), region: .none)
        }
        let quota = Int((share * Double(points.count)).rounded())
        let byVariability = points.indices.sorted { points[$0].variability > points[$1].variability || (points[$0].variability == points[$1].variability && $0 < $1) }
        for i in byVariability.prefix(quota) { points[i].region = .ambiguous }
        let byConfidence = points.indices.sorted { points[$0].confidence < points[$1].confidence || (points[$0].confidence == points[$1].confidence && $0 < $1) }
        for i in byConfidence.prefix(quota) where points[i].region == .none { points[i].region = .hard }
        for i in byConfidence.reversed().prefix(quota) where points[i].region == .none { points[i].region = .easy }
        return points
    }
}
