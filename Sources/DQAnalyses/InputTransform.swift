import DQLearning
import DQText

/// A transformation of every input before a model sees it, to measure the V-information of an
/// attribute of the input (Ethayarajh et al., ICML 2022, §4: "input attributes by
/// transformation"): PVI on transformed inputs is the information the transformation keeps.
/// Both g′ and g see the transformed data; g's input stays empty.
package enum InputTransform: Sendable, Equatable {
    /// Each text's whitespace-separated words in a seeded random order (word order removed).
    case shuffle(seed: UInt64)
    /// Text pairs: the first text only (NLI: premise only).
    case textOnly
    /// Text pairs: the second text only, in the first's place (NLI: hypothesis only).
    case pairOnly
    /// The input replaced by its length bucket in words, one token (`len01to05`, `len06to10`,
    /// `len11to20`, `len21to40`, `len41plus`), so only length is left.
    case length
    /// The listed tokens removed (compared lower-cased, words as `WordTokens` cuts them): a
    /// whitespace-separated word goes when all its word tokens are listed.
    case dropTokens(Set<String>)
    /// Lower-cased text.
    case lowercase

    package var name: String {
        switch self {
        case .shuffle: "shuffle"
        case .textOnly: "text-only"
        case .pairOnly: "pair-only"
        case .length: "length"
        case .dropTokens: "drop-tokens"
        case .lowercase: "lowercase"
        }
    }

    /// The transformed sample (same id, label and metadata).
    package func apply(_ sample: Sample) -> Sample {
        var out = sample
        switch self {
        case .shuffle(let seed):
            out.text = InputTransform.shuffled(sample.text, seed: seed ^ UInt64(bitPattern: sample.id) &* 0x9E37_79B9_7F4A_7C15)
            out.textPair = sample.textPair.map { InputTransform.shuffled($0, seed: seed ^ UInt64(bitPattern: ~sample.id) &* 0xBF58_476D_1CE4_E5B9) }
        case .textOnly:
            out.textPair = nil
        case .pairOnly:
            out.text = sample.textPair ?? ""
            out.textPair = nil
        case .length:
            out.text = InputTransform.lengthBucket(sample.text)
            out.textPair = sample.textPair.map(InputTransform.lengthBucket)
        case .dropTokens(let tokens):
            out.text = InputTransform.dropping(tokens, from: sample.text)
            out.textPair = sample.textPair.map { InputTransform.dropping(tokens, from: $0) }
        case .lowercase:
            out.text = sample.text.lowercased()
            out.textPair = sample.textPair?.lowercased()
        }
        return out
    }

    static func words(_ text: String) -> [Substring] {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
    }

    /// Fisher–Yates over the words with a SplitMix64 seeded per text.
    static func shuffled(_ text: String, seed: UInt64) -> String {
        var list = words(text)
        var rng = SplitMix64(seed: seed)
        if list.count > 1 {
            for i in stride(from: list.count - 1, to: 0, by: -1) { list.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        }
        return list.joined(separator: " ")
    }

    static func lengthBucket(_ text: String) -> String {
        let n = words(text).count
        return n <= 5 ? "len01to05" : n <= 10 ? "len06to10" : n <= 20 ? "len11to20" : n <= 40 ? "len21to40" : "len41plus"
    }

    static func dropping(_ tokens: Set<String>, from text: String) -> String {
        words(text).filter { word in
            let parts = WordTokens.split(String(word))
            return parts.isEmpty || !parts.allSatisfy(tokens.contains)
        }.joined(separator: " ")
    }
}
