import ArgumentParser
import DQRuns

struct Suspects: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "One ranked list of the samples most likely mislabelled, from every analysis run so far.", discussion: """
        Scores every sample with the latest run of each analysis: each model's PVI and confident learning, cartography confidence, \
        specifications, conflicting duplicates, annotator disagreement. After `dq evaluate`, the fusion it fitted on planted errors \
        scores the samples; otherwise the model signals' ranks are averaged. The list is as long as confident learning's estimate of \
        the label errors; it is stored as a run for `dq export suspects`. More: docs/commands/suspects.md.

        Examples:
          dq suspects --dataset trec
          dq suspects --dataset trec --split test --top 100 --format csv
          dq suspects --dataset trec --all --out ranked.csv
        """)

    @OptionGroup var selection: DatasetOptions
    @Option(help: "List this many suspects instead of the estimated number of label errors.") var top: Int?
    @Flag(help: "List every sample, ranked.") var all = false
    @Option(help: "Draw N samples at random for review instead (half from the list, half from the rest); once reviewed, suspects estimate the error rate.") var audit: Int?
    @Option(help: "How many to print (the whole list is stored, and written by --out).") var show = SuspectsRun.Options().show
    @Flag(help: "List samples a review already decided on (corrected or kept) too.") var includeReviewed = false
    @OptionGroup var output: SampleOutputOptions

    func validate() throws { try Flags.check(options.validate) }
    var options: SuspectsRun.Options { SuspectsRun.Options(top: top, all: all, audit: audit, includeReviewed: includeReviewed, show: show) }

    func run() throws {
        let outcome = try Terminal.run { try SuspectsRun.run(store: try selection.open(), dataset: selection.selection, options: options, observer: $0) }
        try output.emit([outcome.auditTable, outcome.table(top: show)].compactMap { $0 }, samples: outcome.sampleTable)
    }
}
