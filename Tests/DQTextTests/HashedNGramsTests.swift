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
