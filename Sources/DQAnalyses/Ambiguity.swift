import Foundation

/// How ambiguous a sample is, beside how likely its label is wrong: a text whose label people
/// or models legitimately split over is not an error to correct. Each source gives a value in
/// [0, 1], 1 for an even split:
///
/// - the models: 1 − |p(given) − p(best other)| on the mean of the models' out-of-sample
///   probabilities: how evenly they split between the given label and its strongest rival;
/// - the annotators: 1 − (s₁ − s₂), the closeness of the two largest shares of their labels
///   (items with two or more annotations);
/// - the data map: 2 × the variability of the given label's probability across epochs (its
///   largest possible value is 0.5).
///
/// The ambiguity of a sample is the mean of the values its sources give.
package enum Ambiguity {
    /// A sample at or above this ambiguity is shown apart from the likely errors.
    package static let threshold = 0.75

    /// 1 − |p(given) − p(best other)| for each row of `probabilities` (n × classes, row-major):
    /// 1 when the given label and another are equally likely, near 0 when the model is sure of
    /// one of them (of the given label: a likely right label; of another: a likely error).
    package static func models(probabilities: [Double], given: [Int], classes: Int) -> [Double] {
        guard classes >= 2 else { return [] }
        return given.indices.map { i in
            let row = probabilities[i * classes..<(i + 1) * classes]
            let other = row.indices.filter { $0 - i * classes != given[i] }.map { row[$0] }.max() ?? 0
            return min(1, max(0, 1 - abs(row[i * classes + given[i]] - other)))
        }
    }

    /// 1 − (s₁ − s₂) from each item's label counts; nil for fewer than two annotations.
    package static func annotators(counts: [[Int]]) -> [Double?] {
        counts.map { counts in
            let total = counts.reduce(0, +)
            guard total >= 2 else { return nil }
            let sorted = counts.sorted(by: >)
            return 1 - Double(sorted[0] - (sorted.count > 1 ? sorted[1] : 0)) / Double(total)
        }
    }

    /// 2 × variability, at most 1; nil where a sample is not in the data map.
    package static func dataMap(variability: [Double?]) -> [Double?] {
        variability.map { $0.map { min(1, 2 * $0) } }
    }

    /// The mean of the values each sample has (0 when it has none).
    package static func combine(_ sources: [[Double?]]) -> [Double] {
        guard let n = sources.first?.count else { return [] }
        return (0..<n).map { i in
            let values = sources.compactMap { $0[i] }
            return values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
        }
    }
}
