/// One sample of the merged suspects list (table `suspects`), from `dq suspects`.
public struct SuspectRow: Sendable, Equatable {
    /// One signal's word on the sample.
    public struct Reason: Sendable, Equatable, Codable {
        public var signal: String
        public var reason: String

        public init(signal: String, reason: String) {
            self.signal = signal
            self.reason = reason
        }
    }

    public var sampleID: Int64
    /// 1-based place in the list.
    public var position: Int
    public var score: Double
    public var suggestedLabel: String?
    public var reasons: [Reason]
    /// The estimated probability that the label is wrong (calibrated lists; schema 11).
    public var probability: Double?

    public init(sampleID: Int64, position: Int, score: Double, suggestedLabel: String?, reasons: [Reason], probability: Double? = nil) {
        self.probability = probability
        self.sampleID = sampleID
        self.position = position
        self.score = score
        self.suggestedLabel = suggestedLabel
        self.reasons = reasons
    }

    /// The reasons for people: "reason; reason".
    public var reasonText: String { reasons.map(\.reason).joined(separator: "; ") }
}

extension Store {
    /// Writes the merged suspects list of a run (call inside the run's transaction).
    public func writeSuspects(run: Int64, _ rows: [SuspectRow]) throws {
        try database.runForEach(
            "INSERT INTO suspects (run_id, position, sample_id, score, suggested_label, reasons, probability) VALUES (?, ?, ?, ?, ?, ?, ?)", rows
        ) { row in
            [.integer(run), .integer(Int64(row.position)), .integer(row.sampleID), .real(row.score), SQLValue(row.suggestedLabel),
             .text(StoredJSON.encode(row.reasons)), SQLValue(row.probability)]
        }
    }

    public func suspects(run: Int64) throws -> [SuspectRow] {
        try database.rows(
            "SELECT sample_id, position, score, suggested_label, reasons, probability FROM suspects WHERE run_id = ? ORDER BY position",
            [.integer(run)]).map {
            SuspectRow(sampleID: try $0.int64(0), position: try $0.int(1), score: try $0.double(2), suggestedLabel: try $0.optionalString(3),
                       reasons: try StoredJSON.decode([SuspectRow.Reason].self, try $0.string(4), run: run, column: "reasons"),
                       probability: try $0.optionalDouble(5))
        }
    }
}
