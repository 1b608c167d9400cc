import Foundation

/// GELU with the exact Gaussian CDF, as BERT uses it (`hidden_act: "gelu"`; Hendrycks & Gimpel 2016):
///
///     gelu(x) = x · Φ(x) = ½ x (1 + erf(x/√2)),   gelu′(x) = Φ(x) + x · φ(x),  φ(x) = e^(−x²/2)/√(2π)
package final class GELU {
    private var input: Matrix?

    package init() {}

    /// gelu(x); with `keep`, keeps x for `backward` (without, writes no state).
    package func forward(_ x: Matrix, keep: Bool = true) -> Matrix {
        if keep { input = x }
        let y = Matrix(rows: x.rows, columns: x.columns, uninitialized: ())
        ParallelFor.rows(x.rows, width: x.columns) { rows in
            VectorMath.map(x.row(rows.lowerBound), y.row(rows.lowerBound), count: rows.count * x.columns) { v in
                0.5 * v * (1 + VectorMath.erf(v * 0.707_106_78))
            }
        }
        return y
    }

    package func backward(_ dy: Matrix) -> Matrix {
        guard let x = input else { preconditionFailure("GELU: backward before forward") }
        let dx = Matrix(rows: x.rows, columns: x.columns, uninitialized: ())
        ParallelFor.rows(x.rows, width: x.columns) { rows in
            VectorMath.map(x.row(rows.lowerBound), dy.row(rows.lowerBound), dx.row(rows.lowerBound), count: rows.count * x.columns) { v, g in
                // e^(−v²/2) is both φ's and erf(v/√2)'s exponential: one exp, not two.
                let e = VectorMath.exp(-0.5 * v * v)
                let cdf = 0.5 * (1 + VectorMath.erf(v * 0.707_106_78, expOfMinusSquare: e))
                return g * (cdf + v * (0.398_942_28 * e))
            }
        }
        return dx
    }

    package func release() { input = nil }
}

/// tanh, as BERT's pooler applies it: tanh′(x) = 1 − tanh²(x).
package final class Tanh {
    private var output: Matrix?

    package init() {}

    /// tanh(x); with `keep`, keeps the output for `backward` (without, writes no state).
    package func forward(_ x: Matrix, keep: Bool = true) -> Matrix {
        let y = Matrix(rows: x.rows, columns: x.columns)
        for i in 0..<x.count { y.data[i] = tanh(x.data[i]) }
        if keep { output = y }
        return y
    }

    package func backward(_ dy: Matrix) -> Matrix {
        guard let y = output else { preconditionFailure("Tanh: backward before forward") }
        let dx = Matrix(rows: y.rows, columns: y.columns)
        for i in 0..<y.count { dx.data[i] = dy.data[i] * (1 - y.data[i] * y.data[i]) }
        return dx
    }

    package func release() { output = nil }
}

/// Inverted dropout (Srivastava et al. 2014): in training each value is kept with probability
/// 1 − p and scaled by 1/(1 − p), so evaluation needs no rescaling. The mask comes from the
/// seeded generator the caller passes, so runs are reproducible.
package final class Dropout {
    package let probability: Float
    private var mask: [Float]?

    package init(probability: Float) {
        self.probability = probability
    }

    /// Without `training` the identity, writing no state. The mask is the one that drawing
    /// `rng.nextFloat()` once per value, in order, would give; it is drawn on all cores
    /// (`SplitMix64.take`).
    package func forward(_ x: Matrix, training: Bool, rng: inout SplitMix64) -> Matrix {
        guard training, probability > 0 else { return x }
        let scale = 1 / (1 - probability), probability = probability
        let ahead = rng.take(x.count)
        let y = Matrix(rows: x.rows, columns: x.columns, uninitialized: ())
        let m = [Float](unsafeUninitializedCapacity: x.count) { buffer, initialized in
            let mask = UncheckedSendable(buffer.baseAddress!)
            ParallelFor.rows(x.rows, width: x.columns) { rows in
                for i in (rows.lowerBound * x.columns)..<(rows.upperBound * x.columns) {
                    let keep: Float = ahead.float(i) >= probability ? scale : 0
                    mask.value[i] = keep
                    y.data[i] = x.data[i] * keep
                }
            }
            initialized = x.count
        }
        mask = m
        return y
    }

    package func backward(_ dy: Matrix) -> Matrix {
        guard let mask else { return dy }
        let dx = Matrix(rows: dy.rows, columns: dy.columns, uninitialized: ())
        mask.withUnsafeBufferPointer { m in
            let m = UncheckedSendable(m.baseAddress!)
            ParallelFor.rows(dy.rows, width: dy.columns) { rows in
                for i in (rows.lowerBound * dy.columns)..<(rows.upperBound * dy.columns) { dx.data[i] = dy.data[i] * m.value[i] }
            }
        }
        return dx
    }

    package func release() { mask = nil }
}
