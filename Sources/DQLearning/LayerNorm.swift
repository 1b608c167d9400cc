import Foundation

/// Layer normalisation over each row (Ba, Kiros & Hinton 2016):
///
///     y = γ ⊙ (x − μ) / √(σ² + ε) + β,   μ, σ² the row's mean and (biased) variance
///
/// Backward, with x̂ = (x − μ)/√(σ² + ε) and g = γ ⊙ dy:
///
///     dx = (g − mean(g) − x̂ ⊙ mean(g ⊙ x̂)) / √(σ² + ε),   dγ = Σ dy ⊙ x̂,   dβ = Σ dy
package final class LayerNorm: HasParameters {
    package let gamma: Parameter
    package let beta: Parameter
    package let epsilon: Float
    private var normalised: Matrix?
    private var inverseStd: Matrix?

    package init(name: String, width: Int, epsilon: Float) {
        gamma = Parameter(name: name + ".weight", shape: [width], decays: false)
        beta = Parameter(name: name + ".bias", shape: [width], decays: false)
        gamma.fill(1)
        self.epsilon = epsilon
    }

    package var parameters: [Parameter] { [gamma, beta] }

    /// LN(x), or LN(x + residual) with `adding`: the residual connection and the norm after
    /// it in one pass (BERT's "Add & Norm"). Rows are split between the cores, and each row is
    /// summed, centred and scaled eight values at a time. With `keep`, x̂ and 1/σ are kept for
    /// `backward`; without, x̂ is formed in the output itself and no state is written.
    package func forward(_ x: Matrix, adding residual: Matrix? = nil, keep: Bool = true) -> Matrix {
        let width = x.columns
        precondition(residual.map { $0.rows == x.rows && $0.columns == width } ?? true, "\(gamma.name): residual shape")
        let y = Matrix(rows: x.rows, columns: width, uninitialized: ())
        let xhat = keep ? Matrix(rows: x.rows, columns: width, uninitialized: ()) : y
        let rstd = keep ? Matrix(rows: x.rows, columns: 1, uninitialized: ()) : nil
        let gm = gamma.value, bm = beta.value, epsilon = self.epsilon
        let lanes = width / 8 * 8
        ParallelFor.rows(x.rows, width: width) { rows in
            typealias V = SIMD8<Float>
            let g = UnsafeRawPointer(gm.data), b = UnsafeRawPointer(bm.data)
            for r in rows {
                let row = UnsafeRawPointer(x.row(r)), h = xhat.row(r), hRaw = UnsafeMutableRawPointer(h), out = y.row(r)
                let extra = residual.map { UnsafeRawPointer($0.row(r)) }
                // h = x (+ residual), and its sum.
                var sums = V()
                for j in stride(from: 0, to: lanes, by: 8) {
                    var v = row.loadUnaligned(fromByteOffset: 4 * j, as: V.self)
                    if let extra { v += extra.loadUnaligned(fromByteOffset: 4 * j, as: V.self) }
                    hRaw.storeBytes(of: v, toByteOffset: 4 * j, as: V.self)
                    sums += v
                }
                var sum = sums.sum()
                for j in lanes..<width {
                    h[j] = x.row(r)[j] + (residual?.row(r)[j] ?? 0)
                    sum += h[j]
                }
                let mean = sum / Float(width)
                // Centre, and the (biased) variance.
                var squares = V()
                for j in stride(from: 0, to: lanes, by: 8) {
                    let v = hRaw.loadUnaligned(fromByteOffset: 4 * j, as: V.self) - mean
                    hRaw.storeBytes(of: v, toByteOffset: 4 * j, as: V.self)
                    squares += v * v
                }
                var variance = squares.sum()
                for j in lanes..<width {
                    h[j] -= mean
                    variance += h[j] * h[j]
                }
                variance /= Float(width)
                let inverse = 1 / (variance + epsilon).squareRoot()
                rstd?.data[r] = inverse
                // x̂ and y = γ ⊙ x̂ + β.
                let outRaw = UnsafeMutableRawPointer(out)
                for j in stride(from: 0, to: lanes, by: 8) {
                    let v = hRaw.loadUnaligned(fromByteOffset: 4 * j, as: V.self) * inverse
                    hRaw.storeBytes(of: v, toByteOffset: 4 * j, as: V.self)
                    let o = g.loadUnaligned(fromByteOffset: 4 * j, as: V.self) * v + b.loadUnaligned(fromByteOffset: 4 * j, as: V.self)
                    outRaw.storeBytes(of: o, toByteOffset: 4 * j, as: V.self)
                }
                for j in lanes..<width {
                    h[j] *= inverse
                    out[j] = gm.data[j] * h[j] + bm.data[j]
                }
            }
        }
        if keep {
            normalised = xhat
            inverseStd = rstd
        }
        return y
    }

    package func backward(_ dy: Matrix) -> Matrix {
        guard let xhat = normalised, let rstd = inverseStd else { preconditionFailure("\(gamma.name): backward before forward") }
        let width = dy.columns
        let dx = Matrix(rows: dy.rows, columns: width, uninitialized: ())
        let gm = gamma.value, dg = gamma.gradient.data, db = beta.gradient.data
        for r in 0..<dy.rows {
            let d = dy.row(r), h = xhat.row(r)
            for j in 0..<width {
                dg[j] += d[j] * h[j]
                db[j] += d[j]
            }
        }
        ParallelFor.rows(dy.rows, width: width) { rows in
            let g = gm.data
            for r in rows {
                let d = dy.row(r), h = xhat.row(r), out = dx.row(r)
                var meanG: Float = 0, meanGH: Float = 0
                for j in 0..<width {
                    let gj = g[j] * d[j]
                    meanG += gj
                    meanGH += gj * h[j]
                }
                meanG /= Float(width)
                meanGH /= Float(width)
                let inverse = rstd.data[r]
                for j in 0..<width { out[j] = (g[j] * d[j] - meanG - h[j] * meanGH) * inverse }
            }
        }
        return dx
    }

    package func release() {
        normalised = nil
        inverseStd = nil
    }
}
