import DQLearning
import DQText
import Foundation

/// The `embeddings` family: multinomial logistic regression (a linear probe) on the frozen
/// sentence embeddings of a BERT checkpoint, such as all-MiniLM-L6-v2. The encoder is not
/// trained; only the probe is, by the same solver as `bow` (`SoftmaxRegression`).
///
/// A single text's features are its unit-length mean-pooled embedding u (`SentenceEmbedder`).
/// A pair's are [u, v, |u − v|, u ⊙ v] of its two texts' embeddings, the classifier input of
/// InferSent and Sentence-BERT for NLI. The null model's empty input embeds to one constant
/// vector c, and any weights W give logits Wc + b that the unpenalised bias b alone can give:
/// the optimum is W = 0 and the label frequencies, as for `bow`. `fit` returns them directly
/// (L-BFGS needs a thousand iterations to find them, because c and the bias are collinear).
///
/// Each distinct text is embedded once per family value and kept, so the repeats of
/// `dq evaluate` and the folds of a cross-fit reuse the embeddings; with `kept` (the store),
/// later runs reuse them too.
package final class EmbeddingProbeFamily: CrossFittingFamily {
    package let directory: String
    package let options: SoftmaxRegression.Options
    let embedder: SentenceEmbedder
    private var cache: [String: [Float]] = [:]
    /// Called while texts are embedded with (embedded, to embed); may throw to stop.
    package var onEmbed: ((Int, Int) throws -> Void)?
    /// Where embeddings are kept between runs (the store): `lookup` gives the vectors it has of
    /// some texts, `keep` is handed every vector embedded here.
    package var kept: (lookup: ([String]) throws -> [String: [Float]], keep: ([(text: String, vector: [Float])]) throws -> Void)?
    /// What identifies the encoder's vectors: the checkpoint's path, its weights file's size and
    /// modification time, and the input length. A changed checkpoint gets a new key.
    package let encoderKey: String

    package init(directory: String, maxLength: Int = 128, options: SoftmaxRegression.Options = .init()) throws {
        self.directory = directory
        self.options = options
        embedder = try SentenceEmbedder(directory: directory, maxLength: maxLength)
        let weights = (try? FileManager.default.attributesOfItem(atPath: directory + "/model.safetensors")) ?? [:]
        let size = (weights[.size] as? NSNumber)?.int64Value ?? -1
        let modified = (weights[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        encoderKey = "\(directory)|\(size)|\(modified)|\(embedder.maxLength)"
    }

    package var name: String { "embeddings" }
    package var width: Int { embedder.checkpoint.model.config.hiddenSize }
    package var maxLength: Int { embedder.maxLength }

    package static func describeFeatures(width: Int) -> String {
        "mean-pooled sentence embeddings, dimension \(width) (pairs: [u, v, |u−v|, u⊙v], \(4 * width))"
    }

    package var parameters: [(key: String, value: JSONValue)] {
        [("checkpoint", .string(directory)), ("features", .string(Self.describeFeatures(width: width))),
         ("max_length", .number(Double(maxLength))),
         ("l2", options.l2.map { .number($0) } ?? .string(options.selectL2 ? "chosen per fold on a held-out training fold" : "1/n")),
         ("gradient_tolerance", .number(options.solver.gradientTolerance)),
         ("held_out_tolerance", options.heldOutTolerance.map { .number($0) } ?? .null)]
    }

    /// Embeds the texts not embedded yet.
    func embedMissing(_ inputs: [(text: String, pair: String?)]) throws {
        var missing: [String] = []
        var seen = Set<String>()
        for input in inputs {
            for text in [input.text] + (input.pair.map { [$0] } ?? []) where cache[text] == nil && seen.insert(text).inserted {
                missing.append(text)
            }
        }
        guard !missing.isEmpty else { return }
        if let kept {
            let found = try kept.lookup(missing)
            for (text, vector) in found where vector.count == width { cache[text] = vector }
            missing.removeAll { cache[$0] != nil }
            guard !missing.isEmpty else { return }
        }
        let vectors = try embedder.embed(missing) { done in try onEmbed?(done, missing.count) }
        for (text, vector) in zip(missing, vectors) { cache[text] = vector }
        try kept?.keep(Array(zip(missing, vectors)).map { (text: $0, vector: $1) })
    }

    /// Each input's sentence vector, embedding the texts not embedded yet: its text's, or in a
    /// pair dataset its two texts' side by side (a missing second text is the empty text's).
    package func vectors(_ inputs: [(text: String, pair: String?)]) throws -> [[Float]] {
        let pairs = inputs.contains { $0.pair != nil }
        let inputs = pairs ? inputs.map { (text: $0.text, pair: $0.pair ?? "") } : inputs
        try embedMissing(inputs)
        return inputs.map { cache[$0.text]! + ($0.pair.map { cache[$0]! } ?? []) }
    }

    /// The dimension of the features of these inputs: pairs have four blocks.
    static func dimension(width: Int, pairs: Bool) -> Int { pairs ? 4 * width : width }

    /// The probe's input: u, or [u, v, |u − v|, u ⊙ v] for a pair (dense, as sparse rows).
    package static func features(_ u: [Float], _ v: [Float]?) -> SparseVector {
        guard let v else { return SparseVector(indices: (0..<Int32(u.count)).map { $0 }, values: u) }
        let values = u + v + zip(u, v).map { abs($0 - $1) } + zip(u, v).map { $0 * $1 }
        return SparseVector(indices: (0..<Int32(values.count)).map { $0 }, values: values)
    }

    func rows(_ inputs: [(text: String, pair: String?)]) throws -> (rows: SparseRows, dimension: Int) {
        // In a pair dataset, a sample without a second text gets an empty one.
        let pairs = inputs.contains { $0.pair != nil }
        let inputs = pairs ? inputs.map { (text: $0.text, pair: $0.pair ?? "") } : inputs
        try embedMissing(inputs)
        var rows = SparseRows()
        rows.reserve(rows: inputs.count, nonzeros: inputs.count * Self.dimension(width: width, pairs: pairs))
        for input in inputs {
            rows.append(Self.features(cache[input.text]!, input.pair.map { cache[$0]! }))
        }
        return (rows, Self.dimension(width: width, pairs: pairs))
    }

    package func fit(_ examples: [TextExample], classes: Int, seed: UInt64, progress: (String) -> Void) throws -> any Classifier {
        if examples.allSatisfy({ $0.text.isEmpty && ($0.pair ?? "").isEmpty }) {
            progress("the label frequencies (every input is empty, so its embedding is one constant)")
            return PriorClassifier(labels: examples.map(\.label), classes: classes)
        }
        let (x, dimension) = try rows(examples.map { (text: $0.text, pair: $0.pair) })
        let fit = SoftmaxRegression.fit(rows: x, labels: examples.map(\.label), classes: classes, dimension: dimension, options: options)
        progress(BowFamily.describe(fit))
        return ProbeClassifier(model: fit.model, family: self, pairs: dimension != width)
    }

    package func crossFit(_ examples: consuming [TextExample], groups: [Int], jobs: [SoftmaxRegression.Job], classes: Int, seed: UInt64,
                         willFit: (Int) throws -> Void, interrupt: () throws -> Void,
                         didFit: (_ job: Int, _ model: any Classifier, _ scored: [[Double]], _ summary: String) throws -> Void) throws {
        let (x, dimension) = try rows(examples.map { (text: $0.text, pair: $0.pair) })
        let data = GroupedRows(rows: x, labels: examples.map(\.label), groups: groups, dimension: dimension, classes: classes)
        try SoftmaxRegression.crossFit(data, jobs: jobs, options: options, willFit: willFit, interrupt: interrupt) { number, fit in
            let scored = jobs[number].score.map { data.probabilities(fit.model, group: $0) } ?? []
            try didFit(number, ProbeClassifier(model: fit.model, family: self, pairs: dimension != width, chosenL2: fit.selection.map { _ in fit.l2 }),
                       scored, BowFamily.describe(fit))
        }
    }
}

struct ProbeClassifier: Classifier {
    let model: SoftmaxRegression
    let family: EmbeddingProbeFamily
    let pairs: Bool
    var chosenL2: Double?

    func probabilities(_ inputs: [(text: String, pair: String?)]) -> [[Double]] {
        // Embedding cannot fail here: the checkpoint loaded when the family was made.
        let normalised = inputs.map { (text: $0.text, pair: pairs ? ($0.pair ?? "") : nil) }
        guard let (x, _) = try? family.rows(normalised) else { return [] }
        return (0..<x.count).map { model.probabilities(x[$0]) }
    }
}
