import ArgumentParser
import DQAnalyses
import DQLearning
import DQReports
import DQText
import Foundation

/// The model family and its training settings, shared by `dq pvi` and `dq cartography`.
struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The model family V: bow (logistic regression on hashed n-grams), tiny-bert (BERT L=2, H=128), or a Hugging Face BERT directory.",
        valueName: "bow|tiny-bert|dir"))
    var model = "bow"

    @Option(help: ArgumentHelp("Pretrained weights for tiny-bert (a Hugging Face BERT directory).", valueName: "dir"))
    var weights: String?

    @Option(help: "BERT training epochs. Default: 3 fine-tuning pretrained weights, 10 from random initialisation.")
    var epochs: Int?

    @Option(name: .customLong("batch-size"), help: "BERT mini-batch size.")
    var batchSize = 32

    @Option(help: "BERT peak learning rate. Default: 1e-4 fine-tuning, 1e-3 from random initialisation.")
    var lr: Float?

    @Option(name: .customLong("max-length"), help: "BERT input length in tokens, specials included.")
    var maxLength = 128

    @Option(help: "bow: L2 strength λ of the mean log-loss + (λ/2)‖W‖² objective. Default 1/n (scikit-learn's C=1).")
    var l2: Double?

    @Option(help: "Seed for folds, initialisation, shuffling and dropout.")
    var seed: UInt64 = 13

    func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if let lr, !(lr > 0) { throw ValidationError("--lr must be positive") }
        if maxLength < 8 { throw ValidationError("--max-length must be at least 8") }
        if model == "bow" && weights != nil { throw ValidationError("--weights applies to BERT models, not bow") }
    }

    /// The family to fit, telling the user once how BERT weights were found.
    func family(onStep: ((TrainingProgress) throws -> Void)?) throws -> any ModelFamily {
        if model == "bow" {
            return BowFamily(options: SoftmaxRegression.Options(l2: l2))
        }
        let initialisation: BertFamily.Initialisation
        let pretrained: Bool
        switch try PretrainedModels.resolve(model: model, weights: weights) {
        case let .checkpoint(directory, origin):
            Terminal.note("\(model): weights from \(origin) (\(directory))")
            initialisation = .checkpoint(directory)
            pretrained = true
        case .randomInitialisation(let looked):
            Terminal.note("\(model): no pretrained weights (looked in \(looked.joined(separator: ", "))); training from random initialisation. For pretrained weights run `dq models fetch \(model)` or pass --weights DIR.")
            initialisation = .randomTiny
            pretrained = false
        }
        var training = pretrained ? BertTrainingOptions.fineTuning(seed: seed) : BertTrainingOptions.fromScratch(seed: seed)
        if let epochs { training.epochs = epochs }
        if let lr { training.learningRate = lr }
        training.batchSize = batchSize
        training.maxLength = maxLength
        var family = BertFamily(name: model, initialisation: initialisation, training: training)
        family.onStep = onStep
        return family
    }
}

/// Progress of a run made of several trainings (folds × input and null models): a line per
/// BERT step with the current fit, its epoch, step, loss and speed, the share of the whole run
/// done and the time left for all of it. Ctrl-C is checked at each step.
final class RunProgress {
    let fits: Int
    private(set) var label = ""
    private var fitsStarted = 0
    private let started = Date()

    init(fits: Int) {
        self.fits = max(1, fits)
    }

    /// A new fit begins.
    func begin(_ label: String) {
        fitsStarted += 1
        self.label = label
    }

    func step(_ progress: TrainingProgress) throws {
        try Interrupt.check()
        let done = (Double(max(fitsStarted, 1) - 1) + Double(progress.step) / Double(max(progress.totalSteps, 1))) / Double(fits)
        let elapsed = Date().timeIntervalSince(started)
        let eta = done > 0 ? Int(elapsed * (1 - done) / done) : 0
        Terminal.progress("\(label) epoch \(progress.epoch)/\(progress.epochs), step \(progress.step)/\(progress.totalSteps), loss \(progress.loss.formatted(digits: 4)), \(Int(progress.samplesPerSecond)) samples/s; run \(Int(100 * done))%, ETA \(eta / 60)m\(eta % 60)s")
    }
}
