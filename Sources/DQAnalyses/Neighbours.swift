import DQLearning
import Foundation

/// Nearest neighbours in a sentence encoder's embedding space, and what their labels say about
/// each sample's: a label most of a sample's closest texts do not carry is suspect. This is the
/// k-nearest-neighbour label consensus of SimiFeat (Zhu, Dong and Liu, "Detecting corrupted
/// labels without training a model to predict", ICML 2022), with cosine similarity as the
/// weight; cleanlab's Datalab uses the same neighbours for its near-duplicate check.
package enum Neighbours {
    /// How many neighbours vote (SimiFeat's default is 10).
    package static let defaultK = 10
    /// Cosine similarity from which two texts count as near-duplicates by embedding.
    package static let duplicateSimilarity: Float = 0.95

    /// Each vector's `k` most similar others by cosine similarity, most similar first (ties by
    /// index). Exact: the similarities are computed block by block with GEMM, never all at once.
    package static func nearest(_ vectors: [[Float]], k: Int) -> [[(index: Int, similarity: Float)]] {
        let n = vectors.count
        guard n > 1, let d = vectors.first?.count, d > 0 else { return vectors.map { _ in [] } }
        let k = min(k, n - 1)
        var unit = [Float](repeating: 0, count: n * d)
        for (i, v) in vectors.enumerated() {
            let norm = max(v.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            for j in 0..<d { unit[i * d + j] = v[j] / norm }
        }
        var out = [[(index: Int, similarity: Float)]](repeating: [], count: n)
        let block = 256
        var similarity = [Float](repeating: 0, count: block * n)
        for start in stride(from: 0, to: n, by: block) {
            let rows = min(block, n - start)
            unit.withUnsafeBufferPointer { u in
                similarity.withUnsafeMutableBufferPointer { s in
                    gemm(transA: false, transB: true, m: rows, n: n, k: d, alpha: 1, a: u.baseAddress! + start * d, lda: d,
                         b: u.baseAddress!, ldb: d, beta: 0, c: s.baseAddress!, ldc: n)
                }
            }
            for r in 0..<rows {
                let i = start + r
                // The k largest of row r, by a bounded selection (k is small).
                var best: [(index: Int, similarity: Float)] = []
                best.reserveCapacity(k + 1)
                for j in 0..<n where j != i {
                    let s = similarity[r * n + j]
                    if best.count < k || s > best[best.count - 1].similarity {
                        var at = best.count
                        while at > 0 && best[at - 1].similarity < s { at -= 1 }
                        best.insert((j, s), at: at)
                        if best.count > k { best.removeLast() }
                    }
                }
                out[i] = best
            }
        }
        return out
    }

    /// For each sample: the similarity-weighted share of its neighbours whose label is not its
    /// own (0 to 1; negative similarities count 0), and the label they carry most by weight when
    /// that is not its own.
    package static func disagreement(_ neighbours: [[(index: Int, similarity: Float)]], labels: [Int], classes: Int)
        -> (suspicion: [Double], rival: [Int?]) {
        var suspicion = [Double](repeating: 0, count: labels.count), rival = [Int?](repeating: nil, count: labels.count)
        for (i, list) in neighbours.enumerated() {
            var weight = [Double](repeating: 0, count: classes)
            for (j, s) in list { weight[labels[j]] += Double(max(s, 0)) }
            let total = weight.reduce(0, +)
            guard total > 0 else { continue }
            suspicion[i] = 1 - weight[labels[i]] / total
            let top = weight.indices.max { weight[$0] < weight[$1] || (weight[$0] == weight[$1] && $0 > $1) }!
            if top != labels[i] { rival[i] = top }
        }
        return (suspicion, rival)
    }
}
