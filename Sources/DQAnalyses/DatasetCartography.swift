import DQText
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
/// Regions are selected each on its own, as allenai/cartography's `write_filtered_data` does:
/// every region sorts all samples by its own metric and takes the first ⌊share · n⌋ + 1
/// (ambiguous: highest variability; hard-to-learn: lowest confidence; easy-to-learn: highest
/// confidence). A sample can therefore be in two regions (ambiguous and hard-to-learn, say) or in
/// none. Ties are broken by sample order (pandas' default sort leaves them unspecified).
package enum DatasetCartography {
    package typealias Region = CartographyRegion
    package typealias Regions = CartographyRegions

    package struct Point: Sendable, Equatable {
        package var confidence: Double
        package var variability: Double
        package var correctness: Double
        package var forgettingEvents: Int
        /// Never predicted correctly at any checkpoint.
        package var neverLearned: Bool
        package var regions: Regions
    }

    /// How many samples a region holds: allenai's `head(n=int(fraction * len) + 1)`, at most n.
    package static func regionSize(share: Double, count: Int) -> Int {
        min(count, Int(share * Double(count)) + 1)
    }

    /// `probabilities[i][e]` and `correct[i][e]`: sample i at checkpoint e.
    package static func map(probabilities: [[Double]], correct: [[Bool]], share: Double = 0.33) -> [Point] {
        precondition(probabilities.count == correct.count)
        var points = zip(probabilities, correct).map { p, c -> Point in
            let e = Double(max(p.count, 1))
            let mean = p.reduce(0, +) / e
            let variance = p.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / e
            var forgetting = 0
            for k in 1..<max(c.count, 1) where c[k - 1] && !c[k] { forgetting += 1 }
            return Point(confidence: mean, variability: variance.squareRoot(),
                         correctness: Double(c.filter { $0 }.count) / e, forgettingEvents: forgetting,
                         neverLearned: !c.contains(true), regions: [])
        }
        guard !points.isEmpty else { return points }
        let size = regionSize(share: share, count: points.count)
        func select(_ region: Regions, by key: (Point) -> Double, descending: Bool) {
            let order = points.indices.sorted { a, b in
                let (x, y) = (key(points[a]), key(points[b]))
                return x != y ? (descending ? x > y : x < y) : a < b
            }
            for i in order.prefix(size) { points[i].regions.insert(region) }
        }
        select(.ambiguous, by: \.variability, descending: true)
        select(.hard, by: \.confidence, descending: false)
        select(.easy, by: \.confidence, descending: true)
        return points
    }
}
