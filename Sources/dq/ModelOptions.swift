import ArgumentParser
import DQRuns

extension ModelChoice: ExpressibleByArgument { package init?(argument: String) { self.init(argument) } }
extension L2Setting: ExpressibleByArgument { package init?(argument: String) { self.init(argument) } }

/// BERT's training settings and the seed, shared by `dq pvi` and `dq cartography`; each command
/// names the model families it takes (and their checks are its run's).
struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Pretrained weights for tiny-bert (a Hugging Face BERT directory).", valueName: "dir")) var weights: String?
    @Option(help: "BERT training epochs. Default: 3 fine-tuning pretrained weights, 10 from random initialisation.") var epochs: Int?
    @Option(help: "BERT mini-batch size.") var batchSize = ModelSettings(model: .bow).batchSize
    @Option(help: "BERT peak learning rate. Default: 1e-4 fine-tuning, 1e-3 from random initialisation.") var lr: Float?
    @Option(help: "BERT input length in tokens, specials included.") var maxLength = ModelSettings(model: .bow).maxLength
    @Option(help: "Seed for folds, initialisation, shuffling and dropout.") var seed = ModelSettings(model: .bow).seed

    /// The settings of `model`; `l2` and `heldOutTolerance` (0: none) for the families fitted by L-BFGS.
    func settings(model: ModelChoice, l2: L2Setting? = nil, heldOutTolerance: Double = ModelSettings.defaultHeldOutTolerance) -> ModelSettings {
        ModelSettings(model: model, weights: weights, epochs: epochs, batchSize: batchSize, learningRate: lr, maxLength: maxLength,
                      heldOutTolerance: heldOutTolerance != 0 ? heldOutTolerance : nil, seed: seed).with(l2)
    }
}
