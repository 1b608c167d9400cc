/// Two samples with (nearly) the same text and different labels (table `conflicts`).
package struct ConflictRow: Sendable, Equatable {
    package enum Kind: String, Sendable {
        /// The same text after folding case, punctuation and spacing.
        case exact
        /// Word-bigram Jaccard similarity at or above the run's threshold.
        case near
    }

    package var sampleA: Int64
    package var sampleB: Int64
    package var kind: Kind
    package var similarity: Double

    package init(sampleA: Int64, sampleB: Int64, kind: Kind, similarity: Double) {
        self.sampleA = sampleA
        self.sampleB = sampleB
        self.kind = kind
        self.similarity = similarity
    }
}

extension Store {
    /// Writes a run's conflicting pairs (call inside the run's transaction).
    package func writeConflicts(run: Int64, _ rows: [ConflictRow]) throws {
        try database.runForEach("INSERT INTO conflicts (run_id, sample_a, sample_b, kind, similarity) VALUES (?, ?, ?, ?, ?)", rows) { row in
            [.integer(run), .integer(row.sampleA), .integer(row.sampleB), .text(row.kind.rawValue), .real(row.similarity)]
        }
    }

    package func conflicts(run: Int64) throws -> [ConflictRow] {
        try database.rows("SELECT sample_a, sample_b, kind, similarity FROM conflicts WHERE run_id = ? ORDER BY similarity DESC, sample_a, sample_b",
                          [.integer(run)]).map {
            let name = try $0.string(2)
            guard let kind = ConflictRow.Kind(rawValue: name) else { throw StoreError.inconsistent("run \(run): unknown conflict kind '\(name)'") }
            return ConflictRow(sampleA: try $0.int64(0), sampleB: try $0.int64(1), kind: kind, similarity: try $0.double(3))
        }
    }
}
