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
    /// With `normalize`, scale a pair's two texts to unit norm each, then add them, instead of
    /// scaling the pair's joint vector: a hypothesis's features then weigh the same whatever
    /// the premise's length, so a model that ignores the premise is the hypothesis-only model
    /// (docs/methods.md). `--l2 auto` turns it on.
    package var normalizeTextsApart = false

    package static let pairPrefix = "pair:"

    /// How a run records these features; `init(recorded:)` reads it back.
    package var recordedDescription: String {
        "hashed word 1..\(maxN)-grams, dimension \(dimension), signed, l2"
            + (pairNamespace ? ", text pair in its own namespace" : "")
            + (normalizeTextsApart ? ", each text normalised apart" : "")
    }

    /// The features a run recorded (`recordedDescription`), for a refit that hashes as it did. Runs
    /// recorded before pair namespaces hashed both texts of a pair into one bag; a run that
    /// recorded no features had the defaults.
    package init(recorded: String?) {
        self.init(pairNamespace: recorded?.contains("own namespace") ?? true)
        normalizeTextsApart = recorded?.contains("normalised apart") ?? false
    }

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
        var hasher = NGramHasher()
        hasher.tokenize(text)
        return hasher.tokens.map { String(decoding: hasher.bytes[$0], as: UTF8.self) }
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
        var hasher = NGramHasher()
        return hasher.hash(text, pair: pair, with: self) { SparseVector(indices: Array($0), values: Array($1)) }
    }
}

/// Hashes texts into `HashedNGrams` features without a String per token or n-gram, reusing its
/// buffers from text to text: one per thread.
///
/// A text's tokens are laid out lower-cased in one byte buffer with a single space between
/// them, so the n-gram of tokens i…j (their bytes joined by spaces) is the contiguous range from
/// token i's start to token j's end, hashed where it lies. Each n-gram's index and sign go into
/// a list that is sorted, so equal indices are adjacent and their counts are summed there.
package struct NGramHasher {
    /// The tokens of the last text tokenized, UTF-8, one space after each.
    fileprivate(set) var bytes: [UInt8] = []
    /// Each token's range in `bytes`.
    fileprivate(set) var tokens: [Range<Int>] = []
    /// The namespace prefix and an n-gram, for n-grams hashed under a prefix.
    private var prefixed: [UInt8] = []
    /// index << 1 | 1 for a negative sign, one per n-gram.
    private var keys: [UInt64] = []
    private var indices: [Int32] = []
    private var values: [Float] = []

    package init() {}

    /// Hashes a text (and its pair) as `HashedNGrams.features` defines, then hands the vector's
    /// sorted distinct indices and their values to `body`, valid only during the call.
    package mutating func hash<R>(_ text: String, pair: String?, with features: HashedNGrams,
                                  _ body: (UnsafeBufferPointer<Int32>, UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        let prefix = features.pairNamespace ? HashedNGrams.pairPrefix : nil
        keys.removeAll(keepingCapacity: true)
        add(text, prefix: nil, features)
        if let pair, features.normalize && features.normalizeTextsApart {
            // The first text's vector, then the second's, each of unit norm, added.
            count(features)
            let first = (indices, values)
            keys.removeAll(keepingCapacity: true)
            add(pair, prefix: prefix, features)
            count(features)
            let second = (indices, values)
            indices.removeAll(keepingCapacity: true)
            values.removeAll(keepingCapacity: true)
            var (a, b) = (0, 0)
            while a < first.0.count || b < second.0.count {
                let index: Int32, value: Float
                if b == second.0.count || (a < first.0.count && first.0[a] < second.0[b]) {
                    (index, value) = (first.0[a], first.1[a])
                    a += 1
                } else if a == first.0.count || second.0[b] < first.0[a] {
                    (index, value) = (second.0[b], second.1[b])
                    b += 1
                } else {
                    (index, value) = (first.0[a], first.1[a] + second.1[b])
                    a += 1
                    b += 1
                }
                if value != 0 {
                    indices.append(index)
                    values.append(value)
                }
            }
        } else {
            if let pair { add(pair, prefix: prefix, features) }
            count(features)
        }
        return try indices.withUnsafeBufferPointer { i in try values.withUnsafeBufferPointer { v in try body(i, v) } }
    }

    /// `keys` as sorted distinct indices with their summed counts, scaled to unit norm when
    /// `features.normalize`: `indices` and `values`.
    private mutating func count(_ features: HashedNGrams) {
        keys.sort()
        indices.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        var k = 0
        while k < keys.count {
            let key = keys[k]
            var count: Float = 0
            while k < keys.count && keys[k] >> 1 == key >> 1 {
                count += keys[k] & 1 == 1 ? -1 : 1
                k += 1
            }
            // Counts are small integers, exact in Float whatever the order of summing.
            if count != 0 {
                indices.append(Int32(truncatingIfNeeded: key >> 1))
                values.append(count)
            }
        }
        if features.normalize {
            var squares: Float = 0
            for v in values { squares += v * v }
            let norm = squares.squareRoot()
            if norm > 0 { for i in values.indices { values[i] /= norm } }
        }
    }

    /// Adds the keys of one text's n-grams.
    private mutating func add(_ text: String, prefix: String?, _ features: HashedNGrams) {
        tokenize(text)
        let count = tokens.count
        guard count > 0 else { return }
        let prefixLength = prefix?.utf8.count ?? 0
        if let prefix { prefixed = Array(prefix.utf8) }
        for n in 1...features.maxN where count >= n {
            for first in 0...(count - n) {
                let range = tokens[first].lowerBound..<tokens[first + n - 1].upperBound
                let h: UInt32
                if prefix == nil {
                    h = bytes.withUnsafeBufferPointer { MurmurHash3.hash32(UnsafeBufferPointer(rebasing: $0[range])) }
                } else {
                    prefixed.removeSubrange(prefixLength...)
                    prefixed.append(contentsOf: bytes[range])
                    h = prefixed.withUnsafeBufferPointer { MurmurHash3.hash32($0) }
                }
                let signed = Int32(bitPattern: h)
                let index = UInt64(Int(signed.magnitude) % features.dimension)
                keys.append(index << 1 | (features.alternateSign && signed < 0 ? 1 : 0))
            }
        }
    }

    /// Splits `text` into the tokens `(?u)\b\w\w+\b` finds after lower-casing: `bytes` and `tokens`.
    mutating func tokenize(_ text: String) {
        bytes.removeAll(keepingCapacity: true)
        tokens.removeAll(keepingCapacity: true)
        var start = 0, length = 0
        func end() {
            if length >= 2 {
                tokens.append(start..<bytes.count)
                bytes.append(0x20)
            } else {
                bytes.removeSubrange(start...)
            }
            start = bytes.count
            length = 0
        }
        var copy = text
        let ascii = copy.withUTF8 { utf8 in
            guard utf8.allSatisfy({ $0 < 0x80 }) else { return false }
            // ASCII: lower-casing maps A–Z and nothing else, as String.lowercased() does.
            for byte in utf8 {
                let lower = byte &- 0x41 < 26 ? byte | 0x20 : byte
                if lower &- 0x30 < 10 || lower &- 0x61 < 26 || lower == 0x5F {
                    bytes.append(lower)
                    length += 1
                } else if length > 0 {
                    end()
                }
            }
            return true
        }
        if !ascii {
            for scalar in text.lowercased().unicodeScalars {
                if HashedNGrams.isWordCharacter(scalar) {
                    UTF8.encode(scalar) { bytes.append($0) }
                    length += 1
                } else if length > 0 {
                    end()
                }
            }
        }
        end()
    }
}
