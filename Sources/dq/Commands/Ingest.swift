import ArgumentParser
import DQRuns
import DQStore

extension IngestRun.Format: ExpressibleByArgument {}

struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load labelled texts from CSV, TSV or JSON Lines files into the store.",
        discussion: """
            Each file is added in one transaction: an error or Ctrl-C leaves the store as it was before that file. Rows already in the store (same \
            split, id or line, text and label) are skipped, so ingesting a file twice adds nothing. Bad rows (wrong field count, invalid UTF-8 or \
            JSON, empty text, missing label) are kept aside as rejected, with their line and reason, unless --strict is given.

            Columns are recognised by name when not given: text (text, sentence, review, content, document, sentence1, premise), text pair \
            (text_pair, sentence2, hypothesis), label (label, class, labels, category, gold_label, target) and id (id, guid, uid, idx).

            Examples:
              dq ingest reviews.csv --dataset reviews --text review --label stars
              dq ingest dev.jsonl --dataset reviews --split dev
              dq ingest mnli.csv --text premise --text-pair hypothesis --meta genre
              dq ingest a.csv b.csv --all-meta

            Several annotators per text. Long format, one row per annotation; rows with the same id (or, without an id column, \
            the same text) are one sample:
              dq ingest votes.csv --dataset sentiment --id item --annotator worker --label answer
            Wide format, one column per annotator, an empty cell meaning not annotated:
              dq ingest votes_wide.csv --dataset sentiment --annotators ann_a,ann_b,ann_c
              dq ingest votes_wide.csv --dataset sentiment --annotator-prefix ann_
            Label Studio (Export → JSON), with the choices of every annotator; doccano (one .jsonl per annotator, or the export's folder):
              dq ingest export.json --input-format label-studio --dataset sentiment
              dq ingest doccano_export/ --input-format doccano --dataset sentiment
            A sample's given label is then the file's label column (wide format) or the most frequent annotation, ties going to the label \
            given first; dq consensus replaces it with a better estimate. One annotator may give one item only one label: a second label \
            is an error and nothing from the file is stored.

            Multi-label data, each text with a list of labels (a;b, or a JSON array; empty for none):
              dq ingest topics.csv --dataset topics --multi-label
            """
    )

    @Argument(help: ArgumentHelp("Files to load (.csv, .tsv, .jsonl).", valueName: "file")) var files: [String]
    @Option(help: "The dataset to add the rows to. Default: each file's name without extension.") var dataset: String?
    @Option(help: "The split the rows belong to (train, dev, test, …).") var split = IngestRun.Options().split
    @Option(help: "csv, tsv, jsonl, parquet, arrow, label-studio or doccano. Default: from the file extension.") var inputFormat: IngestRun.Format?
    @Option(help: ArgumentHelp("The column holding the text.", valueName: "column")) var text: String?
    @Option(help: ArgumentHelp("The column holding the second text of a pair (e.g. an NLI hypothesis).", valueName: "column")) var textPair: String?
    @Option(help: ArgumentHelp("The column holding the label.", valueName: "column")) var label: String?
    @Option(help: ArgumentHelp("The column holding each row's id.", valueName: "column")) var id: String?
    @Option(help: ArgumentHelp("Other columns to keep as metadata, comma-separated (e.g. annotator,source).", valueName: "a,b")) var meta: CommaList?
    @Flag(help: "Keep every other column as metadata.") var allMeta = false
    @Flag(help: "Multi-label data: the label column holds label lists, a;b or a JSON array.") var multiLabel = false
    @Option(help: ArgumentHelp("Long format: the column naming the annotator of each row.", valueName: "column")) var annotator: String?
    @Option(help: ArgumentHelp("Wide format: the annotators' columns, comma-separated.", valueName: "a,b,c")) var annotators: CommaList?
    @Option(help: ArgumentHelp("Wide format: every column starting with this is an annotator's.", valueName: "prefix")) var annotatorPrefix: String?
    @Option(help: ArgumentHelp("Long format: the column with when each annotation was made.", valueName: "column")) var annotationTime: String?
    @Flag(help: "Stop at the first bad row and store nothing from that file.") var strict = false
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    var options: IngestRun.Options {
        var o = IngestRun.Options()
        (o.dataset, o.split, o.format, o.strict) = (dataset, split, inputFormat, strict)
        (o.text, o.textPair, o.label, o.id, o.meta, o.allMeta) = (text, textPair, label, id, meta?.values ?? [], allMeta)
        (o.multiLabel, o.annotator, o.annotators, o.annotatorPrefix, o.annotationTime) = (multiLabel, annotator, annotators?.values ?? [], annotatorPrefix, annotationTime)
        return o
    }

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one file, e.g. dq ingest reviews.csv") }
        try Flags.check(options.validate)
    }

    func run() throws {
        let store = try store.open()
        let summaries = try Interrupt.during { try IngestRun.run(store: store, files: files, options: options, observer: Terminal.observer) }
        try output.emit([SummaryTables.ingest(summaries)])
        if output.format == .table, let first = summaries.first {
            Terminal.note("next: dq stats --dataset \(first.dataset.shellQuoted)")
        }
    }
}
