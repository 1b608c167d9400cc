import ArgumentParser
import DQRuns

struct Agreement: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "How far the annotators of a dataset agree beyond chance.", discussion: """
        Krippendorff's α (nominal; --metric ordinal|interval|ratio adds it for labels that are numbers), Fleiss' κ and Light's κ, overall, per label and per annotator, with bootstrap intervals over items; \
        Cohen's κ for every pair of annotators; and the most disputed items. 1 is perfect agreement, 0 what chance gives. The dataset \
        needs annotations (ingest with --annotator, --annotators or --input-format label-studio). More: docs/commands/agreement.md.

        Examples:
          dq agreement --dataset sentiment
          dq agreement --dataset sentiment --resamples 0 --table agreement_pairs --format csv
        """)

    @OptionGroup var data: DatasetOptions
    @Option(help: "Bootstrap resamples over items for the intervals (0: none).") var resamples = AgreementRun.Options().resamples
    @Option(help: "The intervals' confidence level.") var level = AgreementRun.Options().level
    @Option(help: "Seed of the bootstrap.") var seed = AgreementRun.Options().seed
    @Option(help: "How many of the most disputed items to list.") var top = AgreementRun.Options().top
    @Option(help: "The labels' level of measurement: nominal, or ordinal, interval or ratio (labels that are numbers) for an α that weighs how far apart labels are.") var metric = AgreementRun.Options().metric
    @Option(help: ArgumentHelp("Group the annotators by this attribute (dq ingest --annotator-meta).", valueName: "attribute")) var by: String?
    @Flag(help: "Measure the reviewers of dq corrections import (each one's latest decision per sample) instead of the ingested annotators.") var reviews = false
    @OptionGroup var output: OutputOptions

    var options: AgreementRun.Options { AgreementRun.Options(dataset: data.dataset, splits: data.selection.splits, resamples: resamples, level: level, seed: seed, top: top, metric: metric, by: by, reviews: reviews) }

    func validate() throws { try Flags.check(options.validate) }

    func run() throws {
        let outcome = try Terminal.run { try AgreementRun.run(store: try data.open(), options: options, observer: $0) }
        try output.emit(outcome.tables)
    }
}
