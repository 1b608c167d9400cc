import ArgumentParser
import DQRuns

struct Bias: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Lexical bias: how a label's rate among samples with given terms departs from its overall rate.", discussion: """
        For each term (one per line), p(L | term) in the data and under a `dq pvi` run's out-of-sample predictions, and the pinned bias \
        pB = Σ_t |p(L | t) − φ| / |T|, φ the overall p(L) (or --phi). More: docs/commands/bias.md.

        Examples:
          dq bias --terms identity-terms.txt --label toxic --dataset civil
          dq bias --terms terms.txt --label HUM --dataset trec --phi 0.5 --run 3
        """)

    @Option(help: ArgumentHelp("The terms, one per line.", valueName: "file")) var terms: String
    @Option(help: "The label whose rate is measured.") var label: String
    @OptionGroup var selection: DatasetOptions
    @Option(name: .customLong("run"), help: "The `dq pvi` run for the model's rates. Default: the dataset's latest on untransformed inputs, if any.") var pviRun: Int64?
    @Option(help: ArgumentHelp("The reference rate φ: dataset (the label's overall rate) or a number such as 0.5.", valueName: "dataset|p")) var phi = "dataset"
    @Option(help: "Sample ids listed per term.") var examples = BiasRun.Options(termsFile: "", label: "").examples
    @OptionGroup var output: OutputOptions

    func validate() throws { try Flags.check(renamed: ["pviRun": "--run", "termsFile": "--terms"]) { try options().validate() } }

    func options() throws -> BiasRun.Options {
        var o = BiasRun.Options(termsFile: terms, label: label)
        (o.pviRun, o.phi, o.examples) = (pviRun, try BiasRun.Options.phi(phi), examples)
        return o
    }

    func run() throws {
        try output.emit(try BiasRun.run(store: try selection.open(), dataset: selection.selection, options: try options()))
    }
}
