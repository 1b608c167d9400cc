import DQText

/// Lexical bias of a label toward a list of terms (e.g. identity terms in a toxicity dataset):
/// for each term t, p(L | t), the share of the samples containing t that carry label L (in the
/// data), and the mean of g′'s out-of-sample p′(L | x) over them (under the model); and the
/// pinned bias
///
///     pB = Σ_{t ∈ T} |p(L | t) − φ| / |T|
///
/// over the terms T that occur, with φ the dataset's overall p(L) (or 0.5). A dataset or model
/// without lexical bias gives p(L | t) ≈ φ for every term and pB ≈ 0. The pinned form follows
/// the pinned metrics of Dixon et al., "Measuring and Mitigating Unintended Bias in Text
/// Classification" (AIES 2018). A term matches a sample when its word tokens (`WordTokens`) occur
/// consecutively in the sample's text or text pair.
public enum LexicalBias {
    public struct Term: Sendable, Equatable {
        public var term: String
        /// Positions of the samples containing the term.
        public var samples: [Int]
        /// p(L | t) in the data.
        public var dataRate: Double
        /// Mean p′(L | x) of g′ over the samples, when probabilities were given.
        public var modelRate: Double?
    }

    public struct Result: Sendable, Equatable {
        public var phi: Double
        public var terms: [Term]
        /// Terms that no sample contains (left out of pB).
        public var absent: [String]
        public var pinnedData: Double
        public var pinnedModel: Double?
    }

    /// Whether `tokens` contains `term` as consecutive tokens.
    static func contains(_ tokens: [String], _ term: [String]) -> Bool {
        guard !term.isEmpty, tokens.count >= term.count else { return false }
        for start in 0...(tokens.count - term.count) where tokens[start] == term[0] {
            if (1..<term.count).allSatisfy({ tokens[start + $0] == term[$0] }) { return true }
        }
        return false
    }

    /// - Parameters:
    ///   - texts: each sample's texts (text, and text pair if any).
    ///   - labels: each sample's label.
    ///   - modelProbabilities: each sample's p′(L | x), or nil.
    ///   - phi: the reference rate; nil for the dataset's p(L).
    public static func analyse(texts: [[String]], labels: [String], label: String, terms: [String],
                               modelProbabilities: [Double]?, phi: Double?) -> Result {
        precondition(texts.count == labels.count && (modelProbabilities?.count ?? labels.count) == labels.count)
        let tokens = texts.map { $0.flatMap(WordTokens.split) }
        let reference = phi ?? Double(labels.filter { $0 == label }.count) / Double(max(labels.count, 1))
        var found: [Term] = []
        var absent: [String] = []
        for term in terms {
            let words = WordTokens.split(term)
            let members = tokens.indices.filter { contains(tokens[$0], words) }
            guard !members.isEmpty else {
                absent.append(term)
                continue
            }
            let n = Double(members.count)
            found.append(Term(
                term: term, samples: members, dataRate: Double(members.filter { labels[$0] == label }.count) / n,
                modelRate: modelProbabilities.map { p in members.reduce(0) { $0 + p[$1] } / n }))
        }
        func pinned(_ rate: (Term) -> Double?) -> Double? {
            guard !found.isEmpty else { return nil }
            var total = 0.0
            for term in found {
                guard let r = rate(term) else { return nil }
                total += abs(r - reference)
            }
            return total / Double(found.count)
        }
        return Result(phi: reference, terms: found, absent: absent, pinnedData: pinned(\.dataRate) ?? 0,
                      pinnedModel: modelProbabilities == nil ? nil : pinned(\.modelRate))
    }
}
