import DQText

/// One sample that matches another label's specifications (table `spec_suspects`), from
/// `dq inconsistent`.
package struct SpecificationSuspectRow: Sendable, Equatable {
    /// A specification that matched, and the sample's rank in its ranking (0 = best).
    package struct Evidence: Sendable, Equatable {
        package var spec: String
        package var rank: Int

        package init(spec: String, rank: Int) {
            self.spec = spec
            self.rank = rank
        }
    }

    package var sampleID: Int64
    /// The label whose specifications the sample matches.
    package var suggestedLabel: String
    /// 1-based place among that label's suspects.
    package var position: Int
    package var score: Double
    package var evidence: [Evidence]

    package init(sampleID: Int64, suggestedLabel: String, position: Int, score: Double, evidence: [Evidence]) {
        self.sampleID = sampleID
        self.suggestedLabel = suggestedLabel
        self.position = position
        self.score = score
        self.evidence = evidence
    }
}

extension Store {
    /// Writes the specification suspects of a run (call inside the run's transaction). The
    /// evidence is stored as a JSON object from spec name to rank, in the evidence's order.
    package func writeSpecificationSuspects(run: Int64, _ rows: [SpecificationSuspectRow]) throws {
        try database.runForEach(
            "INSERT INTO spec_suspects (run_id, suggested_label, position, sample_id, score, evidence) VALUES (?, ?, ?, ?, ?, ?)", rows
        ) { row in
            let evidence = JSONValue.object(row.evidence.map { ($0.spec, .number(Double($0.rank))) }).jsonText
            return [.integer(run), .text(row.suggestedLabel), .integer(Int64(row.position)), .integer(row.sampleID), .real(row.score),
                    .text(evidence)]
        }
    }

    package func specificationSuspects(run: Int64) throws -> [SpecificationSuspectRow] {
        try database.rows(
            "SELECT sample_id, suggested_label, position, score, evidence FROM spec_suspects WHERE run_id = ? ORDER BY suggested_label, position",
            [.integer(run)]).map { row in
            let text = try row.string(4)
            guard case .object(let members)? = try? JSONValue.parse(text) else {
                throw StoreError.inconsistent("run \(run): unreadable specification evidence '\(text.prefix(60))'")
            }
            let evidence = try members.map { member -> SpecificationSuspectRow.Evidence in
                guard case .number(let rank) = member.value else {
                    throw StoreError.inconsistent("run \(run): the rank of spec '\(member.key)' is not a number")
                }
                return .init(spec: member.key, rank: Int(rank))
            }
            return SpecificationSuspectRow(sampleID: try row.int64(0), suggestedLabel: try row.string(1), position: try row.int(2),
                                           score: try row.double(3), evidence: evidence)
        }
    }
}
