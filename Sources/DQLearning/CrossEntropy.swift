import Foundation

/// Mean cross-entropy of logits against integer labels, and its gradient:
///
///     L = (1/B) Σᵦ −log softmax(zᵦ)[yᵦ],   ∂L/∂zᵦ = (softmax(zᵦ) − onehot(yᵦ)) / B
package enum CrossEntropy {
    /// Returns (loss, ∂L/∂logits, probabilities).
    package static func evaluate(logits: Matrix, labels: [Int]) -> (loss: Double, gradient: Matrix, probabilities: Matrix) {
        precondition(labels.count == logits.rows)
        let probabilities = logits.copy()
        Softmax.inPlace(probabilities.data, rows: logits.rows, count: logits.columns)
        let gradient = probabilities.copy()
        var loss = 0.0
        let scale = 1 / Float(logits.rows)
        for (b, y) in labels.enumerated() {
            let row = logits.row(b)
            var maximum = -Float.infinity
            for j in 0..<logits.columns { maximum = max(maximum, row[j]) }
            var sum = 0.0
            for j in 0..<logits.columns { sum += exp(Double(row[j] - maximum)) }
            loss -= Double(row[y] - maximum) - log(sum)
            gradient[b, y] -= 1
            for j in 0..<logits.columns { gradient[b, j] *= scale }
        }
        return (loss / Double(logits.rows), gradient, probabilities)
    }
}

/// Binary cross-entropy of K independent sigmoid outputs against 0/1 targets, averaged over all
/// B × K entries (PyTorch's `BCEWithLogitsLoss()`, which Hugging Face's multi-label heads use):
///
///     L = (1/(B·K)) Σᵦₖ [max(z, 0) − z·y + log(1 + e^(−|z|))],   ∂L/∂z = (σ(z) − y) / (B·K)
package enum BinaryCrossEntropy {
    /// `targets[b]` holds the labels sample b has. Returns (loss, ∂L/∂logits, sigmoid probabilities).
    package static func evaluate(logits: Matrix, targets: [[Int]]) -> (loss: Double, gradient: Matrix, probabilities: Matrix) {
        precondition(targets.count == logits.rows)
        let probabilities = logits.copy()
        let gradient = logits.copy()
        let scale = 1 / Float(logits.rows * logits.columns)
        var loss = 0.0
        for b in 0..<logits.rows {
            let row = logits.row(b)
            var has = [Bool](repeating: false, count: logits.columns)
            for k in targets[b] { has[k] = true }
            for k in 0..<logits.columns {
                let z = Double(row[k]), y = has[k] ? 1.0 : 0.0
                loss += max(z, 0) - z * y + log1p(exp(-abs(z)))
                let p = z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
                probabilities[b, k] = Float(p)
                gradient[b, k] = Float(p - y) * scale
            }
        }
        return (loss / Double(logits.rows * logits.columns), gradient, probabilities)
    }
}
