import DQText
/// One sample's cartography point and its per-checkpoint dynamics.
package struct CartographyRow: Sendable, Equatable {
    package var sampleID: Int64
    package var goldProbabilities: [Double]
    package var correct: [Bool]
    package var confidence: Double
    package var variability: Double
    package var correctness: Double
    package var forgettingEvents: Int
    package var neverLearned: Bool
    package var regions: CartographyRegions

    package init(sampleID: Int64, goldProbabilities: [Double], correct: [Bool], confidence: Double, variability: Double,
                correctness: Double, forgettingEvents: Int, neverLearned: Bool, regions: CartographyRegions) {
        self.sampleID = sampleID
        self.goldProbabilities = goldProbabilities
        self.correct = correct
        self.confidence = confidence
        self.variability = variability
        self.correctness = correctness
        self.forgettingEvents = forgettingEvents
        self.neverLearned = neverLearned
        self.regions = regions
    }
}

extension Store {
    /// Writes a run's cartography (call inside the run's transaction).
    package func writeCartography(run: Int64, rows: [CartographyRow]) throws {
        let dynamics = rows.flatMap { row in
            zip(row.goldProbabilities, row.correct).enumerated().map { (sample: row.sampleID, checkpoint: $0 + 1, p: $1.0, correct: $1.1) }
        }
        try database.runForEach(
            "INSERT INTO cartography_dynamics (run_id, sample_id, checkpoint, gold_probability, correct) VALUES (?, ?, ?, ?, ?)", dynamics
        ) { d in
            [.integer(run), .integer(d.sample), .integer(Int64(d.checkpoint)), .real(d.p), .integer(d.correct ? 1 : 0)]
        }
        try database.runForEach("""
            INSERT INTO cartography_points (run_id, sample_id, confidence, variability, correctness, forgetting_events, never_learned,
                                            easy, ambiguous, hard)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, rows) { row in
            [.integer(run), .integer(row.sampleID), .real(row.confidence), .real(row.variability), .real(row.correctness),
             .integer(Int64(row.forgettingEvents)), .integer(row.neverLearned ? 1 : 0),
             .integer(row.regions.contains(.easy) ? 1 : 0), .integer(row.regions.contains(.ambiguous) ? 1 : 0),
             .integer(row.regions.contains(.hard) ? 1 : 0)]
        }
    }

    /// A run's cartography points, in sample order (`goldProbabilities` and `correct` are left
    /// empty: the per-checkpoint dynamics are not read).
    package func cartographyPoints(run: Int64) throws -> [CartographyRow] {
        try database.rows("""
            SELECT sample_id, confidence, variability, correctness, forgetting_events, never_learned, easy, ambiguous, hard
            FROM cartography_points WHERE run_id = ? ORDER BY sample_id
            """, [.integer(run)]).map {
            var regions: CartographyRegions = []
            if try $0.bool(6) { regions.insert(.easy) }
            if try $0.bool(7) { regions.insert(.ambiguous) }
            if try $0.bool(8) { regions.insert(.hard) }
            return CartographyRow(sampleID: try $0.int64(0), goldProbabilities: [], correct: [], confidence: try $0.double(1),
                                  variability: try $0.double(2), correctness: try $0.double(3), forgettingEvents: try $0.int(4),
                                  neverLearned: try $0.bool(5), regions: regions)
        }
    }
}
