/// One sample of the merged suspects list (table `suspects`), from `dq suspects`.
package struct SuspectRow: Sendable, Equatable {
    /// One signal's word on the sample.
    package struct Reason: Sendable, Equatable, Codable {
        package var signal: String
        package var reason: String

        package init(signal: String, reason: String) {
            self.signal = signal
            self.reason = reason
        }
    }

    package var sampleID: Int64
    /// 1-based place in the list.
    package var position: Int
    package var score: Double
    package var suggestedLabel: String?
    package var reasons: [Reason]
    /// The estimated probability that the label is wrong (calibrated lists; schema 11).
    package var probability: Double?
    /// How ambiguous the sample is, 0 to 1 (`Ambiguity`; schema 16).
    package var ambiguity: Double?

    package init(sampleID: Int64, position: Int, score: Double, suggestedLabel: String?, reasons: [Reason], probability: Double? = nil,
                 ambiguity: Double? = nil) {
        self.probability = probability
        self.ambiguity = ambiguity
        self.sampleID = sampleID
        self.position = position
        self.score = score
        self.suggestedLabel = suggestedLabel
        self.reasons = reasons
    }

    /// The reasons for people: "reason; reason".
    package var reasonText: String { reasons.map(\.reason).joined(separator: "; ") }
}

extension Store {
    /// Writes the merged suspects list of a run (call inside the run's transaction).
    package func writeSuspects(run: Int64, _ rows: [SuspectRow]) throws {
        try database.runForEach(
            "INSERT INTO suspects (run_id, position, sample_id, score, suggested_label, reasons, probability, ambiguity) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows
        ) { row in
            [.integer(run), .integer(Int64(row.position)), .integer(row.sampleID), .real(row.score), SQLValue(row.suggestedLabel),
             .text(StoredJSON.encode(row.reasons)), SQLValue(row.probability), SQLValue(row.ambiguity)]
        }
    }

    package func suspects(run: Int64) throws -> [SuspectRow] {
        try database.rows(
            "SELECT sample_id, position, score, suggested_label, reasons, probability, ambiguity FROM suspects WHERE run_id = ? ORDER BY position",
            [.integer(run)]).map {
            SuspectRow(sampleID: try $0.int64(0), position: try $0.int(1), score: try $0.double(2), suggestedLabel: try $0.optionalString(3),
                       reasons: try StoredJSON.decode([SuspectRow.Reason].self, try $0.string(4), run: run, column: "reasons"),
                       probability: try $0.optionalDouble(5), ambiguity: try $0.optionalDouble(6))
        }
    }
}
