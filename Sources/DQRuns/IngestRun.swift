import Foundation
import DQAnalyses
import DQReports
import DQStore
import DQText

/// `dq ingest`: files into the store, each in its own transaction, with progress and the
/// first rejected rows told to the observer.
package enum IngestRun {
    package typealias Format = InputFormat

    /// What to read and how: the columns by name (nil: recognised by name), where the rows go.
    package struct Options: Sendable {
        /// The dataset to add the rows to; nil: each file's name without extension.
        package var dataset: String?
        /// Every row's split; nil: each row's from the file's split column if it has one (named
        /// by `splitColumn`, or a column named `split`), else `train`.
        package var split: String?
        /// The column naming each row's split.
        package var splitColumn: String?
        /// nil: from the file's extension.
        package var format: Format?
        package var text: String?
        package var textPair: String?
        package var label: String?
        package var id: String?
        /// Further columns kept as metadata.
        package var meta: [String] = []
        /// Every column not otherwise used is kept as metadata.
        package var allMeta = false
        /// The label column holds label lists (a;b or a JSON array).
        package var multiLabel = false
        /// Multi-label data as one 0/1 column per label: these columns…
        package var labelColumns: [String]?
        /// …or every column starting with this prefix.
        package var labelPrefix: String?
        /// Long format: the column naming each row's annotator.
        package var annotator: String?
        /// Wide format: the annotators' columns…
        package var annotators: [String]?
        /// …or the prefix of every annotator's column.
        package var annotatorPrefix: String?
        /// Long format: when each annotation was made.
        package var annotationTime: String?
        /// Long format: columns describing each row's annotator (a profile), kept per annotator.
        package var annotatorMeta: [String]?
        /// Long format: columns describing each annotation (ConvAbuse's abuse types), kept per annotation.
        package var annotationMeta: [String]?
        /// Stop at the first bad row and store nothing from that file.
        package var strict = false

        package init() {}

        package func validate() throws(OptionError) {
            if !meta.isEmpty && allMeta { throw OptionError("give either {meta} or {allMeta}, not both") }
            if let split {
                if split.isBlank || split.contains(",") { throw OptionError("{split} must be one name, not empty and without commas") }
                if let problem = Names.problem(split) { throw OptionError("{split} '\(split.visibleEscaped)' cannot be a split: \(problem)") }
            }
            if split != nil && splitColumn != nil { throw OptionError("give {split} (every row in one split) or {splitColumn} (each row's split from a column), not both") }
            if splitColumn != nil && (format == .labelStudio || format == .doccano) {
                throw OptionError("{splitColumn} reads tables (CSV, TSV, JSON Lines, Parquet, Arrow), not annotation tools' exports")
            }
            if let dataset, dataset.isBlank { throw OptionError("{dataset} must not be empty") }
            if let dataset, let problem = Names.problem(dataset) { throw OptionError("{dataset} '\(dataset.visibleEscaped)' cannot be a dataset's name: \(problem)") }
            if let annotators, annotators.isEmpty { throw OptionError("{annotators} names no column; give the annotators' columns, a,b,c") }
            if annotator != nil && (annotators != nil || annotatorPrefix != nil) {
                throw OptionError("give {annotator} (long format) or {annotators}/{annotatorPrefix} (wide format), not both")
            }
            if annotationTime != nil && annotator == nil { throw OptionError("{annotationTime} goes with {annotator} (long format)") }
            if annotatorMeta != nil && annotator == nil { throw OptionError("{annotatorMeta} goes with {annotator} (long format: one row per annotation)") }
            if annotationMeta != nil && annotator == nil { throw OptionError("{annotationMeta} goes with {annotator} (long format: one row per annotation)") }
            if let both = annotationMeta?.first(where: { annotatorMeta?.contains($0) == true }) {
                throw OptionError("{annotatorMeta} and {annotationMeta} both name '\(both)'; a column describes the annotator or the annotation")
            }
            if labelColumns != nil || labelPrefix != nil {
                if label != nil { throw OptionError("give {label} (one column of labels) or {labelColumns}/{labelPrefix} (a 0/1 column per label), not both") }
                if labelColumns?.isEmpty == true { throw OptionError("{labelColumns} names no column; give the labels' columns, a,b,c") }
                if annotator != nil || annotators != nil || annotatorPrefix != nil {
                    throw OptionError("multi-label data with several annotators is not read yet: give {labelColumns} or annotators, not both")
                }
            }
            if multiLabel && (annotator != nil || annotators != nil || annotatorPrefix != nil) {
                throw OptionError("multi-label data with several annotators is not read yet: give {multiLabel} or annotators, not both")
            }
        }

        /// The store's ingest options.
        var ingest: IngestOptions {
            var columns = ColumnRequest(text: text, textPair: textPair, label: label, id: id, meta: meta, allMeta: allMeta, annotator: annotator,
                                        annotators: annotators ?? [], annotatorPrefix: annotatorPrefix, annotationTime: annotationTime)
            columns.multiLabel = multiLabel || labelColumns != nil || labelPrefix != nil
            (columns.labelColumns, columns.labelPrefix) = (labelColumns ?? [], labelPrefix)
            columns.split = splitColumn
            columns.meta += (annotatorMeta ?? []).filter { !columns.meta.contains($0) }
            columns.meta += (annotationMeta ?? []).filter { !columns.meta.contains($0) }
            var options = IngestOptions(dataset: dataset, split: split ?? "train", format: format, columns: columns, strict: strict)
            options.annotatorMeta = annotatorMeta ?? []
            options.annotationMeta = annotationMeta ?? []
            options.recogniseSplitColumn = split == nil && splitColumn == nil
            return options
        }
    }

    /// What to run after an ingest.
    package static func nextStep(_ summaries: [IngestSummary]) -> String? {
        summaries.first.map { "next: dq stats --dataset \($0.dataset.shellQuoted)" }
    }

    package static func run(store: Store, files: [String], options: Options, observer: RunObserver = .silent) throws -> [IngestSummary] {
        try options.validate()
        return try run(store: store, files: files, options: options.ingest, observer: observer)
    }

    package static func run(store: Store, files: [String], options: IngestOptions, observer: RunObserver = .silent) throws -> [IngestSummary] {
        // A Hugging Face save_to_disk folder stands for its Arrow files, each split as a dq split.
        let inputs = try files.flatMap { path -> [(file: String, options: IngestOptions)] in
            // An unzipped doccano export: one .jsonl per annotator.
            var isDirectory: ObjCBool = false
            if options.format == .doccano, FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                let files = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(".jsonl") }.sorted()
                guard !files.isEmpty else { throw InputError(file: path, message: "a folder without .jsonl files; expected doccano's export, one file per annotator") }
                return files.map { (path + "/" + $0, options) }
            }
            guard HuggingFaceFolder.isFolder(path) else {
                var options = options
                if options.columns.split != nil && FileManager.default.fileExists(atPath: path) && !isRegularFile(path) {
                    throw InputError(file: path, message: "a split column needs a file dq can read twice (once to list the splits), not a pipe; give --split NAME instead")
                }
                if options.recogniseSplitColumn, let column = splitColumn(of: path, options: options) {
                    options.columns.split = column
                    observer.note("\(path): each row's split is read from its column '\(column)' (--split NAME puts every row in one split)")
                } else if options.recogniseSplitColumn, let named = splitNamed(by: path, dataset: options.dataset) {
                    (options.split, options.dataset) = (named.split, named.dataset)
                    observer.note("\(path): named like a split, so its rows go to split '\(named.split)' of dataset '\(named.dataset)'"
                                  + (named.fromFolder ? " (its folder's name)" : "") + "; --dataset and --split choose otherwise")
                }
                return [(path, options)]
            }
            let name = URL(fileURLWithPath: path).standardizedFileURL.lastPathComponent
            return try HuggingFaceFolder.dataFiles(path).map { data in
                var options = options
                options.dataset = options.dataset ?? name
                options.split = data.split ?? options.split
                options.recogniseSplitColumn = false
                options.format = .arrow
                return (data.path, options)
            }
        }
        return try inputs.flatMap { file, options in
            let summaries: [IngestSummary]
            do {
                defer { observer.endProgress() }
                summaries = try store.ingestBySplit(file: file, options: options) { progress in
                    try observer.checkInterrupt()
                    let rate = Double(progress.rowsRead) / max(progress.elapsed, 1e-9)
                    var line = "\(file): \(progress.rowsRead.formatted(thousands: true)) rows, \(Int(rate).formatted(thousands: true)) rows/s"
                    if let size = progress.fileSize, size > 0 {
                        let done = Double(progress.bytesRead) / Double(size)
                        line += ", \(Int(100 * done))%"
                        if done > 0.01 { line += " · about \(TrainingProgress.duration(progress.elapsed * (1 - done) / done)) left" }
                    }
                    observer.progress(line)
                }
            }
            if let unused = summaries.first?.unusedColumns, !unused.isEmpty {
                observer.note("\(file): columns not kept: \(unused.joined(separator: ", ")) (keep them with --meta \(unused.joined(separator: ",").shellQuoted), or every one with --all-meta)")
            }
            try warnOfLookalikes(summaries, file: file, store: store, observer: observer)
            if let varying = summaries.lazy.compactMap(\.varyingAttribute).first {
                observer.note("warning: \(file): annotator '\(varying.sample.visibleEscaped)' has two values of '\(varying.column)' (lines "
                              + "\(varying.firstLine) and \(varying.line)); the first is kept")
            }
            if let varying = summaries.lazy.compactMap(\.varyingMetadata).first {
                observer.note("warning: \(file): column '\(varying.column)' differs between rows of one sample ('\(varying.sample.visibleEscaped)', lines "
                              + "\(varying.firstLine) and \(varying.line)); a sample keeps its first row's value, so it is not a per-annotation value here")
            }
            return try summaries.map { try report(summary: $0, file: file, store: store, observer: observer) }
        }
    }

    /// Labels this file brought that look like a slip for a more frequent label of the dataset
    /// (`Sprots` beside `Sports`, `world` beside `World`), told with counts and the line of the
    /// first: they would silently become classes of their own.
    static func warnOfLookalikes(_ summaries: [IngestSummary], file: String, store: Store, observer: RunObserver) throws {
        let brought = Dictionary(summaries.flatMap(\.newLabels), uniquingKeysWith: min)
        guard let dataset = summaries.first?.dataset, !brought.isEmpty else { return }
        for lookalike in LabelLookalikes.find(try store.labelCounts(dataset: try store.requireDataset(dataset), after: summaries))
        where brought[lookalike.label] != nil || brought[lookalike.like] != nil {
            let line = brought[lookalike.label].map { ", first at \(file):\($0)" } ?? ""
            observer.note("warning: \(dataset): label '\(lookalike.label.visibleEscaped)' (\(lookalike.count.formatted(thousands: true)) "
                          + "sample\(lookalike.count == 1 ? "" : "s")\(line)) looks like '\(lookalike.like.visibleEscaped)' "
                          + "(\(lookalike.likeCount.formatted(thousands: true))): \(lookalike.sameLetters ? "the same letters in another case or punctuation" : "a slip of a letter or two"); "
                          + "if it is one, correct those samples (dq corrections import) or the file, else ignore this")
        }
    }

    /// A file's (or one split of it) rejected rows and repeated ids told to the observer.
    static func report(summary: IngestSummary, file: String, store: Store, observer: RunObserver) throws -> IngestSummary {
        for reject in summary.firstRejects {
            observer.note("\(file):\(reject.line): rejected: \(reject.reason)")
        }
        if summary.rowsRejected > summary.firstRejects.count {
            observer.note("\(file): \(summary.rowsRejected - summary.firstRejects.count) more rejected rows are in the store (table rejected_rows)")
        }
        // A file that yields no row at all (every row rejected, or read in the wrong format)
        // is an error, not a success that stored nothing.
        if summary.rowsRead > 0 && summary.rowsNew == 0 && summary.rowsDuplicate == 0 {
            throw RunError.nothingStored(file: file, rows: summary.rowsRead)
        }
        // Counting repeated ids reads the whole dataset; skipped when the ingest knows there are none.
        let repeated = summary.mayRepeatIDs ? try store.repeatedExternalIDs(dataset: try store.requireDataset(summary.dataset)) : 0
        if repeated > 0 && summary.rowsNew > 0 {
            observer.note("\(summary.dataset): \(repeated) ids name more than one sample (the same id with another text or label); corrections name those samples by # and their store id")
        }
        return summary
    }

    /// The column named `split` (in any case) of a table file, when no other role uses it; nil
    /// for annotation tools' exports, and for files the reader refuses (the ingest says why).
    /// The names of files that hold one split (`test.csv`, `validation.jsonl`).
    static let splitFileNames: Set<String> = ["train", "training", "dev", "valid", "validation", "val", "test", "eval"]

    /// For a file named like a split (`data/trec/test.csv`): that split, and, unless `dataset`
    /// is given, a dataset named after its folder (`trec`).
    static func splitNamed(by file: String, dataset: String?) -> (split: String, dataset: String, fromFolder: Bool)? {
        let url = URL(fileURLWithPath: file).standardizedFileURL
        let stem = url.deletingPathExtension().lastPathComponent
        guard splitFileNames.contains(stem.lowercased()) else { return nil }
        if let dataset { return (stem, dataset, false) }
        let folder = url.deletingLastPathComponent().lastPathComponent
        guard !folder.isEmpty, folder != "/", Names.problem(folder) == nil else { return nil }
        return (stem, folder, true)
    }

    /// A pipe is not looked at: it can be read only once.
    static func splitColumn(of file: String, options: IngestOptions) -> String? {
        guard isRegularFile(file), ![.labelStudio, .doccano].contains(options.format ?? InputFormat(path: file)),
              let reader = try? LabelledRowReader(path: file, format: options.format, columns: options.columns) else { return nil }
        if reader.columns == nil { _ = try? reader.next() }  // JSON Lines: the columns of the first object
        guard let columns = reader.columns,
              let index = columns.columns.firstIndex(where: { $0.lowercased() == ColumnRequest.splitName }),
              !columns.roleColumns.contains(index) else { return nil }
        return columns.columns[index]
    }

    static func isRegularFile(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
    }
}
