/// A cartography region (Swayamdipta et al., EMNLP 2020), stored by its raw value.
public enum CartographyRegion: String, Sendable, Codable, CaseIterable {
    case easy = "easy-to-learn"
    case ambiguous
    case hard = "hard-to-learn"
    /// In no region.
    case none = "-"
}

/// One sample's cartography point and its per-checkpoint dynamics.
public struct CartographyRow: Sendable, Equatable {
    public var sampleID: Int64
    public var goldProbabilities: [Double]
    public var correct: [Bool]
    public var confidence: Double
    public var variability: Double
    public var correctness: Double
    public var forgettingEvents: Int
    public var neverLearned: Bool
    public var region: CartographyRegion

    public init(sampleID: Int64, goldProbabilities: [Double], correct: [Bool], confidence: Double, variability: Double,
                correctness: Double, forgettingEvents: Int, neverLearned: Bool, region: CartographyRegion) {
        self.sampleID = sampleID
        self.goldProbabilities = goldProbabilities
        self.correct = correct
        self.confidence = confidence
        self.variability = variability
        self.correctness = correctness
        self.forgettingEvents = forgettingEvents
        self.neverLearned = neverLearned
        self.region = region
    }
}

extension Store {
    /// Writes a run's cartography (call inside the run's transaction).
    public func writeCartography(run: Int64, rows: [CartographyRow]) throws {
        let dynamics = rows.flatMap { row in
            zip(row.goldProbabilities, row.correct).enumerated().map { (sample: row.sampleID, checkpoint: $0 + 1, p: $1.0, correct: $1.1) }
        }
        try database.runForEach(
            "INSERT INTO cartography_dynamics (run_id, sample_id, checkpoint, gold_probability, correct) VALUES (?, ?, ?, ?, ?)", dynamics
        ) { d in
            [.integer(run), .integer(d.sample), .integer(Int64(d.checkpoint)), .real(d.p), .integer(d.correct ? 1 : 0)]
        }
        try database.runForEach("""
            INSERT INTO cartography_points (run_id, sample_id, confidence, variability, correctness, forgetting_events, never_learned, region)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, rows) { row in
            [.integer(run), .integer(row.sampleID), .real(row.confidence), .real(row.variability), .real(row.correctness),
             .integer(Int64(row.forgettingEvents)), .integer(row.neverLearned ? 1 : 0), .text(row.region.rawValue)]
        }
    }

    /// A run's cartography points, in sample order (`goldProbabilities` and `correct` are left
    /// empty: the per-checkpoint dynamics are not read).
    public func cartographyPoints(run: Int64) throws -> [CartographyRow] {
        try database.rows("""
            SELECT sample_id, confidence, variability, correctness, forgetting_events, never_learned, region
            FROM cartography_points WHERE run_id = ? ORDER BY sample_id
            """, [.integer(run)]).map {
            let name = try $0.string(6)
            guard let region = CartographyRegion(rawValue: name) else {
                throw StoreError.inconsistent("run \(run): unknown cartography region '\(name)'")
            }
            return CartographyRow(sampleID: try $0.int64(0), goldProbabilities: [], correct: [], confidence: try $0.double(1),
                                  variability: try $0.double(2), correctness: try $0.double(3), forgettingEvents: try $0.int(4),
                                  neverLearned: try $0.bool(5), region: region)
        }
    }
}
