import ArgumentParser
import DQRuns
import DQStore

extension CheckRun.Preset: EnumerableFlag {}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The main job in one command: ingest a file, find its likely wrong labels, write the report and a review file.", discussion: """
        Ingests the files (rows already stored are skipped), then runs bow PVI, the MiniLM probe when `dq models fetch minilm` has \
        been run, label-pair divergence, confident learning, conflicting duplicates, dq evaluate, agreement (with annotators) and \
        dq suspects, and writes DATASET-report.html and DATASET-review.csv next to the store. Run again on the same file, it reuses \
        every stored run. Takes every option of dq ingest. More: docs/commands/check.md.

        Examples:
          dq check reviews.csv --text review --label stars
          dq check questions.csv --dataset trec --fast
        """)

    @Argument(help: ArgumentHelp("Files or folders to load, as for dq ingest.", valueName: "file")) var files: [String]
    @OptionGroup var flags: IngestFlags
    @Flag(help: "fast: no encoder, no permutation baselines, 2 evaluate repeats; thorough: 5 repeats. Default: standard (3).") var preset = CheckRun.Preset.standard
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    var options: CheckRun.Options { CheckRun.Options(ingest: flags.options, preset: preset) }

    func validate() throws { try Flags.check { () throws(OptionError) in try options.validate(files: files) } }

    func run() throws {
        let outcome = try Terminal.run { try CheckRun.run(store: try store.open(), storePath: Store.resolvePath(store.db), files: files, options: options, observer: $0) }
        try output.emit(outcome.tables)
    }
}
