/// The model input for one text or text pair.
package struct Encoding: Equatable, Sendable {
    package var inputIDs: [Int32]
    /// 0 for `[CLS]`, the first text and its `[SEP]`; 1 for the second text and its `[SEP]`.
    package var tokenTypeIDs: [Int32]
    /// 1 for real tokens, 0 for padding.
    package var attentionMask: [Int32]
}

/// BERT's tokenizer, equal to Hugging Face's `BertTokenizer`: `BasicTokenizer` then
/// `WordPiece`, `[CLS] a [SEP]` or `[CLS] a [SEP] b [SEP]`, truncation to `maxLength` tokens
/// (specials included; for pairs "longest first", as the tokenizers library does it: see
/// `truncatedLengths`), and optional padding. Special tokens written literally in a text
/// (`[CLS]`, `[SEP]`, `[PAD]`, `[UNK]`, `[MASK]`, case-sensitive) stay single tokens, as
/// Hugging Face's added-token matching keeps them.
package struct BertTokenizer: Sendable {
    package let basic: BasicTokenizer
    package let wordPiece: WordPiece
    package let clsID: Int32
    package let sepID: Int32
    package let padID: Int32
    /// Special tokens matched literally in texts, with their ids.
    private let specials: [(token: String, id: Int32)]

    package init(vocabulary: Vocabulary, lowercase: Bool = true) throws {
        basic = BasicTokenizer(lowercase: lowercase)
        wordPiece = try WordPiece(vocabulary: vocabulary)
        func special(_ token: String) throws -> Int32 {
            guard let id = vocabulary.id(token) else { throw TokenizerError.missingSpecialToken(token) }
            return id
        }
        clsID = try special("[CLS]")
        sepID = try special("[SEP]")
        padID = try special("[PAD]")
        specials = ["[CLS]", "[SEP]", "[PAD]", "[UNK]", "[MASK]"].compactMap { token in
            vocabulary.id(token).map { (token, $0) }
        }
    }

    package var vocabulary: Vocabulary { wordPiece.vocabulary }

    /// The WordPiece ids of `text`, without special tokens.
    package func tokenIDs(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        func encodePlain(_ part: Substring) {
            for word in basic.words(String(part)) { wordPiece.encode(word: word, into: &ids) }
        }
        guard text.contains("[") else {
            encodePlain(text[...])
            return ids
        }
        var rest = text[...]
        var plainStart = rest.startIndex
        while let open = rest.firstIndex(of: "[") {
            let tail = rest[open...]
            if let special = specials.first(where: { tail.hasPrefix($0.token) }) {
                encodePlain(text[plainStart..<open])
                ids.append(special.id)
                rest = tail.dropFirst(special.token.count)
                plainStart = rest.startIndex
            } else {
                rest = tail.dropFirst()
            }
        }
        encodePlain(text[plainStart...])
        return ids
    }

    /// Encodes a text, or a text pair, for the model. `padTo` pads with `[PAD]` up to that length.
    package func encode(_ text: String, pair: String? = nil, maxLength: Int? = nil, padTo: Int? = nil) -> Encoding {
        var first = tokenIDs(text)
        var second = pair.map(tokenIDs)
        if let maxLength {
            if var rest = second {
                let (n1, n2) = BertTokenizer.truncatedLengths(first.count, rest.count, budget: max(0, maxLength - 3))
                first.removeLast(first.count - n1)
                rest.removeLast(rest.count - n2)
                second = rest
            } else {
                let keep = max(0, maxLength - 2)
                if first.count > keep { first.removeLast(first.count - keep) }
            }
        }
        var ids = [clsID] + first + [sepID]
        var types = [Int32](repeating: 0, count: ids.count)
        if let second {
            ids += second + [sepID]
            types += [Int32](repeating: 1, count: second.count + 1)
        }
        var mask = [Int32](repeating: 1, count: ids.count)
        if let padTo, ids.count < padTo {
            let padding = padTo - ids.count
            ids += [Int32](repeating: padID, count: padding)
            types += [Int32](repeating: 0, count: padding)
            mask += [Int32](repeating: 0, count: padding)
        }
        return Encoding(inputIDs: ids, tokenTypeIDs: types, attentionMask: mask)
    }

    /// How many tokens of each text a pair keeps when together they exceed `budget`
    /// (tokenizers' `LongestFirst`): the shorter text keeps all of its tokens if that leaves at
    /// least as many for the longer one; otherwise both get half the budget, the longer text
    /// (the second on a tie) the odd token.
    package static func truncatedLengths(_ a: Int, _ b: Int, budget: Int) -> (Int, Int) {
        guard a + b > budget else { return (a, b) }
        let swapped = a > b
        var (short, long) = swapped ? (b, a) : (a, b)
        long = short > budget ? short : max(short, budget - short)
        if short + long > budget {
            short = budget / 2
            long = short + budget % 2
        }
        let (n1, n2) = swapped ? (long, short) : (short, long)
        return (min(a, n1), min(b, n2))
    }
}
