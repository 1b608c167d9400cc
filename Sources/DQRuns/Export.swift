import DQReports
import DQStore
import DQText

/// Files for annotators' tools, and the dataset as CSV (`dq export`).
package enum ExportRun {
    /// The formats annotators' tools read.
    package enum AnnotationFormat: String, CaseIterable, Sendable { case csv, labelstudio, doccano, argilla }

    package struct SuspectsFile: Sendable {
        /// The file's content.
        package var text: String
        package var count: Int
        package var run: Int64
        /// The run in words: "suspects run 7 (every split; started …)".
        package var runDescribed: String
        /// Suspects left out because a review decided on them after the run.
        package var reviewedLeftOut = 0
    }

    /// The suspects of a `dq suspects` run (nil: the latest) as a file for annotators; those a
    /// review decided on since the run are left out unless `includeReviewed`.
    package static func suspects(store: Store, dataset selection: DatasetSelection, run id: Int64?, top: Int?,
                                format: AnnotationFormat, includeReviewed: Bool = false) throws -> SuspectsFile {
        let dataset = try store.resolve(selection)
        let run = try store.requiredRun(id, kind: .suspects, dataset: dataset)
        let samples = Dictionary(uniqueKeysWithValues: try store.samples(dataset, allSplits: true).map { ($0.id, $0) })
        // With --split: the run's suspects of those splits, in the run's order.
        var rows = try store.suspects(run: run.id).filter { row in dataset.splits.map { $0.contains(samples[row.sampleID]!.split) } ?? true }
        let decided = includeReviewed ? [:] : try store.reviewDecisions(dataset: dataset.id, samples: Set(rows.map(\.sampleID)), since: run.startedAt)
        let before = rows.count
        rows.removeAll { decided[$0.sampleID] != nil }
        let suspects = rows
            .prefix(top ?? .max).map { row in
                let sample = samples[row.sampleID]!
                return (row: row, sample: sample, task: ReviewTask(id: sample.displayID, sample: sample.id, text: sample.text, textPair: sample.textPair,
                                                                   givenLabel: sample.label, suggestedLabel: row.suggestedLabel, reasons: row.reasonText,
                                                                   score: row.score))
            }
        var text = ""
        switch format {
        case .csv:
            text = Table.render([Table(
                name: "suspects", title: "",
                columns: ["id", "text", "text_pair", "given_label", "suggested_label", "reasons", "score", "corrected_label"],
                rows: suspects.map { s in
                    [.text(s.sample.displayID), .text(s.sample.text), .optional(s.sample.textPair), .text(s.sample.label),
                     .optional(s.row.suggestedLabel), .text(s.row.reasonText), .real(s.row.score), .missing]
                })], as: .csv)
        case .labelstudio:
            text = LabelStudio.tasks(suspects.map(\.task), modelVersion: "dq suspects run \(run.id)")
        case .doccano:
            text = Doccano.lines(suspects.map(\.task))
        case .argilla:
            text = Argilla.records(suspects.map(\.task), agent: "dq suspects run \(run.id)")
        }
        return SuspectsFile(text: text, count: suspects.count, run: run.id, runDescribed: run.described, reviewedLeftOut: before - rows.count)
    }

    /// The file formats of `dq export dataset`.
    package enum DatasetFormat: String, CaseIterable, Sendable {
        case csv, parquet

        /// The format a file name implies (`.parquet`, `.pq`), else CSV.
        package init(path: String) {
            let lower = path.lowercased()
            self = lower.hasSuffix(".parquet") || lower.hasSuffix(".pq") ? .parquet : .csv
        }
    }

    package struct DatasetFile: Sendable {
        package var bytes: [UInt8]
        package var samples: Int
        package var corrected: Int
        /// With indicators: the 0/1 columns, one per label, for `dq ingest --label-columns`.
        package var labelColumns: [String]?
        /// The bytes as text (CSV).
        package var csv: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// The dataset (optionally some splits) as CSV or Parquet, with the labels the selection
    /// asks for (given, or current: with every imported correction, and then, when there is a
    /// correction, the given label and whether it was corrected beside each). `format` nil: the
    /// one `path`'s extension implies.
    package static func dataset(store: Store, dataset selection: DatasetSelection, format: DatasetFormat?, path: String,
                                indicators: Bool = false) throws -> DatasetFile {
        try dataset(store: store, dataset: selection, format: format ?? DatasetFormat(path: path), indicators: indicators)
    }

    /// `indicators`: multi-label data as one 0/1 column per label instead of the label list.
    package static func dataset(store: Store, dataset selection: DatasetSelection, format: DatasetFormat = .csv, indicators: Bool = false) throws -> DatasetFile {
        let dataset = try store.resolve(selection)
        let labels = indicators ? try store.labels(dataset: dataset.id).sorted() : nil
        if indicators, try !store.isMultiLabel(dataset: dataset.id) { throw OptionError("{indicators} is for multi-label data; \(dataset.name) has one label per sample") }
        let corrected = dataset.relabelled
        let samples = try store.samples(dataset: dataset.id, splits: dataset.splits)
        let table = table(samples, corrected: dataset.labelVersion == nil ? nil : corrected, indicators: labels)
        let bytes: [UInt8]
        switch format {
        case .csv:
            // A faithful copy to be ingested again: no spreadsheet formula guard (`-1` stays `-1`).
            bytes = Array(Table.render([table], as: .csv, guardFormulas: false).utf8)
        case .parquet:
            bytes = ParquetWriter(columns: table.columns).bytes(table.rows.map { row in
                row.map { cell -> String? in
                    switch cell {
                    case .text(let s): s
                    case .int(let i): String(i)
                    case .real(let x, _): "\(x)"
                    case .missing: nil
                    }
                }
            })
        }
        // The indicator columns follow id, split, text and text_pair.
        let start = (table.columns.firstIndex(of: "text_pair") ?? 2) + 1
        return DatasetFile(bytes: bytes, samples: samples.count, corrected: samples.filter { corrected[$0.id] != nil }.count,
                           labelColumns: labels.map { Array(table.columns[start..<(start + $0.count)]) })
    }

    /// Samples as the dataset CSV, a file `dq ingest` reads back as the same samples: id (the
    /// file's own id, empty when the sample had none), split (read back as each row's split),
    /// text, text_pair (only when some sample is a pair: `dq ingest` reads an empty text pair as
    /// a bad row), label, then one column per metadata key (strings as they are, other values
    /// as JSON; a key that is one of these column names gets the prefix `meta_`). With
    /// `corrected` labels, label is the current label, then given_label and corrected. With
    /// `indicators` (a multi-label dataset's labels), one 0/1 column per label, named after
    /// it, takes the place of label.
    package static func table(_ samples: [Sample], corrected: [Int64: String]?, indicators: [String]? = nil) -> Table {
        let pairs = samples.contains { $0.textPair != nil }
        let base = ["id", "split", "text"] + (pairs ? ["text_pair"] : [])
        let indicatorColumns = indicators?.map { base.contains($0) || ["given_label", "corrected"].contains($0) ? "label_" + $0 : $0 }
        var columns = base + (indicatorColumns ?? ["label"])
        if corrected != nil { columns += ["given_label", "corrected"] }
        // Metadata keys in order of first appearance.
        var keys: [String] = [], seen: Set<String> = []
        let metadata = samples.map { sample -> [String: JSONValue] in
            guard let text = sample.metadata, case .object(let members)? = try? JSONValue.parse(text) else { return [:] }
            for (key, _) in members where seen.insert(key).inserted { keys.append(key) }
            return Dictionary(members, uniquingKeysWith: { _, last in last })
        }
        let reserved = Set(columns)
        columns += keys.map { reserved.contains($0) ? "meta_" + $0 : $0 }
        return Table(name: "dataset", title: "", columns: columns, rows: zip(samples, metadata).map { s, meta in
            let label = corrected?[s.id] ?? s.label
            let members = Set(label.split(separator: ";").map(String.init))
            var row: [Cell] = [.optional(s.externalID), .text(s.split), .text(s.text)] + (pairs ? [.optional(s.textPair)] : [])
                + (indicators.map { $0.map { .text(members.contains($0) ? "1" : "0") } } ?? [.text(label)])
            if let corrected { row += [.text(s.label), .text(corrected[s.id] == nil ? "false" : "true")] }
            return row + keys.map { key in
                switch meta[key] {
                case nil, .null?: .missing
                case .string(let text)?: .text(text)
                case let value?: .text(value.jsonText)
                }
            }
        })
    }

    /// Every annotation of a dataset (optionally some splits), one row each, as a file `dq ingest`
    /// reads back with `--id id --annotator annotator --label label --text text` (and
    /// `--text-pair text_pair`, `--annotator-meta` and `--annotation-meta` naming the columns
    /// after label): id (the file's own id, else dq's), split, text, text_pair (only when some
    /// sample is a pair), annotator, label, then the annotators' attributes and each
    /// annotation's own fields (`--annotator-meta`, `--annotation-meta`), one column per key in
    /// sorted order; a key that is one of the other columns' names gets the prefix `meta_`.
    /// Rows in store order of samples, then annotators.
    package static func annotations(store: Store, dataset selection: DatasetSelection) throws -> AnnotationsFile {
        let dataset = try store.resolve(selection)
        let stored = try store.annotations(dataset: dataset.id, splits: dataset.splits)
        guard !stored.item.isEmpty else { throw RunError.noAnnotations(dataset: dataset.name) }
        let samples = Dictionary(uniqueKeysWithValues: try store.samples(dataset: dataset.id, splits: dataset.splits).map { ($0.id, $0) })
        let attributes = try store.annotatorAttributes(dataset: dataset.id)
        let fields = try store.annotationMetadata(dataset: dataset.id).mapValues { byAnnotator in
            byAnnotator.mapValues { text -> [String: String] in
                guard case .object(let members)? = try? JSONValue.parse(text) else { return [:] }
                return Dictionary(members.map { ($0.key, $0.value.scalarText ?? $0.value.jsonText) }, uniquingKeysWith: { first, _ in first })
            }
        }
        let pairs = samples.values.contains { $0.textPair != nil }
        let base = ["id", "split", "text"] + (pairs ? ["text_pair"] : []) + ["annotator", "label"]
        let annotatorKeys = Set(attributes.values.flatMap(\.keys)).sorted()
        let annotationKeys = Set(fields.values.flatMap { $0.values.flatMap(\.keys) }).sorted()
        var taken = Set(base)
        let renamed = (annotatorKeys + annotationKeys).map { key -> String in
            let name = taken.contains(key) ? "meta_" + key : key
            taken.insert(name)
            return name
        }
        let rows = stored.item.indices.map { k -> [Cell] in
            let id = stored.sampleIDs[Int(stored.item[k])], annotator = stored.annotators[Int(stored.annotator[k])]
            let sample = samples[id]
            let own = fields[id]?[annotator] ?? [:]
            return [.text(sample?.displayID ?? "#\(id)"), .optional(sample?.split), .optional(sample?.text)]
                + (pairs ? [.optional(sample?.textPair)] : [])
                + [.text(annotator), .text(stored.labels[Int(stored.label[k])])]
                + annotatorKeys.map { .optional(attributes[annotator]?[$0]) }
                + annotationKeys.map { .optional(own[$0]) }
        }
        return AnnotationsFile(table: Table(name: "annotations", title: "", columns: base + renamed, rows: rows),
                               annotatorKeys: Array(renamed[..<annotatorKeys.count]), annotationKeys: Array(renamed[annotatorKeys.count...]))
    }

    /// `dq export annotations`' file, and how to read it back.
    package struct AnnotationsFile: Sendable {
        package var table: Table
        package var annotatorKeys: [String]
        package var annotationKeys: [String]

        /// A faithful copy to be ingested again, as `dq export dataset` writes it: no spreadsheet formula guard.
        package var csv: String { Table.render([table], as: .csv, guardFormulas: false) }

        /// The `dq ingest` command that reads the file at `path` back as the same annotations.
        package func ingestCommand(path: String) -> String {
            (["dq ingest", path.shellQuoted, "--id id --annotator annotator --label label --text text"]
                + (table.columns.contains("text_pair") ? ["--text-pair text_pair"] : [])
                + (annotatorKeys.isEmpty ? [] : ["--annotator-meta", annotatorKeys.joined(separator: ",").shellQuoted])
                + (annotationKeys.isEmpty ? [] : ["--annotation-meta", annotationKeys.joined(separator: ",").shellQuoted])).joined(separator: " ")
        }
    }
}
