import ArgumentParser
import DQReports
import DQRuns

struct Cartography: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Dataset cartography: map samples by training dynamics into easy, ambiguous and hard-to-learn.", discussion: """
        Trains g′ (a BERT-family model) and records each sample's gold-label probability after every epoch (Swayamdipta et al., EMNLP \
        2020): confidence is its mean, variability its standard deviation. The --share most variable samples are ambiguous; of the \
        rest, the --share least confident are hard-to-learn (often mislabelled) and the most confident easy-to-learn. tiny-bert uses \
        pretrained weights if dq finds them (dq models list). More: docs/commands/cartography.md.

        Examples:
          dq cartography --dataset trec --epochs 6 --plot map.svg
          dq cartography --dataset cola --weights ./bert-tiny --out carto.csv
        """)

    @OptionGroup var selection: DatasetOptions
    @Option(help: "Share of samples in each region (0–0.5).") var share = CartographyRun.Options().share
    @Option(help: "Record the dynamics every this many epochs (1: after each epoch; 0.25: four times per epoch).") var every = CartographyRun.Options().every
    @Option(help: "How many samples of each region to list.") var top = 8
    @Option(help: ArgumentHelp("Write the data map as an SVG file.", valueName: "file.svg")) var plot: String?
    @Option(name: .customLong("import"), help: ArgumentHelp("Map training dynamics recorded elsewhere (allenai/cartography's dynamics_epoch_<e>.jsonl files) instead of training.", valueName: "dir")) var importDirectory: String?
    @Option(help: ArgumentHelp("The model, trained in epochs: tiny-bert (BERT L=2, H=128) or a Hugging Face BERT directory (fine-tuned). Default: tiny-bert.", valueName: "tiny-bert|dir")) var model: ModelChoice?
    @OptionGroup var modelOptions: ModelOptions
    @Option(help: ArgumentHelp("Also summarise over each annotator's samples: annotator (datasets ingested with annotators).", valueName: "annotator")) var by: Slices?
    @OptionGroup var output: SampleOutputOptions

    var options: CartographyRun.Options {
        var o = CartographyRun.Options(share: share, every: every, importDirectory: importDirectory, model: modelOptions.settings(model: model ?? .tinyBert))
        o.byAnnotator = by == .annotator
        return o
    }

    func validate() throws {
        try OutputCheck.check(plot, option: "--plot")
        try Flags.check(options.validate)
    }

    func run() throws {
        let outcome = try Terminal.run { try CartographyRun.run(store: try selection.open(), dataset: selection.selection, options: options, observer: $0) }
        try output.emit(outcome.tables(top: top), samples: outcome.sampleTable)
        if let plot {
            try OutputFiles.write(outcome.dataMapSVG, to: plot)
            Terminal.note("wrote \(plot)")
        }
    }
}
