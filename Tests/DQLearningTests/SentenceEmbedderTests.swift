import Foundation
import Testing
import DQTestSupport
import DQLearning

private struct Golden: Decodable {
    var texts: [String]
    var embeddings: [[Float]]
}

@Test func sentenceEmbeddingsEqualTransformersMeanPooling() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/embedding_golden.json")
    let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
    let embedder = try SentenceEmbedder(directory: fixture("bert/random-tiny"))
    // Batched together (padded to the longest) and one at a time: both equal transformers'.
    let together = embedder.embed(golden.texts)
    for (i, want) in golden.embeddings.enumerated() {
        let alone = embedder.embed([golden.texts[i]])[0]
        for (j, w) in want.enumerated() {
            #expect(abs(together[i][j] - w) < 1e-5, "text \(i) dimension \(j)")
            #expect(abs(alone[j] - w) < 1e-5)
        }
        #expect(abs(together[i].reduce(0) { $0 + $1 * $1 } - 1) < 1e-5)
    }
}
