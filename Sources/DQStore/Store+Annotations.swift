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
    /// One item of an annotated file, while it is read.
    private struct PendingItem {
        var line: Int
        var externalID: String?
        var text: String
        var textPair: String?
        var givenLabel: String
        var metadata: String?
        /// (annotator index, label index, line, time), in file order.
        var annotations: [(annotator: Int32, label: Int32, line: Int32, time: String?)] = []
        /// The stored sample this item adds to, if any.
        var existing: Int64?
    }

    func ingestAnnotated(file: String, options: IngestOptions,
                         progress: ((IngestProgress) throws -> Void)?) throws -> IngestSummary {
        let started = Date()
        let format = options.format ?? InputFormat(path: file) ?? .csv
        let datasetName = options.dataset ?? Store.stem(of: file)
        var summary = IngestSummary(
            file: file, dataset: datasetName, split: options.split, format: format,
            rowsRead: 0, rowsNew: 0, rowsDuplicate: 0, rowsRejected: 0, firstRejects: [], seconds: 0)

        var annotatorNames: [String] = [], annotatorIndex: [String: Int32] = [:]
        var labelNames: [String] = [], labelIndex: [String: Int32] = [:]
        func index(_ name: String, in names: inout [String], _ lookup: inout [String: Int32]) -> Int32 {
            if let known = lookup[name] { return known }
            let next = Int32(names.count)
            names.append(name)
            lookup[name] = next
            return next
        }
        var items: [PendingItem] = []
        var itemOfKey: [String: Int] = [:]
        var rejects: [RejectedRow] = []
        var emptyAnnotatorRows = 0
        var describedColumns: JSONValue = .object([])
        var labelColumn = 0
        var annotatorColumns: [(name: String, position: Int)] = []

        /// The 1-based column holding an annotator's label, for messages.
        func column(of annotator: String) -> Int? {
            if annotatorColumns.count == 1 && format != .labelStudio { return labelColumn + 1 }
            return annotatorColumns.first { $0.name == annotator }.map { $0.position + 1 }
        }

        func add(_ row: LabelledRow) throws {
            let key = row.externalID.map { "i" + $0 } ?? ("t" + row.text + "\u{0}" + (row.textPair ?? ""))
            let item: Int
            if let known = itemOfKey[key] {
                item = known
                if items[item].text != row.text || items[item].textPair != row.textPair {
                    throw InputError(file: file, line: row.line, message: "id '\(row.externalID ?? "")' was given a different text on line \(items[item].line); "
                                         + "rows with the same id are annotations of one sample and must agree on its text")
                }
            } else {
                item = items.count
                itemOfKey[key] = item
                items.append(PendingItem(
                    line: row.line, externalID: row.externalID, text: row.text, textPair: row.textPair, givenLabel: row.label,
                    metadata: row.metadata.isEmpty ? nil : JSONValue.object(row.metadata).jsonText))
            }
            for annotation in row.annotations {
                let annotator = index(annotation.annotator, in: &annotatorNames, &annotatorIndex)
                let label = index(annotation.label, in: &labelNames, &labelIndex)
                if let earlier = items[item].annotations.first(where: { $0.annotator == annotator }) {
                    if earlier.label == label { summary.annotationsDuplicate += 1; continue }
                    throw InputError(
                        file: file, line: row.line, column: column(of: annotation.annotator),
                        message: "annotator '\(annotation.annotator)' gives \(row.externalID.map { "item '\($0)'" } ?? "this text") a second label: "
                            + "'\(annotation.label)' here and '\(labelNames[Int(earlier.label)])' on line \(earlier.line); "
                            + "single-label data has one label per annotator and item")
                }
                items[item].annotations.append((annotator, label, Int32(row.line), annotation.time))
            }
        }

        // Read the whole file first: an item's rows may be anywhere in it, and the samples one
        // ingest adds must have consecutive ids.
        if format == .labelStudio {
            for row in try LabelStudioExport.read(path: file, columns: options.columns) {
                summary.rowsRead += 1
                if row.annotations.isEmpty {
                    let reject = RejectedRow(line: row.line, reason: "task \(row.externalID ?? "?") has no annotation with a choice", raw: row.text)
                    if options.strict { throw IngestError.strictReject(file: file, row: reject) }
                    rejects.append(reject)
                    continue
                }
                try add(row)
            }
            describedColumns = .object([("label_studio", .string(options.columns.label ?? "choices"))])
        } else {
            let reader = try LabelledRowReader(path: file, format: format, columns: options.columns)
            while let outcome = try reader.next() {
                guard let columns = reader.columns else { continue }
                if summary.rowsRead == 0 {
                    labelColumn = columns.label
                    annotatorColumns = columns.annotator != nil ? [(columns.columns[columns.annotator!], columns.annotator!)]
                        : zip(columns.annotatorNames, columns.annotators).map { ($0, $1) }
                    describedColumns = Store.describe(columns)
                }
                summary.rowsRead += 1
                switch outcome {
                case .accepted(let row):
                    try add(row)
                case .rejected(let reject):
                    if reject.reason.hasPrefix("no annotator in column") { emptyAnnotatorRows += 1 }
                    if options.strict { throw IngestError.strictReject(file: file, row: reject) }
                    rejects.append(reject)
                }
                if summary.rowsRead % 16_384 == 0, let progress {
                    try progress(IngestProgress(rowsRead: summary.rowsRead, bytesRead: reader.bytesConsumed,
                                                fileSize: reader.fileSize, elapsed: Date().timeIntervalSince(started)))
                }
            }
            if let columns = reader.columns {
                if emptyAnnotatorRows > 0 && emptyAnnotatorRows == summary.rowsRead, let column = columns.annotator {
                    throw InputError(file: file, column: column + 1,
                                     message: "the annotator column '\(columns.columns[column])' is empty on every row; nothing was stored")
                }
                for (k, column) in columns.annotators.enumerated() where annotatorIndex[columns.annotatorNames[k]] == nil {
                    throw InputError(file: file, column: column + 1,
                                     message: "the annotator column '\(columns.columns[column])' is empty on every row; "
                                         + "leave it out of --annotators (nothing was stored)")
                }
            }
        }
        summary.annotators = annotatorNames.count

        try asBulkAppend { try database.inTransaction {
            let dataset = try ensureDataset(datasetName)
            try database.run(
                """
                INSERT INTO ingests (dataset_id, split, file, format, columns, started_at, finished_at,
                                     rows_read, rows_new, rows_duplicate, rows_rejected)
                VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0)
                """,
                [.integer(dataset), .text(options.split), .text(file), .text(format.rawValue), .text(describedColumns.jsonText),
                 .text(Timestamp.string(from: started)), .text(Timestamp.string(from: started))])
            let ingestID = database.lastInsertRowID

            // Items already stored in this split take the new annotations.
            if try sampleCount(dataset: dataset, splits: [options.split]) > 0 {
                try forEachSample(dataset: dataset, splits: [options.split]) { sample in
                    let key = sample.externalID.map { "i" + $0 } ?? ("t" + sample.text + "\u{0}" + (sample.textPair ?? ""))
                    guard let item = itemOfKey[key] else { return }
                    if items[item].text != sample.text || items[item].textPair != sample.textPair {
                        throw InputError(file: file, line: items[item].line,
                                         message: "id '\(sample.externalID ?? "")' is stored with a different text; rows with the same id must agree on its text")
                    }
                    items[item].existing = sample.id
                }
            }

            var storedLabels = Set(try labels(dataset: dataset))
            let insertLabel = try database.prepare(
                "INSERT INTO labels (dataset_id, name, position) VALUES (?, ?, (SELECT count(*) FROM labels WHERE dataset_id = ?))")
            func register(_ label: String) throws {
                guard storedLabels.insert(label).inserted else { return }
                insertLabel.reset()
                try insertLabel.bind([.integer(dataset), .text(label), .integer(dataset)])
                try insertLabel.runToEnd()
            }
            for label in labelNames { try register(label) }

            try database.run("INSERT OR IGNORE INTO annotators (dataset_id, name) SELECT ?, value FROM json_each(?)",
                             [.integer(dataset), .text(JSONValue.array(annotatorNames.map { .string($0) }).jsonText)])
            var annotatorIDs = [Int64](repeating: 0, count: annotatorNames.count)
            for row in try database.rows("SELECT id, name FROM annotators WHERE dataset_id = ?", [.integer(dataset)]) {
                if let k = annotatorIndex[try row.string(1)] { annotatorIDs[Int(k)] = try row.int64(0) }
            }

            let insertSample = try database.prepare("""
                INSERT INTO samples (ingest_id, source_row, external_id, text, text_pair, label, metadata)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            let insertAnnotation = try database.prepare(
                "INSERT OR IGNORE INTO annotations (sample_id, annotator_id, label, annotated_at, ingest_id) VALUES (?, ?, ?, ?, ?)")
            let storedAnnotation = try database.prepare(
                "SELECT label FROM annotations WHERE sample_id = ? AND annotator_id = ?")
            var firstSample: Int64?, lastSample: Int64?
            var counts = [Int](repeating: 0, count: labelNames.count)
            for item in items.indices {
                let sampleID: Int64
                if let existing = items[item].existing {
                    sampleID = existing
                    summary.rowsDuplicate += 1
                } else {
                    var label = items[item].givenLabel
                    if label.isEmpty {
                        // The most frequent annotation; ties go to the label given first.
                        for annotation in items[item].annotations { counts[Int(annotation.label)] += 1 }
                        var best = items[item].annotations[0].label
                        for annotation in items[item].annotations where counts[Int(annotation.label)] > counts[Int(best)] {
                            best = annotation.label
                        }
                        for annotation in items[item].annotations { counts[Int(annotation.label)] = 0 }
                        label = labelNames[Int(best)]
                    }
                    try register(label)
                    insertSample.reset()
                    try insertSample.bind([
                        .integer(ingestID), .integer(Int64(items[item].line)), items[item].externalID.map { .text($0) } ?? .null,
                        .text(items[item].text), items[item].textPair.map { .text($0) } ?? .null, .text(label),
                        items[item].metadata.map { .text($0) } ?? .null,
                    ])
                    try insertSample.runToEnd()
                    sampleID = database.lastInsertRowID
                    if firstSample == nil { firstSample = sampleID }
                    lastSample = sampleID
                    summary.rowsNew += 1
                }
                for annotation in items[item].annotations {
                    let annotatorID = annotatorIDs[Int(annotation.annotator)]
                    let label = labelNames[Int(annotation.label)]
                    if items[item].existing != nil {
                        storedAnnotation.reset()
                        try storedAnnotation.bind([.integer(sampleID), .integer(annotatorID)])
                        if let row = try storedAnnotation.step() {
                            let stored = try row.string(0)
                            if stored == label { summary.annotationsDuplicate += 1; continue }
                            throw InputError(
                                file: file, line: Int(annotation.line), column: column(of: annotatorNames[Int(annotation.annotator)]),
                                message: "annotator '\(annotatorNames[Int(annotation.annotator)])' already gave this item the label '\(stored)' "
                                    + "(stored earlier); '\(label)' here would be a second label, and single-label data has one per annotator and item")
                        }
                    }
                    insertAnnotation.reset()
                    try insertAnnotation.bind(sampleID, at: 1)
                    try insertAnnotation.bind(annotatorID, at: 2)
                    try insertAnnotation.bind(label, at: 3)
                    try insertAnnotation.bind(annotation.time, at: 4)
                    try insertAnnotation.bind(ingestID, at: 5)
                    try insertAnnotation.runToEnd()
                    summary.annotationsNew += 1
                }
            }
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
            summary.mayRepeatIDs = true
            try database.run(
                """
                UPDATE ingests SET finished_at = ?, rows_read = ?, rows_new = ?, rows_duplicate = ?, rows_rejected = ?,
                                   first_sample_id = ?, last_sample_id = ?
                WHERE id = ?
                """,
                [.text(Timestamp.now()), .integer(Int64(summary.rowsRead)), .integer(Int64(summary.rowsNew)),
                 .integer(Int64(summary.rowsDuplicate)), .integer(Int64(summary.rowsRejected)),
                 firstSample.map { .integer($0) } ?? .null, lastSample.map { .integer($0) } ?? .null, .integer(ingestID)])
            if let progress {
                try progress(IngestProgress(rowsRead: summary.rowsRead, bytesRead: 0, fileSize: nil,
                                            elapsed: Date().timeIntervalSince(started)))
            }
        } }
        return summary
    }

    /// The annotations of a dataset's samples (optionally some splits), grouped by sample in
    /// store order.
    public func annotations(dataset: Int64, splits: [String]? = nil) throws -> StoredAnnotations {
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

    /// The number of annotations stored for a dataset.
    public func annotationCount(dataset: Int64) throws -> Int {
        try database.row(
            "SELECT count(*) FROM annotations a JOIN annotators n ON n.id = a.annotator_id WHERE n.dataset_id = ?",
            [.integer(dataset)]).map { try $0.int(0) } ?? 0
    }

    /// Annotator ids of a dataset by name.
    public func annotatorIDs(dataset: Int64) throws -> [String: Int64] {
        var ids: [String: Int64] = [:]
        for row in try database.rows("SELECT id, name FROM annotators WHERE dataset_id = ?", [.integer(dataset)]) {
            ids[try row.string(1)] = try row.int64(0)
        }
        return ids
    }
}

/// A dataset's annotations as parallel arrays, one entry per annotation, grouped by item.
public struct StoredAnnotations: Sendable {
    public var annotators: [String] = []
    public var labels: [String] = []
    /// The store ids of the annotated samples, ascending; an item is a position here.
    public var sampleIDs: [Int64] = []
    public var item: [Int32] = []
    public var annotator: [Int32] = []
    public var label: [Int32] = []

    public init() {}
}

/// One sample's consensus in a `dq consensus` run.
public struct ConsensusRow: Sendable, Equatable {
    public var sampleID: Int64
    public var label: String
    public var quality: Double
    public var agreement: Double
    public var annotations: Int

    public init(sampleID: Int64, label: String, quality: Double, agreement: Double, annotations: Int) {
        (self.sampleID, self.label, self.quality, self.agreement, self.annotations) = (sampleID, label, quality, agreement, annotations)
    }
}

/// One annotator's quality in a `dq consensus` run.
public struct AnnotatorQualityRow: Sendable, Equatable {
    public var annotatorID: Int64
    public var quality: Double?
    public var agreement: Double?
    public var worstLabel: String?
    public var items: Int

    public init(annotatorID: Int64, quality: Double?, agreement: Double?, worstLabel: String?, items: Int) {
        (self.annotatorID, self.quality, self.agreement, self.worstLabel, self.items) = (annotatorID, quality, agreement, worstLabel, items)
    }
}

extension Store {
    public func writeConsensus(run: Int64, samples: [ConsensusRow], annotators: [AnnotatorQualityRow]) throws {
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

    public func consensusRows(run: Int64) throws -> [ConsensusRow] {
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
    public func deriveDataset(_ name: String, from source: Int64, samples: [Int64], labels: [Int64: String], origin: String) throws -> Int64 {
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
                INSERT INTO annotations (sample_id, annotator_id, label, annotated_at, ingest_id)
                SELECT ?, m.id, a.label, a.annotated_at, ? FROM annotations a
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
