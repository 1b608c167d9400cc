import DQText

/// One sample's PVI as stored (see `pvi_scores`), with its out-of-sample probabilities.
public struct PVIRow: Sendable, Equatable {
    public var sampleID: Int64
    public var fold: Int
    public var label: String
    public var predicted: String
    public var pInput: Double
    public var pNull: Double
    public var hNull: Double
    public var hInput: Double
    public var pvi: Double
    public var correct: Bool
    /// p′(· | x) in the run's label order.
    public var probabilities: [Double]

    public init(sampleID: Int64, fold: Int, label: String, predicted: String, pInput: Double, pNull: Double,
                hNull: Double, hInput: Double, pvi: Double, correct: Bool, probabilities: [Double]) {
        self.sampleID = sampleID
        self.fold = fold
        self.label = label
        self.predicted = predicted
        self.pInput = pInput
        self.pNull = pNull
        self.hNull = hNull
        self.hInput = hInput
        self.pvi = pvi
        self.correct = correct
        self.probabilities = probabilities
    }
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
    public var region: String

    public init(sampleID: Int64, goldProbabilities: [Double], correct: [Bool], confidence: Double, variability: Double,
                correctness: Double, forgettingEvents: Int, neverLearned: Bool, region: String) {
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
    /// Writes a run's PVI rows (call inside the run's transaction: `recordRun`).
    public func writePVI(run: Int64, rows: [PVIRow]) throws {
        try database.runForEach("""
            INSERT INTO pvi_scores (run_id, sample_id, fold, label, predicted, p_input, p_null, h_null, h_input, pvi, correct)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, rows) { row in
            [.integer(run), .integer(row.sampleID), .integer(Int64(row.fold)), .text(row.label), .text(row.predicted),
             .real(row.pInput), .real(row.pNull), .real(row.hNull), .real(row.hInput), .real(row.pvi), .integer(row.correct ? 1 : 0)]
        }
        try database.runForEach("INSERT INTO sample_probabilities (run_id, sample_id, probabilities) VALUES (?, ?, ?)", rows) { row in
            [.integer(run), .integer(row.sampleID), .text(JSONValue.array(row.probabilities.map { .number($0) }).jsonText)]
        }
    }

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
             .integer(Int64(row.forgettingEvents)), .integer(row.neverLearned ? 1 : 0), .text(row.region)]
        }
    }
}

/// One label pair's divergence as stored (see `label_divergence`).
public struct DivergenceRow: Sendable, Equatable {
    public var labelA: String
    public var labelB: String
    public var divergence: Double
    public var samplesA: Int
    public var samplesB: Int
    public var tokensA: Int
    public var tokensB: Int
    /// The tokens contributing most toward each label, as a JSON array of [token, contribution].
    public var towardA: String
    public var towardB: String

    public init(labelA: String, labelB: String, divergence: Double, samplesA: Int, samplesB: Int, tokensA: Int, tokensB: Int,
                towardA: String, towardB: String) {
        self.labelA = labelA
        self.labelB = labelB
        self.divergence = divergence
        self.samplesA = samplesA
        self.samplesB = samplesB
        self.tokensA = tokensA
        self.tokensB = tokensB
        self.towardA = towardA
        self.towardB = towardB
    }
}

extension Store {
    /// Writes a run's label-pair divergences (call inside the run's transaction).
    public func writeDivergence(run: Int64, rows: [DivergenceRow]) throws {
        try database.runForEach("""
            INSERT INTO label_divergence (run_id, label_a, label_b, divergence, samples_a, samples_b, tokens_a, tokens_b, toward_a, toward_b)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, rows) { row in
            [.integer(run), .text(row.labelA), .text(row.labelB), .real(row.divergence), .integer(Int64(row.samplesA)),
             .integer(Int64(row.samplesB)), .integer(Int64(row.tokensA)), .integer(Int64(row.tokensB)), .text(row.towardA), .text(row.towardB)]
        }
    }
}
