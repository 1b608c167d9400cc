/// A label change made by an annotator, applied on top of the ingested label.
package struct Correction: Sendable, Equatable {
    package var sampleID: Int64
    package var newLabel: String
    /// Who, if the file says (else the import's annotator).
    package var annotator: String?

    package init(sampleID: Int64, newLabel: String, annotator: String? = nil) {
        self.sampleID = sampleID
        self.newLabel = newLabel
        self.annotator = annotator
    }
}

/// One entry of the corrections audit trail.
package struct CorrectionRecord: Sendable, Equatable {
    package var sampleID: Int64
    package var oldLabel: String
    package var newLabel: String
    package var annotator: String?
    package var file: String
    package var importedAt: String
}

extension Store {
    /// Applies corrections in one transaction, as one import of `file`. The ingested labels are
    /// never changed: each correction is appended to the audit trail with the label it replaces
    /// (the sample's current label, itself possibly an earlier correction). A correction to the
    /// label the sample already has is a decision to keep it, recorded as a row whose old and
    /// new labels are equal (an audit counts it as a label found right). Returns how many
    /// changed a label and how many kept one.
    @discardableResult
    package func importCorrections(_ corrections: [Correction], dataset: Int64, file: String, annotator: String?) throws -> (applied: Int, kept: Int) {
        try database.inTransaction {
            try database.run("INSERT INTO correction_imports (dataset_id, file, annotator, imported_at) VALUES (?, ?, ?, ?)",
                             [.integer(dataset), .text(file), SQLValue(annotator), .text(Timestamp.now())])
            let importID = database.lastInsertRowID
            let insert = try database.prepare(
                "INSERT INTO corrections (import_id, sample_id, old_label, new_label, annotator) VALUES (?, ?, ?, ?, ?)")
            var applied = 0, kept = 0
            for correction in corrections {
                let old = try currentLabel(sample: correction.sampleID)
                if old == correction.newLabel { kept += 1 } else { applied += 1 }
                insert.reset()
                try insert.bind([.integer(importID), .integer(correction.sampleID), .text(old), .text(correction.newLabel),
                                 SQLValue(correction.annotator ?? annotator)])
                try insert.runToEnd()
            }
            return (applied, kept)
        }
    }

    /// A sample's label after every correction (its ingested label if none).
    package func currentLabel(sample: Int64) throws -> String {
        guard let row = try database.row("""
            SELECT coalesce((SELECT new_label FROM corrections WHERE sample_id = s.id ORDER BY id DESC LIMIT 1), s.label)
            FROM samples s WHERE s.id = ?
            """, [.integer(sample)]) else { throw StoreError.inconsistent("no sample \(sample)") }
        return try row.string(0)
    }

    /// The current label version of a dataset: the id of its latest correction import, or nil
    /// when it has none (its labels are the given ones).
    package func labelVersion(dataset: Int64) throws -> Int64? {
        try database.row("SELECT max(id) FROM correction_imports WHERE dataset_id = ?", [.integer(dataset)])?.optionalInt(0).map(Int64.init)
    }

    /// The labels of version `version` that differ from the given ones: for each sample whose
    /// latest review in an import up to `version` changed its label, that label.
    package func relabelled(dataset: Int64, version: Int64) throws -> [Int64: String] {
        var latest: [Int64: (given: String, label: String)] = [:]
        for row in try database.rows("""
            SELECT c.sample_id, s.label, c.new_label FROM corrections c JOIN correction_imports i ON i.id = c.import_id
            JOIN samples s ON s.id = c.sample_id WHERE i.dataset_id = ? AND i.id <= ? ORDER BY c.id
            """, [.integer(dataset), .integer(version)]) {
            latest[try row.int64(0)] = (try row.string(1), try row.string(2))
        }
        return latest.filter { $0.value.label != $0.value.given }.mapValues(\.label)
    }

    /// The samples of a dataset that a review has decided on (corrected or kept).
    package func reviewedSamples(dataset: Int64) throws -> Set<Int64> {
        Set(try database.rows("""
            SELECT DISTINCT c.sample_id FROM corrections c JOIN correction_imports i ON i.id = c.import_id WHERE i.dataset_id = ?
            """, [.integer(dataset)]).map { try $0.int64(0) })
    }

    /// The audit trail of a dataset's corrections, oldest first.
    package func correctionHistory(dataset: Int64) throws -> [CorrectionRecord] {
        try database.rows("""
            SELECT c.sample_id, c.old_label, c.new_label, c.annotator, i.file, i.imported_at
            FROM corrections c JOIN correction_imports i ON i.id = c.import_id WHERE i.dataset_id = ? ORDER BY c.id
            """, [.integer(dataset)]).map {
            CorrectionRecord(sampleID: try $0.int64(0), oldLabel: try $0.string(1), newLabel: try $0.string(2),
                             annotator: try $0.optionalString(3), file: try $0.string(4), importedAt: try $0.string(5))
        }
    }

    /// The reviewer of a decision whose import named none.
    package static let unnamedReviewer = "(unnamed)"

    /// Each reviewer's latest decision on each sample they reviewed, by sample then reviewer (the
    /// import's annotator, `unnamedReviewer` when it named none).
    package func latestReviews(dataset: Int64) throws -> [Int64: [String: String]] {
        var latest: [Int64: [String: String]] = [:]
        for record in try correctionHistory(dataset: dataset) {
            latest[record.sampleID, default: [:]][record.annotator ?? Self.unnamedReviewer] = record.newLabel
        }
        return latest
    }

    /// The review decisions as annotations (`latestReviews`), for measuring how far reviewers
    /// agree; only samples of `splits` when given.
    package func reviewAnnotations(dataset: Int64, splits: [String]? = nil) throws -> StoredAnnotations {
        let ranges = try sampleIDRanges(dataset: dataset, splits: splits)
        let latest = try latestReviews(dataset: dataset).filter { sample, _ in ranges.contains { $0.contains(sample) } }
        var result = StoredAnnotations()
        result.labels = try labels(dataset: dataset)
        result.annotators = Set(latest.values.flatMap(\.keys)).sorted()
        let labelSlot = Dictionary(uniqueKeysWithValues: result.labels.enumerated().map { ($1, Int32($0)) })
        let reviewerSlot = Dictionary(uniqueKeysWithValues: result.annotators.enumerated().map { ($1, Int32($0)) })
        for sample in latest.keys.sorted() {
            result.sampleIDs.append(sample)
            for (reviewer, label) in latest[sample]!.sorted(by: { $0.key < $1.key }) {
                guard let slot = labelSlot[label] else { throw StoreError.inconsistent("review of sample \(sample) with an unknown label") }
                result.item.append(Int32(result.sampleIDs.count - 1))
                result.annotator.append(reviewerSlot[reviewer]!)
                result.label.append(slot)
            }
        }
        return result
    }

    /// For each of `samples` reviewed in an import at or after `since` (a timestamp): whether its
    /// first such review changed the label (true) or kept it (false).
    package func reviewDecisions(dataset: Int64, samples: Set<Int64>, since: String) throws -> [Int64: Bool] {
        var out: [Int64: Bool] = [:]
        for row in try database.rows("""
            SELECT c.sample_id, c.old_label <> c.new_label FROM corrections c JOIN correction_imports i ON i.id = c.import_id
            WHERE i.dataset_id = ? AND i.imported_at >= ? ORDER BY c.id
            """, [.integer(dataset), .text(since)]) {
            let sample = try row.int64(0)
            if samples.contains(sample) && out[sample] == nil { out[sample] = try row.int(1) != 0 }
        }
        return out
    }
}
