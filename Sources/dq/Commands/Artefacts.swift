import ArgumentParser
import DQReports
import DQRuns

struct Artefacts: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Token-level artefacts: the tokens whose presence gives the model its information about each label.", discussion: """
        Refits a `dq pvi` run's g′ models exactly (checked against the stored probabilities) and measures, for every word of every \
        sample, how much PVI drops when it is removed (Ethayarajh et al., ICML 2022, §4.3): candidate spurious cues, and candidate \
        specifications for `dq inconsistent` (--as-specs). More: docs/commands/artefacts.md.

        Examples:
          dq artefacts --dataset trec
          dq artefacts --run 3 --label HUM --top 20 --min-count 10
          dq artefacts --as-specs specs-draft.json
        """)

    @OptionGroup var selection: DatasetNameOptions
    @Option(name: .customLong("run"), help: "The `dq pvi` run. Default: the dataset's latest on untransformed inputs.") var pviRun: Int64?
    @Option(help: "Only this label.") var label: String?
    @Option(help: "Tokens listed per label.") var top = 30
    @Option(help: "Only tokens occurring more than this many times in all labels (the reference's min_freq).") var minCount = ArtefactsRun.Options().minCount
    @Option(help: ArgumentHelp("Also write the top tokens of each label as a specs.json draft.", valueName: "file")) var asSpecs: String?
    @OptionGroup var output: OutputOptions

    func validate() throws { try OutputCheck.check(asSpecs, option: "--as-specs") }

    func run() throws {
        var options = ArtefactsRun.Options()
        (options.pviRun, options.label, options.minCount) = (pviRun, label, minCount)
        let outcome = try Terminal.run { try ArtefactsRun.run(store: try selection.open(), dataset: selection.selection, options: options, observer: $0) }
        try output.emit(outcome.tables(top: top))
        if let asSpecs {
            try OutputFiles.write(outcome.specsDraft, to: asSpecs)
            Terminal.note("wrote \(asSpecs): a draft for dq inconsistent --specs (review it: artefacts are cues, not rules)")
        }
    }
}
