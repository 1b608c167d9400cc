import Foundation

/// Specification-based detection of inconsistent labels:
///
/// 1. specifications are grouped by label;
/// 2. each specification of label L scores every sample in scope, and its scores give
///    ranks 0…|D|−1 (`RankAggregation.ranks`: ties and non-matches share the last rank of
///    their tie), a |D| × |S_L| rank matrix;
/// 3. the |S_L| rankings are fused into one (`RankAggregation`);
/// 4. samples already labelled L are removed; the best-fused of the rest, among those that at
///    least `minSpecs` of L's specifications match within their top `depth`, are the suspects,
///    with L suggested. The default depth is L's own size (the samples labelled L, at least
///    `minimumDepth`): a specification of L is expected to rank about as many samples high as L
///    holds, so a fixed depth would admit a smaller share of a large label's look-alikes.
///
/// Scores per kind: `query` — BM25 of the query; `examples` — the largest BM25 of any example
/// used as the query, or with an embedder the largest cosine similarity to any example's
/// embedding; `pattern` — 1 + BM25 of the matched text for samples the regular expression
/// matches, 0 (tied last) for the rest. A specification "matches" a sample when its score is
/// above 0.
package enum SpecificationRanking {
    package struct Options: Sendable {
        package var bm25 = BM25Index.Parameters()
        package var aggregation: RankAggregation = .rrf
        package var rrfK: Double = 60
        /// Suspects kept per label.
        package var top = 20
        package var minSpecs = 1
        /// Nil: each label's `depth(forLabelOfSize:)`.
        package var depth: Int?
        /// Seconds a `pattern` specification may spend matching all documents; a pattern that
        /// backtracks catastrophically (`(a+)+$`) is stopped with an error naming it.
        package var patternTimeLimit = 10.0

        package init() {}

        package static let minimumDepth = 100

        /// The depth used for a label with `size` samples.
        package func depth(forLabelOfSize size: Int) -> Int { depth ?? max(Self.minimumDepth, size) }
    }

    package enum RankingError: Error, Equatable, CustomStringConvertible {
        /// A pattern ran past the time limit.
        case patternTooSlow(spec: String, seconds: Double, documents: Int)

        package var description: String {
            switch self {
            case let .patternTooSlow(spec, seconds, documents):
                return "spec \"\(spec)\": its pattern was still matching after \(String(format: "%.0f", seconds)) s (at sample \(documents + 1)); "
                    + "simplify it (nested repetition such as (a+)+ can take exponential time)"
            }
        }
    }

    /// Embeds texts as unit vectors, for `examples` by cosine similarity.
    package typealias Embedder = ([String]) throws -> [[Float]]

    /// One sample that matches another label's specifications.
    package struct Suspect: Sendable, Equatable {
        /// The sample's position in the ranked texts.
        package var index: Int
        package var suggestedLabel: String
        package var score: Double
        /// 1-based position among the suggested label's suspects.
        package var position: Int
        /// Each of the suggested label's specifications with the rank it gave the sample.
        package var evidence: [Evidence]
    }

    package struct Evidence: Sendable, Equatable {
        package var spec: String
        package var rank: Int
        package var score: Double
    }

    /// The scores one specification gives every document of `index`. A pattern stops with
    /// `RankingError.patternTooSlow` after `timeLimit` seconds, and when `interrupted` turns true.
    package static func scores(_ spec: Specification, index: BM25Index, documents: [String],
                              embedder: Embedder?, documentEmbeddings: [[Float]]?, timeLimit: Double = 10,
                              interrupted: () -> Bool = { false }) throws -> [Double] {
        switch spec.kind {
        case .query(let query):
            return index.scores(query: query)
        case .examples(let examples):
            if let embedder, let documentEmbeddings {
                let targets = try embedder(examples)
                return documentEmbeddings.map { doc in
                    targets.map { target in Double(zip(doc, target).reduce(Float(0)) { $0 + $1.0 * $1.1 }) }.max()!
                }
            }
            var best = [Double](repeating: 0, count: documents.count)
            for example in examples {
                for (d, s) in index.scores(query: example).enumerated() where s > best[d] { best[d] = s }
            }
            return best
        case .pattern(let pattern):
            let regex = try NSRegularExpression(pattern: pattern)
            let start = Date()
            var stopped = false
            // Foundation declares the match block escaping; it runs only during the call.
            return try withoutActuallyEscaping(interrupted) { interrupted in try documents.enumerated().map { d, text in
                // ICU calls back during long matches (.reportProgress): a match that outlives the
                // budget, or Ctrl-C, is stopped there rather than left running.
                var matches: [NSRange] = []
                regex.enumerateMatches(in: text, options: [.reportProgress], range: NSRange(text.startIndex..., in: text)) { result, flags, stop in
                    if let result { matches.append(result.range) }
                    if flags.contains(.progress) && (Date().timeIntervalSince(start) > timeLimit || interrupted()) {
                        stopped = true
                        stop.pointee = true
                    }
                }
                if stopped || Date().timeIntervalSince(start) > timeLimit {
                    if interrupted() { throw CancellationError() }
                    throw RankingError.patternTooSlow(spec: spec.name, seconds: timeLimit, documents: d)
                }
                guard !matches.isEmpty else { return 0 }
                let matched = matches.compactMap { Range($0, in: text).map { String(text[$0]) } }.joined(separator: " ")
                return 1 + index.score(query: matched, document: d)
            } }
        }
    }

    /// The suspects of every label that has specifications, label by label in the order of
    /// `specs`, each label's best first.
    package static func suspects(documents: [String], labels: [String], specs: [Specification], options: Options,
                                embedder: Embedder? = nil, interrupted: () -> Bool = { false }) throws -> [Suspect] {
        precondition(documents.count == labels.count)
        let index = BM25Index(documents: documents, parameters: options.bm25)
        let needsEmbeddings = embedder != nil && specs.contains { if case .examples = $0.kind { true } else { false } }
        let documentEmbeddings = needsEmbeddings ? try embedder!(documents) : nil
        var groups: [(label: String, specs: [Specification])] = []
        for spec in specs {
            if let g = groups.firstIndex(where: { $0.label == spec.label }) { groups[g].specs.append(spec) } else { groups.append((spec.label, [spec])) }
        }
        var out: [Suspect] = []
        for group in groups {
            let scores = try group.specs.map {
                try self.scores($0, index: index, documents: documents, embedder: embedder, documentEmbeddings: documentEmbeddings,
                                timeLimit: options.patternTimeLimit, interrupted: interrupted)
            }
            let ranks = scores.map(RankAggregation.ranks)
            let fused = options.aggregation.fuse(scores: scores, ranks: ranks, rrfK: options.rrfK)
            let depth = options.depth(forLabelOfSize: labels.count { $0 == group.label })
            let candidates = documents.indices.filter { d in
                labels[d] != group.label
                    && (0..<scores.count).count { scores[$0][d] > 0 && ranks[$0][d] < depth } >= options.minSpecs
            }
            let best = candidates.sorted { fused[$0] > fused[$1] || (fused[$0] == fused[$1] && $0 < $1) }.prefix(options.top)
            for (position, d) in best.enumerated() {
                out.append(Suspect(
                    index: d, suggestedLabel: group.label, score: fused[d], position: position + 1,
                    evidence: group.specs.indices.map { Evidence(spec: group.specs[$0].name, rank: ranks[$0][d], score: scores[$0][d]) }))
            }
        }
        return out
    }
}
