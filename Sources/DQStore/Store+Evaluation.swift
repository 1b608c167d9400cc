/// One signal's figures in one repeat of a `dq evaluate` run (table `evaluation_metrics`).
package struct EvaluationMetricRow: Sendable, Equatable {
    package var repeatIndex: Int
    package var signal: String
    package var precisionAtK: Double
    package var recallAtK: Double
    package var averagePrecision: Double
    package var auroc: Double
    package var seconds: Double

    package init(repeatIndex: Int, signal: String, precisionAtK: Double, recallAtK: Double, averagePrecision: Double, auroc: Double,
                seconds: Double) {
        (self.repeatIndex, self.signal, self.precisionAtK, self.recallAtK) = (repeatIndex, signal, precisionAtK, recallAtK)
        (self.averagePrecision, self.auroc, self.seconds) = (averagePrecision, auroc, seconds)
    }
}

/// A label error planted in one repeat (table `evaluation_planted`): the sample and the label it was given.
package struct PlantedErrorRow: Sendable, Equatable {
    package var repeatIndex: Int
    package var sampleID: Int64
    package var plantedLabel: String

    package init(repeatIndex: Int, sampleID: Int64, plantedLabel: String) {
        (self.repeatIndex, self.sampleID, self.plantedLabel) = (repeatIndex, sampleID, plantedLabel)
    }
}

/// One weight of the fusion an evaluate run fitted (table `fusion_weights`): the intercept
/// (`feature` "intercept", no signal), or a signal's "rank" or "tail" feature, the signal
/// named by its stored kind and model.
package struct FusionWeightRow: Sendable, Equatable {
    package var feature: String
    package var signal: String?
    package var model: String?
    package var weight: Double

    package init(feature: String, signal: String?, model: String?, weight: Double) {
        (self.feature, self.signal, self.model, self.weight) = (feature, signal, model, weight)
    }
}

/// Confident learning's count of label errors in one repeat of a `dq evaluate` run (table
/// `evaluation_counts`): repeat 0 is the given labels (nothing planted), later repeats the noisy
/// copies, with the samples judged and the rate and number of errors planted.
package struct EvaluationCountRow: Sendable, Equatable {
    package var repeatIndex: Int
    package var samples: Int
    package var rate: Double
    package var planted: Int
    package var counted: Int

    package init(repeatIndex: Int, samples: Int, rate: Double, planted: Int, counted: Int) {
        (self.repeatIndex, self.samples, self.rate, self.planted, self.counted) = (repeatIndex, samples, rate, planted, counted)
    }
}

extension Store {
    /// Writes an evaluation's counts of label errors (call inside the run's transaction).
    package func writeEvaluationCounts(run: Int64, _ counts: [EvaluationCountRow]) throws {
        try database.runForEach("INSERT INTO evaluation_counts (run_id, repeat, samples, rate, planted, counted) VALUES (?, ?, ?, ?, ?, ?)",
                                counts) { c in
            [.integer(run), .integer(Int64(c.repeatIndex)), .integer(Int64(c.samples)), .real(c.rate), .integer(Int64(c.planted)),
             .integer(Int64(c.counted))]
        }
    }

    /// A run's counts of label errors by repeat (repeat 0: the given labels); empty for runs made
    /// before dq counted them.
    package func evaluationCounts(run: Int64) throws -> [EvaluationCountRow] {
        try database.rows("SELECT repeat, samples, rate, planted, counted FROM evaluation_counts WHERE run_id = ? ORDER BY repeat",
                          [.integer(run)]).map {
            EvaluationCountRow(repeatIndex: try $0.int(0), samples: try $0.int(1), rate: try $0.double(2), planted: try $0.int(3), counted: try $0.int(4))
        }
    }

    /// Writes a fitted fusion's weights, in order (call inside the run's transaction).
    package func writeFusion(run: Int64, _ weights: [FusionWeightRow]) throws {
        try database.runForEach("INSERT INTO fusion_weights (run_id, position, feature, signal, model, weight) VALUES (?, ?, ?, ?, ?, ?)",
                                Array(weights.enumerated())) { position, w in
            [.integer(run), .integer(Int64(position)), .text(w.feature), SQLValue(w.signal), SQLValue(w.model), .real(w.weight)]
        }
    }

    /// A run's fusion weights in order; empty when it stored none.
    package func fusion(run: Int64) throws -> [FusionWeightRow] {
        try database.rows("SELECT feature, signal, model, weight FROM fusion_weights WHERE run_id = ? ORDER BY position", [.integer(run)]).map {
            FusionWeightRow(feature: try $0.string(0), signal: try $0.optionalString(1), model: try $0.optionalString(2), weight: try $0.double(3))
        }
    }

    /// Writes an evaluation's figures and planted errors (call inside the run's transaction).
    package func writeEvaluation(run: Int64, metrics: [EvaluationMetricRow], planted: [PlantedErrorRow]) throws {
        try database.runForEach("""
            INSERT INTO evaluation_metrics (run_id, repeat, position, signal, precision_at_k, recall_at_k, average_precision, auroc, seconds)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, Array(metrics.enumerated())) { position, m in
            [.integer(run), .integer(Int64(m.repeatIndex)), .integer(Int64(position)), .text(m.signal), .real(m.precisionAtK), .real(m.recallAtK),
             .real(m.averagePrecision), .real(m.auroc), .real(m.seconds)]
        }
        try database.runForEach(
            "INSERT INTO evaluation_planted (run_id, repeat, sample_id, planted_label) VALUES (?, ?, ?, ?)", planted
        ) { p in [.integer(run), .integer(Int64(p.repeatIndex)), .integer(p.sampleID), .text(p.plantedLabel)] }
    }

    /// A run's figures, by repeat, in the order written within a repeat.
    package func evaluationMetrics(run: Int64) throws -> [EvaluationMetricRow] {
        try database.rows("""
            SELECT repeat, signal, precision_at_k, recall_at_k, average_precision, auroc, seconds
            FROM evaluation_metrics WHERE run_id = ? ORDER BY repeat, position
            """, [.integer(run)]).map {
            EvaluationMetricRow(repeatIndex: try $0.int(0), signal: try $0.string(1), precisionAtK: try $0.double(2), recallAtK: try $0.double(3),
                                averagePrecision: try $0.double(4), auroc: try $0.double(5), seconds: try $0.double(6))
        }
    }

    /// A run's planted errors, by repeat and sample.
    package func plantedErrors(run: Int64) throws -> [PlantedErrorRow] {
        try database.rows("SELECT repeat, sample_id, planted_label FROM evaluation_planted WHERE run_id = ? ORDER BY repeat, sample_id",
                          [.integer(run)]).map {
            PlantedErrorRow(repeatIndex: try $0.int(0), sampleID: try $0.int64(1), plantedLabel: try $0.string(2))
        }
    }
}
