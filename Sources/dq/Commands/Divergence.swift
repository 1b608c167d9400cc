import ArgumentParser
import DQAnalyses
import DQLearning
import DQReports
import DQStore
import DQText
import Foundation

struct Divergence: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Label-pair difficulty: Jensen–Shannon divergence of every two labels' word distributions.",
        discussion: """
            For each label, the distribution of its texts' words; for each pair of labels, the \
            Jensen–Shannon divergence after add-α smoothing over the pair's vocabulary (Masud et al., \
            KDD 2023). Lower divergence means the two labels' texts look alike: the pair is harder \
            to tell apart, and the likeliest to be confused by annotators and models. Pairs are \
            listed hardest first, with the words that pull most toward each side.

            Tokens are words (lower-cased runs of letters and digits) by default, or BERT \
            WordPiece tokens with --tokens wordpiece --tokenizer DIR (a checkpoint folder or a \
            vocab.txt). Text pairs count both texts unless --field says otherwise.

            Examples:
              dq divergence --dataset trec
              dq divergence --dataset trec --alpha 0.5 --vocab global --min-count 2 --format csv
              dq divergence --dataset trec --matrix
              dq divergence --dataset trec --tokens wordpiece --tokenizer ~/.cache/dq/models/prajjwal1--bert-tiny
            """
    )

    @OptionGroup var selection: DatasetOptions

    @Option(help: "Add-α (Laplace) smoothing.")
    var alpha = 1.0

    @Option(help: ArgumentHelp("Logarithm base: 2 (bits; JSD between 0 and 1) or e (nats).", valueName: "2|e"))
    var log = "2"

    @Option(help: "The vocabulary smoothed over: pair (the two labels' words) or global (every label's).")
    var vocab: LabelDivergence.Vocabulary = .pair

    @Option(name: .customLong("min-count"), help: "Leave out words seen fewer times than this in the whole dataset.")
    var minCount = 1

    @Option(help: ArgumentHelp("A file of words to leave out, one per line.", valueName: "file"))
    var stopwords: String?

    @Option(help: "words (lower-cased letters and digits) or wordpiece (BERT tokens; needs --tokenizer).")
    var tokens: TokenKind = .words

    @Option(help: ArgumentHelp("For --tokens wordpiece: a BERT checkpoint folder or its vocab.txt.", valueName: "path"))
    var tokenizer: String?

    @Option(help: "For text pairs: both texts, text only, or text_pair only.")
    var field: LabelDivergence.Field = .both

    @Option(name: .customLong("top-tokens"), help: "How many contributing words to show toward each label.")
    var topTokens = 5

    @Flag(help: "Print the divergences as a label × label matrix instead of a list.")
    var matrix = false

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if !(alpha >= 0) { throw ValidationError("--alpha must be 0 or more") }
        if log != "2" && log != "e" { throw ValidationError("--log must be 2 or e") }
        if minCount < 1 { throw ValidationError("--min-count must be at least 1") }
        if tokens == .wordpiece && tokenizer == nil {
            throw ValidationError("--tokens wordpiece needs --tokenizer: a BERT checkpoint folder (dq models list shows the downloaded ones) or a vocab.txt")
        }
    }

    enum TokenKind: String, ExpressibleByArgument { case words, wordpiece }

    /// The function that cuts a text into tokens; nil for words (the fast, interned path).
    func tokenize() throws -> ((String) -> [String])? {
        guard tokens == .wordpiece, let tokenizer else { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: tokenizer, isDirectory: &isDirectory) else {
            throw CommandError("--tokenizer \(tokenizer): no such file or folder")
        }
        let bert = isDirectory.boolValue ? try BertCheckpoint.tokenizer(directory: tokenizer)
            : try BertTokenizer(vocabulary: Vocabulary(contentsOf: tokenizer))
        let vocabulary = bert.vocabulary
        return { text in bert.tokenIDs(text).map { vocabulary.tokens[Int($0)] } }
    }

    func run() throws {
        let store = try store.open()
        let (datasetID, datasetName) = try store.defaultDataset(selection.dataset)
        let splits = try selection.splits(in: store, dataset: datasetID, name: datasetName)
        var options = LabelDivergence.Options()
        options.alpha = alpha
        options.logBase = log == "e" ? M_E : 2
        options.vocabulary = vocab
        options.minCount = minCount
        options.field = field
        options.topTokens = topTokens
        if let stopwords {
            guard let text = try? String(contentsOfFile: stopwords, encoding: .utf8) else {
                throw CommandError("cannot read the stopwords file \(stopwords)")
            }
            options.stopwords = Set(text.split(whereSeparator: \.isNewline).map { String($0).trimmingWhitespace().lowercased() }.filter { !$0.isEmpty })
        }
        let counts = try LabelDivergence.count(store: store, dataset: datasetID, splits: splits, options: options,
                                               tokenize: try tokenize())
        guard counts.labels.count >= 2 else { throw CommandError("dataset \(datasetName) has fewer than two labels") }
        let pairs = LabelDivergence.pairs(counts, options: options)
        let parameters: JSONValue = .object([
            ("alpha", .number(alpha)), ("log", .string(log)), ("vocab", .string(vocab.rawValue)), ("min_count", .number(Double(minCount))),
            ("stopwords", stopwords.map { .string($0) } ?? .null), ("field", .string(field.rawValue)), ("tokens", .string(tokens.rawValue)),
            ("tokenizer", tokenizer.map { .string($0) } ?? .null),
            ("splits", splits.map { .array($0.map { .string($0) }) } ?? .null),
        ])
        func tokenList(_ list: [(token: String, contribution: Double)]) -> JSONValue {
            .array(list.map { .array([.string($0.token), .number($0.contribution)]) })
        }
        let (run, _) = try store.recordRun(
            kind: "divergence", dataset: datasetID, parameters: parameters, seed: nil, compute: { _ in pairs },
            write: { run, pairs in
                try store.writeDivergence(run: run, rows: pairs.map { p in
                    DivergenceRow(labelA: p.a, labelB: p.b, divergence: p.divergence, samplesA: p.samplesA, samplesB: p.samplesB,
                                  tokensA: p.tokensA, tokensB: p.tokensB, towardA: tokenList(p.towardA).jsonText, towardB: tokenList(p.towardB).jsonText)
                })
            })
        let unit = log == "e" ? "nats" : "bits"
        if matrix {
            let rows: [[Cell]] = counts.labels.map { a in
                [.text(a)] + counts.labels.map { b -> Cell in
                    if a == b { return .real(0, digits: 3) }
                    let pair = pairs.first { ($0.a == a && $0.b == b) || ($0.a == b && $0.b == a) }!
                    return .real(pair.divergence, digits: 3)
                }
            }
            try output.emit([Table(name: "divergence_matrix", title: "Jensen–Shannon divergence (\(unit)), run \(run)",
                                   columns: ["label"] + counts.labels, rows: rows)])
            return
        }
        func words(_ list: [(token: String, contribution: Double)]) -> String { list.map(\.token).joined(separator: " ") }
        try output.emit([Table(
            name: "divergence", title: "Label pairs, hardest to tell apart first (JSD in \(unit)), run \(run)",
            columns: ["label A", "label B", "JSD", "samples A", "samples B", "tokens A", "tokens B", "more in A", "more in B"],
            rows: pairs.map { p in
                [.text(p.a), .text(p.b), .real(p.divergence, digits: 4), .int(p.samplesA), .int(p.samplesB),
                 .int(p.tokensA), .int(p.tokensB), .text(words(p.towardA)), .text(words(p.towardB))]
            },
            note: "JSD 0: identical word distributions; 1 bit: no word in common.")])
    }
}

extension LabelDivergence.Vocabulary: ExpressibleByArgument {}
extension LabelDivergence.Field: ExpressibleByArgument {}
