/// Sentence embeddings from a BERT checkpoint: the mean of the last hidden states over the
/// text's tokens (attention mask 1, [CLS] and [SEP] included), scaled to unit length — the
/// pooling of sentence-transformers models such as all-MiniLM-L6-v2 (Reimers & Gurevych,
/// "Sentence-BERT", EMNLP 2019). Cosine similarity of two embeddings is then their dot product.
package struct SentenceEmbedder {
    package let checkpoint: BertCheckpoint
    package let maxLength: Int

    package init(directory: String, maxLength: Int = 128) throws {
        checkpoint = try BertCheckpoint.load(directory: directory, labels: 2, seed: 0)
        self.maxLength = min(maxLength, checkpoint.model.config.maxPositionEmbeddings)
    }

    /// Unit-length embeddings of `texts`, in order; texts are batched by length.
    package func embed(_ texts: [String], batchSize: Int = 32) -> [[Float]] {
        embed(texts, batchSize: batchSize, progress: { _ in })
    }

    /// `embed`, telling `progress` the number of texts embedded so far after each batch;
    /// `progress` may throw to stop.
    package func embed(_ texts: [String], batchSize: Int = 32, progress: (Int) throws -> Void) rethrows -> [[Float]] {
        let tokenizer = checkpoint.tokenizer
        let encodings = texts.map { tokenizer.encode($0, maxLength: maxLength) }
        var out = [[Float]](repeating: [], count: texts.count)
        var rng = SplitMix64(seed: 0)
        var done = 0
        try BertTrainer.forEachBatchByLength(encodings, batchSize: batchSize, padID: tokenizer.padID) { members, batch in
            let hidden = checkpoint.model.encode(batch, training: false, rng: &rng)
            checkpoint.model.release()
            let width = hidden.columns
            for (row, index) in members.enumerated() {
                var sum = [Float](repeating: 0, count: width)
                for t in 0..<batch.length where batch.attentionMask[row * batch.length + t] != 0 {
                    let h = hidden.row(row * batch.length + t)
                    for j in 0..<width { sum[j] += h[j] }
                }
                // The mean's direction is the sum's: scaling to unit length divides out the count.
                let norm = sum.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
                out[index] = norm > 0 ? sum.map { $0 / norm } : sum
            }
            done += members.count
            try progress(done)
        }
        return out
    }
}
