import ArgumentParser
import DQRuns

struct Inconsistent: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Find samples that match a label's specifications but carry another label.", discussion: """
        A specification is something you know holds for one label: a query (ranked by BM25), example texts, or a regular expression. \
        Each label's specifications rank every sample; their rankings are fused (rank aggregation), and the best-ranked samples with \
        another label are the suspects. specs.json: docs/specs.schema.json and docs/commands/inconsistent.md say how to write one;
        Fixtures/demo/trec-specs.json is one.

        Examples:
          dq inconsistent --specs Fixtures/demo/trec-specs.json --dataset trec
          dq inconsistent --specs specs.json --aggregate borda --min-specs 2
          dq inconsistent --specs specs.json --embed-model ./all-MiniLM-L6-v2
        """)

    @Option(help: ArgumentHelp("The specifications file (JSON).", valueName: "file")) var specs: String
    @OptionGroup var selection: DatasetOptions
    @Option(help: "Suspects to keep per label.") var top = InconsistentRun.Options(specsFile: "").ranking.top
    @Option(help: "How to fuse a label's rankings: rrf, borda, combsum, combmnz, median or mean.") var aggregate = InconsistentRun.Options(specsFile: "").ranking.aggregation
    @Option(name: .customLong("rrf-k"), help: "The k of reciprocal rank fusion.") var rrfK = InconsistentRun.Options(specsFile: "").ranking.rrfK
    @Option(help: "A suspect must be matched within --depth by at least this many of the label's specifications.") var minSpecs = InconsistentRun.Options(specsFile: "").ranking.minSpecs
    @Option(help: "The rank within which a specification counts as matching a sample (see --min-specs). Default: the label's sample count, at least 100.") var depth: Int?
    @Option(help: "BM25 term-frequency saturation.") var k1 = InconsistentRun.Options(specsFile: "").ranking.bm25.k1
    @Option(help: "BM25 length normalisation (0: none, 1: full).") var b = InconsistentRun.Options(specsFile: "").ranking.bm25.b
    @Option(help: ArgumentHelp("Rank `examples` by cosine similarity of mean-pooled embeddings from this BERT checkpoint folder instead of BM25.", valueName: "dir")) var embedModel: String?
    @OptionGroup var output: OutputOptions

    var options: InconsistentRun.Options {
        var o = InconsistentRun.Options(specsFile: specs)
        (o.ranking.bm25, o.ranking.aggregation, o.ranking.rrfK, o.ranking.top) = (.init(k1: k1, b: b), aggregate, rrfK, top)
        (o.ranking.minSpecs, o.ranking.depth, o.embedModel) = (minSpecs, depth, embedModel)
        return o
    }

    func validate() throws { try Flags.check(options.validate) }

    func run() throws {
        let outcome = try Terminal.run { try InconsistentRun.run(store: try selection.open(), dataset: selection.selection, options: options, observer: $0) }
        try output.emit([outcome.table])
    }
}

extension InconsistentRun.Aggregation: ExpressibleByArgument {}
