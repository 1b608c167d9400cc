import Foundation

/// A BERT-family model's shape and hyper-parameters, decoded from a Hugging Face `config.json`
/// with its key names (`hidden_size`, `num_attention_heads`, `layer_norm_eps`, …).
package struct BertConfig: Codable, Equatable, Sendable {
    package var vocabSize: Int
    package var hiddenSize: Int
    package var numHiddenLayers: Int
    package var numAttentionHeads: Int
    package var intermediateSize: Int
    package var hiddenAct: String
    package var hiddenDropoutProb: Float
    package var attentionProbsDropoutProb: Float
    package var maxPositionEmbeddings: Int
    package var typeVocabSize: Int
    package var initializerRange: Float
    package var layerNormEps: Float
    package var modelType: String?
    /// Label names by class index, when the checkpoint has a classification head.
    package var id2label: [String: String]?

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", intermediateSize = "intermediate_size"
        case hiddenAct = "hidden_act", hiddenDropoutProb = "hidden_dropout_prob"
        case attentionProbsDropoutProb = "attention_probs_dropout_prob"
        case maxPositionEmbeddings = "max_position_embeddings", typeVocabSize = "type_vocab_size"
        case initializerRange = "initializer_range", layerNormEps = "layer_norm_eps", modelType = "model_type"
        case id2label
    }

    package init(vocabSize: Int, hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int, intermediateSize: Int,
                hiddenDropoutProb: Float = 0.1, attentionProbsDropoutProb: Float = 0.1, maxPositionEmbeddings: Int = 512,
                typeVocabSize: Int = 2, initializerRange: Float = 0.02, layerNormEps: Float = 1e-12) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.intermediateSize = intermediateSize
        self.hiddenAct = "gelu"
        self.hiddenDropoutProb = hiddenDropoutProb
        self.attentionProbsDropoutProb = attentionProbsDropoutProb
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.typeVocabSize = typeVocabSize
        self.initializerRange = initializerRange
        self.layerNormEps = layerNormEps
        self.modelType = "bert"
    }

    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        numHiddenLayers = try c.decode(Int.self, forKey: .numHiddenLayers)
        numAttentionHeads = try c.decode(Int.self, forKey: .numAttentionHeads)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? "gelu"
        hiddenDropoutProb = try c.decodeIfPresent(Float.self, forKey: .hiddenDropoutProb) ?? 0.1
        attentionProbsDropoutProb = try c.decodeIfPresent(Float.self, forKey: .attentionProbsDropoutProb) ?? 0.1
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 512
        typeVocabSize = try c.decodeIfPresent(Int.self, forKey: .typeVocabSize) ?? 2
        initializerRange = try c.decodeIfPresent(Float.self, forKey: .initializerRange) ?? 0.02
        layerNormEps = try c.decodeIfPresent(Float.self, forKey: .layerNormEps) ?? 1e-12
        modelType = try c.decodeIfPresent(String.self, forKey: .modelType)
        id2label = try c.decodeIfPresent([String: String].self, forKey: .id2label)
        guard hiddenSize % numAttentionHeads == 0 else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: [CodingKeys.hiddenSize],
                debugDescription: "hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(numAttentionHeads)"))
        }
        guard hiddenAct == "gelu" else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: [CodingKeys.hiddenAct], debugDescription: "hidden_act \"\(hiddenAct)\" is not supported; dq implements \"gelu\""))
        }
    }

    /// prajjwal1/bert-tiny's shape (Turc et al. 2019): L=2, H=128, A=2, I=512.
    package static func tiny(vocabSize: Int = 30522) -> BertConfig {
        BertConfig(vocabSize: vocabSize, hiddenSize: 128, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 512)
    }
}
