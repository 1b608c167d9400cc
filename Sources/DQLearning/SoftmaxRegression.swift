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
        /// Objective evaluations (one per iteration, more when the line search backtracks).
        public var evaluations: Int
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
        var values: [Float] = []
        for (i, x) in features.enumerated() {
            for (index, value) in zip(x.indices, x.values) {
                if columns[Int(index)] < 0 {
                    columns[Int(index)] = used
                    used += 1
                }
                columnIndex.append(columns[Int(index)])
                values.append(value)
            }
            rowStart[i + 1] = columnIndex.count
        }
        let data = Design(n: n, classes: classes, width: Int(used), rowStart: rowStart, columnIndex: columnIndex,
                          values: values, labels: labels)
        let lambda = options.l2 ?? 1 / Double(max(n, 1))
        let start = [Double](repeating: 0, count: data.width * classes + classes)
        let scratch = GradientScratch(parts: n >= 2048 ? max(1, Threading.cores) : 1, size: n * classes)
        defer { scratch.release() }
        let result = options.solver.minimize(start: start) { theta, gradient in
            data.objective(theta, lambda: lambda, scratch: scratch, gradient: &gradient)
        }
        let split = data.width * classes
        let model = SoftmaxRegression(
            classes: classes, columns: columns, weights: Array(result.x[..<split]), bias: Array(result.x[split...]))
        return Fit(model: model, objective: result.value, iterations: result.iterations, evaluations: result.evaluations, stop: result.stop, l2: lambda)
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

/// The training data by feature (compressed sparse columns), and the objective over it.
///
/// Both passes run feature by feature: the forward pass adds W[j]·v to the scores of the
/// documents that have feature j, and the backward pass gathers ∇W[j] = Σ v·(p − y) from them.
/// So the weights and their gradient (tens of megabytes) stream through memory once, in order,
/// and the random accesses fall on the n × classes scores, which stay in cache. (Going document
/// by document instead reads and scatters W at random: three times slower at 2²⁰ features.)
/// The cores split the features; each writes only its own part of the gradient.
struct Design: Sendable {
    var n: Int
    var classes: Int
    var width: Int
    var columnStart: [Int]
    var rowIndex: [Int32]
    /// The feature values, kept in Float as `SparseVector` holds them (exact), which halves
    /// their share of each pass's memory traffic.
    var values: [Float]
    var labels: [Int]

    init(n: Int, classes: Int, width: Int, rowStart: [Int], columnIndex: [Int32], values rowValues: [Float], labels: [Int]) {
        self.n = n
        self.classes = classes
        self.width = width
        self.labels = labels
        var start = [Int](repeating: 0, count: width + 1)
        for c in columnIndex { start[Int(c) + 1] += 1 }
        for j in 0..<width { start[j + 1] += start[j] }
        var next = start
        var rows = [Int32](repeating: 0, count: columnIndex.count)
        var vals = [Float](repeating: 0, count: columnIndex.count)
        for i in 0..<n {
            for e in rowStart[i]..<rowStart[i + 1] {
                let j = Int(columnIndex[e])
                rows[next[j]] = Int32(i)
                vals[next[j]] = rowValues[e]
                next[j] += 1
            }
        }
        columnStart = start
        rowIndex = rows
        values = vals
    }

    /// Each part's features: contiguous ranges of about equal work, counted as the feature's
    /// nonzeros plus one for its own weights. (Equal numbers of features would not do: columns
    /// are numbered by first occurrence, so the frequent features crowd the first part, which
    /// then took most of every pass while the other core waited.)
    func featureShares(_ parts: Int) -> [Range<Int>] {
        let total = columnStart[width] + width
        var bounds = [0]
        for part in 1..<max(parts, 1) {
            let target = total * part / parts
            // The first j with columnStart[j] + j ≥ target (the cost is increasing in j).
            var low = bounds[bounds.count - 1], high = width
            while low < high {
                let mid = (low + high) / 2
                if columnStart[mid] + mid < target { low = mid + 1 } else { high = mid }
            }
            bounds.append(low)
        }
        bounds.append(width)
        return (0..<max(parts, 1)).map { bounds[$0]..<bounds[$0 + 1] }
    }

    /// L(θ) and ∇L(θ), θ = [W (feature-major), b]. ∂/∂z_c of −log p(y|x) is p_c − [c = y].
    func objective(_ theta: [Double], lambda: Double, scratch: GradientScratch, gradient: inout [Double]) -> Double {
        let parts = scratch.parts, classes = self.classes, n = self.n
        let shares = featureShares(parts)
        let bOffset = width * classes
        let data = UncheckedSendable(self)
        // Scores: each part adds its features' contributions into its own n × classes buffer.
        theta.withUnsafeBufferPointer { wb in
            let w = UncheckedSendable(wb.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let z = scratch.scores(part)
                z.update(repeating: 0)
                data.value.columnStart.withUnsafeBufferPointer { starts in
                data.value.rowIndex.withUnsafeBufferPointer { rows in
                data.value.values.withUnsafeBufferPointer { vals in
                    for j in shares[part] {
                        let wj = w.value + j * classes
                        for e in starts[j]..<starts[j + 1] {
                            let zd = z.baseAddress! + Int(rows[e]) * classes
                            let v = Double(vals[e])
                            for c in 0..<classes { zd[c] += wj[c] * v }
                        }
                    }
                } } }
            }
        }
        // Softmax per document: loss, and the residual p − onehot(y) in the first buffer.
        let z = scratch.scores(0)
        var loss = 0.0
        var biasGradient = [Double](repeating: 0, count: classes)
        theta.withUnsafeBufferPointer { t in
            for d in 0..<n {
                let row = z.baseAddress! + d * classes
                for part in 1..<parts {
                    let other = scratch.scores(part).baseAddress! + d * classes
                    for c in 0..<classes { row[c] += other[c] }
                }
                var maximum = -Double.infinity
                for c in 0..<classes {
                    row[c] += t[bOffset + c]
                    maximum = max(maximum, row[c])
                }
                var sum = 0.0
                for c in 0..<classes {
                    row[c] = exp(row[c] - maximum)
                    sum += row[c]
                }
                let y = labels[d]
                loss -= log(row[y] / sum)
                let inverse = 1 / sum
                for c in 0..<classes { row[c] *= inverse }
                row[y] -= 1
                for c in 0..<classes { biasGradient[c] += row[c] }
            }
        }
        // ∇W, feature by feature, each part writing its own features; and ‖W‖².
        let scale = 1 / Double(n)
        theta.withUnsafeBufferPointer { wb in
            gradient.withUnsafeMutableBufferPointer { gb in
                let pointers = UncheckedSendable((wb.baseAddress!, gb.baseAddress!, UnsafePointer(z.baseAddress!)))
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    let (w, g, r) = pointers.value
                    var penalty = 0.0
                    data.value.columnStart.withUnsafeBufferPointer { starts in
                    data.value.rowIndex.withUnsafeBufferPointer { rows in
                    data.value.values.withUnsafeBufferPointer { vals in
                        for j in shares[part] {
                            let gj = g + j * classes, wj = w + j * classes
                            for c in 0..<classes { gj[c] = 0 }
                            for e in starts[j]..<starts[j + 1] {
                                let rd = r + Int(rows[e]) * classes
                                let v = Double(vals[e])
                                for c in 0..<classes { gj[c] += rd[c] * v }
                            }
                            for c in 0..<classes {
                                gj[c] = gj[c] * scale + lambda * wj[c]
                                penalty += wj[c] * wj[c]
                            }
                        }
                    } } }
                    scratch.losses[part] = penalty
                }
            }
        }
        var penalty = 0.0
        for part in 0..<parts { penalty += scratch.losses[part] }
        for c in 0..<classes { gradient[bOffset + c] = biasGradient[c] * scale }
        return loss * scale + lambda / 2 * penalty
    }
}

/// Per-thread score buffers (n × classes) and partial sums, reused across evaluations.
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

    func scores(_ part: Int) -> UnsafeMutableBufferPointer<Double> {
        UnsafeMutableBufferPointer(rebasing: buffer[(part * size)..<((part + 1) * size)])
    }

    func release() {
        losses.deallocate()
        buffer.deallocate()
    }
}
