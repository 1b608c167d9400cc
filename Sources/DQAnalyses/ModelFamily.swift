import DQLearning
import DQText
import Foundation

/// A model family V of the V-information framework: it fits a classifier from labelled texts.
/// The same family fitted on empty inputs is the null-input model g.
package protocol ModelFamily {
    /// How runs record the family (`bow`, `tiny-bert`, a checkpoint path).
    var name: String { get }
    /// Everything that changes what the family fits, for the run's parameters.
    var parameters: [(key: String, value: JSONValue)] { get }
    /// Fits a classifier over `classes` labels.
    func fit(_ examples: [TextExample], classes: Int, seed: UInt64, progress: (String) -> Void) throws -> any Classifier
}

/// A family that fits all of a cross-fitting's models over features computed once: each
/// example is in one group (−1: none), and a job trains on some groups and scores another.
package protocol CrossFittingFamily: ModelFamily {
    /// Fits each job in turn; `willFit(job)` runs before each fit and `interrupt()` during it,
    /// and either may throw to stop; `examples` are the family's to drop once it has their features;
    /// `didFit` gets the job's model, p(· | x) of its scored group's examples in their order,
    /// and a line on how the fit went.
    func crossFit(_ examples: consuming [TextExample], groups: [Int], jobs: [SoftmaxRegression.Job], classes: Int, seed: UInt64,
                  willFit: (Int) throws -> Void, interrupt: () throws -> Void,
                  didFit: (_ job: Int, _ model: any Classifier, _ scored: [[Double]], _ summary: String) throws -> Void) throws
}

/// A fitted model: p(· | input) for each input.
package protocol Classifier {
    func probabilities(_ inputs: [(text: String, pair: String?)]) -> [[Double]]
    /// The L2 strength the fit chose on held-out data (`--l2 auto`); nil when it was given.
    var chosenL2: Double? { get }
    /// With it, on text pairs: the multiples of it for [first text, second text].
    var chosenNamespaceFactors: [Double]? { get }
}

extension Classifier {
    package var chosenL2: Double? { nil }
    package var chosenNamespaceFactors: [Double]? { nil }
}

/// The `bow` family: multinomial logistic regression on hashed word n-grams.
package struct BowFamily: CrossFittingFamily, Sendable {
    package var features: HashedNGrams
    package var options: SoftmaxRegression.Options

    package init(features: HashedNGrams = HashedNGrams(), options: SoftmaxRegression.Options = .init()) {
        self.features = features
        self.options = options
    }

    package var name: String { "bow" }

    package var parameters: [(key: String, value: JSONValue)] {
        [("features", .string(features.recordedDescription)),
         ("l2", options.l2.map { .number($0) } ?? .string(options.selectL2 ? "chosen per fold on a held-out training fold" : "1/n")),
         ("gradient_tolerance", .number(options.solver.gradientTolerance)),
         ("held_out_tolerance", options.heldOutTolerance.map { .number($0) } ?? .null)]
    }

    package func fit(_ examples: [TextExample], classes: Int, seed: UInt64, progress: (String) -> Void) throws -> any Classifier {
        let x = features.rows(examples.map { (text: $0.text, pair: $0.pair) })
        let fit = SoftmaxRegression.fit(rows: x, labels: examples.map(\.label), classes: classes,
                                        dimension: features.dimension, options: options)
        progress(BowFamily.describe(fit))
        return BowClassifier(model: fit.model, features: features)
    }

    package func crossFit(_ examples: consuming [TextExample], groups: [Int], jobs: [SoftmaxRegression.Job], classes: Int, seed: UInt64,
                         willFit: (Int) throws -> Void, interrupt: () throws -> Void,
                         didFit: (_ job: Int, _ model: any Classifier, _ scored: [[Double]], _ summary: String) throws -> Void) throws {
        // The rows are hashed as they are laid out by feature (twice: to count, then to place),
        // never held by row; the examples go with the hashing, before the fits.
        let labels = examples.map(\.label)
        let namespaces = options.selectL2 && options.l2 == nil ? BowFamily.namespaces(examples, features: features) : nil
        let data = GroupedRows(rows: BowFamily.inputs(consume examples, features: features), labels: labels, groups: groups,
                               dimension: features.dimension, classes: classes, namespaceOfIndex: namespaces)
        try SoftmaxRegression.crossFit(data, jobs: jobs, options: options, willFit: willFit, interrupt: interrupt) { number, fit in
            let scored = jobs[number].score.map { data.probabilities(fit.model, group: $0) } ?? []
            try didFit(number, BowClassifier(model: fit.model, features: features, chosenL2: fit.selection.map { _ in fit.l2 },
                                         chosenNamespaceFactors: fit.selection.flatMap { $0.namespaceFactors.isEmpty ? nil : $0.namespaceFactors }), scored,
                       BowFamily.describe(fit))
        }
    }

    /// Penalty namespaces for `--l2 auto` on text pairs: 1 for the hashed indices the second
    /// texts' n-grams take (an index a first text's n-gram shares by collision goes with them),
    /// 0 for the rest; nil without pairs or without the pair namespace.
    static func namespaces(_ examples: [TextExample], features: HashedNGrams) -> [UInt8]? {
        guard features.pairNamespace, examples.contains(where: { $0.pair != nil }) else { return nil }
        var namespace = [UInt8](repeating: 0, count: features.dimension)
        var hasher = NGramHasher()
        for example in examples {
            guard let pair = example.pair else { continue }
            hasher.hash("", pair: pair, with: features) { indices, _ in for index in indices { namespace[Int(index)] = 1 } }
        }
        return namespace
    }

    /// The examples' texts as hashed rows, owned by the rows alone.
    private static func inputs(_ examples: consuming [TextExample], features: HashedNGrams) -> HashedInputs {
        let owned = consume examples
        return HashedInputs(features, count: owned.count) { (text: owned[$0].text, pair: owned[$0].pair) }
    }

    static func describe(_ fit: SoftmaxRegression.Fit) -> String {
        let stop = fit.stop == .settled ? "held-out log2 p(y|x) settled" : fit.stop.rawValue
        let chosen = fit.selection.map { s in
            "; λ = \(String(format: "%g", s.multiplier))/n, chosen on held-out fold \(s.validationGroup + 1) over c = "
                + s.path.map { "\(String(format: "%g", $0.c)): \(String(format: "%.4f", $0.logLikelihood / log(2))) (\($0.iterations) iterations)" }
                    .joined(separator: ", ")
                + (s.namespaceFactors.isEmpty ? "" : "; then the second text's features apart: penalty × "
                    + s.namespaceFactors.map { String(format: "%g", $0) }.joined(separator: " (first text), × ") + " (second text), over "
                    + s.namespacePath.map { "\($0.factors.map { String(format: "%g", $0) }.joined(separator: "/")): \(String(format: "%.4f", $0.logLikelihood / log(2)))" }
                        .joined(separator: ", "))
                + " (held-out log2 p(y|x) per sample)"
        } ?? ""
        return "fitted in \(fit.iterations) L-BFGS iterations, \(fit.evaluations) evaluations (\(stop))" + chosen
    }
}

struct BowClassifier: Classifier {
    let model: SoftmaxRegression
    let features: HashedNGrams
    var chosenL2: Double?
    var chosenNamespaceFactors: [Double]?

    func probabilities(_ inputs: [(text: String, pair: String?)]) -> [[Double]] {
        inputs.map { model.probabilities(features.features($0.text, pair: $0.pair)) }
    }
}

/// A classifier that ignores its input and answers the training label frequencies: the
/// `--null prior` shortcut for g (the optimum of any family's null model whose only free
/// parameters are a bias, such as `bow`).
package struct PriorClassifier: Classifier {
    package let prior: [Double]

    package init(labels: [Int], classes: Int) {
        var counts = [Double](repeating: 0, count: classes)
        for y in labels { counts[y] += 1 }
        prior = counts.map { $0 / Double(max(labels.count, 1)) }
    }

    package func probabilities(_ inputs: [(text: String, pair: String?)]) -> [[Double]] {
        Array(repeating: prior, count: inputs.count)
    }
}

/// The BERT family: a `BertClassifier` fine-tuned from a checkpoint, or trained from random
/// initialisation with a vocabulary built from the training texts.
package struct BertFamily: ModelFamily {
    package enum Initialisation: Equatable, Sendable {
        case checkpoint(String)
        case random(config: BertConfig, vocabularySize: Int)

        /// What `tiny-bert` trains from without pretrained weights: the tiny configuration and
        /// an 8,000-token vocabulary built from the training texts.
        package static let randomTiny = Initialisation.random(config: .tiny(), vocabularySize: 8000)
    }

    package var initialisation: Initialisation
    package var training: BertTrainingOptions
    package var displayName: String
    /// Called after every training step (may throw to stop).
    package var onStep: ((TrainingProgress) throws -> Void)?

    package init(name: String, initialisation: Initialisation, training: BertTrainingOptions) {
        self.displayName = name
        self.initialisation = initialisation
        self.training = training
    }

    package var name: String { displayName }

    package var parameters: [(key: String, value: JSONValue)] {
        var out: [(key: String, value: JSONValue)] = []
        switch initialisation {
        case .checkpoint(let path): out.append(("initialisation", .string("checkpoint \(path)")))
        case let .random(config, size):
            out.append(("initialisation", .string("random (L=\(config.numHiddenLayers), H=\(config.hiddenSize), A=\(config.numAttentionHeads), I=\(config.intermediateSize)), vocabulary of \(size) built from the training texts")))
        }
        out += [("epochs", .number(Double(training.epochs))), ("batch_size", .number(Double(training.batchSize))),
                ("learning_rate", .number(Double(training.learningRate))), ("warmup", .number(Double(training.warmupFraction))),
                ("weight_decay", .number(Double(training.weightDecay))), ("max_length", .number(Double(training.maxLength)))]
        return out
    }

    /// A fresh model and tokenizer for `classes` labels.
    package func makeTrainer(texts: [String], classes: Int, seed: UInt64) throws -> BertTrainer {
        switch initialisation {
        case .checkpoint(let path):
            let checkpoint = try BertCheckpoint.load(directory: path, labels: classes, seed: seed)
            return BertTrainer(model: checkpoint.model, tokenizer: checkpoint.tokenizer)
        case let .random(config, size):
            let basic = BasicTokenizer()
            let vocabulary = VocabularyBuilder.build(texts: texts, basic: basic, size: size)
            var sized = config
            sized.vocabSize = vocabulary.count
            let tokenizer = try BertTokenizer(vocabulary: vocabulary)
            return BertTrainer(model: BertClassifier(config: sized, labels: classes, seed: seed), tokenizer: tokenizer)
        }
    }

    package func fit(_ examples: [TextExample], classes: Int, seed: UInt64, progress: (String) -> Void) throws -> any Classifier {
        let texts = examples.flatMap { [$0.text] + ($0.pair.map { [$0] } ?? []) }
        let trainer = try makeTrainer(texts: texts, classes: classes, seed: seed)
        var options = training
        options.seed = seed
        try trainer.train(examples, options: options, progress: onStep)
        return BertClassifierAdapter(trainer: trainer, maxLength: training.maxLength)
    }
}

struct BertClassifierAdapter: Classifier {
    let trainer: BertTrainer
    let maxLength: Int

    func probabilities(_ inputs: [(text: String, pair: String?)]) -> [[Double]] {
        trainer.probabilities(inputs, maxLength: maxLength).map { $0.map(Double.init) }
    }
}
