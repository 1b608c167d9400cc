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
