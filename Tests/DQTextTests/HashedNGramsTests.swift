import Foundation
import Testing
import DQText

private struct Golden: Decodable {
    struct Case: Decodable {
        var text: String
        var dimension: Int
        var max_n: Int
        var alternate_sign: Bool
        var indices: [Int32]
        var values: [Double]
    }
    struct Hash: Decodable {
        var text: String
        var seed: UInt32
        var hash: Int32
    }
    var cases: [Case]
    var murmurhash3_32: [Hash]

    static func load(file: String = #filePath) throws -> Golden {
        let url = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("Golden/hashed_ngrams_golden.json")
        return try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
    }
}

@Test func murmurHashMatchesScikitLearn() throws {
    for h in try Golden.load().murmurhash3_32 {
        #expect(MurmurHash3.signedHash(h.text, seed: h.seed) == h.hash, "\(h.text) seed \(h.seed)")
    }
}

@Test func hashedNGramsMatchScikitLearnHashingVectorizer() throws {
    let cases = try Golden.load().cases
    #expect(cases.count > 100)
    for c in cases {
        let features = HashedNGrams(dimension: c.dimension, maxN: c.max_n, alternateSign: c.alternate_sign).features(c.text)
        #expect(features.indices == c.indices, "\(c.text)")
        #expect(features.values.count == c.values.count)
        for (got, want) in zip(features.values, c.values) {
            #expect(abs(Double(got) - want) < 1e-6, "\(c.text)")
        }
    }
}

@Test func tokensAreRunsOfTwoOrMoreWordCharacters() {
    #expect(HashedNGrams.tokens("It's a café_x 123 ½ Ⅻx") == ["it", "café_x", "123", "ⅻx"])
}

@Test func aTextPairsSecondTextHasItsOwnNamespace() {
    let hashing = HashedNGrams(alternateSign: false, normalize: false)
    func index(_ gram: String) -> Int32 { Int32(Int(MurmurHash3.signedHash(gram).magnitude) % hashing.dimension) }
    // "cat" in the premise and "cat" in the hypothesis are two features: the premise's n-grams
    // as a single text's, the hypothesis's hashed as pair:<n-gram>.
    let both = hashing.features("the cat", pair: "cat sat")
    let expected = ["the", "cat", "the cat", "pair:cat", "pair:sat", "pair:cat sat"].map(index).sorted()
    #expect(both.indices == expected && both.values == [Float](repeating: 1, count: 6))
    let single = hashing.features("the cat")
    #expect(Set(single.indices).isSubset(of: Set(both.indices)))
    // Without namespaces (runs recorded before them), both texts share one bag: "cat" counts twice.
    var shared = hashing
    shared.pairNamespace = false
    let bag = shared.features("the cat", pair: "cat sat")
    #expect(bag.indices.count == 5 && bag.values[bag.indices.firstIndex(of: index("cat"))!] == 2)
}

@Test func manyRowsHashedInParallelChunksEqualOneByOne() {
    let hashing = HashedNGrams(dimension: 1 << 12)
    let inputs: [(text: String, pair: String?)] = (0..<9000).map { i in
        (text: "row \(i) says w\(i % 97) and w\(i % 13)", pair: i % 3 == 0 ? "pair \(i % 7)" : nil)
    }
    let rows = hashing.rows(inputs)
    #expect(rows.count == inputs.count)
    for i in [0, 1, 4095, 4096, 4097, 8191, 8999] {
        #expect(rows[i] == hashing.features(inputs[i].text, pair: inputs[i].pair), "row \(i)")
    }
    #expect(hashing.rows(inputs, cores: 1) == rows)
    #expect(SparseRows(inputs.prefix(10).map { hashing.features($0.text, pair: $0.pair) }) == hashing.rows(Array(inputs.prefix(10))))
}

/// `HashedNGrams.features` as first written, one String per token and n-gram and a dictionary
/// of counts: the reference the byte-level hashing must equal.
private func referenceFeatures(_ hashing: HashedNGrams, _ text: String, pair: String?) -> SparseVector {
    func tokens(_ text: String) -> [String] {
        var tokens: [String] = [], current = ""
        var length = 0
        for scalar in text.lowercased().unicodeScalars {
            let word: Bool
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .decimalNumber, .letterNumber, .otherNumber: word = true
            default: word = scalar == "_"
            }
            if word {
                current.unicodeScalars.append(scalar)
                length += 1
            } else {
                if length >= 2 { tokens.append(current) }
                current = ""
                length = 0
            }
        }
        if length >= 2 { tokens.append(current) }
        return tokens
    }
    var counts: [Int32: Float] = [:]
    for (k, part) in [text, pair].enumerated() {
        guard let part else { continue }
        let prefix = k == 1 && hashing.pairNamespace ? "pair:" : ""
        let words = tokens(part)
        for n in 1...hashing.maxN where words.count >= n {
            for start in 0...(words.count - n) {
                let h = MurmurHash3.signedHash(prefix + words[start..<(start + n)].joined(separator: " "))
                counts[Int32(Int(h.magnitude) % hashing.dimension), default: 0] += hashing.alternateSign && h < 0 ? -1 : 1
            }
        }
    }
    let indices = counts.keys.filter { counts[$0] != 0 }.sorted()
    var values = indices.map { counts[$0]! }
    if hashing.normalize {
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 0 { values = values.map { $0 / norm } }
    }
    return SparseVector(indices: indices, values: values)
}

@Test func byteLevelHashingEqualsOneStringPerNGram() {
    // ASCII and not, case, digits, underscores, one-letter words, punctuation runs, a long text,
    // a pair, repeated n-grams whose signs cancel, an empty text.
    let pieces = ["The", "cat", "SAT", "a", "on", "x1", "_y", "café", "ÉCOLE", "naïve", "Ⅻx", "½", "日本語", "İstanbul", "ß",
                  "--", "it's", "3.14", "w2", "w2", "\u{301}e", "emoji🙂word", "tab\there", "line\nbreak"]
    var state: UInt64 = 7
    func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
    var texts = [""]
    for length in [1, 2, 3, 5, 8, 13, 40, 200] {
        for _ in 0..<20 { texts.append((0..<length).map { _ in pieces[next() % pieces.count] }.joined(separator: [" ", ", ", "  ", "!"][next() % 4])) }
    }
    for hashing in [HashedNGrams(dimension: 1 << 20), HashedNGrams(dimension: 97, maxN: 3, alternateSign: false, normalize: false),
                    HashedNGrams(dimension: 1 << 10, maxN: 1, pairNamespace: false)] {
        for (i, text) in texts.enumerated() {
            let pair = i % 3 == 0 ? texts[(i * 7) % texts.count] : nil
            #expect(hashing.features(text, pair: pair) == referenceFeatures(hashing, text, pair: pair), "\(text) | \(pair ?? "-")")
        }
    }
}

@Test func aPairsTextsNormalisedApartAreTheSumOfTheirUnitVectors() {
    let text = "the cat sat on the mat and the cat sat again", pair = "a cat is on a mat"
    // A tiny dimension, so that the two texts' n-grams share indices and add up there.
    var tiny = HashedNGrams(dimension: 4)
    tiny.normalizeTextsApart = true
    let first = tiny.features(text), second = tiny.features("", pair: pair)
    var sum: [Int32: Float] = [:]
    for (i, v) in zip(first.indices, first.values) { sum[i, default: 0] += v }
    for (i, v) in zip(second.indices, second.values) { sum[i, default: 0] += v }
    #expect(!Set(first.indices).isDisjoint(with: second.indices))
    let both = tiny.features(text, pair: pair)
    #expect(both.indices == sum.keys.filter { sum[$0] != 0 }.sorted())
    #expect(zip(both.indices, both.values).allSatisfy { sum[$0.0] == $0.1 })
    // Each text keeps unit norm: a longer first text no longer scales the second's features down,
    // as it does when the pair is normalised as one vector.
    var apart = HashedNGrams()
    apart.normalizeTextsApart = true
    let longer = text + " " + text + " and more words here"
    let pairIndices = apart.features("", pair: pair).indices
    for index in pairIndices {
        func value(_ v: SparseVector) -> Float { v.values[v.indices.firstIndex(of: index)!] }
        #expect(value(apart.features(longer, pair: pair)) == value(apart.features(text, pair: pair)))
        #expect(abs(value(HashedNGrams().features(longer, pair: pair))) < abs(value(HashedNGrams().features(text, pair: pair))))
    }
    #expect(pairIndices.count == 7)  // cat, is, on, mat and three bigrams
    // Single texts are unchanged.
    #expect(apart.features(text) == HashedNGrams().features(text))
}

@Test func recordedFeaturesReadBackAsTheyWereHashed() {
    var apart = HashedNGrams()
    apart.normalizeTextsApart = true
    for features in [HashedNGrams(), HashedNGrams(pairNamespace: false), apart] {
        let back = HashedNGrams(recorded: features.recordedDescription)
        #expect(back.pairNamespace == features.pairNamespace && back.normalizeTextsApart == features.normalizeTextsApart, "\(features.recordedDescription)")
    }
    // Runs that recorded no features had the defaults.
    let none = HashedNGrams(recorded: nil)
    #expect(none.pairNamespace && !none.normalizeTextsApart)
}
