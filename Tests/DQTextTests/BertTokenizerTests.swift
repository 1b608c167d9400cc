import Foundation
import Testing
import DQTestSupport
@testable import DQText

/// One case of `Golden/bert_tokenizer_golden.json`, made by `make_bert_tokenizer_golden.py`.
private struct GoldenCase: Decodable {
    var text: String
    var pair: String?
    var lower: Bool
    var max_length: Int?
    var input_ids: [Int32]
    var token_type_ids: [Int32]
}

private struct GoldenFile: Decodable {
    var cases: [GoldenCase]
}

private func golden(file: String = #filePath) throws -> [GoldenCase] {
    let url = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("Golden/bert_tokenizer_golden.json")
    return try JSONDecoder().decode(GoldenFile.self, from: Data(contentsOf: url)).cases
}

@Test func bertTokenizerReproducesHuggingFaceOnEveryGoldenCase() throws {
    let vocabulary = try Vocabulary(contentsOf: fixture("tokenizer/bert-uncased-vocab.txt"))
    let uncased = try BertTokenizer(vocabulary: vocabulary, lowercase: true)
    let cased = try BertTokenizer(vocabulary: vocabulary, lowercase: false)
    let cases = try golden()
    #expect(cases.count > 1000)
    var failures = 0
    for c in cases {
        let tokenizer = c.lower ? uncased : cased
        let encoding = tokenizer.encode(c.text, pair: c.pair, maxLength: c.max_length)
        if encoding.inputIDs != c.input_ids || encoding.tokenTypeIDs != c.token_type_ids {
            failures += 1
            if failures <= 10 {
                let got = encoding.inputIDs.map { vocabulary.tokens[Int($0)] }
                let want = c.input_ids.map { vocabulary.tokens[Int($0)] }
                Issue.record("\(c.lower ? "uncased" : "cased") \(c.text.debugDescription) / \(c.pair.debugDescription) max \(String(describing: c.max_length)):\n got  \(got)\n want \(want)")
            }
        }
    }
    #expect(failures == 0)
}

@Test func wordPieceSplitsGreedilyAndGivesUpOnUnknownWords() throws {
    let vocabulary = Vocabulary(tokens: ["[UNK]", "un", "##aff", "##able", "a", "##ff"])
    let pieces = try WordPiece(vocabulary: vocabulary, maxCharactersPerWord: 8)
    var ids: [Int32] = []
    pieces.encode(word: "unaffable", into: &ids)
    #expect(ids == [0])  // 9 scalars > 8
    ids = []
    let wide = try WordPiece(vocabulary: vocabulary)
    wide.encode(word: "unaffable", into: &ids)
    #expect(ids == [1, 2, 3])
    ids = []
    wide.encode(word: "unx", into: &ids)
    #expect(ids == [0])
}

@Test func pairsArePaddedWithMaskAndTypes() throws {
    let vocabulary = Vocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "b"])
    let tokenizer = try BertTokenizer(vocabulary: vocabulary)
    let encoding = tokenizer.encode("a", pair: "b b", padTo: 8)
    #expect(encoding.inputIDs == [2, 4, 3, 5, 5, 3, 0, 0])
    #expect(encoding.tokenTypeIDs == [0, 0, 0, 1, 1, 1, 0, 0])
    #expect(encoding.attentionMask == [1, 1, 1, 1, 1, 1, 0, 0])
}

@Test func longestFirstTruncationSharesTheBudget() {
    #expect(BertTokenizer.truncatedLengths(3, 3, budget: 5) == (2, 3))
    #expect(BertTokenizer.truncatedLengths(2, 9, budget: 5) == (2, 3))
    #expect(BertTokenizer.truncatedLengths(9, 2, budget: 5) == (3, 2))
    #expect(BertTokenizer.truncatedLengths(4, 4, budget: 8) == (4, 4))
    #expect(BertTokenizer.truncatedLengths(10, 7, budget: 7) == (4, 3))
}

@Test func asciiTextIsSplitByteByByteAsCharacterByCharacter() {
    // Every ASCII character, controls and DEL included, in random strings: the byte path
    // gives the words the Unicode path gives, cased and uncased; other text takes the Unicode path.
    var state: UInt64 = 7
    func next(_ bound: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int((state >> 33) % UInt64(bound))
    }
    for lowercase in [true, false] {
        let tokenizer = BasicTokenizer(lowercase: lowercase)
        var differ = 0
        for _ in 0..<5_000 {
            // Mostly letters and spaces, as text is, with every other byte mixed in.
            let scalars = (0..<next(40)).map { _ -> Unicode.Scalar in
                switch next(4) {
                case 0: return Unicode.Scalar(UInt8(next(128)))
                case 1: return " "
                default: return Unicode.Scalar(UInt8(ascii: next(2) == 0 ? "a" : "A") + UInt8(next(26)))
                }
            }
            let text = String(String.UnicodeScalarView(scalars))
            if tokenizer.asciiWords(text) != tokenizer.unicodeWords(text) { differ += 1 }
        }
        #expect(differ == 0, "lowercase \(lowercase)")
        #expect(tokenizer.asciiWords("café au lait") == nil)
        #expect(tokenizer.words("Café, au LAIT!") == (lowercase ? ["cafe", ",", "au", "lait", "!"] : ["Café", ",", "au", "LAIT", "!"]))
    }
}
