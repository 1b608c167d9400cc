import ArgumentParser
import DQRuns

struct Corrections: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Bring annotators' corrections back into the store, with an audit trail.",
                                                    subcommands: [CorrectionsImport.self, CorrectionsList.self])
}

struct CorrectionsImport: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Apply the labels annotators chose: a filled CSV from `dq export suspects`, or a Label Studio, doccano or Argilla export.", discussion: """
        CSV: columns id and corrected_label (an optional annotator column names who); empty corrected_label rows are skipped. Label \
        Studio and Argilla (.json) and doccano (.jsonl) exports of tasks made by `dq export suspects` (Argilla: every user's response, \
        each user a reviewer). Every id must be a sample of the dataset and \
        every label one of its labels, else nothing is applied. Ingested labels are never overwritten: each change is recorded (`dq \
        corrections list`). More: docs/commands/corrections.md.

        Examples:
          dq corrections import review.csv --annotator alice
          dq corrections import label-studio-export.json
        """)

    @Argument(help: ArgumentHelp("The filled CSV, or the Label Studio or Argilla JSON export, or the doccano JSONL export.", valueName: "file")) var file: String
    @Option(help: "Who made the corrections (when the file does not say).") var annotator: String?
    @OptionGroup var selection: DatasetNameOptions

    func run() throws {
        let outcome = try CorrectionsRun.run(store: try selection.open(), file: file, dataset: selection.selection, annotator: annotator)
        outcome.summary(file: file).forEach(Terminal.note)
    }
}

struct CorrectionsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The audit trail: every label change, with the old and new label, who, when and from which file.")

    @OptionGroup var selection: DatasetNameOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try output.emit([try CorrectionsRun.list(store: try selection.open(), dataset: selection.selection)])
    }
}
