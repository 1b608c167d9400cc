import DQText
import Foundation

/// Okapi BM25 in Lucene's variant (Lucene ≥ 8; bm25s's method "lucene"; Kamphuis et al.,
/// "Which BM25 Do You Mean? A Large-Scale Reproducibility Study of Scoring Variants", ECIR 2020):
///
///     idf(t)      = ln(1 + (N − df(t) + 0.5) / (df(t) + 0.5))
///     score(d, q) = Σ_{t ∈ q} idf(t) · tf(t, d) / (tf(t, d) + k1 · (1 − b + b · |d| / avgdl))
///
/// with N documents, df(t) the documents containing t, |d| the document's length in tokens and
/// avgdl the mean length. Lucene dropped the classic numerator factor (k1 + 1), which scales
/// every score alike and changes no ranking. A term repeated in the query counts once per
/// occurrence, as Lucene's boolean query sums its clauses. Tokens are `WordTokens`.
package struct BM25Index: Sendable {
    package struct Parameters: Sendable, Equatable {
        package var k1: Double
        package var b: Double

        package init(k1: Double = 1.2, b: Double = 0.75) {
            self.k1 = k1
            self.b = b
        }
    }

    package let parameters: Parameters
    package let documentCount: Int
    package let averageLength: Double
    private let terms: TokenInterner
    /// Postings of term t: `postingDocuments[postingStarts[t]..<postingStarts[t + 1]]`, ascending,
    /// with the term's frequency in each.
    private let postingStarts: [Int]
    private let postingDocuments: [Int32]
    private let postingFrequencies: [Float]
    /// k1 · (1 − b + b · |d| / avgdl) per document.
    private let lengthNorms: [Float]

    /// Indexes `documents` in order; document i is scored at index i.
    package init(documents: some Sequence<String>, parameters: Parameters = Parameters()) {
        self.parameters = parameters
        let terms = TokenInterner()
        // Per document, its distinct terms with their frequencies.
        var documentStarts = [0]
        var documentTerms: [Int32] = []
        var documentFrequencies: [Float] = []
        var lengths: [Int32] = []
        var ids: [Int32] = []
        for text in documents {
            ids.removeAll(keepingCapacity: true)
            terms.appendIDs(of: text, to: &ids)
            lengths.append(Int32(ids.count))
            ids.sort()
            var i = 0
            while i < ids.count {
                var j = i + 1
                while j < ids.count && ids[j] == ids[i] { j += 1 }
                documentTerms.append(ids[i])
                documentFrequencies.append(Float(j - i))
                i = j
            }
            documentStarts.append(documentTerms.count)
        }
        // Invert by counting sort on the term id.
        var starts = [Int](repeating: 0, count: terms.count + 1)
        for term in documentTerms { starts[Int(term) + 1] += 1 }
        for t in 0..<terms.count { starts[t + 1] += starts[t] }
        var next = starts
        var postingDocuments = [Int32](repeating: 0, count: documentTerms.count)
        var postingFrequencies = [Float](repeating: 0, count: documentTerms.count)
        for d in 0..<lengths.count {
            for k in documentStarts[d]..<documentStarts[d + 1] {
                let t = Int(documentTerms[k])
                postingDocuments[next[t]] = Int32(d)
                postingFrequencies[next[t]] = documentFrequencies[k]
                next[t] += 1
            }
        }
        let total = lengths.reduce(0) { $0 + Int($1) }
        let average = lengths.isEmpty ? 0 : Double(total) / Double(lengths.count)
        self.terms = terms
        self.documentCount = lengths.count
        self.averageLength = average
        self.postingStarts = starts
        self.postingDocuments = postingDocuments
        self.postingFrequencies = postingFrequencies
        self.lengthNorms = lengths.map { length in
            Float(parameters.k1 * (1 - parameters.b + (average > 0 ? parameters.b * Double(length) / average : 0)))
        }
    }

    /// The number of documents containing `term` (0 for an unseen term).
    package func documentFrequency(_ term: String) -> Int {
        guard let id = terms.id(of: term) else { return 0 }
        return postingStarts[Int(id) + 1] - postingStarts[Int(id)]
    }

    /// idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5)).
    package func inverseDocumentFrequency(_ term: String) -> Double {
        idf(documentFrequency: documentFrequency(term))
    }

    private func idf(documentFrequency df: Int) -> Double {
        log(1 + (Double(documentCount - df) + 0.5) / (Double(df) + 0.5))
    }

    /// The query's word tokens that occur in the index, as term ids (repeats kept).
    private func queryTerms(_ query: String) -> [Int32] {
        var ids: [Int32] = []
        terms.appendKnownIDs(of: query, to: &ids)
        return ids
    }

    /// The BM25 score of every document for `query`, in document order.
    package func scores(query: String) -> [Double] {
        var out = [Double](repeating: 0, count: documentCount)
        for term in queryTerms(query) {
            let range = postingStarts[Int(term)]..<postingStarts[Int(term) + 1]
            let weight = Float(idf(documentFrequency: range.count))
            postingDocuments.withUnsafeBufferPointer { documents in
                postingFrequencies.withUnsafeBufferPointer { frequencies in
                    lengthNorms.withUnsafeBufferPointer { norms in
                        for k in range {
                            let d = Int(documents[k])
                            let tf = frequencies[k]
                            out[d] += Double(weight * tf / (tf + norms[d]))
                        }
                    }
                }
            }
        }
        return out
    }

    /// The BM25 score of one document for `query`.
    package func score(query: String, document: Int) -> Double {
        var total = 0.0
        for term in queryTerms(query) {
            let range = postingStarts[Int(term)]..<postingStarts[Int(term) + 1]
            let slice = postingDocuments[range]
            // Postings are ascending in the document: binary search.
            var low = range.lowerBound, high = range.upperBound
            while low < high {
                let mid = (low + high) / 2
                if Int(slice[mid]) < document { low = mid + 1 } else { high = mid }
            }
            guard low < range.upperBound, Int(postingDocuments[low]) == document else { continue }
            let tf = postingFrequencies[low]
            total += Double(Float(idf(documentFrequency: range.count)) * tf / (tf + lengthNorms[document]))
        }
        return total
    }

    /// The `k` best documents for `query`, best first (ties by document order), with their scores.
    package func top(_ k: Int, query: String) -> [(document: Int, score: Double)] {
        let all = scores(query: query)
        var heap: [(document: Int, score: Double)] = []
        heap.reserveCapacity(k + 1)
        for (d, s) in all.enumerated() where s > 0 {
            if heap.count == k, let worst = heap.last, !(s > worst.score) { continue }
            let position = heap.firstIndex { s > $0.score } ?? heap.count
            heap.insert((d, s), at: position)
            if heap.count > k { heap.removeLast() }
        }
        return heap
    }
}
