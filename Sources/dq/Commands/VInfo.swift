import ArgumentParser
import DQRuns

struct VInfo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vinfo",
        abstract: "Compare V-information across datasets, models, input transformations and slices.",
        subcommands: [VInfoCompare.self]
    )
}

struct VInfoCompare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "One table of V-information of `dq pvi` runs, with bootstrap confidence intervals.",
        discussion: """
            Each run's V-information (mean PVI, in bits) with a 95% percentile-bootstrap interval and g′'s accuracy, and each run's difference from \
            the first with its own interval (paired when both runs scored the same samples). Answers: which dataset is harder for this model, how \
            much word order carries (--transform shuffle), whether one model extracts more usable information than another.

            Examples:
              dq vinfo compare 3 5 7
              dq vinfo compare --dataset mnli
              dq vinfo compare --dataset snli,mnli --model bow --per-label
            """
    )

    @Argument(help: "`dq pvi` run ids. Default: the latest run of each model and transformation of --dataset.") var runs: [Int64] = []
    @Option(help: ArgumentHelp("Datasets whose runs to compare (comma-separated). Default: the only one.", valueName: "a,b")) var dataset: String?
    @Option(help: ArgumentHelp("Only runs of these model families (comma-separated).", valueName: "bow,tiny-bert")) var model: String?
    @Flag(help: "Also each label's V-information.") var perLabel = false
    @Option(help: "Bootstrap resamples.") var bootstrap = 1000
    @Option(help: "Seed of the bootstrap.") var seed: UInt64 = 13
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if !(100...100_000).contains(bootstrap) { throw ValidationError("--bootstrap must be between 100 and 100000") }
        if !runs.isEmpty && (dataset != nil || model != nil) { throw ValidationError("give run ids, or --dataset/--model, not both") }
    }

    func run() throws {
        var options = VInfoRun.Options()
        options.runs = runs
        options.datasets = dataset.map { $0.split(separator: ",").map { String($0).trimmingWhitespace() } }
        options.models = model.map { Set($0.split(separator: ",").map { String($0).trimmingWhitespace() }) }
        options.perLabel = perLabel
        options.bootstrap = bootstrap
        options.seed = seed
        try output.emit(try VInfoRun.tables(store: try store.open(), options: options))
    }
}
