import ArgumentParser
import DQRuns

struct Agreement: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "How far the annotators of a dataset agree beyond chance.",
        discussion: """
            Krippendorff's α (nominal), Fleiss' κ and Light's κ (the mean of every pair's Cohen's κ), overall, per label (that label against \
            the rest) and per annotator, each with a percentile bootstrap interval over items; Cohen's κ for every pair of annotators (and, \
            with up to 12 annotators, as a matrix); and the items with the most disagreement. Only items with two or more annotations count. \
            1 is perfect agreement and 0 is what chance gives. The formulas and their sources are in docs/methods.md.

            The dataset needs annotations: ingest with --annotator, --annotators or --input-format label-studio.

            Examples:
              dq agreement --dataset sentiment
              dq agreement --dataset sentiment --resamples 0 --table agreement_pairs --format csv
            """
    )

    @OptionGroup var data: DatasetOptions
    @Option(help: "Bootstrap resamples over items for the intervals (0: none).") var resamples = AgreementRun.Options().resamples
    @Option(help: "The intervals' confidence level.") var level = AgreementRun.Options().level
    @Option(help: "Seed of the bootstrap.") var seed = AgreementRun.Options().seed
    @Option(help: "How many of the most disputed items to list.") var top = AgreementRun.Options().top
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    var options: AgreementRun.Options {
        var o = AgreementRun.Options()
        (o.dataset, o.splits, o.resamples, o.level, o.seed, o.top) = (data.dataset, data.selection.splits, resamples, level, seed, top)
        return o
    }

    func validate() throws { try Flags.check(options.validate) }

    func run() throws {
        let outcome = try Interrupt.during { try AgreementRun.run(store: try store.open(), options: options, observer: Terminal.observer) }
        try output.emit(outcome.tables)
    }
}
