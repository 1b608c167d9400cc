import ArgumentParser
import DQRuns

struct Conflicts: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Pairs of (nearly) identical texts that carry different labels, within or across datasets.", discussion: """
        Exact conflicts are equal after folding case, punctuation and spacing; near conflicts share at least --threshold of their word \
        bigrams (Jaccard, via MinHash LSH, then checked exactly). More: docs/commands/conflicts.md.

        Examples:
          dq conflicts --dataset trec
          dq conflicts --datasets trec,trec_relabelled --threshold 0.7
        """)

    @Option(help: "The dataset. Default: the only one in the store.") var dataset: String?
    @Option(help: ArgumentHelp("Compare these datasets, within and across (comma-separated; they must share their labels).", valueName: "a,b")) var datasets: CommaList?
    @Option(help: "The Jaccard similarity of word bigrams from which two texts count as near-duplicates.") var threshold = ConflictsRun.Options().threshold
    @Flag(help: "Only exact (normalised) duplicates.") var exactOnly = false
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if dataset != nil && datasets != nil { throw ValidationError("give --dataset or --datasets, not both") }
        try Flags.check(options.validate)
    }

    var options: ConflictsRun.Options { ConflictsRun.Options(datasets: datasets?.values ?? dataset.map { [$0] }, threshold: threshold, exactOnly: exactOnly) }

    func run() throws {
        try output.emit([try ConflictsRun.run(store: try store.open(), options: options).table])
    }
}
