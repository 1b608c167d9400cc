import ArgumentParser
import DQAnalyses
import DQLearning
import DQReports
import DQStore
import DQText
import Foundation

struct Inconsistent: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find samples that match a label's specifications but carry another label.",
        discussion: """
            A specification is something you know holds for one label: a query (ranked by BM25), \
            example texts (ranked by similarity to them), or a regular expression (matches first). \
            Each specification of label L ranks every sample; L's rankings are fused into one (rank \
            aggregation); the best-ranked samples that are not labelled L are the suspects, with L \
            as the suggested label and each specification's rank as the evidence.

            specs.json (schema: docs/specs.schema.json):
              { "specs": [
                { "name": "praise", "label": "positive", "query": "great wonderful loved it" },
                { "name": "refund", "label": "negative", "examples": ["I want my money back"] },
                { "name": "no-recommend", "label": "negative", "pattern": "(?i)\\\\bwould not recommend" } ] }

            Examples:
              dq inconsistent --specs Fixtures/demo/trec_specs.json --dataset trec
              dq inconsistent --specs specs.json --top 50 --aggregate borda --min-specs 2 --depth 200
              dq inconsistent --specs specs.json --embed-model ~/models/all-MiniLM-L6-v2
            """
    )

    @Option(help: ArgumentHelp("The specifications file (JSON).", valueName: "file"))
    var specs: String

    @OptionGroup var selection: DatasetOptions

    @Option(help: "Suspects to keep per label.")
    var top = 20

    @Option(help: "How to fuse a label's rankings: rrf, borda, combsum, combmnz, median or mean.")
    var aggregate: RankAggregation = .rrf

    @Option(name: .customLong("rrf-k"), help: "The k of reciprocal rank fusion.")
    var rrfK = 60.0

    @Option(name: .customLong("min-specs"), help: "A suspect must be matched within --depth by at least this many of the label's specifications.")
    var minSpecs = 1

    @Option(help: "The rank within which a specification counts as matching a sample (see --min-specs).")
    var depth = 100

    @Option(help: "BM25 term-frequency saturation.")
    var k1 = 1.2

    @Option(help: "BM25 length normalisation (0: none, 1: full).")
    var b = 0.75

    @Option(name: .customLong("embed-model"), help: ArgumentHelp(
        "Rank `examples` by cosine similarity of mean-pooled embeddings from this BERT checkpoint folder instead of BM25.",
        valueName: "dir"))
    var embedModel: String?

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if top < 1 { throw ValidationError("--top must be at least 1") }
        if minSpecs < 1 { throw ValidationError("--min-specs must be at least 1") }
        if depth < 1 { throw ValidationError("--depth must be at least 1") }
        if !(k1 >= 0) || !(b >= 0 && b <= 1) { throw ValidationError("--k1 must be 0 or more and --b between 0 and 1") }
    }

    func run() throws {
        let store = try store.open()
        let (datasetID, datasetName) = try store.defaultDataset(selection.dataset)
        let splits = try selection.splits(in: store, dataset: datasetID, name: datasetName)
        guard let text = try? String(contentsOfFile: specs, encoding: .utf8) else {
            throw CommandError("cannot read the specifications file \(specs)")
        }
        let specifications = try Specification.parse(text, file: specs, labels: try store.labels(dataset: datasetID))
        let samples = try store.samples(dataset: datasetID, splits: splits)
        guard !samples.isEmpty else { throw CommandError("dataset \(datasetName) has no samples to rank") }
        var options = SpecificationRanking.Options()
        options.bm25 = .init(k1: k1, b: b)
        options.aggregation = aggregate
        options.rrfK = rrfK
        options.top = top
        options.minSpecs = minSpecs
        options.depth = depth
        let embedder = try embedModel.map { try SentenceEmbedder(directory: $0) }
        let parameters: JSONValue = .object([
            ("specs_file", .string(specs)), ("specs", .array(specifications.map { .string($0.name) })),
            ("aggregate", .string(aggregate.rawValue)), ("rrf_k", .number(rrfK)), ("top", .number(Double(top))),
            ("min_specs", .number(Double(minSpecs))), ("depth", .number(Double(depth))), ("k1", .number(k1)), ("b", .number(b)),
            ("embed_model", embedModel.map { .string($0) } ?? .null),
            ("splits", splits.map { .array($0.map { .string($0) }) } ?? .null),
        ])
        let (run, suspects) = try Interrupt.during {
            try store.recordRun(
                kind: "inconsistent", dataset: datasetID, parameters: parameters, seed: nil,
                compute: { _ in
                    Terminal.progress("ranking \(samples.count) samples by \(specifications.count) specifications")
                    defer { Terminal.endProgress() }
                    return try SpecificationRanking.suspects(
                        documents: samples.map { [$0.text, $0.textPair].compactMap { $0 }.joined(separator: "\n") },
                        labels: samples.map(\.label), specs: specifications, options: options,
                        embedder: embedder.map { e in { e.embed($0) } })
                },
                write: { run, suspects in
                    try store.writeSpecSuspects(run: run, suspects.map { s in
                        FlaggedSample(sampleID: samples[s.index].id, position: s.position, score: s.score, suggestedLabel: s.suggestedLabel,
                                      evidence: JSONValue.object(s.evidence.map { ($0.spec, .number(Double($0.rank))) }).jsonText)
                    })
                })
        }
        try output.emit([Table(
            name: "inconsistent", title: "Samples matching another label's specifications (\(aggregate.rawValue)), run \(run)",
            columns: ["suggested", "#", "id", "given", "score", "evidence (spec: rank)", "text"],
            rows: suspects.map { s in
                let sample = samples[s.index]
                return [.text(s.suggestedLabel), .int(s.position), .text(sample.displayID), .text(sample.label),
                        .real(s.score, digits: 4), .text(s.evidence.map { "\($0.spec): \($0.rank)" }.joined(separator: ", ")),
                        .text(sample.text)]
            },
            note: suspects.isEmpty
                ? "No sample outside a label matches its specifications within --depth \(depth)."
                : "Ranks start at 0 (best); tied samples share the last rank of their tie, so unmatched ones rank last. Review them: dq suspects, then dq export suspects.")])
    }
}

extension RankAggregation: ExpressibleByArgument {}
