import DQText
import Foundation

/// Annotations: which annotator gave which sample which label, kept beside the sample's given
/// label (tables `annotators` and `annotations`).
///
/// A file with annotators (long format: `--annotator COL`; wide format: `--annotators a,b` or
/// `--annotator-prefix`; a Label Studio export) is ingested item by item: rows with the same id
/// (or, without an id column, the same text and text pair) are one sample, and each row adds
/// its annotations. An item already stored in the dataset's split gets the new annotations;
/// a new item becomes a sample whose given label is the file's label column when it has one
/// (wide format), else the most frequent of its annotations, ties going to the label given
/// first. An annotation already stored (same sample, annotator and label) is a duplicate.
///
/// Single-label data allows one label per annotator and sample: a second, different label is
/// an error naming both lines, and nothing from the file is stored.
extension Store {
    func ingestAnnotated(file: String, options: IngestOptions,
                         progress: ((IngestProgress) throws -> Void)?) throws -> IngestSummary {
        let started = Date()
        let format = options.format ?? InputFormat(path: file) ?? .csv
        let datasetName = options.dataset ?? Store.stem(of: file)
        if let problem = Names.problem(datasetName) {
            throw InputError(file: file, message: "'\(datasetName.visibleEscaped)' cannot be a dataset's name: \(problem)", remedy: .nameDataset)
        }
        var summary = IngestSummary(
            file: file, dataset: datasetName, split: options.split, format: format,
            rowsRead: 0, rowsNew: 0, rowsDuplicate: 0, rowsRejected: 0, firstRejects: [], seconds: 0)
        // A Label Studio export is read whole (it is one JSON document); other files are read
        // on a second thread, which also groups rows into items, while this one stores.
        let source: AnnotationGrouping.Source
        switch format {
        case .labelStudio: source = .rows(try LabelStudio.readExport(path: file, columns: options.columns))
        case .doccano: source = .rows(try Doccano.readExport(path: file, columns: options.columns))
        default: source = .reader(try LabelledRowReader(path: file, format: format, columns: options.columns))
        }

        try asBulkAppend { try database.inTransaction {
            let dataset = try ensureDataset(datasetName)
            if try isMultiLabel(dataset: dataset) {
                throw InputError(file: file, message: "dataset \(datasetName) holds multi-label samples; annotators' labels go into a single-label dataset")
            }
            try database.run(
                """
                INSERT INTO ingests (dataset_id, split, file, format, columns, started_at, finished_at,
                                     rows_read, rows_new, rows_duplicate, rows_rejected)
                VALUES (?, ?, ?, ?, '{}', ?, ?, 0, 0, 0, 0)
                """,
                [.integer(dataset), .text(options.split), .text(file), .text(format.rawValue),
                 .text(Timestamp.string(from: started)), .text(Timestamp.string(from: started))])
            let ingestID = database.lastInsertRowID

            // Items already stored in this split, by id and by text: they take the new annotations.
            var stored = AnnotationGrouping.StoredItems()
            if try sampleCount(dataset: dataset, splits: [options.split]) > 0 {
                try forEachSample(dataset: dataset, splits: [options.split]) { sample in
                    if let id = sample.externalID { stored.byID[id] = sample.id } else { stored.byText[sample.text + "\u{0}" + (sample.textPair ?? "")] = sample.id }
                    stored.texts[sample.id] = (sample.text, sample.textPair)
                }
            }
            // New samples get the ids after the store's last sample, in order of first appearance,
            // so that their annotations can be stored as they are read; the samples are written
            // at the end, when each one's majority label is known. (The bulk append checks no
            // foreign keys; every annotation's sample is written before the transaction commits.)
            stored.firstNewID = (try database.row("SELECT coalesce(max(id), 0) FROM samples")?.int64(0) ?? 0) + 1
            let firstNewID = stored.firstNewID

            var storedLabels = Set(try labels(dataset: dataset))
            let insertLabel = try database.prepare(
                "INSERT INTO labels (dataset_id, name, position) VALUES (?, ?, (SELECT count(*) FROM labels WHERE dataset_id = ?))")
            func register(_ label: String) throws {
                guard storedLabels.insert(label).inserted else { return }
                insertLabel.reset()
                try insertLabel.bind([.integer(dataset), .text(label), .integer(dataset)])
                try insertLabel.runToEnd()
            }
            var labelNames: [String] = [], annotatorNames: [String] = [], annotatorIDs: [Int64] = []
            let insertAnnotator = try database.prepare("INSERT OR IGNORE INTO annotators (dataset_id, name) VALUES (?, ?)")
            let findAnnotator = try database.prepare("SELECT id FROM annotators WHERE dataset_id = ? AND name = ?")
            let insertAnnotation = try database.prepare(
                "INSERT OR IGNORE INTO annotations (sample_id, annotator_id, label, annotated_at, ingest_id, metadata) VALUES (?, ?, ?, ?, ?, ?)")
            let storedAnnotation = try database.prepare("SELECT label FROM annotations WHERE sample_id = ? AND annotator_id = ?")
            var rejects: [RejectedRow] = []

            let grouping = AnnotationGrouping(source: source, stored: stored, file: file, format: format, strict: options.strict,
                                              annotatorMeta: options.annotatorMeta, annotationMeta: options.annotationMeta)
            defer { grouping.stop() }
            while let chunk = try grouping.next() {
                for name in chunk.newLabels {
                    try register(name)
                    labelNames.append(name)
                }
                for name in chunk.newAnnotators {
                    insertAnnotator.reset()
                    try insertAnnotator.bind([.integer(dataset), .text(name)])
                    try insertAnnotator.runToEnd()
                    findAnnotator.reset()
                    try findAnnotator.bind([.integer(dataset), .text(name)])
                    guard let id = try findAnnotator.step()?.int64(0) else { throw StoreError.inconsistent("annotator \(name) was not stored") }
                    annotatorNames.append(name)
                    annotatorIDs.append(id)
                }
                for record in chunk.records {
                    let annotatorID = annotatorIDs[Int(record.annotator)]
                    let label = labelNames[Int(record.label)]
                    if record.sampleID < firstNewID {
                        storedAnnotation.reset()
                        try storedAnnotation.bind([.integer(record.sampleID), .integer(annotatorID)])
                        if let earlier = try storedAnnotation.step()?.string(0) {
                            if earlier == label { summary.annotationsDuplicate += 1; continue }
                            throw InputError(
                                file: file, line: Int(record.line), column: grouping.column(of: annotatorNames[Int(record.annotator)]),
                                message: "annotator '\(annotatorNames[Int(record.annotator)])' already gave this item the label '\(earlier)' "
                                    + "(stored earlier); '\(label)' here would be a second label, and single-label data has one per annotator and item")
                        }
                    }
                    insertAnnotation.reset()
                    try insertAnnotation.bind(record.sampleID, at: 1)
                    try insertAnnotation.bind(annotatorID, at: 2)
                    try insertAnnotation.bind(label, at: 3)
                    try insertAnnotation.bind(record.time, at: 4)
                    try insertAnnotation.bind(ingestID, at: 5)
                    try insertAnnotation.bind(record.metadata, at: 6)
                    try insertAnnotation.runToEnd()
                    summary.annotationsNew += 1
                }
                rejects += chunk.rejects
                summary.rowsRead = chunk.rowsRead
                if let progress {
                    try progress(IngestProgress(rowsRead: chunk.rowsRead, bytesRead: chunk.bytesRead, fileSize: grouping.fileSize,
                                                elapsed: Date().timeIntervalSince(started)))
                }
            }
            grouping.stop()  // the grouping's state is this thread's from here on
            try grouping.checkEveryAnnotatorColumnUsed()
            summary.annotationsDuplicate += grouping.duplicatesInFile
            summary.varyingMetadata = grouping.varyingMetadata
            summary.varyingAttribute = grouping.varyingAttribute
            let setAttributes = try database.prepare("UPDATE annotators SET attributes = ? WHERE dataset_id = ? AND name = ?")
            for (name, attributes) in grouping.attributes.sorted(by: { $0.key < $1.key }) where !attributes.isEmpty {
                setAttributes.reset()
                try setAttributes.bind([.text(JSONValue.object(attributes).jsonText), .integer(dataset), .text(name)])
                try setAttributes.runToEnd()
            }
            summary.annotators = annotatorNames.count

            // The new samples, with the ids their annotations already carry.
            let insertSample = try database.prepare("""
                INSERT INTO samples (id, ingest_id, source_row, external_id, text, text_pair, label, metadata)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            var counts = [Int](repeating: 0, count: labelNames.count)
            for (k, new) in grouping.pending.enumerated() {
                var label = new.givenLabel
                if label.isEmpty {
                    // The most frequent annotation; ties go to the label given first.
                    let annotations = grouping.itemAnnotations[new.item]
                    for annotation in annotations { counts[Int(annotation.label)] += 1 }
                    var best = annotations[0].label
                    for annotation in annotations where counts[Int(annotation.label)] > counts[Int(best)] { best = annotation.label }
                    for annotation in annotations { counts[Int(annotation.label)] = 0 }
                    label = labelNames[Int(best)]
                }
                try register(label)
                insertSample.reset()
                try insertSample.bind([
                    .integer(firstNewID + Int64(k)), .integer(ingestID), .integer(Int64(new.line)), new.externalID.map { .text($0) } ?? .null,
                    .text(new.text), new.textPair.map { .text($0) } ?? .null, .text(label), new.metadata.map { .text($0) } ?? .null,
                ])
                try insertSample.runToEnd()
            }
            summary.rowsNew = grouping.pending.count
            summary.rowsDuplicate = grouping.itemAnnotations.count - grouping.pending.count
            let insertReject = try database.prepare(
                "INSERT INTO rejected_rows (ingest_id, line, reason, raw) VALUES (?, ?, ?, ?)")
            for reject in rejects {
                insertReject.reset()
                try insertReject.bind([.integer(ingestID), .integer(Int64(reject.line)), .text(reject.reason), .text(reject.raw)])
                try insertReject.runToEnd()
            }
            summary.rowsRejected = rejects.count
            summary.firstRejects = Array(rejects.prefix(10))
            summary.seconds = Date().timeIntervalSince(started)
            let range: (SQLValue, SQLValue) = grouping.pending.isEmpty ? (.null, .null)
                : (.integer(firstNewID), .integer(firstNewID + Int64(grouping.pending.count) - 1))
            try database.run(
                """
                UPDATE ingests SET finished_at = ?, columns = ?, rows_read = ?, rows_new = ?, rows_duplicate = ?, rows_rejected = ?,
                                   first_sample_id = ?, last_sample_id = ?
                WHERE id = ?
                """,
                [.text(Timestamp.now()), .text(grouping.describedColumns.jsonText), .integer(Int64(summary.rowsRead)), .integer(Int64(summary.rowsNew)),
                 .integer(Int64(summary.rowsDuplicate)), .integer(Int64(summary.rowsRejected)), range.0, range.1, .integer(ingestID)])
        } }
        return summary
    }

    /// The annotations of a dataset's samples (optionally some splits), grouped by sample in
    /// store order.
    package func annotations(dataset: Int64, splits: [String]? = nil) throws -> StoredAnnotations {
        var result = StoredAnnotations()
        var annotatorSlot: [Int64: Int32] = [:]
        for row in try database.rows("SELECT id, name FROM annotators WHERE dataset_id = ? ORDER BY id", [.integer(dataset)]) {
            annotatorSlot[try row.int64(0)] = Int32(result.annotators.count)
            result.annotators.append(try row.string(1))
        }
        result.labels = try labels(dataset: dataset)
        let labelSlot = Dictionary(uniqueKeysWithValues: result.labels.enumerated().map { ($1, Int32($0)) })
        let statement = try database.prepare(
            "SELECT sample_id, annotator_id, label FROM annotations WHERE sample_id BETWEEN ? AND ? ORDER BY sample_id, annotator_id")
        for range in try sampleIDRanges(dataset: dataset, splits: splits) {
            statement.reset()
            try statement.bind([.integer(range.lowerBound), .integer(range.upperBound)])
            while let row = try statement.step() {
                let sample = try row.int64(0)
                if result.sampleIDs.last != sample { result.sampleIDs.append(sample) }
                guard let annotator = annotatorSlot[try row.int64(1)], let label = labelSlot[try row.string(2)] else {
                    throw StoreError.inconsistent("annotation of sample \(sample) by an unknown annotator or with an unknown label")
                }
                result.item.append(Int32(result.sampleIDs.count - 1))
                result.annotator.append(annotator)
                result.label.append(label)
            }
        }
        return result
    }

    /// Each annotation's own metadata (`IngestOptions.annotationMeta`), by sample and annotator
    /// name, for the annotations that have any.
    package func annotationMetadata(dataset: Int64) throws -> [Int64: [String: String]] {
        var out: [Int64: [String: String]] = [:]
        for row in try database.rows("""
            SELECT a.sample_id, n.name, a.metadata FROM annotations a JOIN annotators n ON n.id = a.annotator_id
            WHERE n.dataset_id = ? AND a.metadata IS NOT NULL
            """, [.integer(dataset)]) {
            out[try row.int64(0), default: [:]][try row.string(1)] = try row.string(2)
        }
        return out
    }

    /// The number of annotations stored for a dataset.
    package func annotationCount(dataset: Int64) throws -> Int {
        try database.row(
            "SELECT count(*) FROM annotations a JOIN annotators n ON n.id = a.annotator_id WHERE n.dataset_id = ?",
            [.integer(dataset)]).map { try $0.int(0) } ?? 0
    }

    /// Annotator ids of a dataset by name.
    package func annotatorIDs(dataset: Int64) throws -> [String: Int64] {
        var ids: [String: Int64] = [:]
        for row in try database.rows("SELECT id, name FROM annotators WHERE dataset_id = ?", [.integer(dataset)]) {
            ids[try row.string(1)] = try row.int64(0)
        }
        return ids
    }
}

/// A dataset's annotations as parallel arrays, one entry per annotation, grouped by item.
package struct StoredAnnotations: Sendable {
    package var annotators: [String] = []
    package var labels: [String] = []
    /// The store ids of the annotated samples, ascending; an item is a position here.
    package var sampleIDs: [Int64] = []
    package var item: [Int32] = []
    package var annotator: [Int32] = []
    package var label: [Int32] = []

    package init() {}
}

/// One sample's consensus in a `dq consensus` run.
package struct ConsensusRow: Sendable, Equatable {
    package var sampleID: Int64
    package var label: String
    package var quality: Double
    package var agreement: Double
    package var annotations: Int

    package init(sampleID: Int64, label: String, quality: Double, agreement: Double, annotations: Int) {
        (self.sampleID, self.label, self.quality, self.agreement, self.annotations) = (sampleID, label, quality, agreement, annotations)
    }
}

/// One annotator's quality in a `dq consensus` run.
package struct AnnotatorQualityRow: Sendable, Equatable {
    package var annotatorID: Int64
    package var quality: Double?
    package var agreement: Double?
    package var worstLabel: String?
    package var items: Int

    package init(annotatorID: Int64, quality: Double?, agreement: Double?, worstLabel: String?, items: Int) {
        (self.annotatorID, self.quality, self.agreement, self.worstLabel, self.items) = (annotatorID, quality, agreement, worstLabel, items)
    }
}

extension Store {
    package func writeConsensus(run: Int64, samples: [ConsensusRow], annotators: [AnnotatorQualityRow]) throws {
        let insert = try database.prepare(
            "INSERT INTO consensus_samples (run_id, sample_id, label, quality, agreement, annotations) VALUES (?, ?, ?, ?, ?, ?)")
        for row in samples {
            insert.reset()
            try insert.bind([.integer(run), .integer(row.sampleID), .text(row.label), .real(row.quality), .real(row.agreement),
                             .integer(Int64(row.annotations))])
            try insert.runToEnd()
        }
        let annotator = try database.prepare(
            "INSERT INTO consensus_annotators (run_id, annotator_id, quality, agreement, worst_label, items) VALUES (?, ?, ?, ?, ?, ?)")
        for row in annotators {
            annotator.reset()
            try annotator.bind([.integer(run), .integer(row.annotatorID), row.quality.map { .real($0) } ?? .null,
                                row.agreement.map { .real($0) } ?? .null, row.worstLabel.map { .text($0) } ?? .null, .integer(Int64(row.items))])
            try annotator.runToEnd()
        }
    }

    package func consensusRows(run: Int64) throws -> [ConsensusRow] {
        try database.rows("SELECT sample_id, label, quality, agreement, annotations FROM consensus_samples WHERE run_id = ? ORDER BY sample_id",
                          [.integer(run)]).map {
            ConsensusRow(sampleID: try $0.int64(0), label: try $0.string(1), quality: try $0.double(2), agreement: try $0.double(3),
                         annotations: try $0.int(4))
        }
    }

    /// A new dataset `name` holding a copy of `samples` (store ids, ascending) of dataset
    /// `source`, each with the label `labels` gives it, and their annotations: one ingest, one
    /// transaction. `origin` is recorded as the ingest's file.
    @discardableResult
    package func deriveDataset(_ name: String, from source: Int64, samples: [Int64], labels: [Int64: String], origin: String) throws -> Int64 {
        guard try datasetID(named: name) == nil else { throw StoreError.datasetExists(name) }
        return try database.inTransaction {
            let dataset = try ensureDataset(name)
            let now = Timestamp.now()
            var names: [String] = []
            var seen = Set<String>()
            for label in try self.labels(dataset: source) + samples.compactMap({ labels[$0] }) where seen.insert(label).inserted { names.append(label) }
            for (position, label) in names.enumerated() {
                try database.run("INSERT INTO labels (dataset_id, name, position) VALUES (?, ?, ?)", [.integer(dataset), .text(label), .integer(Int64(position))])
            }
            try database.run("INSERT INTO annotators (dataset_id, name) SELECT ?, name FROM annotators WHERE dataset_id = ? ORDER BY id",
                             [.integer(dataset), .integer(source)])
            // One ingest per split, as an ingest's samples are one split with consecutive ids.
            let splitOf = try database.prepare("SELECT i.split, i.columns FROM samples s JOIN ingests i ON i.id = s.ingest_id WHERE s.id = ?")
            var bySplit: [(split: String, columns: String, samples: [Int64])] = []
            for sample in samples {
                splitOf.reset()
                try splitOf.bind([.integer(sample)])
                guard let row = try splitOf.step() else { throw StoreError.inconsistent("no sample \(sample)") }
                let split = try row.string(0)
                if let k = bySplit.firstIndex(where: { $0.split == split }) { bySplit[k].samples.append(sample) } else {
                    bySplit.append((split, try row.string(1), [sample]))
                }
            }
            let copy = try database.prepare("""
                INSERT INTO samples (ingest_id, source_row, external_id, text, text_pair, label, metadata)
                SELECT ?, source_row, external_id, text, text_pair, coalesce(?, label), metadata FROM samples WHERE id = ?
                """)
            let copyAnnotations = try database.prepare("""
                INSERT INTO annotations (sample_id, annotator_id, label, annotated_at, ingest_id, metadata)
                SELECT ?, m.id, a.label, a.annotated_at, ?, a.metadata FROM annotations a
                JOIN annotators o ON o.id = a.annotator_id JOIN annotators m ON m.dataset_id = ? AND m.name = o.name
                WHERE a.sample_id = ?
                """)
            for part in bySplit {
                try database.run(
                    """
                    INSERT INTO ingests (dataset_id, split, file, format, columns, started_at, finished_at, rows_read, rows_new, rows_duplicate, rows_rejected)
                    VALUES (?, ?, ?, 'derived', ?, ?, ?, 0, 0, 0, 0)
                    """, [.integer(dataset), .text(part.split), .text(origin), .text(part.columns), .text(now), .text(now)])
                let ingest = database.lastInsertRowID
                var first: Int64?, last: Int64?
                for sample in part.samples {
                    copy.reset()
                    try copy.bind([.integer(ingest), labels[sample].map { .text($0) } ?? .null, .integer(sample)])
                    try copy.runToEnd()
                    let id = database.lastInsertRowID
                    if first == nil { first = id }
                    last = id
                    copyAnnotations.reset()
                    try copyAnnotations.bind([.integer(id), .integer(ingest), .integer(dataset), .integer(sample)])
                    try copyAnnotations.runToEnd()
                }
                try database.run("UPDATE ingests SET rows_read = ?, rows_new = ?, first_sample_id = ?, last_sample_id = ? WHERE id = ?",
                                 [.integer(Int64(part.samples.count)), .integer(Int64(part.samples.count)), first.map { .integer($0) } ?? .null,
                                  last.map { .integer($0) } ?? .null, .integer(ingest)])
            }
            return dataset
        }
    }
}


extension Store {
    /// A consensus run's annotator rows with the annotators' names, least reliable first.
    package func consensusAnnotators(run: Int64) throws -> [(name: String, row: AnnotatorQualityRow)] {
        try database.rows("""
            SELECT c.annotator_id, n.name, c.quality, c.agreement, c.worst_label, c.items FROM consensus_annotators c
            JOIN annotators n ON n.id = c.annotator_id WHERE c.run_id = ? ORDER BY c.quality IS NULL, c.quality, c.agreement
            """, [.integer(run)]).map {
            (try $0.string(1), AnnotatorQualityRow(annotatorID: try $0.int64(0), quality: try $0.optionalDouble(2), agreement: try $0.optionalDouble(3),
                                                   worstLabel: try $0.optionalString(4), items: try $0.int(5)))
        }
    }
}

extension Store {
    /// Each annotator's attributes (`dq ingest --annotator-meta`), as text, by annotator name.
    package func annotatorAttributes(dataset: Int64) throws -> [String: [String: String]] {
        var out: [String: [String: String]] = [:]
        for row in try database.rows("SELECT name, attributes FROM annotators WHERE dataset_id = ? AND attributes IS NOT NULL", [.integer(dataset)]) {
            guard case .object(let members)? = try? JSONValue.parse(try row.string(1)) else { continue }
            out[try row.string(0)] = Dictionary(members.map { ($0.key, $0.value.scalarText ?? $0.value.jsonText) }, uniquingKeysWith: { first, _ in first })
        }
        return out
    }
}
