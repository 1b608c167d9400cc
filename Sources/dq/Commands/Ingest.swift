import ArgumentParser
import DQRuns

extension IngestRun.Format: ExpressibleByArgument {}

struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load labelled texts from CSV, TSV, JSON Lines, Parquet, Arrow or annotation-tool exports into the store.", discussion: """
        Each file is added in one transaction; rows already stored are skipped, and bad rows are kept aside as rejected (line and \
        reason) unless --strict. Columns are recognised by name when not given; a column named split gives each row's split. More: docs/commands/ingest.md.

        Examples:
          dq ingest reviews.csv --dataset reviews --text review --label stars
          dq ingest dev.jsonl --dataset reviews --split dev
          dq ingest mnli.csv --text premise --text-pair hypothesis --meta genre
          dq ingest a.csv b.csv --all-meta
        Several annotators, one row per annotation (long) or one column per annotator (wide):
          dq ingest votes.csv --dataset sentiment --id item --annotator worker --label answer
          dq ingest votes_wide.csv --dataset sentiment --annotator-prefix ann_
          dq ingest export.json --input-format label-studio --dataset sentiment
          dq ingest doccano_export/ --input-format doccano --dataset sentiment
        Multi-label data (a;b, or a JSON array):
          dq ingest topics.csv --dataset topics --multi-label
        """)

    @Argument(help: ArgumentHelp("Files or folders to load (.csv, .tsv, .jsonl, .parquet, .arrow, Hugging Face folders, annotation-tool exports).", valueName: "file")) var files: [String]
    @OptionGroup var flags: IngestFlags
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    var options: IngestRun.Options { flags.options }

    func validate() throws { try Flags.check(options.validate) }

    func run() throws {
        let summaries = try Terminal.run { try IngestRun.run(store: try store.open(), files: files, options: options, observer: $0) }
        try output.emit([SummaryTables.ingest(summaries)])
        if output.format == .table, let next = IngestRun.nextStep(summaries) { Terminal.note(next) }
    }
}

/// What to read from the files and into which dataset, shared by `dq ingest` and `dq check`.
struct IngestFlags: ParsableArguments {
    @Option(help: "The dataset to add the rows to. Default: each file's name without extension.") var dataset: String?
    @Option(help: "The split every row belongs to (train, dev, test, …). Default: each row's from a column named split if the file has one, else train.") var split: String?
    @Option(help: ArgumentHelp("The column naming each row's split.", valueName: "column")) var splitColumn: String?
    @Option(help: "csv, tsv, jsonl, parquet, arrow, label-studio or doccano. Default: from the file extension.") var inputFormat: IngestRun.Format?
    @Option(help: ArgumentHelp("The column holding the text.", valueName: "column")) var text: String?
    @Option(help: ArgumentHelp("The column holding the second text of a pair (e.g. an NLI hypothesis).", valueName: "column")) var textPair: String?
    @Option(help: ArgumentHelp("The column holding the label.", valueName: "column")) var label: String?
    @Option(help: ArgumentHelp("The column holding each row's id.", valueName: "column")) var id: String?
    @Option(help: ArgumentHelp("Other columns to keep as metadata, comma-separated (e.g. annotator,source).", valueName: "a,b")) var meta: CommaList?
    @Flag(help: "Keep every other column as metadata.") var allMeta = false
    @Flag(help: "Multi-label data: the label column holds label lists, a;b or a JSON array.") var multiLabel = false
    @Option(help: ArgumentHelp("Multi-label data as one 0/1 column per label: these columns, comma-separated (or --label-prefix P).", valueName: "a,b,c")) var labelColumns: CommaList?
    @Option(help: ArgumentHelp("Multi-label data as one 0/1 column per label: every column starting with this.", valueName: "prefix")) var labelPrefix: String?
    @Option(help: ArgumentHelp("Long format: the column naming the annotator of each row.", valueName: "column")) var annotator: String?
    @Option(help: ArgumentHelp("Wide format: the annotators' columns, comma-separated.", valueName: "a,b,c")) var annotators: CommaList?
    @Option(help: ArgumentHelp("Wide format: every column starting with this is an annotator's.", valueName: "prefix")) var annotatorPrefix: String?
    @Option(help: ArgumentHelp("Long format: the column with when each annotation was made.", valueName: "column")) var annotationTime: String?
    @Option(help: ArgumentHelp("Long format: columns describing each annotator (a profile), kept per annotator; dq agreement --by groups by them.", valueName: "a,b")) var annotatorMeta: CommaList?
    @Option(help: ArgumentHelp("Long format: columns describing each annotation (e.g. its abuse types), kept with the annotation.", valueName: "a,b")) var annotationMeta: CommaList?
    @Flag(help: "Stop at the first bad row and store nothing from that file.") var strict = false

    var options: IngestRun.Options {
        var o = IngestRun.Options()
        (o.dataset, o.split, o.splitColumn, o.format, o.strict, o.text) = (dataset, split, splitColumn, inputFormat, strict, text)
        (o.textPair, o.label, o.id, o.meta, o.allMeta, o.multiLabel) = (textPair, label, id, meta?.values ?? [], allMeta, multiLabel)
        (o.labelColumns, o.labelPrefix, o.annotator, o.annotators, o.annotatorPrefix, o.annotationTime, o.annotatorMeta) = (labelColumns?.values, labelPrefix, annotator, annotators?.values, annotatorPrefix, annotationTime, annotatorMeta?.values)
        o.annotationMeta = annotationMeta?.values
        return o
    }
}
