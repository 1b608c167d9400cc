import Dispatch
import Foundation

/// The scaled dot-product attention of BERT's self-attention, per sequence and head
/// (Vaswani et al. 2017), with Q, K, V already projected:
///
///     P = softmax(Q·Kᵀ/√d + M),   context = dropout(P)·V
///
/// where M is 0 for real key positions and −10⁹ for padding. Heads are column blocks of
/// width d = H/heads of the [B·S × H] inputs. Backward, with P̃ = dropout(P):
///
///     dV = P̃ᵀ·dC,  dP = dropout′(dC·Vᵀ),  dS = P ⊙ (dP − rowsum(dP ⊙ P)),  dQ = dS·K/√d,  dK = dSᵀ·Q/√d
///
/// Sequences × heads run on the cores in parallel; each has its own dropout generator derived
/// from one draw of the caller's, so results do not depend on the thread count.
package final class ScaledDotProductAttention {
    package let heads: Int
    package let dropout: Float
    private var saved: (q: Matrix, k: Matrix, v: Matrix, probabilities: Matrix, dropped: Matrix?, batch: Int, length: Int)?

    package init(heads: Int, dropout: Float) {
        self.heads = heads
        self.dropout = dropout
    }

    /// q, k, v: [batch·length × H]; `mask`: batch·length values, 1 for real tokens.
    package func forward(q: Matrix, k: Matrix, v: Matrix, mask: [Int32], batch: Int, length: Int,
                        training: Bool, rng: inout SplitMix64) -> Matrix {
        let heads = self.heads, dropout = self.dropout
        let width = q.columns, d = width / heads
        let scale = 1 / Float(d).squareRoot()
        let context = Matrix(rows: q.rows, columns: width)
        let block = length * length
        let probabilities = Matrix(rows: batch * heads * length, columns: length)
        let dropped = training && dropout > 0 ? Matrix(rows: batch * heads * length, columns: length) : nil
        let seed = rng.next()
        let keep = 1 - dropout
        ParallelFor.run(count: batch * heads) { job in
            let b = job / heads, h = job % heads
            let p = probabilities.data + job * block
            let rowOffset = b * length * width + h * d
            GEMMKernel.run(transA: false, transB: true, m: length, n: length, k: d, alpha: scale,
                           a: q.data + rowOffset, lda: width, b: k.data + rowOffset, ldb: width,
                           beta: 0, c: p, ldc: length)
            for j in 0..<length where mask[b * length + j] == 0 {
                for i in 0..<length { p[i * length + j] += -1e9 }
            }
            Softmax.inPlace(p, rows: length, count: length)
            var attend = UnsafePointer(p)
            if let dropped {
                var generator = SplitMix64(seed: seed ^ (UInt64(job) &* 0x9E37_79B9_7F4A_7C15))
                let dp = dropped.data + job * block
                for i in 0..<block { dp[i] = generator.nextFloat() >= dropout ? p[i] / keep : 0 }
                attend = UnsafePointer(dp)
            }
            GEMMKernel.run(transA: false, transB: false, m: length, n: d, k: length, alpha: 1,
                           a: attend, lda: length, b: v.data + rowOffset, ldb: width,
                           beta: 0, c: context.data + rowOffset, ldc: width)
        }
        // Kept for `backward` in training only: inference writes no state.
        if training { saved = (q, k, v, probabilities, dropped, batch, length) }
        return context
    }

    /// Returns (dQ, dK, dV) given ∂L/∂context.
    package func backward(_ dContext: Matrix) -> (Matrix, Matrix, Matrix) {
        guard let s = saved else { preconditionFailure("attention: backward before forward") }
        let heads = self.heads, keep = 1 - dropout
        let width = s.q.columns, d = width / heads, length = s.length
        let scale = 1 / Float(d).squareRoot()
        let block = length * length
        let dq = Matrix(rows: s.q.rows, columns: width)
        let dk = Matrix(rows: s.q.rows, columns: width)
        let dv = Matrix(rows: s.q.rows, columns: width)
        ParallelFor.run(count: s.batch * heads) { job in
            let b = job / heads, h = job % heads
            let p = s.probabilities.data + job * block
            let rowOffset = b * length * width + h * d
            let attend = UnsafePointer(s.dropped.map { $0.data + job * block } ?? p)
            // dV = P̃ᵀ·dC
            GEMMKernel.run(transA: true, transB: false, m: length, n: d, k: length, alpha: 1,
                           a: attend, lda: length, b: dContext.data + rowOffset, ldb: width,
                           beta: 0, c: dv.data + rowOffset, ldc: width)
            // dP̃ = dC·Vᵀ, then back through dropout and softmax.
            let ds = UnsafeMutablePointer<Float>.allocate(capacity: block)
            defer { ds.deallocate() }
            GEMMKernel.run(transA: false, transB: true, m: length, n: length, k: d, alpha: 1,
                           a: dContext.data + rowOffset, lda: width, b: s.v.data + rowOffset, ldb: width,
                           beta: 0, c: ds, ldc: length)
            if let dropped = s.dropped {
                let dp = dropped.data + job * block
                for i in 0..<block { ds[i] = dp[i] == 0 ? 0 : ds[i] / keep }
            }
            for i in 0..<length {
                let row = ds + i * length, prob = p + i * length
                var dot: Float = 0
                for j in 0..<length { dot += row[j] * prob[j] }
                for j in 0..<length { row[j] = prob[j] * (row[j] - dot) }
            }
            GEMMKernel.run(transA: false, transB: false, m: length, n: d, k: length, alpha: scale,
                           a: ds, lda: length, b: s.k.data + rowOffset, ldb: width,
                           beta: 0, c: dq.data + rowOffset, ldc: width)
            GEMMKernel.run(transA: true, transB: false, m: length, n: d, k: length, alpha: scale,
                           a: ds, lda: length, b: s.q.data + rowOffset, ldb: width,
                           beta: 0, c: dk.data + rowOffset, ldc: width)
        }
        return (dq, dk, dv)
    }

    package func release() { saved = nil }
}
