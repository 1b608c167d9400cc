/// Sentence embeddings kept between runs (table `embeddings`): a cache, not a result. A vector is
/// keyed by the encoder that made it (`encoder`: the checkpoint's path, the size and time of its
/// weights file, and the input length; see `EmbeddingProbeFamily.encoderKey`) and by the text
/// itself, so a changed checkpoint or text never reuses a stale vector. Vectors are packed
/// little-endian Float32.
extension Store {
    /// The stored vectors of those `texts` this encoder has embedded before.
    public func embeddings(encoder: String, texts: [String]) throws -> [String: [Float]] {
        var found: [String: [Float]] = [:]
        let statement = try database.prepare("SELECT vector FROM embeddings WHERE encoder = ? AND text = ?")
        for text in texts {
            statement.reset()
            try statement.bind([.text(encoder), .text(text)])
            guard let row = try statement.step() else { continue }
            let bytes = try row.blob(0)
            guard bytes.count % 4 == 0 else { throw StoreError.inconsistent("a stored embedding of \(encoder) is not whole Float32 values") }
            found[text] = stride(from: 0, to: bytes.count, by: 4).map { start in
                var bits: UInt32 = 0
                for k in 0..<4 { bits |= UInt32(bytes[start + k]) << (8 * UInt32(k)) }
                return Float(bitPattern: bits)
            }
        }
        return found
    }

    /// Keeps these vectors for `encoder`, in one transaction (an existing vector is replaced).
    public func writeEmbeddings(encoder: String, _ vectors: [(text: String, vector: [Float])]) throws {
        try database.inTransaction {
            try database.runForEach("INSERT OR REPLACE INTO embeddings (encoder, text, vector) VALUES (?, ?, ?)", vectors) { item in
                var bytes: [UInt8] = []
                bytes.reserveCapacity(4 * item.vector.count)
                for value in item.vector { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
                return [.text(encoder), .text(item.text), .blob(bytes)]
            }
        }
    }

    /// Forgets every stored embedding (`dq` keeps them until asked).
    public func clearEmbeddings() throws {
        try database.execute("DELETE FROM embeddings")
    }
}
