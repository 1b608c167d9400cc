/// A fully connected layer, y = x·Wᵀ + b, with W stored [out, in] as in PyTorch.
package final class Linear: HasParameters {
    package let weight: Parameter
    package let bias: Parameter
    private var input: Matrix?

    package init(name: String, inputs: Int, outputs: Int) {
        weight = Parameter(name: name + ".weight", shape: [outputs, inputs], decays: true)
        bias = Parameter(name: name + ".bias", shape: [outputs], decays: false)
    }

    package var parameters: [Parameter] { [weight, bias] }
    package var inputs: Int { weight.shape[1] }
    package var outputs: Int { weight.shape[0] }

    /// x: [n × in] → [n × out]. With `keep`, keeps x for `backward`; without, it writes no
    /// state, so several threads may run it at once (inference).
    package func forward(_ x: Matrix, keep: Bool = true) -> Matrix {
        precondition(x.columns == inputs, "\(weight.name): expected \(inputs) input columns, got \(x.columns)")
        if keep { input = x }
        let y = Matrix(rows: x.rows, columns: outputs, uninitialized: ())
        gemm(transA: false, transB: true, m: x.rows, n: outputs, k: inputs, alpha: 1,
             a: x.data, lda: inputs, b: weight.value.data, ldb: inputs, beta: 0, c: y.data, ldc: outputs,
             bias: bias.value.data)
        return y
    }

    /// Given ∂L/∂y, accumulates ∂L/∂W += dyᵀ·x and ∂L/∂b += Σ dy, and returns ∂L/∂x = dy·W.
    package func backward(_ dy: Matrix) -> Matrix {
        guard let x = input else { preconditionFailure("\(weight.name): backward before forward") }
        gemm(transA: true, transB: false, m: outputs, n: inputs, k: x.rows, alpha: 1,
             a: dy.data, lda: outputs, b: x.data, ldb: inputs, beta: 1, c: weight.gradient.data, ldc: inputs)
        let db = bias.gradient.data
        for r in 0..<dy.rows {
            let row = dy.row(r)
            for j in 0..<outputs { db[j] += row[j] }
        }
        let dx = Matrix(rows: x.rows, columns: inputs, uninitialized: ())
        gemm(transA: false, transB: false, m: x.rows, n: inputs, k: outputs, alpha: 1,
             a: dy.data, lda: outputs, b: weight.value.data, ldb: inputs, beta: 0, c: dx.data, ldc: inputs)
        return dx
    }

    /// Drops what `forward` kept.
    package func release() { input = nil }
}
