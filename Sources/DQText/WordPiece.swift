/// WordPiece (Schuster & Nakajima 2012, as used by BERT): each word is split greedily into the
/// longest vocabulary entries from its start, pieces after the first carrying the `##` prefix.
/// A word with no such split, or longer than `maxCharactersPerWord` Unicode scalars, becomes
/// the unknown token. Matches Hugging Face's `WordPiece` model.
package struct WordPiece: Sendable {
    package let vocabulary: Vocabulary
    package let unknownID: Int32
    package var maxCharactersPerWord: Int
    package var continuationPrefix: String

    package init(vocabulary: Vocabulary, unknownToken: String = "[UNK]", maxCharactersPerWord: Int = 100,
                continuationPrefix: String = "##") throws {
        guard let unknown = vocabulary.id(unknownToken) else {
            throw TokenizerError.missingSpecialToken(unknownToken)
        }
        self.vocabulary = vocabulary
        self.unknownID = unknown
        self.maxCharactersPerWord = maxCharactersPerWord
        self.continuationPrefix = continuationPrefix
    }

    /// Appends the ids of `word`'s pieces to `ids`.
    package func encode(word: String, into ids: inout [Int32]) {
        let scalars = Array(word.unicodeScalars)
        if scalars.count > maxCharactersPerWord {
            ids.append(unknownID)
            return
        }
        var pieces: [Int32] = []
        var start = 0
        while start < scalars.count {
            var end = scalars.count
            var found: Int32?
            while start < end {
                var piece = String(String.UnicodeScalarView(scalars[start..<end]))
                if start > 0 { piece = continuationPrefix + piece }
                if let id = vocabulary.id(piece) {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else {
                ids.append(unknownID)
                return
            }
            pieces.append(id)
            start = end
        }
        ids.append(contentsOf: pieces)
    }
}

package enum TokenizerError: Error, CustomStringConvertible, Equatable {
    case missingSpecialToken(String)

    package var description: String {
        switch self {
        case .missingSpecialToken(let token): return "the vocabulary has no \(token) token"
        }
    }
}
