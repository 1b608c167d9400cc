import Foundation
import ArgumentParser
import DQReports
import DQRuns

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write suspects for annotators, the dataset with its corrected labels, or its annotations.",
                                                    subcommands: [ExportSuspects.self, ExportDataset.self, ExportAnnotations.self])
}

extension ExportRun.AnnotationFormat: ExpressibleByArgument {}
extension ExportRun.DatasetFormat: ExpressibleByArgument {}

struct ExportSuspects: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "suspects", abstract: "Write the latest `dq suspects` list for review: CSV, Label Studio tasks, doccano JSONL or Argilla records.", discussion: """
        csv: id, text, text_pair, given_label, suggested_label, reasons, score and an empty corrected_label column to fill in (cells a \
        spreadsheet would run as formulas are prefixed with '). Bring the corrections back with `dq corrections import FILE`. \
        More: docs/commands/export.md.

        Examples:
          dq export suspects --format csv --out review.csv
          dq export suspects --format labelstudio --top 200 --out tasks.json
          dq export suspects --format argilla --out records.json
        """)

    @OptionGroup var selection: DatasetOptions
    @Option(help: "csv, labelstudio, doccano or argilla.") var format: ExportRun.AnnotationFormat = .csv
    @Option(help: ArgumentHelp("The file to write.", valueName: "file")) var out: String
    @Option(help: "Only the first N suspects.") var top: Int?
    @Option(name: .customLong("run"), help: "The `dq suspects` run. Default: the dataset's latest.") var suspectsRun: Int64?
    @Flag(help: "Keep suspects a review decided on (corrected or kept) since the run.") var includeReviewed = false

    func validate() throws { try OutputCheck.check(out, option: "--out") }

    func run() throws {
        let file = try ExportRun.suspects(store: try selection.open(), dataset: selection.selection, run: suspectsRun, top: top, format: format,
                                          includeReviewed: includeReviewed)
        try OutputFiles.write(file.text, to: out)
        Terminal.note("wrote \(file.count) suspects of \(file.runDescribed) to \(out)" + (file.reviewedLeftOut > 0 ? " (\(file.reviewedLeftOut) reviewed since left out)" : "")
                      + "; bring corrections back with: dq corrections import \(out.shellQuoted)")
    }
}

struct ExportDataset: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dataset", abstract: "Write the dataset as CSV or Parquet, with its given or corrected labels.", discussion: """
        Columns: id, split, text, text_pair, label (current: after imported corrections), given_label and corrected once reviews were imported, then one column \
        per metadata key. `dq ingest FILE --all-meta` reads it back as the same samples, each in its split. Parquet (--format \
        parquet, or an --out ending in .parquet) opens in pandas, pyarrow, polars, DuckDB and dq ingest.

        Examples:
          dq export dataset --out clean.csv
          dq export dataset --dataset trec --split train --out train.csv
          dq export dataset --dataset trec --out trec-clean.parquet
        """)

    @OptionGroup var selection: DatasetOptions
    @Option(help: ArgumentHelp("csv or parquet. Default: from --out's extension (.parquet, .pq), else csv.", valueName: "format")) var format: ExportRun.DatasetFormat?
    @Option(help: ArgumentHelp("The file to write.", valueName: "file")) var out: String
    @Flag(help: "Multi-label data: one 0/1 column per label instead of the label list (as SemEval E-c ships).") var indicators = false

    func validate() throws { try OutputCheck.check(out, option: "--out") }

    func run() throws {
        let file = try ExportRun.dataset(store: try selection.open(), dataset: selection.selection, format: format, path: out, indicators: indicators)
        try OutputFiles.write(bytes: Data(file.bytes), to: out)
        Terminal.note("wrote \(file.samples) samples (\(file.corrected) with corrected labels) to \(out)"
                      + (file.labelColumns.map { "; read it back with: dq ingest \(out.shellQuoted) --label-columns \($0.joined(separator: ",").shellQuoted) --all-meta" } ?? ""))
    }
}

struct ExportAnnotations: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "annotations", abstract: "Write every annotation as CSV, one row each, with the annotators' and the annotations' own fields.", discussion: """
        Columns: id, split, text, text_pair, annotator, label, then the annotators' attributes and each annotation's own fields; the note on standard error gives the dq ingest command that reads it back. Example (after make demo):
          dq export annotations --dataset convabuse --out annotations.csv --db demo-out/annotations.sqlite
        """)

    @OptionGroup var selection: DatasetOptions
    @Option(help: ArgumentHelp("The CSV file to write.", valueName: "file")) var out: String

    func validate() throws { try OutputCheck.check(out, option: "--out") }
    func run() throws {
        let file = try ExportRun.annotations(store: try selection.open(), dataset: selection.selection)
        try OutputFiles.write(file.csv, to: out)
        Terminal.note("wrote \(file.table.rows.count.formatted(thousands: true)) annotations to \(out); read them back with: \(file.ingestCommand(path: out))")
    }
}
