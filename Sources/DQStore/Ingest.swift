import DQText
import Foundation

/// What `Store.ingest` is asked to do with one file.
package struct IngestOptions: Sendable {
    /// The dataset to add to; nil means the file's stem (`reviews.csv` → `reviews`).
    package var dataset: String?
    package var split: String
    /// nil: chosen by the file's extension.
    package var format: InputFormat?
    package var columns: ColumnRequest
    /// Abort (and change nothing) at the first bad row instead of recording it as rejected.
    package var strict: Bool
    /// Without a split column named (`columns.split`) or a split given: a column named `split`
    /// names each row's split (`IngestRun` looks for it).
    package var recogniseSplitColumn = false
    /// Long format: metadata columns that describe the row's annotator (a profile), kept as the
    /// annotator's attributes instead of the sample's metadata; they must be in `columns.meta`.
    package var annotatorMeta: [String] = []
    /// Long format: metadata columns that describe each annotation (they leave the sample's
    /// metadata and are kept with the annotation).
    package var annotationMeta: [String] = []

    package init(dataset: String? = nil, split: String = "train", format: InputFormat? = nil,
                columns: ColumnRequest = ColumnRequest(), strict: Bool = false) {
        self.dataset = dataset
        self.split = split
        self.format = format
        self.columns = columns
        self.strict = strict
    }
}

/// How far an ingest has got; handed to the progress callback.
package struct IngestProgress: Sendable {
    package var rowsRead: Int
    package var bytesRead: Int
    package var fileSize: Int?
    package var elapsed: Double
}

/// What one file's ingest did.
package struct IngestSummary: Sendable {
    package var file: String
    package var dataset: String
    package var split: String
    package var format: InputFormat
    package var rowsRead: Int
    package var rowsNew: Int
    package var rowsDuplicate: Int
    package var rowsRejected: Int
    /// The first rejected rows (at most 10), for the summary.
    package var firstRejects: [RejectedRow]
    package var seconds: Double
    /// False when no two samples of the dataset can share an id: it was empty before this file,
    /// and the file's new rows have distinct ids (`repeatedExternalIDs` need not be asked).
    package var mayRepeatIDs = true
    /// Files with annotators: annotations added, annotations already stored, annotators seen.
    /// (`rowsNew` then counts new samples, `rowsDuplicate` items already stored.)
    package var annotationsNew = 0
    package var annotationsDuplicate = 0
    package var annotators = 0
    /// The file's columns that no role uses and that are not kept as metadata.
    package var unusedColumns: [String] = []
    /// Labels the dataset did not have before this file, with the line that brought each.
    package var newLabels: [(label: String, line: Int)] = []
    /// The samples this file added per label (per combination, for multi-label data), counted
    /// while reading; nil where they were not counted (files with annotators).
    package var newSamplesByLabel: [String: Int]?
    /// Whether the dataset held no samples before this file.
    package var datasetWasEmpty = false
    /// With annotators: a metadata column whose value differs between rows of one sample.
    package var varyingMetadata: VaryingMetadata?
    /// An annotator attribute that differs between two rows of one annotator (the first is kept).
    package var varyingAttribute: VaryingMetadata?

    package struct VaryingMetadata: Sendable, Equatable {
        package var column: String
        /// The sample's id (or the start of its text).
        package var sample: String
        package var line: Int
        package var firstLine: Int
    }
}

/// A failure that aborted an ingest; the store is as it was before the file.
package enum IngestError: Error, CustomStringConvertible {
    case strictReject(file: String, row: RejectedRow)

    package var description: String {
        switch self {
        case let .strictReject(file, row):
            return "\(file):\(row.line): \(row.reason) (strict: nothing from this file was stored)"
        }
    }
}

extension Store {
    /// Adds the rows of one file to the store, in one transaction: an error, including one
    /// thrown by `progress`, leaves the store as it was before the file.
    ///
    /// A row is stored once: its content hash covers the split, its id (or, without an id
    /// column, its line), its text(s) and its label, so ingesting the same file again adds
    /// nothing. Bad rows are stored as rejected with their line and reason.
    ///
    /// `progress` is called every few thousand rows; throwing from it aborts the ingest.
    @discardableResult
    package func ingest(
        file: String, options: IngestOptions = IngestOptions(),
        progress: ((IngestProgress) throws -> Void)? = nil
    ) throws -> IngestSummary {
        if options.columns.hasAnnotators || [.labelStudio, .doccano].contains(options.format ?? InputFormat(path: file)) {
            return try ingestAnnotated(file: file, options: options, progress: progress)
        }
        let started = Date()
        let reader = try LabelledRowReader(path: file, format: options.format, columns: options.columns)
        let datasetName = options.dataset ?? Store.stem(of: file)
        if let problem = Names.problem(datasetName) {
            throw InputError(file: file, message: "'\(datasetName.visibleEscaped)' cannot be a dataset's name: \(problem)", remedy: .nameDataset)
        }
        let fileSize = reader.fileSize
        var summary = IngestSummary(
            file: file, dataset: datasetName, split: options.split, format: reader.format,
            rowsRead: 0, rowsNew: 0, rowsDuplicate: 0, rowsRejected: 0, firstRejects: [], seconds: 0)

        try asBulkAppend { try database.inTransaction {
            let dataset = try ensureDataset(datasetName)
            try database.run(
                """
                INSERT INTO ingests (dataset_id, split, file, format, columns, started_at, finished_at,
                                     rows_read, rows_new, rows_duplicate, rows_rejected)
                VALUES (?, ?, ?, ?, '{}', ?, ?, 0, 0, 0, 0)
                """,
                [.integer(dataset), .text(options.split), .text(file), .text(reader.format.rawValue),
                 .text(Timestamp.string(from: started)), .text(Timestamp.string(from: started))])
            let ingestID = database.lastInsertRowID
            summary.datasetWasEmpty = try sampleIDRanges(dataset: dataset).isEmpty

            let triage = RowTriage(
                hashes: try ContentHashSet(database: database, dataset: dataset),
                labels: try labels(dataset: dataset), split: options.split, expectedRows: reader.statedRowCount)
            let multiLabel = options.columns.multiLabel
            let storedMultiLabel = try database.row("SELECT multi_label FROM datasets WHERE id = ?", [.integer(dataset)])?.int(0) == 1
            if storedMultiLabel != multiLabel, try sampleCount(dataset: dataset) > 0 {
                throw InputError(file: file, message: "dataset \(datasetName) holds \(storedMultiLabel ? "multi-label" : "single-label") samples, so the file's labels must be read "
                                     + "\(storedMultiLabel ? "as lists" : "as single labels") too, or the file ingested into another dataset",
                                 remedy: .multiLabel(storedMultiLabel))
            }
            if multiLabel { try database.run("UPDATE datasets SET multi_label = 1 WHERE id = ?", [.integer(dataset)]) }
            var knownLabels = Set(try labels(dataset: dataset))
            var firstLine: [String: Int] = [:]
            let insertLabel = try database.prepare(
                "INSERT INTO labels (dataset_id, name, position) VALUES (?, ?, (SELECT count(*) FROM labels WHERE dataset_id = ?))")
            let insertSample = try database.prepare("""
                INSERT INTO samples (ingest_id, source_row, external_id, text, text_pair, label, metadata)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            let insertReject = try database.prepare(
                "INSERT INTO rejected_rows (ingest_id, line, reason, raw) VALUES (?, ?, ?, ?)")

            var firstSample: Int64?
            var lastSample: Int64?
            let pipeline = RowPipeline(reader: reader, triage: triage)
            defer { pipeline.stop() }
            while let batch = try pipeline.next() {
                try batch.rows.withFields { fields in
                    // The sample's text parameters point into the batch, which goes back to the pipeline.
                    defer { insertSample.clearBindings() }
                    for (row, disposition) in batch.dispositions.enumerated() {
                        summary.rowsRead += 1
                        switch disposition {
                        case .rejected:
                            let reject = batch.rows.rejected(row)!
                            if options.strict { throw IngestError.strictReject(file: file, row: reject) }
                            summary.rowsRejected += 1
                            if summary.firstRejects.count < 10 { summary.firstRejects.append(reject) }
                            insertReject.reset()
                            try insertReject.bind([.integer(ingestID), .integer(Int64(reject.line)), .text(reject.reason), .text(reject.raw)])
                            try insertReject.runToEnd()
                        case .duplicate:
                            summary.rowsDuplicate += 1
                        case .new, .newWithNewLabel:
                            if disposition == .newWithNewLabel {
                                let label = batch.rows.string(.label, of: row)!
                                // Multi-label: a new combination may bring new single labels.
                                for name in multiLabel ? label.split(separator: ";").map(String.init) : [label] where knownLabels.insert(name).inserted {
                                    firstLine[name] = batch.rows.lines[row]
                                    insertLabel.reset()
                                    try insertLabel.bind([.integer(dataset), .text(name), .integer(dataset)])
                                    try insertLabel.runToEnd()
                                }
                            }
                            insertSample.reset()
                            try insertSample.bind(ingestID, at: 1)
                            try insertSample.bind(Int64(batch.rows.lines[row]), at: 2)
                            try insertSample.bindUnretained(fields[.externalID, row], at: 3)
                            try insertSample.bindUnretained(fields[.text, row], at: 4)
                            try insertSample.bindUnretained(fields[.textPair, row], at: 5)
                            try insertSample.bindUnretained(fields[.label, row], at: 6)
                            try insertSample.bindUnretained(fields[.metadata, row], at: 7)
                            try insertSample.runToEnd()
                            if summary.rowsNew == 0 { firstSample = database.lastInsertRowID }
                            lastSample = database.lastInsertRowID
                            summary.rowsNew += 1
                        }
                    }
                }
                if let progress {
                    try progress(IngestProgress(
                        rowsRead: summary.rowsRead, bytesRead: batch.bytesRead, fileSize: fileSize,
                        elapsed: Date().timeIntervalSince(started)))
                }
                pipeline.recycle(batch)
            }
            pipeline.stop()  // the reader and the triage belong to the pipeline's thread until then
            if multiLabel, let columns = reader.columns, columns.indicators.isEmpty, !knownLabels.isEmpty, knownLabels.isSubset(of: ["0", "1"]) {
                throw InputError(file: file, column: columns.label + 1,
                                 message: "column '\(columns.columns[columns.label])' holds only 0 and 1, which as label lists are the labels '0' and '1'; "
                                     + "for one 0/1 column per label, name them with --label-columns a,b,c or --label-prefix P (nothing was stored)")
            }
            if multiLabel, let columns = reader.columns {
                // A label that is other labels joined by a separator dq does not read ("a|b" where
                // "a" and "b" are labels) is a list written wrong: refuse the file.
                for (name, line) in firstLine.sorted(by: { $0.value < $1.value }) {
                    for separator in [",", "|", "/", "+"] where name.contains(separator) {
                        let parts = name.split(separator: Character(separator)).map { String($0).trimmingWhitespace() }
                        if parts.count > 1 && parts.allSatisfy({ knownLabels.contains($0) }) {
                            throw InputError(file: file, line: line, column: columns.label + 1,
                                             message: "label '\(name)' looks like a list of \(parts.joined(separator: ", ")) separated by '\(separator)'; "
                                                 + "write label lists as \(parts.joined(separator: ";")) or as a JSON array (nothing was stored)")
                        }
                    }
                }
            }
            summary.newLabels = firstLine.sorted { $0.value < $1.value }.map { ($0.key, $0.value) }
            summary.newSamplesByLabel = triage.newRowsByLabel
            try triage.hashes.save(database: database, dataset: dataset, ingest: ingestID)
            summary.mayRepeatIDs = triage.mayRepeatIDs
            if let columns = reader.columns {
                let used = Set(columns.roleColumns + columns.meta + columns.annotators)
                summary.unusedColumns = columns.columns.indices.filter { !used.contains($0) }.map { columns.columns[$0] }
                try database.run("UPDATE ingests SET columns = ? WHERE id = ?",
                                 [.text(Store.describe(columns).jsonText), .integer(ingestID)])
            }
            summary.seconds = Date().timeIntervalSince(started)
            try database.run(
                """
                UPDATE ingests SET finished_at = ?, rows_read = ?, rows_new = ?, rows_duplicate = ?, rows_rejected = ?,
                                   first_sample_id = ?, last_sample_id = ?
                WHERE id = ?
                """,
                [.text(Timestamp.now()), .integer(Int64(summary.rowsRead)), .integer(Int64(summary.rowsNew)),
                 .integer(Int64(summary.rowsDuplicate)), .integer(Int64(summary.rowsRejected)),
                 firstSample.map { .integer($0) } ?? .null, lastSample.map { .integer($0) } ?? .null, .integer(ingestID)])
            if let firstSample, let lastSample, lastSample - firstSample + 1 != Int64(summary.rowsNew) {
                throw StoreError.inconsistent("ingest \(ingestID) added \(summary.rowsNew) samples with ids \(firstSample)…\(lastSample)")
            }
        } }
        return summary
    }

    /// Adds the rows of a file with a split column (`options.columns.split`): a first reading
    /// lists the splits in order of first appearance, then each split is one ingest (a split's
    /// samples have consecutive ids), all in one transaction. Rows whose split cell is empty or
    /// cannot be a split's name are rejected, with the reason, in the first split's ingest.
    package func ingestBySplit(
        file: String, options: IngestOptions, progress: ((IngestProgress) throws -> Void)? = nil
    ) throws -> [IngestSummary] {
        guard let column = options.columns.split else { return [try ingest(file: file, options: options, progress: progress)] }
        var listing = options.columns
        listing.splitFilter = SplitFilter.none
        let reader = try LabelledRowReader(path: file, format: options.format, columns: listing)
        while try reader.next() != nil {}
        guard !reader.splitsSeen.isEmpty else {
            throw InputError(file: file, message: "no row names a split in column '\(column)'; leave the column out with --split NAME", remedy: .nameColumn(.split))
        }
        // Bulk-append settings (foreign keys off while annotations wait for their samples) are
        // set before the transaction: inside one, SQLite ignores them.
        return try asBulkAppend { try database.inTransaction {
            try reader.splitsSeen.enumerated().map { k, split in
                var options = options
                options.split = split
                options.columns.splitFilter = .only(split, unsplit: k == 0)
                return try ingest(file: file, options: options, progress: progress)
            }
        } }
    }

    static func stem(of path: String) -> String {
        let name = URL(fileURLWithPath: path).lastPathComponent
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    static func describe(_ columns: ResolvedColumns) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("text", .string(columns.columns[columns.text])),
            ("label", .string(columns.labelFromAnnotators ? "(the annotators' majority)" : columns.columns[columns.label])),
        ]
        if let pair = columns.textPair { members.append(("text_pair", .string(columns.columns[pair]))) }
        if let id = columns.id { members.append(("id", .string(columns.columns[id]))) }
        members.append(("meta", .array(columns.meta.map { .string(columns.columns[$0]) })))
        if columns.multiLabel { members.append(("multi_label", .bool(true))) }
        if let annotator = columns.annotator { members.append(("annotator", .string(columns.columns[annotator]))) }
        if let split = columns.split { members.append(("split", .string(columns.columns[split]))) }
        if !columns.annotators.isEmpty { members.append(("annotators", .array(columns.annotators.map { .string(columns.columns[$0]) }))) }
        if let time = columns.annotationTime { members.append(("annotation_time", .string(columns.columns[time]))) }
        return .object(members)
    }
}
