import Foundation

/// Mean cross-entropy of logits against integer labels, and its gradient:
///
///     L = (1/B) Σᵦ −log softmax(zᵦ)[yᵦ],   ∂L/∂zᵦ = (softmax(zᵦ) − onehot(yᵦ)) / B
public enum CrossEntropy {
    /// Returns (loss, ∂L/∂logits, probabilities).
    public static func evaluate(logits: Matrix, labels: [Int]) -> (loss: Double, gradient: Matrix, probabilities: Matrix) {
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
