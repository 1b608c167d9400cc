import Testing
import DQAnalyses
import DQLearning

@Test func nearestNeighboursEqualABruteForceSearch() {
    // 600 random vectors in 12 dimensions (more than one GEMM block of 256 rows).
    var rng = SplitMix64(seed: 9)
    let vectors = (0..<600).map { _ in (0..<12).map { _ in Float(Double(rng.next() >> 11) * 0x1p-53 * 2 - 1) } }
    let found = Neighbours.nearest(vectors, k: 5)
    func cosine(_ a: [Float], _ b: [Float]) -> Double {
        let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let na = a.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot(), nb = b.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        return dot / (na * nb)
    }
    for i in [0, 1, 255, 256, 300, 599] {
        let brute = (0..<600).filter { $0 != i }.sorted { cosine(vectors[i], vectors[$0]) > cosine(vectors[i], vectors[$1]) }.prefix(5)
        #expect(found[i].map(\.index) == Array(brute), "sample \(i)")
        #expect(zip(found[i], brute).allSatisfy { abs(Double($0.similarity) - cosine(vectors[i], vectors[$1])) < 1e-5 })
    }
}

@Test func aLabelItsNeighboursDoNotCarryIsSuspectAndTheirsIsTheRival() {
    // Sample 0 (label 0) has neighbours 1, 2 (label 1, similarity 0.9, 0.8) and 3 (label 0, 0.5);
    // sample 3's neighbours all share its label; a negative similarity weighs nothing.
    let neighbours: [[(index: Int, similarity: Float)]] = [[(1, 0.9), (2, 0.8), (3, 0.5)], [(2, 1)], [(1, 1)], [(0, 0.5), (4, -0.7)], [(3, 0.2)]]
    let (suspicion, rival) = Neighbours.disagreement(neighbours, labels: [0, 1, 1, 0, 1], classes: 2)
    #expect(abs(suspicion[0] - 1.7 / 2.2) < 1e-6 && rival[0] == 1)
    #expect(suspicion[1] == 0 && rival[1] == nil && suspicion[3] == 0 && rival[3] == nil)
    #expect(suspicion[4] == 1 && rival[4] == 0)
}
