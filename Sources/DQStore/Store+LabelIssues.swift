/// One sample confident learning flags (table `label_issues`).
package struct LabelIssueRow: Sendable, Equatable {
    package var sampleID: Int64
    /// 1-based place in the ranking, least likely correct first.
    package var position: Int
    package var givenLabel: String
    /// The label the model prefers.
    package var suggestedLabel: String
    /// cleanlab's label quality score of the given label.
    package var quality: Double

    package init(sampleID: Int64, position: Int, givenLabel: String, suggestedLabel: String, quality: Double) {
        self.sampleID = sampleID
        self.position = position
        self.givenLabel = givenLabel
        self.suggestedLabel = suggestedLabel
        self.quality = quality
    }
}

extension Store {
    /// Writes the label issues of a run, ranked (call inside the run's transaction).
    package func writeLabelIssues(run: Int64, _ rows: [LabelIssueRow]) throws {
        try database.runForEach(
            "INSERT INTO label_issues (run_id, position, sample_id, given_label, suggested_label, quality) VALUES (?, ?, ?, ?, ?, ?)", rows
        ) { row in
            [.integer(run), .integer(Int64(row.position)), .integer(row.sampleID), .text(row.givenLabel), .text(row.suggestedLabel),
             .real(row.quality)]
        }
    }

    package func labelIssues(run: Int64) throws -> [LabelIssueRow] {
        try database.rows(
            "SELECT sample_id, position, given_label, suggested_label, quality FROM label_issues WHERE run_id = ? ORDER BY position",
            [.integer(run)]).map {
            LabelIssueRow(sampleID: try $0.int64(0), position: try $0.int(1), givenLabel: try $0.string(2),
                          suggestedLabel: try $0.string(3), quality: try $0.double(4))
        }
    }
}
