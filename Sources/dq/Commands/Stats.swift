import ArgumentParser
import DQRuns

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Label distribution, text lengths, exact duplicates and conflicting duplicates.", discussion: """
        Conflicting duplicates are texts equal after folding case, whitespace and punctuation that carry different labels. With \
        --datasets a,b the datasets are pooled (they must share labels). Lengths count whitespace-separated tokens; median and p95 \
        interpolate as numpy does. More: docs/commands/stats.md.

        Examples:
          dq stats --dataset cola
          dq stats --dataset cola --split dev --format json
          dq stats --datasets cola,cola_extra
        """)

    @Option(help: "The dataset. Default: the only one in the store.") var dataset: String?
    @Option(help: ArgumentHelp("Several datasets with the same labels, comma-separated, pooled.", valueName: "a,b")) var datasets: CommaList?
    @Option(help: ArgumentHelp("Only these splits, comma-separated.", valueName: "split")) var split: CommaList?
    @Option(help: "How many duplicate and conflict groups to list.") var top = 20
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func validate() throws { try Flags.check { try StatsRun.check(dataset: dataset, datasets: datasets?.values, top: top) } }

    func run() throws {
        let (stats, names) = try StatsRun.run(store: try store.open(), dataset: DatasetSelection(name: dataset, splits: split?.values), pooled: datasets?.values)
        try output.emit(SummaryTables.stats(stats, datasets: names, top: top, complete: output.format != .table))
    }
}
