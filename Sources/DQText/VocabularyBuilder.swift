/// Builds a WordPiece vocabulary from training texts, for training BERT from scratch when no
/// `vocab.txt` is given. The scheme (simpler than WordPiece training by likelihood, and
/// documented in docs/methods.md):
///
/// 1. the special tokens `[PAD] [UNK] [CLS] [SEP] [MASK]` (ids 0–4, BERT's order);
/// 2. every character seen, both as a word start (`x`) and as a continuation (`##x`), so that
///    every word of the training texts can be spelled and nothing in them is `[UNK]`;
/// 3. the most frequent whole words (ties broken alphabetically) with at least `minCount`
///    occurrences, until the vocabulary has `size` entries.
///
/// Words are the `BasicTokenizer`'s, so casing and accent handling follow the tokenizer.
package enum VocabularyBuilder {
    package static let specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

    package static func build<Texts: Sequence>(texts: Texts, basic: BasicTokenizer, size: Int = 8000, minCount: Int = 2)
        -> Vocabulary where Texts.Element == String {
        var wordCounts: [String: Int] = [:]
        for text in texts {
            for word in basic.words(text) { wordCounts[word, default: 0] += 1 }
        }
        var tokens = specialTokens
        var seen = Set(tokens)
        func add(_ token: String) {
            if seen.insert(token).inserted { tokens.append(token) }
        }
        var characters = Set<String>()
        for word in wordCounts.keys {
            for scalar in word.unicodeScalars { characters.insert(String(scalar)) }
        }
        for character in characters.sorted() {
            add(character)
            add("##" + character)
        }
        let frequent = wordCounts.filter { $0.value >= minCount }.sorted {
            $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key
        }
        for (word, _) in frequent where tokens.count < size { add(word) }
        return Vocabulary(tokens: tokens)
    }
}
