import ArgumentParser
import DQReports
import DQStore
import DQText
import Foundation

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write suspects for annotators, or the dataset with its corrected labels.",
        subcommands: [ExportSuspects.self, ExportDataset.self]
    )
}

/// The formats annotators' tools read.
enum AnnotationFormat: String, ExpressibleByArgument, CaseIterable {
    case csv, labelstudio, doccano
}

struct ExportSuspects: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suspects",
        abstract: "Write the latest `dq suspects` list for review: CSV, Label Studio tasks or doccano JSONL.",
        discussion: """
            csv: id, text, text_pair, given_label, suggested_label, reasons, score and an empty \
            corrected_label column to fill in (cells a spreadsheet would run as formulas are \
            prefixed with '). labelstudio: a JSON task list, the text in `data` and the suggested \
            label as a prediction (labelling config in docs/commands/export.md). doccano: JSONL \
            for text classification, the given label as `label`, the rest as metadata.

            Bring the corrections back with `dq corrections import FILE`.

            Examples:
              dq export suspects --format csv --out review.csv
              dq export suspects --format labelstudio --top 200 --out tasks.json
            """
    )

    @OptionGroup var selection: DatasetOptions

    @Option(help: "csv, labelstudio or doccano.")
    var format: AnnotationFormat = .csv

    @Option(help: ArgumentHelp("The file to write.", valueName: "file"))
    var out: String

    @Option(help: "Only the first N suspects.")
    var top: Int?

    @Option(name: .customLong("run"), help: "The `dq suspects` run. Default: the dataset's latest.")
    var suspectsRun: Int64?

    @OptionGroup var store: StoreOptions

    func validate() throws {
        try AtomicFile.checkFolder(of: out, option: "--out")
    }

    func run() throws {
        let store = try store.open()
        let (datasetID, datasetName) = try store.defaultDataset(selection.dataset)
        guard let run = try store.chosenRun(suspectsRun, kind: "suspects", dataset: datasetID, datasetName: datasetName) else {
            throw CommandError("dataset \(datasetName) has no `dq suspects` run to export; run `dq suspects --dataset \(datasetName)` first")
        }
        let samples = Dictionary(uniqueKeysWithValues: try store.samples(dataset: datasetID).map { ($0.id, $0) })
        let suspects = try store.suspects(run: run.id).prefix(top ?? .max)
        var text = ""
        switch format {
        case .csv:
            text = Table.render([Table(
                name: "suspects", title: "",
                columns: ["id", "text", "text_pair", "given_label", "suggested_label", "reasons", "score", "corrected_label"],
                rows: suspects.map { s in
                    let sample = samples[s.sampleID]!
                    return [.text(sample.displayID), .text(sample.text), .optional(sample.textPair), .text(sample.label),
                            .optional(s.suggestedLabel), .text(Suspects.reasons(fromEvidence: s.evidence)), .real(s.score), .missing]
                })], as: .csv)
        case .labelstudio:
            let tasks: [JSONValue] = suspects.map { s in
                let sample = samples[s.sampleID]!
                var data: [(key: String, value: JSONValue)] = [("text", .string(sample.text))]
                if let pair = sample.textPair { data.append(("text_pair", .string(pair))) }
                data += [("id", .string(sample.displayID)), ("dq_sample", .number(Double(sample.id))), ("given_label", .string(sample.label)),
                         ("reasons", .string(Suspects.reasons(fromEvidence: s.evidence)))]
                var task: [(key: String, value: JSONValue)] = [("data", .object(data))]
                if let suggested = s.suggestedLabel {
                    task.append(("predictions", .array([.object([
                        ("model_version", .string("dq suspects run \(run.id)")), ("score", .number(s.score)),
                        ("result", .array([.object([
                            ("from_name", .string("label")), ("to_name", .string("text")), ("type", .string("choices")),
                            ("value", .object([("choices", .array([.string(suggested)]))])),
                        ])])),
                    ])])))
                }
                return .object(task)
            }
            text = JSONValue.array(tasks).jsonText + "\n"
        case .doccano:
            for s in suspects {
                let sample = samples[s.sampleID]!
                var line: [(key: String, value: JSONValue)] = [("text", .string(sample.text)), ("label", .array([.string(sample.label)]))]
                if let pair = sample.textPair { line.append(("text_pair", .string(pair))) }
                line += [("id", .string(sample.displayID)), ("dq_sample", .number(Double(sample.id))),
                         ("suggested_label", s.suggestedLabel.map { .string($0) } ?? .null), ("reasons", .string(Suspects.reasons(fromEvidence: s.evidence)))]
                text += JSONValue.object(line).jsonText + "\n"
            }
        }
        try AtomicFile.write(text, to: out)
        Terminal.note("wrote \(suspects.count) suspects of run \(run.id) to \(out); bring corrections back with: dq corrections import \(out)")
    }
}

struct ExportDataset: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Write the dataset as CSV, with its given or corrected labels.",
        discussion: """
            Columns: id, split, text, text_pair, label, and with --labels corrected also \
            given_label and corrected (whether an annotator changed the label).

            Examples:
              dq export dataset --labels corrected --out clean.csv
              dq export dataset --dataset trec --split train --out train.csv
            """
    )

    enum Labels: String, ExpressibleByArgument { case given, corrected }

    @OptionGroup var selection: DatasetOptions

    @Option(help: "given (as ingested) or corrected (after `dq corrections import`).")
    var labels: Labels = .given

    @Option(help: ArgumentHelp("The CSV file to write.", valueName: "file"))
    var out: String

    @OptionGroup var store: StoreOptions

    func validate() throws {
        try AtomicFile.checkFolder(of: out, option: "--out")
    }

    func run() throws {
        let store = try store.open()
        let (datasetID, datasetName) = try store.defaultDataset(selection.dataset)
        let corrected = labels == .corrected ? try store.correctedLabels(dataset: datasetID) : [:]
        let samples = try store.samples(dataset: datasetID, splits: try selection.splits(in: store, dataset: datasetID, name: datasetName))
        try AtomicFile.write(Table.render([ExportDataset.table(samples, corrected: labels == .corrected ? corrected : nil)], as: .csv), to: out)
        Terminal.note("wrote \(samples.count) samples (\(samples.filter { corrected[$0.id] != nil }.count) with corrected labels) to \(out)")
    }

    /// Samples as the dataset CSV: id, split, text, text_pair, label; with `corrected` labels,
    /// the current label and then given_label and corrected.
    static func table(_ samples: [Sample], corrected: [Int64: String]?) -> Table {
        var columns = ["id", "split", "text", "text_pair", "label"]
        if corrected != nil { columns += ["given_label", "corrected"] }
        return Table(name: "dataset", title: "", columns: columns, rows: samples.map { s in
            var row: [Cell] = [.text(s.displayID), .text(s.split), .text(s.text), .optional(s.textPair), .text(corrected?[s.id] ?? s.label)]
            if let corrected { row += [.text(s.label), .text(corrected[s.id] == nil ? "false" : "true")] }
            return row
        })
    }
}
