/// A trainable tensor with its gradient, named as in Hugging Face checkpoints
/// (`encoder.layer.0.attention.self.query.weight`). Shapes are as stored there: a linear
/// layer's weight is [out, in].
package final class Parameter: @unchecked Sendable {
    package let name: String
    package let shape: [Int]
    package let value: Matrix
    package let gradient: Matrix
    /// Whether AdamW's weight decay applies (not to biases and LayerNorm parameters, as in BERT).
    package let decays: Bool
    /// For embedding tables: the rows whose gradient may be non-zero since the last `zeroGradient`.
    var touchedRows: Set<Int>?

    package init(name: String, shape: [Int], decays: Bool, sparseRows: Bool = false) {
        self.name = name
        self.shape = shape
        let rows = shape.count == 2 ? shape[0] : 1
        let columns = shape.count == 2 ? shape[1] : shape[0]
        value = Matrix(rows: rows, columns: columns)
        gradient = Matrix(rows: rows, columns: columns)
        self.decays = decays
        touchedRows = sparseRows ? [] : nil
    }

    package var count: Int { value.count }

    package func zeroGradient() {
        if let touched = touchedRows {
            for r in touched { gradient.row(r).update(repeating: 0, count: gradient.columns) }
            touchedRows = []
        } else {
            gradient.zero()
        }
    }

    /// Fills the value from N(0, std²), as BERT initialises weights.
    func initialiseNormal(std: Float, rng: inout SplitMix64) {
        for i in 0..<count { value.data[i] = std * rng.nextGaussian() }
    }

    func fill(_ x: Float) { value.data.update(repeating: x, count: count) }
}

/// Something with parameters: layers, models. Optimisers, checkpoints and gradient checks
/// iterate over `parameters`.
package protocol HasParameters {
    var parameters: [Parameter] { get }
}

extension HasParameters {
    package func zeroGradients() {
        for p in parameters { p.zeroGradient() }
    }
}
