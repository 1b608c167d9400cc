import ArgumentParser
import DQRuns

extension ModelChoice: ExpressibleByArgument {
    package init?(argument: String) {
        self.init(argument)
    }
}

/// The model family and its training settings, shared by `dq pvi` and `dq cartography`; each
/// command has its own default family.
struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The model family V: bow (logistic regression on hashed n-grams), tiny-bert (BERT L=2, H=128), a Hugging Face BERT directory (fine-tuned), or embeddings:DIR (logistic regression on that checkpoint's frozen sentence embeddings). Default: bow for pvi, tiny-bert for cartography.",
        valueName: "bow|tiny-bert|dir|embeddings:dir"))
    var model: ModelChoice?
    @Option(help: ArgumentHelp("Pretrained weights for tiny-bert (a Hugging Face BERT directory).", valueName: "dir")) var weights: String?
    @Option(help: "BERT training epochs. Default: 3 fine-tuning pretrained weights, 10 from random initialisation.") var epochs: Int?
    @Option(help: "BERT mini-batch size.") var batchSize = 32
    @Option(help: "BERT peak learning rate. Default: 1e-4 fine-tuning, 1e-3 from random initialisation.") var lr: Float?
    @Option(help: "BERT input length in tokens, specials included.") var maxLength = 128
    @Option(help: "bow and embeddings: L2 strength λ of the mean log-loss + (λ/2)‖W‖² objective. Default 1/n (scikit-learn's C=1).") var l2: Double?
    @Option(help: ArgumentHelp(
        "bow and embeddings: stop each fit once its held-out log2 p(y|x) move by less than this many bits per sample on average, 5 iterations running; 0 solves every fit to convergence.",
        valueName: "bits")) var heldOutTolerance = ModelSettings.defaultHeldOutTolerance
    @Option(help: "Seed for folds, initialisation, shuffling and dropout.") var seed: UInt64 = 13

    func validate() throws {
        if let epochs, !(1...10_000).contains(epochs) { throw ValidationError("--epochs must be between 1 and 10000") }
        if !(1...65_536).contains(batchSize) { throw ValidationError("--batch-size must be between 1 and 65536") }
        if let lr, !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be a positive number") }
        if !(8...100_000).contains(maxLength) { throw ValidationError("--max-length must be between 8 and 100000") }
        if let l2, !(l2 >= 0 && l2.isFinite) { throw ValidationError("--l2 must be a finite number, 0 or more") }
        if !(heldOutTolerance >= 0 && heldOutTolerance < 1) { throw ValidationError("--held-out-tolerance must be at least 0 and below 1 (bits)") }
        if model == .bow && weights != nil { throw ValidationError("--weights applies to BERT models, not bow") }
        if case .embeddings(let directory)? = model {
            if directory.isEmpty { throw ValidationError("--model embeddings:DIR needs the checkpoint directory after the colon") }
            if weights != nil { throw ValidationError("--weights applies to BERT models; embeddings:DIR names its checkpoint itself") }
        }
    }

    /// The settings, with `model` defaulting to the command's family.
    func settings(default family: ModelChoice) -> ModelSettings {
        ModelSettings(model: model ?? family, weights: weights, epochs: epochs, batchSize: batchSize, learningRate: lr, maxLength: maxLength,
                      l2: l2, heldOutTolerance: heldOutTolerance > 0 ? heldOutTolerance : nil, seed: seed)
    }
}
