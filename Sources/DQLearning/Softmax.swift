import Foundation

/// Numerically stable softmax and log-softmax over rows.
///
///     softmax(z)ᵢ = exp(zᵢ − max z) / Σⱼ exp(zⱼ − max z)
///     log_softmax(z)ᵢ = zᵢ − max z − log Σⱼ exp(zⱼ − max z)
///
/// Subtracting the maximum keeps every exponent ≤ 0, so nothing overflows for any finite input.
package enum Softmax {
    /// Replaces each of `rows` rows of `count` values in place by its softmax.
    package static func inPlace(_ x: UnsafeMutablePointer<Float>, rows: Int, count: Int) {
        for r in 0..<rows {
            let row = x + r * count
            let maximum = VectorMath.maximum(row, count: count)
            VectorMath.map(row, row, count: count) { VectorMath.exp($0 - maximum) }
            let scale = 1 / VectorMath.sum(row, count: count)
            VectorMath.map(row, row, count: count) { $0 * scale }
        }
    }

    /// The log-softmax of one row of Doubles.
    package static func logSoftmax(_ z: [Double]) -> [Double] {
        let maximum = z.max() ?? 0
        let logSum = log(z.reduce(0) { $0 + exp($1 - maximum) })
        return z.map { $0 - maximum - logSum }
    }

    /// The softmax of one row of Doubles.
    package static func softmax(_ z: [Double]) -> [Double] {
        logSoftmax(z).map { exp($0) }
    }
}
