import ArgumentParser
import DQRuns

extension ModelChoice: ExpressibleByArgument { package init?(argument: String) { self.init(argument) } }

/// The model family and its training settings, shared by `dq pvi` and `dq cartography`; each
/// command has its own default family.
struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The model family V: bow (logistic regression on hashed n-grams), tiny-bert (BERT L=2, H=128), a Hugging Face BERT directory (fine-tuned), or embeddings:DIR (logistic regression on that checkpoint's frozen sentence embeddings; DIR may be a fetched encoder's name, e.g. minilm). cartography trains in epochs: tiny-bert or a BERT directory only. Default: bow for pvi, tiny-bert for cartography.", valueName: "bow|tiny-bert|dir|embeddings:dir")) var model: ModelChoice?
    @Option(help: ArgumentHelp("Pretrained weights for tiny-bert (a Hugging Face BERT directory).", valueName: "dir")) var weights: String?
    @Option(help: "BERT training epochs. Default: 3 fine-tuning pretrained weights, 10 from random initialisation.") var epochs: Int?
    @Option(help: "BERT mini-batch size.") var batchSize = ModelSettings(model: .bow).batchSize
    @Option(help: "BERT peak learning rate. Default: 1e-4 fine-tuning, 1e-3 from random initialisation.") var lr: Float?
    @Option(help: "BERT input length in tokens, specials included.") var maxLength = ModelSettings(model: .bow).maxLength
    @Option(help: "bow and embeddings: L2 strength λ of the mean log-loss + (λ/2)‖W‖² objective. Default 1/n (scikit-learn's C=1; C=2 with two labels, docs/methods.md).") var l2: Double?
    @Option(help: ArgumentHelp("bow and embeddings: stop each fit once its held-out log2 p(y|x) move by less than this many bits per sample on average, 5 iterations running; 0 solves every fit to convergence.", valueName: "bits")) var heldOutTolerance = ModelSettings.defaultHeldOutTolerance
    @Option(help: "Seed for folds, initialisation, shuffling and dropout.") var seed = ModelSettings(model: .bow).seed

    func validate() throws { try Flags.check(settings(default: .bow).validate) }

    /// The settings, with `model` defaulting to the command's family.
    func settings(default family: ModelChoice) -> ModelSettings {
        ModelSettings(model: model ?? family, weights: weights, epochs: epochs, batchSize: batchSize, learningRate: lr, maxLength: maxLength,
                      l2: l2, heldOutTolerance: heldOutTolerance != 0 ? heldOutTolerance : nil, seed: seed)
    }
}
