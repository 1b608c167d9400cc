import Foundation

/// Calibrated fusion of label-error signals: a logistic regression P(label wrong | features),
/// fitted on planted errors (`dq evaluate`), with features the signals' rank-normalised
/// suspicions. Few features and many samples: Newton's method (iteratively reweighted least
/// squares) with a small L2 penalty on the weights (not the intercept), to a gradient of 10⁻⁹.
package enum LogisticFusion {
    package struct Model: Sendable, Equatable, Codable {
        /// Intercept first, then one weight per feature.
        package var weights: [Double]

        package init(weights: [Double]) { self.weights = weights }

        package func probability(_ x: [Double]) -> Double {
            var z = weights[0]
            for (w, v) in zip(weights.dropFirst(), x) { z += w * v }
            return 1 / (1 + exp(-z))
        }
    }

    /// `weights`: each sample's weight in the mean log-loss (nil: all 1).
    package static func fit(features: [[Double]], targets: [Bool], weights: [Double]? = nil, l2: Double = 1e-4, maxIterations: Int = 50) -> Model {
        let d = (features.first?.count ?? 0) + 1
        let sampleWeights = weights ?? [Double](repeating: 1, count: features.count)
        let n = max(sampleWeights.reduce(0, +), 1e-300)
        var w = [Double](repeating: 0, count: d)
        for _ in 0..<maxIterations {
            var gradient = [Double](repeating: 0, count: d)
            var hessian = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
            for ((x, y), weight) in zip(zip(features, targets), sampleWeights) {
                let row = [1.0] + x
                var z = 0.0
                for k in 0..<d { z += w[k] * row[k] }
                let p = 1 / (1 + exp(-z))
                let r = weight * (p - (y ? 1 : 0)), s = weight * max(p * (1 - p), 1e-12)
                for a in 0..<d {
                    gradient[a] += r * row[a] / n
                    for b in 0...a { hessian[a][b] += s * row[a] * row[b] / n }
                }
            }
            for a in 0..<d {
                for b in 0..<a { hessian[b][a] = hessian[a][b] }
                if a > 0 {
                    gradient[a] += l2 * w[a]
                    hessian[a][a] += l2
                }
            }
            guard gradient.map(abs).max()! > 1e-9, let step = solve(hessian, gradient) else { break }
            for k in 0..<d { w[k] -= step[k] }
        }
        return Model(weights: w)
    }

    /// Solves A x = b by Gaussian elimination with partial pivoting; nil when A is singular.
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        var m = a, v = b
        let n = b.count
        for col in 0..<n {
            let pivot = (col..<n).max { abs(m[$0][col]) < abs(m[$1][col]) }!
            guard abs(m[pivot][col]) > 1e-300 else { return nil }
            m.swapAt(col, pivot)
            v.swapAt(col, pivot)
            for row in (col + 1)..<n {
                let f = m[row][col] / m[col][col]
                for k in col..<n { m[row][k] -= f * m[col][k] }
                v[row] -= f * v[col]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var t = v[row]
            for k in (row + 1)..<n { t -= m[row][k] * x[k] }
            x[row] = t / m[row][row]
        }
        return x
    }
}
