/// One label pair's divergence as stored (table `label_divergence`).
package struct DivergenceRow: Sendable, Equatable {
    /// A token and how much it pulls the divergence toward one label of the pair.
    package struct Contribution: Sendable, Equatable, Codable {
        package var token: String
        package var contribution: Double

        package init(token: String, contribution: Double) {
            self.token = token
            self.contribution = contribution
        }

        // Stored as [token, contribution] pairs.
        package init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            token = try container.decode(String.self)
            contribution = try container.decode(Double.self)
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.unkeyedContainer()
            try container.encode(token)
            try container.encode(contribution)
        }
    }

    package var labelA: String
    package var labelB: String
    package var divergence: Double
    package var samplesA: Int
    package var samplesB: Int
    package var tokensA: Int
    package var tokensB: Int
    /// The tokens contributing most toward each label.
    package var towardA: [Contribution]
    package var towardB: [Contribution]
    /// The permutation baseline (mean JSD with the pair's labels shuffled); nil for runs before schema 9.
    package var baseline: Double?
    package var excess: Double? { baseline.map { divergence - $0 } }

    package init(labelA: String, labelB: String, divergence: Double, samplesA: Int, samplesB: Int, tokensA: Int, tokensB: Int,
                towardA: [Contribution], towardB: [Contribution], baseline: Double? = nil) {
        self.baseline = baseline
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
    package func writeDivergence(run: Int64, rows: [DivergenceRow]) throws {
        try database.runForEach("""
            INSERT INTO label_divergence (run_id, label_a, label_b, divergence, samples_a, samples_b, tokens_a, tokens_b, toward_a, toward_b,
                                          baseline)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, rows) { row in
            [.integer(run), .text(row.labelA), .text(row.labelB), .real(row.divergence), .integer(Int64(row.samplesA)),
             .integer(Int64(row.samplesB)), .integer(Int64(row.tokensA)), .integer(Int64(row.tokensB)),
             .text(StoredJSON.encode(row.towardA)), .text(StoredJSON.encode(row.towardB)), SQLValue(row.baseline)]
        }
    }

    /// A run's label-pair divergences, hardest first: lowest excess over the baseline, or
    /// lowest divergence for runs without one.
    package func divergences(run: Int64) throws -> [DivergenceRow] {
        try database.rows("""
            SELECT label_a, label_b, divergence, samples_a, samples_b, tokens_a, tokens_b, toward_a, toward_b, baseline
            FROM label_divergence WHERE run_id = ? ORDER BY divergence - COALESCE(baseline, 0), label_a, label_b
            """, [.integer(run)]).map {
            DivergenceRow(labelA: try $0.string(0), labelB: try $0.string(1), divergence: try $0.double(2), samplesA: try $0.int(3),
                          samplesB: try $0.int(4), tokensA: try $0.int(5), tokensB: try $0.int(6),
                          towardA: try StoredJSON.decode([DivergenceRow.Contribution].self, try $0.string(7), run: run, column: "toward_a"),
                          towardB: try StoredJSON.decode([DivergenceRow.Contribution].self, try $0.string(8), run: run, column: "toward_b"),
                          baseline: try $0.optionalDouble(9))
        }
    }
}
