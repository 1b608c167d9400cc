import DQText
import Foundation

/// Loading and saving BERT checkpoints in Hugging Face's directory layout: `config.json`,
/// `vocab.txt` (and `tokenizer_config.json` for `do_lower_case`), `model.safetensors`.
package struct BertCheckpoint {
    package let model: BertClassifier
    package let tokenizer: BertTokenizer
    /// Tensors the checkpoint did not have and that were initialised at random (an encoder-only
    /// checkpoint has no classifier; some have no pooler).
    package let initialisedRandomly: [String]

    /// The tokenizer of a checkpoint folder: its vocab.txt, lower-casing as its
    /// tokenizer_config.json's `do_lower_case` says (true when absent, as for uncased BERT).
    package static func tokenizer(directory: String) throws -> BertTokenizer {
        let vocabulary = try Vocabulary(contentsOf: directory + "/vocab.txt")
        var lowercase = true
        if let data = FileManager.default.contents(atPath: directory + "/tokenizer_config.json"),
           let text = String(data: data, encoding: .utf8), case .bool(let flag)? = try? JSONValue.parse(text)["do_lower_case"] {
            lowercase = flag
        }
        return try BertTokenizer(vocabulary: vocabulary, lowercase: lowercase)
    }

    /// Loads `directory` for a classifier over `labels` labels. Tensor names are looked up as
    /// saved by `BertForSequenceClassification` (`bert.` prefix, `classifier.*`) and by
    /// `BertModel` (no prefix); LayerNorm `gamma`/`beta` of old checkpoints are accepted. A
    /// missing encoder tensor or a tensor of the wrong shape is an error naming it.
    package static func load(directory: String, labels: Int, seed: UInt64) throws -> BertCheckpoint {
        let configPath = directory + "/config.json"
        guard let configData = FileManager.default.contents(atPath: configPath) else {
            throw CheckpointError.file(configPath, "cannot read (is \(directory) a Hugging Face model directory?)")
        }
        let config: BertConfig
        do {
            config = try JSONDecoder().decode(BertConfig.self, from: configData)
        } catch let error as DecodingError {
            throw CheckpointError.file(configPath, error.explanation)
        }
        let tokenizer = try BertCheckpoint.tokenizer(directory: directory)
        guard tokenizer.vocabulary.count == config.vocabSize else {
            throw CheckpointError.file(directory + "/vocab.txt", "has \(tokenizer.vocabulary.count) tokens, config.json says vocab_size \(config.vocabSize)")
        }
        let weightsPath = directory + "/model.safetensors"
        let file = try SafeTensorsFile(path: weightsPath)
        /// The file's name for a parameter's tensor, if it has one.
        func storedName(_ parameter: Parameter) -> String? { candidates(for: parameter.name).first { file.tensors[$0] != nil } }
        // Only the tensors the file lacks (or has in another shape) are drawn at random, with
        // the values a full initialisation would give them; drawing the rest cost MiniLM 0.6 s.
        let model = BertClassifier(config: config, labels: labels, seed: seed) { parameter in
            storedName(parameter).map { file.tensors[$0]!.shape != parameter.shape } ?? true
        }
        var random: [String] = []
        for parameter in model.parameters {
            let optional = parameter.name.hasPrefix("classifier.") || parameter.name.hasPrefix("pooler.")
            guard let stored = storedName(parameter) else {
                if optional {
                    random.append(parameter.name)
                    continue
                }
                throw CheckpointError.missingTensor(weightsPath, "bert." + parameter.name)
            }
            let info = file.tensors[stored]!
            if info.shape != parameter.shape {
                if parameter.name.hasPrefix("classifier.") {
                    // A head for another number of labels: start a new one.
                    random.append(parameter.name)
                    continue
                }
                throw CheckpointError.shapeMismatch(weightsPath, stored, expected: parameter.shape, found: info.shape)
            }
            let values = try file.floats(stored)
            values.withUnsafeBufferPointer { parameter.value.data.update(from: $0.baseAddress!, count: values.count) }
        }
        return BertCheckpoint(model: model, tokenizer: tokenizer, initialisedRandomly: random)
    }

    /// The names a dq parameter may have in a checkpoint, most likely first.
    static func candidates(for name: String) -> [String] {
        if name.hasPrefix("classifier.") { return [name] }
        var names = ["bert." + name, name]
        if name.contains("LayerNorm") {
            let old = name.replacingOccurrences(of: ".weight", with: ".gamma").replacingOccurrences(of: ".bias", with: ".beta")
            names += ["bert." + old, old]
        }
        return names
    }

    /// Saves `model` so that `BertForSequenceClassification.from_pretrained(directory)` loads it.
    package static func save(_ model: BertClassifier, tokenizer: BertTokenizer, labelNames: [String], to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let c = model.config
        let labels = labelNames.count == model.labels ? labelNames : (0..<model.labels).map { "LABEL_\($0)" }
        let config = JSONValue.object([
            ("architectures", .array([.string("BertForSequenceClassification")])),
            ("model_type", .string("bert")),
            ("vocab_size", .number(Double(c.vocabSize))), ("hidden_size", .number(Double(c.hiddenSize))),
            ("num_hidden_layers", .number(Double(c.numHiddenLayers))),
            ("num_attention_heads", .number(Double(c.numAttentionHeads))),
            ("intermediate_size", .number(Double(c.intermediateSize))), ("hidden_act", .string(c.hiddenAct)),
            ("hidden_dropout_prob", .number(Double(c.hiddenDropoutProb))),
            ("attention_probs_dropout_prob", .number(Double(c.attentionProbsDropoutProb))),
            ("max_position_embeddings", .number(Double(c.maxPositionEmbeddings))),
            ("type_vocab_size", .number(Double(c.typeVocabSize))),
            ("initializer_range", .number(Double(c.initializerRange))),
            ("layer_norm_eps", .number(Double(c.layerNormEps))), ("pad_token_id", .number(0)),
            ("position_embedding_type", .string("absolute")),
            ("id2label", .object(labels.enumerated().map { (String($0.offset), .string($0.element)) })),
            ("label2id", .object(labels.enumerated().map { ($0.element, .number(Double($0.offset))) })),
        ])
        try Data((config.prettyText() + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/config.json"))
        try tokenizer.vocabulary.write(to: directory + "/vocab.txt")
        let tokenizerConfig = JSONValue.object([
            ("do_lower_case", .bool(tokenizer.basic.lowercase)), ("tokenizer_class", .string("BertTokenizer")),
        ])
        try Data((tokenizerConfig.prettyText() + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/tokenizer_config.json"))
        let tensors = model.parameters.map { p in
            (name: p.name.hasPrefix("classifier.") ? p.name : "bert." + p.name, shape: p.shape, values: p.value.values)
        }
        try SafeTensorsFile.write(tensors, metadata: ["format": "pt"], to: directory + "/model.safetensors")
    }
}

extension DecodingError {
    /// The error as one line naming the JSON path: `key num_attention_heads: expected Int, found a string`.
    var explanation: String {
        func path(_ context: Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch self {
        case let .keyNotFound(key, context):
            let parent = path(context)
            return "missing key \(parent.isEmpty ? "" : parent + ".")\(key.stringValue)"
        case let .typeMismatch(type, context):
            return "key \(path(context)): expected \(type), \(context.debugDescription)"
        case let .valueNotFound(type, context):
            return "key \(path(context)): expected \(type), found null"
        case let .dataCorrupted(context):
            let where_ = path(context)
            return (where_.isEmpty ? "" : "key \(where_): ") + context.debugDescription
        @unknown default:
            return "\(self)"
        }
    }
}
