import DQText

/// One sample flagged by an analysis, as the label-finding analyses store it: which sample,
/// its place in the ranking, a score, the label suggested instead, and the evidence as JSON.
public struct FlaggedSample: Sendable, Equatable {
    public var sampleID: Int64
    /// 1-based place in the ranking (per suggested label for specification suspects).
    public var position: Int
    public var score: Double
    public var suggestedLabel: String?
    /// Evidence as JSON text: spec ranks, reasons, or the given label.
    public var evidence: String

    public init(sampleID: Int64, position: Int, score: Double, suggestedLabel: String?, evidence: String) {
        self.sampleID = sampleID
        self.position = position
        self.score = score
        self.suggestedLabel = suggestedLabel
        self.evidence = evidence
    }
}

/// Two samples with (nearly) the same text and different labels.
public struct ConflictRow: Sendable, Equatable {
    public var sampleA: Int64
    public var sampleB: Int64
    /// "exact" (the same normalised text) or "near".
    public var kind: String
    public var similarity: Double

    public init(sampleA: Int64, sampleB: Int64, kind: String, similarity: Double) {
        self.sampleA = sampleA
        self.sampleB = sampleB
        self.kind = kind
        self.similarity = similarity
    }
}

extension Store {
    /// Stores a run's summary (JSON), such as confident learning's joint and noise matrix.
    public func writeSummary(run: Int64, _ summary: JSONValue) throws {
        try database.run("INSERT INTO run_summaries (run_id, summary) VALUES (?, ?)", [.integer(run), .text(summary.jsonText)])
    }

    /// Writes the specification suspects of a run (call inside the run's transaction).
    public func writeSpecSuspects(run: Int64, _ rows: [FlaggedSample]) throws {
        try database.runForEach(
            "INSERT INTO spec_suspects (run_id, suggested_label, position, sample_id, score, evidence) VALUES (?, ?, ?, ?, ?, ?)", rows
        ) { row in
            [.integer(run), SQLValue(row.suggestedLabel), .integer(Int64(row.position)), .integer(row.sampleID), .real(row.score), .text(row.evidence)]
        }
    }

    public func specSuspects(run: Int64) throws -> [FlaggedSample] {
        try database.rows(
            "SELECT sample_id, position, score, suggested_label, evidence FROM spec_suspects WHERE run_id = ? ORDER BY suggested_label, position",
            [.integer(run)]).map(Store.flagged)
    }

    /// Writes the label issues of a run, ranked (call inside the run's transaction). The
    /// evidence holds the given label.
    public func writeLabelIssues(run: Int64, _ rows: [FlaggedSample]) throws {
        try database.runForEach(
            "INSERT INTO label_issues (run_id, position, sample_id, given_label, suggested_label, quality) VALUES (?, ?, ?, ?, ?, ?)", rows
        ) { row in
            [.integer(run), .integer(Int64(row.position)), .integer(row.sampleID), .text(row.evidence), SQLValue(row.suggestedLabel), .real(row.score)]
        }
    }

    public func labelIssues(run: Int64) throws -> [FlaggedSample] {
        try database.rows(
            "SELECT sample_id, position, quality, suggested_label, given_label FROM label_issues WHERE run_id = ? ORDER BY position",
            [.integer(run)]).map(Store.flagged)
    }

    /// Writes the merged suspects list of a run (call inside the run's transaction).
    public func writeSuspects(run: Int64, _ rows: [FlaggedSample]) throws {
        try database.runForEach(
            "INSERT INTO suspects (run_id, position, sample_id, score, suggested_label, reasons) VALUES (?, ?, ?, ?, ?, ?)", rows
        ) { row in
            [.integer(run), .integer(Int64(row.position)), .integer(row.sampleID), .real(row.score), SQLValue(row.suggestedLabel), .text(row.evidence)]
        }
    }

    public func suspects(run: Int64) throws -> [FlaggedSample] {
        try database.rows(
            "SELECT sample_id, position, score, suggested_label, reasons FROM suspects WHERE run_id = ? ORDER BY position",
            [.integer(run)]).map(Store.flagged)
    }

    private static func flagged(_ row: Row) -> FlaggedSample {
        FlaggedSample(sampleID: Int64(row.int(0)), position: row.int(1), score: row.double(2), suggestedLabel: row.optionalString(3),
                      evidence: row.string(4))
    }

    /// Writes a run's conflicting pairs (call inside the run's transaction).
    public func writeConflicts(run: Int64, _ rows: [ConflictRow]) throws {
        try database.runForEach("INSERT INTO conflicts (run_id, sample_a, sample_b, kind, similarity) VALUES (?, ?, ?, ?, ?)", rows) { row in
            [.integer(run), .integer(row.sampleA), .integer(row.sampleB), .text(row.kind), .real(row.similarity)]
        }
    }

    public func conflicts(run: Int64) throws -> [ConflictRow] {
        try database.rows("SELECT sample_a, sample_b, kind, similarity FROM conflicts WHERE run_id = ? ORDER BY similarity DESC, sample_a, sample_b",
                          [.integer(run)]).map {
            ConflictRow(sampleA: Int64($0.int(0)), sampleB: Int64($0.int(1)), kind: $0.string(2), similarity: $0.double(3))
        }
    }

    /// The newest succeeded run of `kind` for a dataset, if any.
    public func latestRun(dataset: Int64, kind: String) throws -> RunRecord? {
        try runs(dataset: dataset, kind: kind).first { $0.status == .succeeded }
    }

    /// A run's PVI rows with their probabilities, in sample order.
    public func pviRows(run: Int64) throws -> [PVIRow] {
        try database.rows("""
            SELECT s.sample_id, s.fold, s.label, s.predicted, s.p_input, s.p_null, s.h_null, s.h_input, s.pvi, s.correct, p.probabilities
            FROM pvi_scores s JOIN sample_probabilities p ON p.run_id = s.run_id AND p.sample_id = s.sample_id
            WHERE s.run_id = ? ORDER BY s.sample_id
            """, [.integer(run)]).map { row in
            let probabilities: [Double]
            if case .array(let items)? = try? JSONValue.parse(row.string(10)) {
                probabilities = items.map { if case .number(let x) = $0 { x } else { .nan } }
            } else {
                throw StoreError.inconsistent("run \(run): unreadable probabilities of sample \(row.int(0))")
            }
            return PVIRow(sampleID: Int64(row.int(0)), fold: row.int(1), label: row.string(2), predicted: row.string(3),
                          pInput: row.double(4), pNull: row.double(5), hNull: row.double(6), hInput: row.double(7),
                          pvi: row.double(8), correct: row.int(9) != 0, probabilities: probabilities)
        }
    }

    /// A run's cartography points, in sample order (`goldProbabilities` and `correct` are left
    /// empty: the per-checkpoint dynamics are not read).
    public func cartographyPoints(run: Int64) throws -> [CartographyRow] {
        try database.rows("""
            SELECT sample_id, confidence, variability, correctness, forgetting_events, never_learned, region
            FROM cartography_points WHERE run_id = ? ORDER BY sample_id
            """, [.integer(run)]).map {
            CartographyRow(sampleID: Int64($0.int(0)), goldProbabilities: [], correct: [], confidence: $0.double(1),
                           variability: $0.double(2), correctness: $0.double(3), forgettingEvents: $0.int(4),
                           neverLearned: $0.int(5) != 0, region: $0.string(6))
        }
    }

    /// A run's label-pair divergences, hardest (lowest) first.
    public func divergences(run: Int64) throws -> [DivergenceRow] {
        try database.rows("""
            SELECT label_a, label_b, divergence, samples_a, samples_b, tokens_a, tokens_b, toward_a, toward_b
            FROM label_divergence WHERE run_id = ? ORDER BY divergence, label_a, label_b
            """, [.integer(run)]).map {
            DivergenceRow(labelA: $0.string(0), labelB: $0.string(1), divergence: $0.double(2), samplesA: $0.int(3),
                          samplesB: $0.int(4), tokensA: $0.int(5), tokensB: $0.int(6), towardA: $0.string(7), towardB: $0.string(8))
        }
    }

    /// Records the samples a selection kept (call inside the run's transaction).
    public func writeSelection(run: Int64, samples: [Int64]) throws {
        try database.runForEach("INSERT INTO selections (run_id, sample_id) VALUES (?, ?)", samples) { [.integer(run), .integer($0)] }
    }

    public func selection(run: Int64) throws -> [Int64] {
        try database.rows("SELECT sample_id FROM selections WHERE run_id = ? ORDER BY sample_id", [.integer(run)]).map { Int64($0.int(0)) }
    }
}
