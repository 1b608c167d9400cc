import ArgumentParser
import DQRuns
import Foundation

struct Divergence: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Label-pair difficulty: Jensen–Shannon divergence of every two labels' word distributions.",
        discussion: """
            For each label, the distribution of its texts' words; for each pair of labels, the Jensen–Shannon divergence after add-α smoothing over \
            the pair's vocabulary (Masud et al., KDD 2023). Lower divergence means the two labels' texts look alike: the pair is harder to tell \
            apart, and the likeliest to be confused by annotators and models. Pairs are listed hardest first, with the words that pull most toward \
            each side.

            Tokens are words (lower-cased runs of letters and digits) by default, or BERT WordPiece tokens with --tokens wordpiece --tokenizer DIR \
            (a checkpoint folder or a vocab.txt). Text pairs count both texts unless --field says otherwise.

            Examples:
              dq divergence --dataset trec
              dq divergence --dataset trec --alpha 0.5 --vocab global --format csv
              dq divergence --dataset trec --matrix
              dq divergence --dataset trec --tokens wordpiece --tokenizer ./bert-tiny
            """
    )

    @OptionGroup var selection: DatasetOptions
    @Option(help: "Add-α (Laplace) smoothing.") var alpha = 1.0
    @Option(help: ArgumentHelp("Logarithm base: 2 (bits; JSD between 0 and 1) or e (nats).", valueName: "2|e")) var log = "2"
    @Option(help: "The vocabulary smoothed over: pair (the two labels' words) or global (every label's).") var vocab: DivergenceRun.Vocabulary = .pair
    @Option(help: "Leave out words seen fewer times than this in the whole dataset.") var minCount = 1
    @Option(help: ArgumentHelp("A file of words to leave out, one per line.", valueName: "file")) var stopwords: String?
    @Option(help: "words (lower-cased letters and digits) or wordpiece (BERT tokens; needs --tokenizer).") var tokens: DivergenceRun.TokenKind = .words
    @Option(help: ArgumentHelp("For --tokens wordpiece: a BERT checkpoint folder or its vocab.txt.", valueName: "path")) var tokenizer: String?
    @Option(help: "For text pairs: both texts, text only, or text_pair only.") var field: DivergenceRun.Field = .both
    @Option(help: "How many contributing words to show toward each label.") var topTokens = 5
    @Option(help: "Label permutations per pair for the size baseline (0: none).") var permutations = 50
    @Flag(help: "Print the divergences as a label × label matrix instead of a list.") var matrix = false
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if !(alpha >= 0 && alpha.isFinite) { throw ValidationError("--alpha must be a finite number, 0 or more") }
        if log != "2" && log != "e" { throw ValidationError("--log must be 2 or e") }
        if minCount < 1 { throw ValidationError("--min-count must be at least 1") }
        if topTokens < 0 || !(0...100_000).contains(permutations) { throw ValidationError("--top-tokens and --permutations (at most 100000) must be 0 or more") }
        if tokens == .wordpiece && tokenizer == nil {
            throw ValidationError("--tokens wordpiece needs --tokenizer: a BERT checkpoint folder (dq models list shows the downloaded ones) or a vocab.txt")
        }
    }

    func run() throws {
        var options = DivergenceRun.Options()
        options.divergence.alpha = alpha
        options.divergence.logBase = log == "e" ? M_E : 2
        options.divergence.vocabulary = vocab
        options.divergence.minCount = minCount
        options.divergence.field = field
        options.divergence.topTokens = topTokens
        options.stopwordsFile = stopwords
        options.tokens = tokens
        options.tokenizer = tokenizer
        options.permutations = permutations
        let outcome = try DivergenceRun.run(store: try store.open(), dataset: selection.selection, options: options)
        try output.emit([matrix ? outcome.matrixTable : outcome.pairTable])
    }
}

extension DivergenceRun.Vocabulary: ExpressibleByArgument {}
extension DivergenceRun.Field: ExpressibleByArgument {}
extension DivergenceRun.TokenKind: ExpressibleByArgument {}
