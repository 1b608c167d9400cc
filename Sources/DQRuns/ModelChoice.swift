import DQAnalyses
import DQLearning
import DQStore
import DQText
import Foundation

/// The model family V a run fits: `bow`, `tiny-bert`, a Hugging Face BERT directory, or
/// `embeddings:DIR` (a linear probe on that checkpoint's frozen sentence embeddings).
package enum ModelChoice: Equatable, Sendable, CustomStringConvertible {
    case bow
    case tinyBert
    case directory(String)
    case embeddings(String)

    package static let embeddingsPrefix = "embeddings:"

    package init(_ text: String) {
        switch text {
        case "bow": self = .bow
        case "tiny-bert": self = .tinyBert
        case _ where text.hasPrefix(Self.embeddingsPrefix): self = .embeddings(String(text.dropFirst(Self.embeddingsPrefix.count)))
        default: self = .directory(text)
        }
    }

    /// The name runs record and people type.
    package var description: String {
        switch self {
        case .bow: return "bow"
        case .tinyBert: return "tiny-bert"
        case .directory(let path): return path
        case .embeddings(let path): return Self.embeddingsPrefix + path
        }
    }

    /// Whether the family trains in epochs (BERT), as cartography needs.
    package var trainsInEpochs: Bool {
        switch self {
        case .bow, .embeddings: return false
        case .tinyBert, .directory: return true
        }
    }
}

/// The model family and its training settings, as a command gives them. Unset BERT settings
/// take the defaults of the initialisation found (see `BertTrainingOptions`).
/// `--l2`: λ as a number, `1/n` (scikit-learn's C = 1), or `auto` (chosen for each fold's fit on
/// one of its training folds held out, `SoftmaxRegression.L2Selection`). Without it bow chooses
/// (`auto`) and an embeddings probe takes 1/n.
package enum L2Setting: Sendable, Equatable {
    case perSample, selected, fixed(Double)

    package init?(_ text: String) {
        switch text.lowercased() {
        case "1/n": self = .perSample
        case "auto": self = .selected
        default:
            guard let value = Double(text) else { return nil }
            self = .fixed(value)
        }
    }
}

package struct ModelSettings: Sendable, Equatable {
    package var model: ModelChoice
    /// Pretrained weights for tiny-bert (a Hugging Face BERT directory).
    package var weights: String?
    package var epochs: Int?
    package var batchSize = 32
    package var learningRate: Float?
    package var maxLength = 128
    /// bow's L2 strength; nil: chosen per fit with `selectL2`, or 1/n (scikit-learn's C = 1).
    package var l2: Double?
    /// With `l2` nil: choose λ for each fit on held-out data (`SoftmaxRegression.L2Selection`).
    /// The default for bow; an embeddings probe keeps 1/n unless `--l2 auto` asks.
    package var selectL2: Bool
    /// bow's held-out stopping rule in bits (`SoftmaxRegression.Options.heldOutTolerance`);
    /// nil solves every fit to the gradient tolerance.
    package var heldOutTolerance: Double? = ModelSettings.defaultHeldOutTolerance
    package var seed: UInt64 = 13

    package static let defaultHeldOutTolerance = 1e-3

    /// The settings with `--l2`'s choice (nil: the family's default, `selectsL2ByDefault`).
    package func with(_ setting: L2Setting?) -> ModelSettings {
        var settings = self
        switch setting {
        case .fixed(let value): (settings.l2, settings.selectL2) = (value, false)
        case .selected: (settings.l2, settings.selectL2) = (nil, true)
        case .perSample: (settings.l2, settings.selectL2) = (nil, false)
        case nil: (settings.l2, settings.selectL2) = (nil, Self.selectsL2ByDefault(model))
        }
        return settings
    }

    /// bow chooses its λ unless told (issue 33: at λ = 1/n its V-information of MultiNLI's pairs
    /// fell below that of the hypothesis alone, docs/methods.md); an embeddings probe keeps 1/n.
    package static func selectsL2ByDefault(_ model: ModelChoice) -> Bool { model == .bow }

    package init(model: ModelChoice, weights: String? = nil, epochs: Int? = nil, batchSize: Int = 32, learningRate: Float? = nil,
                maxLength: Int = 128, l2: Double? = nil, heldOutTolerance: Double? = ModelSettings.defaultHeldOutTolerance, seed: UInt64 = 13) {
        self.model = model
        self.weights = weights
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.maxLength = maxLength
        self.l2 = l2
        selectL2 = Self.selectsL2ByDefault(model)
        self.heldOutTolerance = heldOutTolerance
        self.seed = seed
    }

    /// Each setting in its range, and the weights only where a family takes them.
    package func validate() throws(OptionError) {
        if let epochs { try OptionError.check(epochs, in: 1...10_000, "epochs") }
        try OptionError.check(batchSize, in: 1...65_536, "batchSize")
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) { throw OptionError("{learningRate} must be a positive number") }
        try OptionError.check(maxLength, in: 8...100_000, "maxLength")
        if let l2, !(l2 >= 0 && l2.isFinite) { throw OptionError("{l2} must be a finite number, 0 or more") }
        if let heldOutTolerance, !(heldOutTolerance >= 0 && heldOutTolerance < 1) { throw OptionError("{heldOutTolerance} must be at least 0 and below 1 (bits)") }
        if model == .bow && weights != nil { throw OptionError("{weights} applies to BERT models, not bow") }
        if case .embeddings(let directory) = model {
            if directory.isEmpty { throw OptionError("{model} embeddings:DIR needs the checkpoint directory after the colon") }
            if weights != nil { throw OptionError("{weights} applies to BERT models; embeddings:DIR names its checkpoint itself") }
        }
    }

    /// The `embeddings` family on the checkpoint in `directory`, with this bow solver's settings.
    /// The observer sees the embedding's progress and may stop it; `store` keeps the embeddings
    /// for later runs.
    func probe(directory name: String, observer: RunObserver, store: Store?) throws -> EmbeddingProbeFamily {
        guard let directory = PretrainedModels.encoder(name) else {
            if PretrainedModels.known[name] != nil {
                throw CheckpointError.file(name, "is not downloaded yet: run `dq models fetch \(name)` (or pass embeddings:DIR, a checkpoint directory)")
            }
            throw CheckpointError.file(name, "is not a checkpoint directory for embeddings:DIR (it needs \(PretrainedModels.files.joined(separator: ", "))), "
                                       + "nor an encoder dq knows (\(PretrainedModels.known.keys.sorted().joined(separator: ", ")))")
        }
        if directory != name { observer.note("embeddings:\(name): the checkpoint in \(directory)") }
        var options = SoftmaxRegression.Options(l2: l2)
        options.heldOutTolerance = heldOutTolerance
        options.selectL2 = selectL2 && l2 == nil
        let family = try EmbeddingProbeFamily(directory: directory, maxLength: maxLength, options: options)
        var progress: CountProgress?  // one per batch of texts to embed
        family.onEmbed = { done, total in
            let line = progress ?? CountProgress("embedding texts with \(directory)", total: total, observer: observer)
            progress = done < total ? line : nil
            try line.update(done)
            if done == total { observer.endProgress() }
        }
        if let store {
            let key = family.encoderKey
            family.kept = (lookup: { try store.embeddings(encoder: key, texts: $0) }, keep: { try store.writeEmbeddings(encoder: key, $0) })
        }
        return family
    }

    /// The family to fit and its recorded parameters, telling the observer once how BERT
    /// weights were found. `onStep` sees every BERT training step.
    func family(observer: RunObserver, store: Store? = nil, onStep: ((DQLearning.TrainingProgress) throws -> Void)?) throws
        -> (family: any ModelFamily, parameters: ModelParameters) {
        if model == .bow {
            var options = SoftmaxRegression.Options(l2: l2)
            options.heldOutTolerance = heldOutTolerance
            options.selectL2 = selectL2 && l2 == nil
            var features = HashedNGrams()
            // A pair's texts are normalised apart when the penalties of their features are chosen apart.
            features.normalizeTextsApart = options.selectL2
            let family = BowFamily(features: features, options: options)
            return (family, ModelParameters(bow: family))
        }
        if case .embeddings(let directory) = model {
            let family = try probe(directory: directory, observer: observer, store: store)
            return (family, ModelParameters(probe: family))
        }
        let name = model.description
        let initialisation: BertFamily.Initialisation
        var training: BertTrainingOptions
        switch try PretrainedModels.resolve(model: name, weights: weights) {
        case let .checkpoint(directory, origin):
            observer.note("\(name): weights from \(origin) (\(directory))")
            initialisation = .checkpoint(directory)
            training = .fineTuning(seed: seed)
        case .randomInitialisation(let looked):
            observer.note("\(name): no pretrained weights (looked in \(looked.joined(separator: ", "))); training from random initialisation. For pretrained weights run `dq models fetch \(name)` or pass --weights DIR.")
            initialisation = .randomTiny
            training = .fromScratch(seed: seed)
        }
        if let epochs { training.epochs = epochs }
        if let learningRate { training.learningRate = learningRate }
        training.batchSize = batchSize
        training.maxLength = maxLength
        var family = BertFamily(name: name, initialisation: initialisation, training: training)
        family.onStep = onStep
        return (family, ModelParameters(bert: family))
    }
}

/// A fitted family as a run records it: enough to fit it again exactly (`family()`). Stored
/// flat among the run's other parameters, under the keys dq has always used.
package struct ModelParameters: Codable, Equatable, Sendable {
    /// bow, tiny-bert, a checkpoint directory, or imported (probabilities or dynamics made elsewhere).
    package var model: String
    // bow
    package var features: String?
    /// nil: 1/n, or chosen per fit when `l2Selection` says so.
    package var l2: Double?
    /// "held-out": λ was chosen for each fit on a held-out training fold (`--l2 auto`).
    package var l2Selection: String?
    /// With `l2Selection`: the λ each fold's g′ was fitted with, fold by fold.
    package var l2Chosen: [Double]?
    /// With `l2Selection` on text pairs: each fold's penalty multiples [first text, second text].
    package var l2NamespaceFactors: [[Double]]?
    package var gradientTolerance: Double?
    /// The held-out stopping rule's tolerance in bits; nil (and for runs before it): none.
    package var heldOutTolerance: Double?
    // BERT
    /// checkpoint or random (older dq recorded a description here).
    package var initialisation: String?
    package var checkpoint: String?
    /// For random initialisation: the configuration and vocabulary built from the training texts.
    package var architecture: String?
    package var epochs: Int?
    package var batchSize: Int?
    package var learningRate: Double?
    package var warmup: Double?
    package var weightDecay: Double?
    package var maxLength: Int?

    package static let imported = ModelParameters(model: "imported")

    init(model: String) {
        self.model = model
    }

    init(bow family: BowFamily) {
        model = "bow"
        features = family.features.recordedDescription
        l2 = family.options.l2
        l2Selection = family.options.selectL2 ? ModelParameters.heldOut : nil
        gradientTolerance = family.options.solver.gradientTolerance
        heldOutTolerance = family.options.heldOutTolerance
    }

    package static let heldOut = "held-out"

    init(probe family: EmbeddingProbeFamily) {
        model = family.name
        checkpoint = family.directory
        features = EmbeddingProbeFamily.describeFeatures(width: family.width)
        maxLength = family.maxLength
        l2 = family.options.l2
        l2Selection = family.options.selectL2 ? ModelParameters.heldOut : nil
        gradientTolerance = family.options.solver.gradientTolerance
        heldOutTolerance = family.options.heldOutTolerance
    }

    init(bert family: BertFamily) {
        model = family.name
        switch family.initialisation {
        case .checkpoint(let path):
            initialisation = "checkpoint"
            checkpoint = path
        case let .random(config, size):
            initialisation = "random"
            architecture = "L=\(config.numHiddenLayers), H=\(config.hiddenSize), A=\(config.numAttentionHeads), I=\(config.intermediateSize); vocabulary of \(size) built from the training texts"
        }
        let t = family.training
        epochs = t.epochs
        batchSize = t.batchSize
        learningRate = Double(t.learningRate)
        warmup = Double(t.warmupFraction)
        weightDecay = Double(t.weightDecay)
        maxLength = t.maxLength
    }

    /// Whether a model was trained (not imported).
    package var isTrained: Bool { model != "imported" }

    /// The family the run fitted, rebuilt from these parameters; `run` names the run in errors.
    package func family(seed: UInt64, run: Int64) throws -> any ModelFamily {
        guard isTrained else { throw RunError.notRefittable(run: run, reason: "it scored imported probabilities; there is no model to refit") }
        if model == "bow" {
            var options = SoftmaxRegression.Options(l2: l2)
            options.heldOutTolerance = heldOutTolerance
            options.selectL2 = l2Selection == ModelParameters.heldOut
            return BowFamily(features: HashedNGrams(recorded: features), options: options)
        }
        if model == "embeddings" {
            guard let checkpoint else { throw RunError.notRefittable(run: run, reason: "its checkpoint's path is not recorded") }
            var options = SoftmaxRegression.Options(l2: l2)
            options.heldOutTolerance = heldOutTolerance
            options.selectL2 = l2Selection == ModelParameters.heldOut
            if let gradientTolerance { options.solver.gradientTolerance = gradientTolerance }
            return try EmbeddingProbeFamily(directory: checkpoint, maxLength: maxLength ?? 128, options: options)
        }
        let start: BertFamily.Initialisation
        var training: BertTrainingOptions
        if let checkpoint {
            start = .checkpoint(checkpoint)
            training = .fineTuning(seed: seed)
        } else if initialisation?.hasPrefix("random") == true {
            start = .randomTiny
            training = .fromScratch(seed: seed)
        } else {
            throw RunError.notRefittable(run: run, reason: "it was recorded by an older dq that did not store the checkpoint's path")
        }
        guard let epochs, let batchSize, let learningRate, let warmup, let weightDecay, let maxLength else {
            throw RunError.notRefittable(run: run, reason: "its training settings are not all recorded")
        }
        training.epochs = epochs
        training.batchSize = batchSize
        training.learningRate = Float(learningRate)
        training.warmupFraction = Float(warmup)
        training.weightDecay = Float(weightDecay)
        training.maxLength = maxLength
        return BertFamily(name: model, initialisation: start, training: training)
    }

    private enum CodingKeys: String, CodingKey {
        case model, features, l2, l2Selection, l2Chosen, l2NamespaceFactors, gradientTolerance, heldOutTolerance, initialisation, checkpoint, architecture, epochs, batchSize, learningRate,
             warmup, weightDecay, maxLength
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decode(String.self, forKey: .model)
        features = try c.decodeIfPresent(String.self, forKey: .features)
        // Older dq wrote the default as the text "1/n".
        l2 = (try? c.decodeIfPresent(Double.self, forKey: .l2)) ?? nil
        l2Selection = try c.decodeIfPresent(String.self, forKey: .l2Selection)
        l2Chosen = try c.decodeIfPresent([Double].self, forKey: .l2Chosen)
        l2NamespaceFactors = try c.decodeIfPresent([[Double]].self, forKey: .l2NamespaceFactors)
        gradientTolerance = try c.decodeIfPresent(Double.self, forKey: .gradientTolerance)
        heldOutTolerance = try c.decodeIfPresent(Double.self, forKey: .heldOutTolerance)
        initialisation = try c.decodeIfPresent(String.self, forKey: .initialisation)
        checkpoint = try c.decodeIfPresent(String.self, forKey: .checkpoint)
        architecture = try c.decodeIfPresent(String.self, forKey: .architecture)
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs)
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize)
        learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate)
        warmup = try c.decodeIfPresent(Double.self, forKey: .warmup)
        weightDecay = try c.decodeIfPresent(Double.self, forKey: .weightDecay)
        maxLength = try c.decodeIfPresent(Int.self, forKey: .maxLength)
    }
}
