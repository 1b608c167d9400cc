import Foundation

/// AdamW (Loshchilov & Hutter, "Decoupled weight decay regularization", ICLR 2019), as
/// PyTorch's `torch.optim.AdamW` computes it, for step t ≥ 1 with learning rate η:
///
///     θ ← θ − η·λ·θ                        (decoupled weight decay, only where `decays`)
///     m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²
///     θ ← θ − η · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
///
/// Every parameter is updated every step, as PyTorch does, including embedding rows without a
/// gradient this step (their moments decay).
package final class AdamW {
    package var beta1: Float = 0.9
    package var beta2: Float = 0.999
    package var epsilon: Float = 1e-8
    package var weightDecay: Float
    package private(set) var step = 0
    private var moments: [ObjectIdentifier: (m: Matrix, v: Matrix)] = [:]

    package init(weightDecay: Float = 0.01) {
        self.weightDecay = weightDecay
    }

    package func update(_ parameters: [Parameter], learningRate: Float) {
        step += 1
        let correction1 = 1 - pow(beta1, Float(step))
        let correction2Root = (1 - pow(beta2, Float(step))).squareRoot()
        let stepSize = learningRate / correction1
        for p in parameters {
            let state = moments[ObjectIdentifier(p)] ?? {
                let fresh = (Matrix(rows: p.value.rows, columns: p.value.columns), Matrix(rows: p.value.rows, columns: p.value.columns))
                moments[ObjectIdentifier(p)] = fresh
                return fresh
            }()
            let theta = p.value.data, g = p.gradient.data, m = state.m.data, v = state.v.data
            let decay: Float = p.decays ? 1 - learningRate * weightDecay : 1
            let b1 = beta1, b2 = beta2, eps = epsilon
            let box = UncheckedSendable((theta, g, m, v))
            Blocked.run(p.count) { range in
                let (theta, g, m, v) = box.value
                typealias V = SIMD8<Float>
                var i = range.lowerBound
                while i + 8 <= range.upperBound {
                    let gi = UnsafeRawPointer(g + i).loadUnaligned(as: V.self)
                    let mi = b1 * UnsafeRawPointer(m + i).loadUnaligned(as: V.self) + (1 - b1) * gi
                    let vi = b2 * UnsafeRawPointer(v + i).loadUnaligned(as: V.self) + (1 - b2) * gi * gi
                    let t = decay * UnsafeRawPointer(theta + i).loadUnaligned(as: V.self)
                        - stepSize * mi / (vi.squareRoot() / correction2Root + eps)
                    UnsafeMutableRawPointer(m + i).storeBytes(of: mi, as: V.self)
                    UnsafeMutableRawPointer(v + i).storeBytes(of: vi, as: V.self)
                    UnsafeMutableRawPointer(theta + i).storeBytes(of: t, as: V.self)
                    i += 8
                }
                while i < range.upperBound {
                    theta[i] *= decay
                    m[i] = b1 * m[i] + (1 - b1) * g[i]
                    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                    theta[i] -= stepSize * m[i] / (v[i].squareRoot() / correction2Root + eps)
                    i += 1
                }
            }
        }
    }
}

/// Linear warm-up from 0 to the peak over `warmupSteps`, then linear decay to 0 at
/// `totalSteps` (Hugging Face's `get_linear_schedule_with_warmup`).
package struct LinearSchedule: Sendable {
    package var peak: Float
    package var warmupSteps: Int
    package var totalSteps: Int

    package init(peak: Float, warmupSteps: Int, totalSteps: Int) {
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
    }

    /// The rate for step `step` (0-based, the step about to be taken).
    package func rate(at step: Int) -> Float {
        if step < warmupSteps { return peak * Float(step) / Float(max(1, warmupSteps)) }
        return peak * max(0, Float(totalSteps - step) / Float(max(1, totalSteps - warmupSteps)))
    }
}

/// Scales all gradients so that their global L2 norm is at most `maxNorm` (PyTorch's
/// `clip_grad_norm_`: factor maxNorm / (norm + 1e-6) when the norm exceeds maxNorm).
/// Returns the norm before clipping.
@discardableResult
package func clipGradientNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
    var sum: Double = 0
    for p in parameters {
        // Eight Float lanes per block of 1,024, each block's total added in Double.
        let g = p.gradient.data
        var start = 0
        while start < p.count {
            let end = min(p.count, start + 1024)
            var acc = SIMD8<Float>()
            var i = start
            while i + 8 <= end {
                let x = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self)
                acc += x * x
                i += 8
            }
            var block = Double(acc.sum())
            while i < end {
                block += Double(g[i]) * Double(g[i])
                i += 1
            }
            sum += block
            start = end
        }
    }
    let norm = Float(sum.squareRoot())
    if norm > maxNorm {
        let scale = maxNorm / (norm + 1e-6)
        for p in parameters {
            let g = p.gradient.data
            for i in 0..<p.count { g[i] *= scale }
        }
    }
    return norm
}
