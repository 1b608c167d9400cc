import Foundation

/// Layer normalisation over each row (Ba, Kiros & Hinton 2016):
///
///     y = γ ⊙ (x − μ) / √(σ² + ε) + β,   μ, σ² the row's mean and (biased) variance
///
/// Backward, with x̂ = (x − μ)/√(σ² + ε) and g = γ ⊙ dy:
///
///     dx = (g − mean(g) − x̂ ⊙ mean(g ⊙ x̂)) / √(σ² + ε),   dγ = Σ dy ⊙ x̂,   dβ = Σ dy
public final class LayerNorm: HasParameters {
    public let gamma: Parameter
    public let beta: Parameter
    public let epsilon: Float
    private var normalised: Matrix?
    private var inverseStd: Matrix?

    public init(name: String, width: Int, epsilon: Float) {
        gamma = Parameter(name: name + ".weight", shape: [width], decays: false)
        beta = Parameter(name: name + ".bias", shape: [width], decays: false)
        gamma.fill(1)
        self.epsilon = epsilon
    }

    public var parameters: [Parameter] { [gamma, beta] }

    public func forward(_ x: Matrix) -> Matrix {
        let width = x.columns
        let xhat = Matrix(rows: x.rows, columns: width, uninitialized: ())
        let y = Matrix(rows: x.rows, columns: width, uninitialized: ())
        let rstd = Matrix(rows: x.rows, columns: 1, uninitialized: ())
        let gm = gamma.value, bm = beta.value, epsilon = self.epsilon
        ParallelFor.rows(x.rows, width: width) { rows in
            let g = gm.data, b = bm.data
            for r in rows {
                let row = x.row(r), h = xhat.row(r), out = y.row(r)
                let mean = VectorMath.sum(row, count: width) / Float(width)
                for j in 0..<width { h[j] = row[j] - mean }
                var variance: Float = 0
                for j in 0..<width { variance += h[j] * h[j] }
                variance /= Float(width)
                let inverse = 1 / (variance + epsilon).squareRoot()
                rstd.data[r] = inverse
                for j in 0..<width {
                    h[j] *= inverse
                    out[j] = g[j] * h[j] + b[j]
                }
            }
        }
        normalised = xhat
        inverseStd = rstd
        return y
    }

    public func backward(_ dy: Matrix) -> Matrix {
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

    public func release() {
        normalised = nil
        inverseStd = nil
    }
}
