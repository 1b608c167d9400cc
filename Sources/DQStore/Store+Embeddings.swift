/// Sentence embeddings kept between runs (table `embeddings`): a cache, not a result. A vector is
/// keyed by the encoder that made it (`encoder`: the checkpoint's path, the size and time of its
/// weights file, and the input length; see `EmbeddingProbeFamily.encoderKey`) and by the text
/// itself, so a changed checkpoint or text never reuses a stale vector. Vectors are packed
/// little-endian Float32.
extension Store {
    /// The stored vectors of those `texts` this encoder has embedded before.
    package func embeddings(encoder: String, texts: [String]) throws -> [String: [Float]] {
        var found: [String: [Float]] = [:]
        let statement = try database.prepare("SELECT vector FROM embeddings WHERE encoder = ? AND text = ?")
        for text in texts {
            statement.reset()
            try statement.bind([.text(encoder), .text(text)])
            guard let row = try statement.step() else { continue }
            guard let vector = PackedFloats.unpack(try row.blob(0), as: Float.self) else {
                throw StoreError.inconsistent("a stored embedding of \(encoder) is not whole Float32 values")
            }
            found[text] = vector
        }
        return found
    }

    /// Keeps these vectors for `encoder`, in one transaction (an existing vector is replaced).
    package func writeEmbeddings(encoder: String, _ vectors: [(text: String, vector: [Float])]) throws {
        try database.inTransaction {
            try database.runForEach("INSERT OR REPLACE INTO embeddings (encoder, text, vector) VALUES (?, ?, ?)", vectors) { item in
                [.text(encoder), .text(item.text), .blob(PackedFloats.pack(item.vector))]
            }
        }
    }
}
