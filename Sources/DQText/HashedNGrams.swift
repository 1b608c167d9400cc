/// A sparse feature vector: sorted distinct indices with their values.
package struct SparseVector: Equatable, Sendable {
    package var indices: [Int32]
    package var values: [Float]

    package init(indices: [Int32] = [], values: [Float] = []) {
        self.indices = indices
        self.values = values
    }

    package var isEmpty: Bool { indices.isEmpty }
}

/// Hashed word n-gram features, defined exactly as scikit-learn's `HashingVectorizer` with
/// `ngram_range=(1, n)` so results can be compared feature for feature:
///
/// - text is lower-cased; tokens are maximal runs of two or more word characters (letters,
///   numbers and `_`: the regex `(?u)\b\w\w+\b`); n-grams join consecutive tokens with a space;
/// - each n-gram goes to index |h| mod `dimension`, where h is the signed 32-bit MurmurHash3 of
///   its UTF-8 bytes with seed 0; with `alternateSign` it adds sign(h) (h ≥ 0 → +1), else +1;
/// - counts at the same index are summed, and the vector is scaled to unit L2 norm
///   (`normalize`), which keeps documents of any length on one scale for the classifier.
///
/// For a text pair with `pairNamespace`, the second text's n-grams are hashed as
/// `pair:<n-gram>` (no token contains ':'), so a word in the hypothesis is a different feature
/// from the same word in the premise; the first text's features are those of a single text.
package struct HashedNGrams: Sendable {
    package var dimension: Int
    package var maxN: Int
    package var alternateSign: Bool
    package var normalize: Bool
    /// Whether the text pair's n-grams get their own namespace (runs before issue 17: no).
    package var pairNamespace: Bool

    package static let pairPrefix = "pair:"

    package init(dimension: Int = 1 << 20, maxN: Int = 2, alternateSign: Bool = true, normalize: Bool = true, pairNamespace: Bool = true) {
        precondition(dimension > 0 && maxN >= 1)
        self.dimension = dimension
        self.maxN = maxN
        self.alternateSign = alternateSign
        self.normalize = normalize
        self.pairNamespace = pairNamespace
    }

    /// The tokens of `text` as the pattern `(?u)\b\w\w+\b` finds them after lower-casing.
    package static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        var length = 0
        func flush() {
            if length >= 2 { tokens.append(String(current)) }
            current = String.UnicodeScalarView()
            length = 0
        }
        for scalar in text.lowercased().unicodeScalars {
            if isWordCharacter(scalar) {
                current.append(scalar)
                length += 1
            } else {
                flush()
            }
        }
        flush()
        return tokens
    }

    /// Python's `\w`: letters (L*), numbers (Nd, Nl, No) and the underscore.
    static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x80 {
            return (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) || v == 0x5F
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    /// The feature vector of one text (or a text pair: both texts' n-grams, no n-gram across them,
    /// the pair's in their own namespace when `pairNamespace`).
    package func features(_ text: String, pair: String? = nil) -> SparseVector {
        var counts: [Int32: Float] = [:]
        for (k, part) in [text, pair].enumerated() {
            guard let part else { continue }
            let prefix = k == 1 && pairNamespace ? HashedNGrams.pairPrefix : ""
            let tokens = HashedNGrams.tokens(part)
            for n in 1...maxN where tokens.count >= n {
                for start in 0...(tokens.count - n) {
                    let gram = prefix + (n == 1 ? tokens[start] : tokens[start..<(start + n)].joined(separator: " "))
                    let h = MurmurHash3.signedHash(gram)
                    let index = Int32(Int(h.magnitude) % dimension)
                    counts[index, default: 0] += alternateSign && h < 0 ? -1 : 1
                }
            }
        }
        let indices = counts.keys.filter { counts[$0] != 0 }.sorted()
        var values = indices.map { counts[$0]! }
        if normalize {
            let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 0 { values = values.map { $0 / norm } }
        }
        return SparseVector(indices: indices, values: values)
    }
}
