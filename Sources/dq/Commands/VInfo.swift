import ArgumentParser
import DQRuns

struct VInfo: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "vinfo", abstract: "Compare V-information across datasets, models, input transformations and slices.",
                                                    subcommands: [VInfoCompare.self])
}

struct VInfoCompare: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compare", abstract: "One table of V-information of `dq pvi` runs, with bootstrap confidence intervals.", discussion: """
        Each run's V-information (mean PVI, in bits) with a 95% bootstrap interval and g′'s accuracy, and its difference from the first \
        run (paired when both scored the same samples). More: docs/commands/vinfo.md.

        Examples:
          dq vinfo compare --runs 3,5,7
          dq vinfo compare --dataset mnli
          dq vinfo compare --dataset snli,mnli --model bow --per-label
        """)

    @Option(help: ArgumentHelp("`dq pvi` runs, comma-separated. Default: the latest run of each model and transformation of --dataset.", valueName: "a,b")) var runs: CommaList?
    @Option(help: ArgumentHelp("Datasets whose runs to compare (comma-separated). Default: the only one.", valueName: "a,b")) var dataset: CommaList?
    @Option(help: ArgumentHelp("Only runs of these model families (comma-separated).", valueName: "bow,tiny-bert")) var model: CommaList?
    @Flag(help: "Also each label's V-information.") var perLabel = false
    @Option(help: "Bootstrap resamples.") var bootstrap = VInfoRun.Options().bootstrap
    @Option(help: "Seed of the bootstrap.") var seed = VInfoRun.Options().seed
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    var options: VInfoRun.Options {
        VInfoRun.Options(runs: runs?.values.compactMap { Int64($0) } ?? [], datasets: dataset?.values, models: model.map { Set($0.values) }, perLabel: perLabel, bootstrap: bootstrap, seed: seed)
    }

    func validate() throws {
        if let bad = runs?.values.first(where: { Int64($0) == nil }) { throw ValidationError("--runs takes run ids, comma-separated; '\(bad)' is not one") }
        try Flags.check(options.validate)
    }

    func run() throws {
        try output.emit(try VInfoRun.run(store: try store.open(), options: options))
    }
}
