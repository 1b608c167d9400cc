import ArgumentParser
import DQRuns

struct Inconsistent: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find samples that match a label's specifications but carry another label.",
        discussion: """
            A specification is something you know holds for one label: a query (ranked by BM25), example texts (ranked by similarity to them), or a \
            regular expression (matches first). Each specification of label L ranks every sample; L's rankings are fused into one (rank \
            aggregation); the best-ranked samples that are not labelled L are the suspects, with L as the suggested label and each specification's \
            rank as the evidence.

            specs.json (schema: docs/specs.schema.json):
              { "specs": [
                { "name": "praise", "label": "positive", "query": "great wonderful loved it" },
                { "name": "refund", "label": "negative", "examples": ["I want my money back"] },
                { "name": "no-recommend", "label": "negative", "pattern": "(?i)\\\\bwould not recommend" } ] }

            Examples:
              dq inconsistent --specs Fixtures/demo/trec-specs.json --dataset trec
              dq inconsistent --specs specs.json --aggregate borda --min-specs 2
              dq inconsistent --specs specs.json --embed-model ./all-MiniLM-L6-v2
            """
    )

    @Option(help: ArgumentHelp("The specifications file (JSON).", valueName: "file")) var specs: String
    @OptionGroup var selection: DatasetOptions
    @Option(help: "Suspects to keep per label.") var top = 20
    @Option(help: "How to fuse a label's rankings: rrf, borda, combsum, combmnz, median or mean.") var aggregate: InconsistentRun.Aggregation = .rrf
    @Option(name: .customLong("rrf-k"), help: "The k of reciprocal rank fusion.") var rrfK = 60.0
    @Option(help: "A suspect must be matched within --depth by at least this many of the label's specifications.") var minSpecs = 1
    @Option(help: "The rank within which a specification counts as matching a sample (see --min-specs). Default: the label's sample count, at least 100.") var depth: Int?
    @Option(help: "BM25 term-frequency saturation.") var k1 = 1.2
    @Option(help: "BM25 length normalisation (0: none, 1: full).") var b = 0.75
    @Option(help: ArgumentHelp("Rank `examples` by cosine similarity of mean-pooled embeddings from this BERT checkpoint folder instead of BM25.", valueName: "dir")) var embedModel: String?
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if top < 1 { throw ValidationError("--top must be at least 1") }
        if minSpecs < 1 { throw ValidationError("--min-specs must be at least 1") }
        if let depth, depth < 1 { throw ValidationError("--depth must be at least 1") }
        if !(rrfK >= 0 && rrfK.isFinite) { throw ValidationError("--rrf-k must be a finite number, 0 or more") }
        if !(k1 >= 0 && k1.isFinite) || !(b >= 0 && b <= 1) { throw ValidationError("--k1 must be 0 or more and --b between 0 and 1") }
    }

    func run() throws {
        var options = InconsistentRun.Options(specsFile: specs)
        options.ranking.bm25 = .init(k1: k1, b: b)
        options.ranking.aggregation = aggregate
        options.ranking.rrfK = rrfK
        options.ranking.top = top
        options.ranking.minSpecs = minSpecs
        options.ranking.depth = depth
        options.embedModel = embedModel
        let store = try store.open()
        let outcome = try Interrupt.during {
            try InconsistentRun.run(store: store, dataset: selection.selection, options: options, observer: Terminal.observer)
        }
        try output.emit([outcome.table])
    }
}

extension InconsistentRun.Aggregation: ExpressibleByArgument {}
