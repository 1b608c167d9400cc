import ArgumentParser
import DQReports
import DQRuns

struct Select: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a training subset chosen by PVI or by cartography region, and record the rule.", discussion: """
        Drop the lowest-PVI samples (likely mislabels; Ethayarajh et al. 2022), keep the hardest by PVI, or keep a cartography region \
        (Swayamdipta et al. 2020). The subset is written as CSV (id, split, text, text_pair, label) and stored as a run with its rule. \
        More: docs/commands/select.md.

        Examples:
          dq select --drop-lowest 10% --out clean.csv
          dq select --run 3 --keep-hardest 1000 --out hard.csv
          dq select --region ambiguous --out ambiguous.csv
        """)

    @OptionGroup var selection: DatasetOptions
    @Option(name: .customLong("run"), help: "The `dq pvi` or `dq cartography` run to select by. Default: the dataset's latest of the kind the rule needs.") var sourceRun: Int64?
    @Option(help: ArgumentHelp("Drop this share (10%) or number (500) of the lowest-PVI samples; keep the rest.", valueName: "p%|n")) var dropLowest: SelectRun.Amount?
    @Option(help: ArgumentHelp("Keep only this number (or share) of the lowest-PVI samples.", valueName: "n|p%")) var keepHardest: SelectRun.Amount?
    @Option(help: "Keep one cartography region: easy-to-learn, ambiguous or hard-to-learn.") var region: SelectRun.Region?
    @Option(help: ArgumentHelp("The CSV file to write.", valueName: "file")) var out: String

    var rule: SelectRun.Rule { get throws { try SelectRun.Rule(dropLowest: dropLowest, keepHardest: keepHardest, region: region) } }

    func validate() throws {
        try OutputCheck.check(out, option: "--out")
        try Flags.check { _ = try rule }
    }

    func run() throws {
        let outcome = try SelectRun.run(store: try selection.open(), dataset: selection.selection, sourceRun: sourceRun, rule: try rule, out: out) { try OutputFiles.write($0, to: out) }
        Terminal.note("run \(outcome.run): \(outcome.rule) of \(outcome.sourceDescribed): kept \(outcome.kept) samples, wrote \(out)")
    }
}

extension SelectRun.Amount: ExpressibleByArgument { package init?(argument: String) { self.init(argument) } }

extension SelectRun.Region: ExpressibleByArgument {}
