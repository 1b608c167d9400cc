/// Two samples with (nearly) the same text and different labels (table `conflicts`).
public struct ConflictRow: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// The same text after folding case, punctuation and spacing.
        case exact
        /// Word-bigram Jaccard similarity at or above the run's threshold.
        case near
    }

    public var sampleA: Int64
    public var sampleB: Int64
    public var kind: Kind
    public var similarity: Double

    public init(sampleA: Int64, sampleB: Int64, kind: Kind, similarity: Double) {
        self.sampleA = sampleA
        self.sampleB = sampleB
        self.kind = kind
        self.similarity = similarity
    }
}

extension Store {
    /// Writes a run's conflicting pairs (call inside the run's transaction).
    public func writeConflicts(run: Int64, _ rows: [ConflictRow]) throws {
        try database.runForEach("INSERT INTO conflicts (run_id, sample_a, sample_b, kind, similarity) VALUES (?, ?, ?, ?, ?)", rows) { row in
            [.integer(run), .integer(row.sampleA), .integer(row.sampleB), .text(row.kind.rawValue), .real(row.similarity)]
        }
    }

    public func conflicts(run: Int64) throws -> [ConflictRow] {
        try database.rows("SELECT sample_a, sample_b, kind, similarity FROM conflicts WHERE run_id = ? ORDER BY similarity DESC, sample_a, sample_b",
                          [.integer(run)]).map {
            let name = try $0.string(2)
            guard let kind = ConflictRow.Kind(rawValue: name) else { throw StoreError.inconsistent("run \(run): unknown conflict kind '\(name)'") }
            return ConflictRow(sampleA: try $0.int64(0), sampleB: try $0.int64(1), kind: kind, similarity: try $0.double(3))
        }
    }
}
