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
    private var inverseStd: [Float] = []

    public init(name: String, width: Int, epsilon: Float) {
        gamma = Parameter(name: name + ".weight", shape: [width], decays: false)
        beta = Parameter(name: name + ".bias", shape: [width], decays: false)
        gamma.fill(1)
        self.epsilon = epsilon
    }

    public var parameters: [Parameter] { [gamma, beta] }

    public func forward(_ x: Matrix) -> Matrix {
        let width = x.columns
        let xhat = Matrix(rows: x.rows, columns: width)
        let y = Matrix(rows: x.rows, columns: width)
        inverseStd = [Float](repeating: 0, count: x.rows)
        let g = gamma.value.data, b = beta.value.data
        for r in 0..<x.rows {
            let row = x.row(r), h = xhat.row(r), out = y.row(r)
            var mean: Float = 0
            for j in 0..<width { mean += row[j] }
            mean /= Float(width)
            var variance: Float = 0
            for j in 0..<width {
                let d = row[j] - mean
                variance += d * d
            }
            variance /= Float(width)
            let rstd = 1 / (variance + epsilon).squareRoot()
            inverseStd[r] = rstd
            for j in 0..<width {
                h[j] = (row[j] - mean) * rstd
                out[j] = g[j] * h[j] + b[j]
            }
        }
        normalised = xhat
        return y
    }

    public func backward(_ dy: Matrix) -> Matrix {
        guard let xhat = normalised else { preconditionFailure("\(gamma.name): backward before forward") }
        let width = dy.columns
        let dx = Matrix(rows: dy.rows, columns: width)
        let g = gamma.value.data, dg = gamma.gradient.data, db = beta.gradient.data
        for r in 0..<dy.rows {
            let d = dy.row(r), h = xhat.row(r), out = dx.row(r)
            var meanG: Float = 0, meanGH: Float = 0
            for j in 0..<width {
                let gj = g[j] * d[j]
                meanG += gj
                meanGH += gj * h[j]
                dg[j] += d[j] * h[j]
                db[j] += d[j]
            }
            meanG /= Float(width)
            meanGH /= Float(width)
            let rstd = inverseStd[r]
            for j in 0..<width { out[j] = (g[j] * d[j] - meanG - h[j] * meanGH) * rstd }
        }
        return dx
    }

    public func release() { normalised = nil }
}
