import ArgumentParser
import DQRuns

struct Suspects: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "One ranked list of the samples most likely mislabelled, from every analysis run so far.",
        discussion: """
            Merges the latest run of each analysis of the dataset: negative PVI (`dq pvi`), the hard-to-learn and ambiguous regions (`dq \
            cartography`), confident learning (`dq label-issues`), specification mismatches (`dq inconsistent`) and conflicting duplicates (`dq \
            conflicts`). Each is a ranking; reciprocal rank fusion merges them, so samples several analyses flag come first. Each row gives its \
            reasons and the label most of them suggest. The list is stored as a run: `dq export suspects` hands it to annotators.

            Examples:
              dq suspects --dataset trec
              dq suspects --dataset trec --min-signals 2 --top 100 --format csv
            """
    )

    @OptionGroup var selection: DatasetOptions
    @Option(help: "How many suspects to print (all are stored).") var top = 30
    @Option(help: "Keep samples that at least this many analyses flag.") var minSignals = 1
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if top < 0 { throw ValidationError("--top must be 0 or more") }
        if minSignals < 1 { throw ValidationError("--min-signals must be at least 1") }
    }

    func run() throws {
        var options = SuspectsRun.Options()
        options.minSignals = minSignals
        let outcome = try SuspectsRun.run(store: try store.open(), dataset: selection.selection, options: options)
        try output.emit([outcome.table(top: top)])
    }
}
