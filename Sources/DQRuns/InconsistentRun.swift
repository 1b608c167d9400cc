import DQAnalyses
import DQLearning
import DQReports
import DQStore
import DQText
import Foundation

/// `dq inconsistent`: samples that match another label's specifications.
package enum InconsistentRun {
    /// How a label's rankings are fused.
    package typealias Aggregation = RankAggregation

    package struct Options: Sendable {
        /// The specifications file (JSON; docs/specs.schema.json).
        package var specsFile: String
        package var ranking = SpecificationRanking.Options()
        /// Rank `examples` by embeddings from this BERT checkpoint folder instead of BM25.
        package var embedModel: String?

        package init(specsFile: String) {
            self.specsFile = specsFile
        }

        package func validate() throws(OptionError) {
            try OptionError.check(ranking.top, atLeast: 1, "top")
            try OptionError.check(ranking.minSpecs, atLeast: 1, "minSpecs")
            if let depth = ranking.depth { try OptionError.check(depth, atLeast: 1, "depth") }
            if !(ranking.rrfK >= 0 && ranking.rrfK.isFinite) { throw OptionError("{rrfK} must be a finite number, 0 or more") }
            if !(ranking.bm25.k1 >= 0 && ranking.bm25.k1.isFinite) || !(ranking.bm25.b >= 0 && ranking.bm25.b <= 1) {
                throw OptionError("{k1} must be 0 or more and {b} between 0 and 1")
            }
        }
    }

    package struct Outcome {
        package var run: Int64
        package var suspects: [SpecificationRanking.Suspect]
        /// The ranked samples; a suspect's `index` points here.
        package var samples: [Sample]
        package var options: Options
        /// The depth each label's specifications were held to.
        package var depths: [String: Int]
    }

    package static func run(store: Store, dataset selection: DatasetSelection, options: Options,
                           observer: RunObserver = .silent) throws -> Outcome {
        try options.validate()
        let dataset = try store.resolve(selection)
        guard let text = try? String(contentsOfFile: options.specsFile, encoding: .utf8) else {
            throw RunError.cannotRead(file: options.specsFile, what: "specifications file")
        }
        let specifications = try Specification.parse(text, file: options.specsFile, labels: try store.labels(dataset: dataset.id))
        let samples = try store.samples(dataset)
        guard !samples.isEmpty else { throw RunError.noSamples(dataset: dataset.name, splits: dataset.splits) }
        let embedder = try options.embedModel.map { try SentenceEmbedder(directory: $0) }
        let r = options.ranking
        var parameters = InconsistentParameters(
            specsFile: options.specsFile, specs: specifications.map(\.name), aggregate: r.aggregation, rrfK: r.rrfK, top: r.top,
            minSpecs: r.minSpecs, depth: r.depth, k1: r.bm25.k1, b: r.bm25.b, embedModel: options.embedModel, splits: dataset.splits)
        let labels = samples.map(\.label)
        parameters.depths = Dictionary(specifications.map { spec in
            (spec.label, r.depth(forLabelOfSize: labels.count { $0 == spec.label }))
        }) { a, _ in a }
        let (run, suspects) = try store.recordRun(
            parameters, dataset: dataset.id, labelVersion: dataset.labelVersion, seed: nil,
            compute: { _ in
                observer.progress("ranking \(samples.count) samples by \(specifications.count) specifications")
                defer { observer.endProgress() }
                do {
                    return try SpecificationRanking.suspects(
                        documents: samples.map { [$0.text, $0.textPair].compactMap { $0 }.joined(separator: "\n") },
                        labels: samples.map(\.label), specs: specifications, options: options.ranking,
                        embedder: embedder.map { e in { e.embed($0) } }, interrupted: { (try? observer.checkInterrupt()) == nil })
                } catch is CancellationError {
                    try observer.checkInterrupt()
                    throw CancellationError()
                }
            },
            write: { run, suspects in
                try store.writeSpecificationSuspects(run: run, suspects.map { s in
                    SpecificationSuspectRow(sampleID: samples[s.index].id, suggestedLabel: s.suggestedLabel, position: s.position,
                                            score: s.score, evidence: s.evidence.map { .init(spec: $0.spec, rank: $0.rank) })
                })
            })
        return Outcome(run: run, suspects: suspects, samples: samples, options: options, depths: parameters.depths ?? [:])
    }
}
