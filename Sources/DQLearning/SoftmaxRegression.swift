import Dispatch
import DQText
import Foundation

/// Multinomial logistic regression on sparse features: the `bow` model family.
///
///     p(y | x) = softmax(W·x + b)_y
///
/// fitted by minimising the mean negative log-likelihood plus an L2 penalty on W (not b):
///
///     L(W, b) = (1/n) Σᵢ −log p(yᵢ | xᵢ) + (λ/2) ‖W‖²
///
/// with L-BFGS to convergence. This is scikit-learn's `LogisticRegression(penalty="l2",
/// C=1/(λ·n), solver="lbfgs")` objective (its multinomial loss over all classes, intercept not
/// penalised); the default λ = 1/n is its default C = 1. Features that never occur in training
/// get no weights (they are zero at the optimum anyway), so memory follows the features seen.
///
/// The null-input model of the family is this model fitted on empty feature vectors: then only
/// b is free and the optimum is softmax(b) = the training label frequencies.
public struct SoftmaxRegression: Sendable {
    public let classes: Int
    /// Column of each hashed feature index in `weights`, or −1 for features never seen in training.
    private let columns: [Int32]
    /// Feature-major weights: the weight of column j for class c is `weights[j · classes + c]`.
    private let weights: [Double]
    public let bias: [Double]

    public struct Options: Sendable {
        /// λ; nil means 1/n.
        public var l2: Double?
        public var solver = LBFGS()

        public init(l2: Double? = nil) {
            self.l2 = l2
        }
    }

    public struct Fit: Sendable {
        public var model: SoftmaxRegression
        /// The objective at the solution.
        public var objective: Double
        public var iterations: Int
        public var stop: LBFGS.Stop
        public var l2: Double
    }

    /// Fits the model to `features` (vectors over `dimension` hashed indices) with labels in `0..<classes`.
    public static func fit(features: [SparseVector], labels: [Int], classes: Int, dimension: Int,
                           options: Options = Options()) -> Fit {
        precondition(features.count == labels.count && classes >= 2)
        let n = features.count
        var columns = [Int32](repeating: -1, count: dimension)
        var used: Int32 = 0
        var rowStart = [Int](repeating: 0, count: n + 1)
        var columnIndex: [Int32] = []
        var values: [Double] = []
        for (i, x) in features.enumerated() {
            for (index, value) in zip(x.indices, x.values) {
                if columns[Int(index)] < 0 {
                    columns[Int(index)] = used
                    used += 1
                }
                columnIndex.append(columns[Int(index)])
                values.append(Double(value))
            }
            rowStart[i + 1] = columnIndex.count
        }
        let data = Design(n: n, classes: classes, width: Int(used), rowStart: rowStart, columnIndex: columnIndex,
                          values: values, labels: labels)
        let lambda = options.l2 ?? 1 / Double(max(n, 1))
        let start = [Double](repeating: 0, count: data.width * classes + classes)
        let scratch = GradientScratch(parts: n >= 2048 ? max(1, Threading.cores) : 1, size: start.count)
        defer { scratch.release() }
        let result = options.solver.minimize(start: start) { theta, gradient in
            data.objective(theta, lambda: lambda, scratch: scratch, gradient: &gradient)
        }
        let split = data.width * classes
        let model = SoftmaxRegression(
            classes: classes, columns: columns, weights: Array(result.x[..<split]), bias: Array(result.x[split...]))
        return Fit(model: model, objective: result.value, iterations: result.iterations, stop: result.stop, l2: lambda)
    }

    /// W·x + b.
    public func logits(_ x: SparseVector) -> [Double] {
        var z = bias
        for (index, value) in zip(x.indices, x.values) where Int(index) < columns.count {
            let column = Int(columns[Int(index)])
            guard column >= 0 else { continue }
            for c in 0..<classes { z[c] += weights[column * classes + c] * Double(value) }
        }
        return z
    }

    /// p(· | x).
    public func probabilities(_ x: SparseVector) -> [Double] {
        Softmax.softmax(logits(x))
    }
}

/// The training data in compressed sparse rows, and the objective over it.
private struct Design: Sendable {
    var n: Int
    var classes: Int
    var width: Int
    var rowStart: [Int]
    var columnIndex: [Int32]
    var values: [Double]
    var labels: [Int]

    /// L(θ) and ∇L(θ), θ = [W (feature-major), b]. ∂/∂z_c of −log p(y|x) is p_c − [c = y].
    func objective(_ theta: [Double], lambda: Double, scratch: GradientScratch, gradient: inout [Double]) -> Double {
        let parts = scratch.parts
        let chunk = (n + parts - 1) / parts
        let size = theta.count
        let bOffset = width * classes
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let gp = scratch.gradient(part).baseAddress!
            gp.update(repeating: 0, count: size)
            let z = UnsafeMutablePointer<Double>.allocate(capacity: classes)
            defer { z.deallocate() }
            var loss = 0.0
            theta.withUnsafeBufferPointer { wb in
            rowStart.withUnsafeBufferPointer { starts in
            columnIndex.withUnsafeBufferPointer { cols in
            values.withUnsafeBufferPointer { vals in
            labels.withUnsafeBufferPointer { ys in
                let w = wb.baseAddress!
                for i in (part * chunk)..<min(n, (part + 1) * chunk) {
                    let first = starts[i], last = starts[i + 1]
                    for c in 0..<classes { z[c] = w[bOffset + c] }
                    for e in first..<last {
                        let row = w + Int(cols[e]) * classes
                        let v = vals[e]
                        for c in 0..<classes { z[c] += row[c] * v }
                    }
                    var maximum = z[0]
                    for c in 1..<classes { maximum = max(maximum, z[c]) }
                    var sum = 0.0
                    for c in 0..<classes {
                        z[c] = exp(z[c] - maximum)
                        sum += z[c]
                    }
                    let y = ys[i]
                    loss -= log(z[y] / sum)
                    let inverse = 1 / sum
                    for c in 0..<classes { z[c] *= inverse }
                    z[y] -= 1
                    for c in 0..<classes { gp[bOffset + c] += z[c] }
                    for e in first..<last {
                        let row = gp + Int(cols[e]) * classes
                        let v = vals[e]
                        for c in 0..<classes { row[c] += z[c] * v }
                    }
                }
            } } } } }
            scratch.losses[part] = loss
        }
        let scale = 1 / Double(n)
        var loss = 0.0
        for part in 0..<parts { loss += scratch.losses[part] }
        var penalty = 0.0
        theta.withUnsafeBufferPointer { t in
            gradient.withUnsafeMutableBufferPointer { g in
                for c in 0..<size {
                    var sum = 0.0
                    for part in 0..<parts { sum += scratch.gradient(part)[c] }
                    g[c] = sum * scale
                }
                for c in 0..<bOffset {
                    penalty += t[c] * t[c]
                    g[c] += lambda * t[c]
                }
            }
        }
        return loss * scale + lambda / 2 * penalty
    }
}

/// Per-thread gradient buffers, reused across evaluations. Each thread writes only its own part.
final class GradientScratch: @unchecked Sendable {
    let parts: Int
    let size: Int
    let losses: UnsafeMutableBufferPointer<Double>
    private let buffer: UnsafeMutableBufferPointer<Double>

    init(parts: Int, size: Int) {
        self.parts = parts
        self.size = size
        losses = .allocate(capacity: parts)
        buffer = .allocate(capacity: parts * size)
    }

    func gradient(_ part: Int) -> UnsafeMutableBufferPointer<Double> {
        UnsafeMutableBufferPointer(rebasing: buffer[(part * size)..<((part + 1) * size)])
    }

    func release() {
        losses.deallocate()
        buffer.deallocate()
    }
}
