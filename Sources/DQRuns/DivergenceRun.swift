import DQAnalyses
import DQLearning
import DQReports
import DQStore
import DQText
import Foundation

/// `dq divergence`: Jensen–Shannon divergence of every two labels' token distributions.
package enum DivergenceRun {
    /// A run's `count` label pairs hardest to tell apart: lowest divergence beyond the size
    /// baseline (the divergence itself when the run has no baseline).
    static func hardestPairs(store: Store, run: Int64, count: Int = 3) throws -> [DivergenceRow] {
        Array(try store.divergences(run: run).sorted { ($0.excess ?? $0.divergence) < ($1.excess ?? $1.divergence) }.prefix(count))
    }

    package typealias Vocabulary = LabelDivergence.Vocabulary
    package typealias Field = LabelDivergence.Field

    /// The logarithm's base: 2 (bits) or e (nats).
    package enum LogBase: String, CaseIterable, Sendable {
        case two = "2", e
        package var value: Double { self == .two ? 2 : M_E }
    }

    package enum TokenKind: String, Sendable, Codable, CaseIterable { case words, wordpiece }

    package struct Options: Sendable {
        package var divergence = LabelDivergence.Options()
        /// A file of words to leave out, one per line.
        package var stopwordsFile: String?
        package var tokens: TokenKind = .words
        /// For wordpiece tokens: a BERT checkpoint folder or its vocab.txt.
        package var tokenizer: String?
        /// Label permutations per pair for the baseline; 0: none.
        package var permutations = 50
        package var seed: UInt64 = 13

        package init() {}

        package func validate() throws(OptionError) {
            if !(divergence.alpha >= 0 && divergence.alpha.isFinite) { throw OptionError("{alpha} must be a finite number, 0 or more") }
            try OptionError.check(divergence.minCount, atLeast: 1, "minCount")
            if divergence.topTokens < 0 || !(0...100_000).contains(permutations) {
                throw OptionError("{topTokens} and {permutations} (at most 100000) must be 0 or more")
            }
            if tokens == .wordpiece && tokenizer == nil {
                throw OptionError("{tokens} wordpiece needs {tokenizer}: a BERT checkpoint folder (dq models list shows the downloaded ones) or a vocab.txt")
            }
        }
    }

    /// Labels with fewer samples than this get a warning: their JSDs are inflated by their size.
    package static let smallLabel = 100

    package struct Outcome {
        package var run: Int64
        package var labels: [String]
        package var pairs: [LabelDivergence.Pair]
        /// "bits" or "nats".
        package var unit: String
        /// Labels with fewer than `smallLabel` samples, with their counts.
        package var smallLabels: [(label: String, samples: Int)]
    }

    package static func run(store: Store, dataset selection: DatasetSelection, options: Options) throws -> Outcome {
        try options.validate()
        let dataset = try store.resolve(selection)
        var divergence = options.divergence
        if let file = options.stopwordsFile {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw RunError.cannotRead(file: file, what: "stopwords file") }
            divergence.stopwords = Set(text.split(whereSeparator: \.isNewline).map { String($0).trimmingWhitespace().lowercased() }.filter { !$0.isEmpty })
        }
        let samples = StoreSamples(store: store, dataset: dataset)
        let counts = try LabelDivergence.count(samples, options: divergence,
                                               tokenize: try tokenize(options))
        guard counts.labels.count >= 2 else { throw RunError.tooFewLabels(dataset: dataset.name) }
        let tokenizer = try tokenize(options)
        // The permutation baseline, the slow part, runs inside the recorded run.
        func withBaseline() throws -> [LabelDivergence.Pair] {
            var pairs = LabelDivergence.pairs(counts, options: divergence)
            guard options.permutations > 0 else { return pairs }
            let bags = try LabelDivergence.bags(samples, options: divergence, tokenize: tokenizer)
            for (k, pair) in pairs.enumerated() {
                pairs[k].baseline = LabelDivergence.baseline(bags, a: pair.a, b: pair.b, options: divergence,
                                                             permutations: options.permutations, seed: options.seed &+ UInt64(k))
            }
            return pairs.sorted { ($0.excess!, $0.a, $0.b) < ($1.excess!, $1.a, $1.b) }
        }
        let natural = divergence.logBase != 2
        var parameters = DivergenceParameters(
            alpha: divergence.alpha, log: natural ? "e" : "2", vocab: divergence.vocabulary, minCount: divergence.minCount,
            stopwords: options.stopwordsFile, field: divergence.field, tokens: options.tokens, tokenizer: options.tokenizer,
            splits: dataset.splits)
        if options.permutations > 0 { (parameters.permutations, parameters.seed) = (options.permutations, options.seed) }
        func contributions(_ list: [(token: String, contribution: Double)]) -> [DivergenceRow.Contribution] {
            list.map { DivergenceRow.Contribution(token: $0.token, contribution: $0.contribution) }
        }
        let (run, pairs) = try store.recordRun(
            parameters, dataset: dataset.id, labelVersion: dataset.labelVersion, seed: nil, compute: { _ in try withBaseline() },
            write: { run, pairs in
                try store.writeDivergence(run: run, rows: pairs.map { p in
                    DivergenceRow(labelA: p.a, labelB: p.b, divergence: p.divergence, samplesA: p.samplesA, samplesB: p.samplesB,
                                  tokensA: p.tokensA, tokensB: p.tokensB, towardA: contributions(p.towardA), towardB: contributions(p.towardB),
                                  baseline: p.baseline?.mean)
                })
            })
        let small = counts.labels.filter { counts.samples[$0]! < smallLabel }
        return Outcome(run: run, labels: counts.labels, pairs: pairs, unit: natural ? "nats" : "bits",
                       smallLabels: small.map { ($0, counts.samples[$0]!) })
    }

    /// The function that cuts a text into tokens; nil for words (the fast, interned path).
    static func tokenize(_ options: Options) throws -> ((String) -> [String])? {
        guard options.tokens == .wordpiece, let tokenizer = options.tokenizer else { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: tokenizer, isDirectory: &isDirectory) else {
            throw RunError.cannotRead(file: tokenizer, what: "tokenizer (no such file or folder)")
        }
        let bert = isDirectory.boolValue ? try BertCheckpoint.tokenizer(directory: tokenizer)
            : try BertTokenizer(vocabulary: DQText.Vocabulary(contentsOf: tokenizer))
        let vocabulary = bert.vocabulary
        return { text in bert.tokenIDs(text).map { vocabulary.tokens[Int($0)] } }
    }
}
