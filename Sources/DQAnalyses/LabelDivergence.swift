import DQText
import Foundation

/// Label-pair difficulty by Jensen–Shannon divergence of the labels' word distributions, as
/// used to compare hate-speech benchmark labels (Masud et al., "Revisiting Hate Speech
/// Benchmarks", KDD 2023). For labels A and B with token counts c_A, c_B over a vocabulary V
/// (the pair's joint vocabulary, or all labels'), add-α (Laplace) smoothing gives
///
///     P(w) = (c_A(w) + α) / (N_A + α|V|),   Q(w) = (c_B(w) + α) / (N_B + α|V|),   M = (P + Q)/2
///     JSD(P, Q) = ½ Σ_w P(w) log(P(w)/M(w)) + ½ Σ_w Q(w) log(Q(w)/M(w))
///
/// in bits by default (then 0 ≤ JSD ≤ 1). Lower divergence: the labels' texts look alike, so
/// the pair is harder to tell apart. Each token's term of the sum is its contribution; tokens
/// with P > Q pull toward A, the others toward B.
package enum LabelDivergence {
    package enum Vocabulary: String, Sendable, CaseIterable, Codable {
        /// The union of the two labels' tokens.
        case pair
        /// The union of every label's tokens.
        case global
    }

    package enum Field: String, Sendable, CaseIterable, Codable {
        case both, text
        case textPair = "text_pair"
    }

    package struct Options: Sendable {
        package var alpha: Double = 1
        package var logBase: Double = 2
        package var vocabulary: Vocabulary = .pair
        /// Tokens seen fewer times than this in the whole dataset are left out.
        package var minCount: Int = 1
        package var stopwords: Set<String> = []
        package var field: Field = .both
        /// How many contributing tokens to keep per direction.
        package var topTokens: Int = 5
        /// From how many samples word counting is split between two threads.
        package var parallelFrom = 100_000

        package init() {}
    }

    package struct Pair: Sendable, Equatable {
        package var a: String
        package var b: String
        package var divergence: Double
        package var samplesA: Int
        package var samplesB: Int
        package var tokensA: Int
        package var tokensB: Int
        /// Tokens contributing most, more frequent in A (then in B), with their contribution.
        package var towardA: [(token: String, contribution: Double)]
        package var towardB: [(token: String, contribution: Double)]
        /// The permutation baseline (`baseline(_:a:b:options:permutations:seed:)`), when computed.
        package var baseline: Baseline?
        /// JSD minus the baseline's mean: the divergence beyond what the labels' sizes alone give.
        package var excess: Double? { baseline.map { divergence - $0.mean } }

        package static func == (l: Pair, r: Pair) -> Bool {
            l.a == r.a && l.b == r.b && l.divergence == r.divergence && l.samplesA == r.samplesA && l.samplesB == r.samplesB
                && l.tokensA == r.tokensA && l.tokensB == r.tokensB
                && l.towardA.map(\.token) == r.towardA.map(\.token) && l.towardB.map(\.token) == r.towardB.map(\.token)
        }
    }

    /// Token counts per label, read one sample at a time.
    package struct Counts: Sendable {
        package var labels: [String] = []
        package var samples: [String: Int] = [:]
        package var tokens: [String: [String: Int]] = [:]

        package init() {}

        package mutating func add(label: String, tokens list: [String]) {
            if samples[label] == nil {
                labels.append(label)
                tokens[label] = [:]
            }
            samples[label, default: 0] += 1
            for token in list { tokens[label, default: [:]][token, default: 0] += 1 }
        }
    }

    /// Counts every label's tokens, streaming the samples. With no `tokenize`, tokens are
    /// `WordTokens`, interned straight from the bytes the source gives.
    package static func count(_ samples: any SampleSource, options: Options,
                             tokenize: ((String) -> [String])? = nil) throws -> Counts {
        guard let tokenize else { return try countWords(samples, options: options) }
        var counts = Counts()
        try samples.forEachSample { sample in
            var parts: [String] = []
            if options.field != .textPair { parts.append(sample.text) }
            if options.field != .text, let pair = sample.textPair { parts.append(pair) }
            counts.add(label: sample.label, tokens: parts.flatMap(tokenize).filter { !options.stopwords.contains($0) })
        }
        return counts
    }

    /// Word counts of one share of a dataset, by interned ids.
    struct WordCounts {
        var words = TokenInterner(), labels = TokenInterner()
        var perLabel: [[Int]] = []
        var samples: [Int] = []

        mutating func read(_ source: any SampleSource, field: Field) throws {
            let words = self.words, labels = self.labels
            var perLabel = self.perLabel, samples = self.samples
            defer { (self.perLabel, self.samples) = (perLabel, samples) }
            try source.forEachSampleBytes { text, pair, label in
                let y = Int(labels.intern(label))
                if y == perLabel.count {
                    perLabel.append([])
                    samples.append(0)
                }
                samples[y] += 1
                if field != .textPair { words.countIDs(ofUTF8: text, into: &perLabel[y]) }
                if field != .text, let pair { words.countIDs(ofUTF8: pair, into: &perLabel[y]) }
            }
        }
    }

    /// `count` for word tokens: token and label ids from `TokenInterner`s, counts in arrays
    /// indexed by token id, and strings made once per distinct token at the end. A large
    /// dataset is read by two threads, each over half of the samples (`SampleSource.shares`:
    /// for the store, each with its own connection); their counts are merged in order (labels
    /// in order of first sight).
    static func countWords(_ samples: any SampleSource, options: Options) throws -> Counts {
        var shares: [WordCounts] = []
        if try samples.count() >= options.parallelFrom {
            let parts = try samples.shares(2)
            /// Each part's result, written by its own thread only.
            final class Results: @unchecked Sendable {
                let parts = UnsafeMutablePointer<Result<WordCounts, Error>?>.allocate(capacity: 2)
                init() { parts.initialize(repeating: nil, count: 2) }
                deinit {
                    parts.deinitialize(count: 2)
                    parts.deallocate()
                }
            }
            let results = Results()
            let field = options.field
            DispatchQueue.concurrentPerform(iterations: 2) { part in
                let result = Result {
                    var counts = WordCounts()
                    try counts.read(parts[part], field: field)
                    return counts
                }
                results.parts[part] = result
            }
            shares = try (0..<2).map { try results.parts[$0]!.get() }
        } else {
            var counts = WordCounts()
            try counts.read(samples, field: options.field)
            shares = [counts]
        }
        var counts = Counts()
        for share in shares {
            let tokens = (0..<share.words.count).map { share.words.token(Int32($0)) }
            for y in 0..<share.perLabel.count {
                let label = share.labels.token(Int32(y))
                if counts.samples[label] == nil {
                    counts.labels.append(label)
                    counts.samples[label] = 0
                    counts.tokens[label] = [:]
                }
                counts.samples[label]! += share.samples[y]
                for (id, c) in share.perLabel[y].enumerated() where c > 0 && !options.stopwords.contains(tokens[id]) {
                    counts.tokens[label]![tokens[id], default: 0] += c
                }
            }
        }
        return counts
    }

    /// Every label pair, hardest (lowest divergence) first.
    package static func pairs(_ counts: Counts, options: Options) -> [Pair] {
        var totals: [String: Int] = [:]
        for label in counts.labels { for (t, c) in counts.tokens[label]! { totals[t, default: 0] += c } }
        let kept = Set(totals.filter { $0.value >= options.minCount }.keys)
        let filtered = counts.tokens.mapValues { $0.filter { kept.contains($0.key) } }
        let global = kept
        var out: [Pair] = []
        for (i, a) in counts.labels.enumerated() {
            for b in counts.labels[(i + 1)...] {
                let ca = filtered[a]!, cb = filtered[b]!
                let vocabulary = options.vocabulary == .global ? global : Set(ca.keys).union(cb.keys)
                out.append(divergence(a: a, b: b, ca: ca, cb: cb, vocabulary: vocabulary, counts: counts, options: options))
            }
        }
        return out.sorted { $0.divergence < $1.divergence || ($0.divergence == $1.divergence && ($0.a, $0.b) < ($1.a, $1.b)) }
    }

    static func divergence(a: String, b: String, ca: [String: Int], cb: [String: Int], vocabulary: Set<String>,
                           counts: Counts, options: Options) -> Pair {
        let na = Double(ca.values.reduce(0, +)), nb = Double(cb.values.reduce(0, +))
        let v = Double(vocabulary.count), alpha = options.alpha
        let logScale = 1 / log(options.logBase)
        var total = 0.0
        var contributions: [(token: String, value: Double, towardA: Bool)] = []
        contributions.reserveCapacity(vocabulary.count)
        for token in vocabulary.sorted() {
            let p = (Double(ca[token] ?? 0) + alpha) / (na + alpha * v)
            let q = (Double(cb[token] ?? 0) + alpha) / (nb + alpha * v)
            let m = (p + q) / 2
            var term = 0.0
            if p > 0 { term += 0.5 * p * log(p / m) * logScale }
            if q > 0 { term += 0.5 * q * log(q / m) * logScale }
            total += term
            contributions.append((token, term, p > q))
        }
        let ranked = contributions.sorted { $0.value > $1.value || ($0.value == $1.value && $0.token < $1.token) }
        return Pair(
            a: a, b: b, divergence: total, samplesA: counts.samples[a]!, samplesB: counts.samples[b]!,
            tokensA: Int(na), tokensB: Int(nb),
            towardA: ranked.filter(\.towardA).prefix(options.topTokens).map { ($0.token, $0.value) },
            towardB: ranked.filter { !$0.towardA }.prefix(options.topTokens).map { ($0.token, $0.value) })
    }
}
