import ArgumentParser
import DQRuns

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "How well dq finds label errors in this dataset: plant known errors, rerun the analyses, score each signal.", discussion: """
        A share of the labels (--rate) is changed in a copy (the store's labels are untouched); every signal then ranks the samples and \
        is scored against the planted errors: precision and recall in the top k (k = the number planted), average precision and AUROC, \
        mean ± sd over --repeats seeds. --embed-model adds a second model; --cartography trains a BERT family on each copy (slow). The \
        fusion fitted here is stored with the run, and dq suspects uses it. On multi-label data each planted error flips one label \
        membership, and each label's one-vs-rest model is cross-fitted. More: docs/commands/evaluate.md.

        Examples:
          dq evaluate --dataset trec
          dq evaluate --dataset trec --mode confusable --rate 0.05 --repeats 5 --out planted.csv
          dq evaluate --dataset trec --embed-model ./all-MiniLM-L6-v2
          dq evaluate --dataset trec --cartography tiny-bert --epochs 4 --max-length 64
          dq evaluate --dataset semeval --db demo-out/annotations.sqlite      # multi-label, after make demo
        """)

    @OptionGroup var selection: DatasetOptions
    @Option(help: "uniform, confusable, or hard (flips where the models split, as real errors fall).") var mode = EvaluateRun.Options().mode
    @Option(help: "Share of labels to change, in (0, 0.5]; the repeats plant this, half of it and twice it (at most 0.5) in turn.") var rate = EvaluateRun.Options().rate
    @Option(help: "Repeats, each with its own seed.") var repeats = EvaluateRun.Options().repeats
    @Option(help: "Cross-fitting folds of the bow model.") var folds = EvaluateRun.Options().folds
    @Option(help: ArgumentHelp("Also score these specifications (as dq inconsistent).", valueName: "file")) var specs: String?
    @Option(help: ArgumentHelp("Also cross-fit a linear probe on this BERT checkpoint's sentence embeddings.", valueName: "dir")) var embedModel: String?
    @Option(help: ArgumentHelp("Also train this BERT family on each noisy copy and score its cartography confidence (as dq cartography).", valueName: "tiny-bert|dir")) var cartography: ModelChoice?
    @Option(help: ArgumentHelp("Pretrained weights for --cartography tiny-bert.", valueName: "dir")) var weights: String?
    @Option(help: "--cartography's training epochs. Default: 3 fine-tuning pretrained weights, 10 from random initialisation.") var epochs: Int?
    @Option(help: "--cartography's input length in tokens, specials included.") var maxLength = ModelSettings(model: .tinyBert).maxLength
    @Option(help: "Seed of the first repeat.") var seed = EvaluateRun.Options().model.seed
    @OptionGroup var output: SampleOutputOptions

    var options: EvaluateRun.Options {
        var o = EvaluateRun.Options()
        (o.mode, o.rate, o.repeats, o.folds, o.specsFile, o.embedModel, o.model.seed) = (mode, rate, repeats, folds, specs, embedModel, seed)
        o.cartography = cartography.map { ModelSettings(model: $0, weights: weights, epochs: epochs, maxLength: maxLength, seed: seed) }
        return o
    }

    func validate() throws {
        if cartography == nil && (weights != nil || epochs != nil) { throw ValidationError("--weights and --epochs apply to --cartography's model; name it") }
        try Flags.check(options.validate)
    }

    func run() throws {
        let outcome = try Terminal.run { try EvaluateRun.run(store: try selection.open(), dataset: selection.selection, options: options, observer: $0) }
        try output.emit(outcome.tables, samples: outcome.plantedTable)
    }
}

extension EvaluateRun.PlantingMode: ExpressibleByArgument {}
