import ArgumentParser
import DQRuns

struct Divergence: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Label-pair difficulty: Jensen–Shannon divergence of every two labels' word distributions.", discussion: """
        For each pair of labels, the Jensen–Shannon divergence of their texts' word distributions after add-α smoothing (Masud et al., \
        KDD 2023). Lower means the texts look alike: the pair is harder to tell apart and likelier to be confused. Pairs are listed \
        hardest first, with the words that pull most toward each side. More: docs/commands/divergence.md.

        Examples:
          dq divergence --dataset trec
          dq divergence --dataset trec --alpha 0.5 --vocab global --format csv
          dq divergence --dataset trec --matrix
          dq divergence --dataset trec --tokens wordpiece --tokenizer ./bert-tiny
        """)

    @OptionGroup var selection: DatasetOptions
    @Option(help: "Add-α (Laplace) smoothing.") var alpha = DivergenceRun.Options().divergence.alpha
    @Option(help: ArgumentHelp("Logarithm base: 2 (bits; JSD between 0 and 1) or e (nats).", valueName: "2|e")) var log = DivergenceRun.LogBase.two
    @Option(help: "The vocabulary smoothed over: pair (the two labels' words) or global (every label's).") var vocab = DivergenceRun.Options().divergence.vocabulary
    @Option(help: "Leave out words seen fewer times than this in the whole dataset.") var minCount = DivergenceRun.Options().divergence.minCount
    @Option(help: ArgumentHelp("A file of words to leave out, one per line.", valueName: "file")) var stopwords: String?
    @Option(help: "words (lower-cased letters and digits) or wordpiece (BERT tokens; needs --tokenizer).") var tokens = DivergenceRun.Options().tokens
    @Option(help: ArgumentHelp("For --tokens wordpiece: a BERT checkpoint folder or its vocab.txt.", valueName: "path")) var tokenizer: String?
    @Option(help: "For text pairs: both texts, text only, or text_pair only.") var field = DivergenceRun.Options().divergence.field
    @Option(help: "How many contributing words to show toward each label.") var topTokens = DivergenceRun.Options().divergence.topTokens
    @Option(help: "Label permutations per pair for the size baseline (0: none).") var permutations = DivergenceRun.Options().permutations
    @Flag(help: "Print the divergences as a label × label matrix instead of a list.") var matrix = false
    @OptionGroup var output: OutputOptions

    var options: DivergenceRun.Options {
        var o = DivergenceRun.Options()
        (o.divergence.alpha, o.divergence.logBase, o.divergence.vocabulary, o.divergence.minCount) = (alpha, log.value, vocab, minCount)
        (o.divergence.field, o.divergence.topTokens, o.stopwordsFile) = (field, topTokens, stopwords)
        (o.tokens, o.tokenizer, o.permutations) = (tokens, tokenizer, permutations)
        return o
    }

    func validate() throws { try Flags.check(options.validate) }

    func run() throws {
        let outcome = try DivergenceRun.run(store: try selection.open(), dataset: selection.selection, options: options)
        try output.emit([matrix ? outcome.matrixTable : outcome.pairTable])
    }
}

extension DivergenceRun.Vocabulary: ExpressibleByArgument {}
extension DivergenceRun.LogBase: ExpressibleByArgument {}
extension DivergenceRun.Field: ExpressibleByArgument {}
extension DivergenceRun.TokenKind: ExpressibleByArgument {}
