import ArgumentParser
import DQRuns

struct PVI: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pvi", abstract: "Pointwise V-information: how much usable information each input carries about its label.", discussion: """
        Fits g′ on (text, label) and g on (empty input, label) from one model family and scores every sample out of sample: PVI = \
        −log2 g(y|∅) + log2 g′(y|x), in bits (Ethayarajh et al., ICML 2022). Low or negative PVI marks the hardest samples and likely \
        mislabels; the mean is the dataset's V-information. Cross-fitting keeps samples with the same text (for pairs, the same premise) \
        in one fold (--group-by). --transform measures what an attribute of the input carries; compare runs with `dq vinfo compare`. \
        More: docs/commands/pvi.md.

        Examples:
          dq pvi --dataset trec --model bow
          dq pvi --dataset trec --model bow --folds 5 --by fine_label --out pvi.csv
          dq pvi --dataset cola --model tiny-bert --train-split train --eval-split dev
          dq pvi --dataset mnli --model bow --transform pair-only
          dq pvi --dataset trec --model embeddings:./all-MiniLM-L6-v2
        """)

    @OptionGroup var selection: DatasetOptions
    @Option(help: "Folds for cross-fitting.") var folds = PVIRun.Options.folds
    @Option(help: "Fit on this split instead of cross-fitting…") var trainSplit: String?
    @Option(help: "…and score this one.") var evalSplit: String?
    @Option(help: "The null-input model g: trained (the family fitted on empty inputs, as in the paper) or prior (the training label frequencies).") var null = PVIRun.Options().null
    @Option(help: ArgumentHelp("Also summarise by this column: label, split, a metadata column, or annotator (each annotator's samples).", valueName: "column")) var by: String?
    @Option(help: "How many lowest-PVI samples to list.") var top = 10
    @Option(help: ArgumentHelp("Keep samples sharing this in one fold: text (the same text up to case and punctuation; for pairs, the same premise), none, or a metadata column.", valueName: "text|none|column")) var groupBy = PVIRun.Options().groupBy
    @Option(help: ArgumentHelp("Train and score on transformed inputs: shuffle, text-only, pair-only, length, drop-tokens, lowercase.", valueName: "name")) var transform: PVIRun.Transform?
    @Option(help: ArgumentHelp("For --transform drop-tokens: the words to drop, one per line.", valueName: "file")) var tokensFile: String?
    @Option(help: ArgumentHelp("Compute PVI from probabilities made elsewhere instead of training (CSV: id, p_input:<label>…, p_null:<label>…; see docs/scale-out.md).", valueName: "file")) var importProbs: String?
    @Option(help: ArgumentHelp("The model family V: bow (logistic regression on hashed n-grams), tiny-bert (BERT L=2, H=128), a Hugging Face BERT directory (fine-tuned), or embeddings:DIR (logistic regression on that checkpoint's frozen sentence embeddings; DIR may be a fetched encoder's name, e.g. minilm). Default: bow.", valueName: "bow|tiny-bert|dir|embeddings:dir")) var model: ModelChoice?
    @OptionGroup var modelOptions: ModelOptions
    @Option(help: ArgumentHelp("bow and embeddings: L2 strength λ of the mean log-loss + (λ/2)‖W‖² objective: a number, 1/n (scikit-learn's C=1; C=2 with two labels, docs/methods.md), or auto (λ = c/n, c chosen for each fold on one of its training folds held out; with bow on text pairs each text's features are also normalised and penalised apart; 1.4–3.0× the time of 1/n). Default: auto for bow, 1/n for embeddings.", valueName: "λ|1/n|auto")) var l2: L2Setting?
    @Option(help: ArgumentHelp("bow and embeddings: stop each fit once its held-out log2 p(y|x) move by less than this many bits per sample on average, 5 iterations running; 0 solves every fit to convergence.", valueName: "bits")) var heldOutTolerance = ModelSettings.defaultHeldOutTolerance
    @OptionGroup var output: SampleOutputOptions

    func options() throws -> PVIRun.Options {
        PVIRun.Options(scheme: try PVIRun.Options.scheme(folds: folds, trainSplit: trainSplit, evalSplit: evalSplit), null: null, groupBy: groupBy,
                       transform: transform, tokensFile: tokensFile, by: by, importProbabilities: importProbs, model: modelOptions.settings(model: model ?? .bow, l2: l2, heldOutTolerance: heldOutTolerance))
    }

    func validate() throws {
        if top < 0 { throw ValidationError("--top must be 0 or more") }
        try Flags.check(renamed: ["importProbabilities": "--import-probs"]) { try options().validate(splits: selection.selection.splits) }
    }

    func run() throws {
        let outcome = try Terminal.run { try PVIRun.run(store: try selection.open(), dataset: selection.selection, options: try options(), observer: $0) }
        try output.emit(try outcome.tables(by: by, top: top), samples: outcome.sampleTable)
    }
}

extension PVIRun.NullModel: ExpressibleByArgument {}
extension PVIRun.Transform: ExpressibleByArgument {}
