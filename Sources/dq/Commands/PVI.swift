import ArgumentParser
import DQAnalyses
import DQReports
import DQStore
import DQText
import Foundation

struct PVI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pvi",
        abstract: "Pointwise V-information: how much usable information each input carries about its label.",
        discussion: """
            Fits g′ on (text, label) and g on (empty input, label) from the same model family and \
            scores every sample: PVI = −log2 g(y|∅) + log2 g′(y|x), in bits (Ethayarajh et al., \
            ICML 2022). Low or negative PVI marks the hardest samples and likely mislabels; the mean \
            PVI is the dataset's V-information. By default every sample is scored out of sample by \
            K-fold cross-fitting; --train-split/--eval-split reproduces the paper's protocol.

            Examples:
              dq pvi --dataset trec --model bow
              dq pvi --dataset trec --model bow --folds 5 --by fine_label --out pvi.csv
              dq pvi --dataset cola --model tiny-bert --train-split train --eval-split dev
              dq pvi --dataset mnli --model bow --transform pair-only      # hypothesis only

            Cross-fitting keeps samples with the same text (for pairs, the same premise) in one \
            fold (--group-by), so no input is scored by a model trained on its own copy.

            --transform measures what an attribute of the input carries: shuffle (word order \
            removed), text-only / pair-only (one text of a pair), length (only the length \
            bucket), drop-tokens with --tokens-file FILE (listed words removed), lowercase. \
            Compare runs with `dq vinfo compare`.
            """
    )

    @OptionGroup var selection: DatasetOptions

    @Option(help: "Folds for cross-fitting.")
    var folds = 5

    @Option(name: .customLong("train-split"), help: "Fit on this split instead of cross-fitting…")
    var trainSplit: String?

    @Option(name: .customLong("eval-split"), help: "…and score this one.")
    var evalSplit: String?

    @Option(help: "The null-input model g: trained (the family fitted on empty inputs, as in the paper) or prior (the training label frequencies).")
    var null: PVIEstimation.NullModel = .trained

    @Option(help: ArgumentHelp("Also summarise by this column: label, split, or a metadata column.", valueName: "column"))
    var by: String?

    @Option(help: "How many lowest-PVI samples to list.")
    var top = 10

    @Option(name: .customLong("group-by"), help: ArgumentHelp(
        "Keep samples sharing this in one fold: text (the same text up to case and punctuation; for pairs, the same premise), none, or a metadata column.",
        valueName: "text|none|column"))
    var groupBy = "text"

    @Option(help: ArgumentHelp("Train and score on transformed inputs: shuffle, text-only, pair-only, length, drop-tokens, lowercase.",
                               valueName: "name"))
    var transform: TransformName?

    @Option(name: .customLong("tokens-file"), help: ArgumentHelp("For --transform drop-tokens: the words to drop, one per line.", valueName: "file"))
    var tokensFile: String?

    @Option(name: .customLong("import-probs"), help: ArgumentHelp(
        "Compute PVI from probabilities made elsewhere instead of training (CSV: id, p_input:<label>…, p_null:<label>…; see docs/scale-out.md).",
        valueName: "file"))
    var importProbs: String?

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var store: StoreOptions

    @OptionGroup var output: SampleOutputOptions

    func validate() throws {
        if folds < 2 { throw ValidationError("--folds must be at least 2") }
        if (trainSplit == nil) != (evalSplit == nil) { throw ValidationError("give both --train-split and --eval-split, or neither") }
        if trainSplit != nil && selection.split != nil { throw ValidationError("--split selects samples for cross-fitting; with --train-split/--eval-split leave it out") }
        if (transform == .dropTokens) != (tokensFile != nil) { throw ValidationError("--transform drop-tokens needs --tokens-file FILE (and --tokens-file needs it)") }
        if transform != nil && importProbs != nil { throw ValidationError("--transform applies to models dq trains, not to --import-probs") }
    }

    enum TransformName: String, ExpressibleByArgument, CaseIterable {
        case shuffle, textOnly = "text-only", pairOnly = "pair-only", length, dropTokens = "drop-tokens", lowercase
    }

    /// The transformation asked for, with its parameters as recorded in the run.
    func inputTransform() throws -> (transform: InputTransform, parameters: [(key: String, value: JSONValue)])? {
        guard let transform else { return nil }
        let made: InputTransform
        var parameters: [(key: String, value: JSONValue)] = [("transform", .string(transform.rawValue))]
        switch transform {
        case .shuffle:
            made = .shuffle(seed: modelOptions.seed)
        case .textOnly: made = .textOnly
        case .pairOnly: made = .pairOnly
        case .length: made = .length
        case .lowercase: made = .lowercase
        case .dropTokens:
            guard let tokensFile, let text = try? String(contentsOfFile: tokensFile, encoding: .utf8) else {
                throw CommandError("cannot read the tokens file \(tokensFile ?? "")")
            }
            let tokens = Set(text.split(whereSeparator: \.isNewline).flatMap { WordTokens.split(String($0)) })
            guard !tokens.isEmpty else { throw CommandError("\(tokensFile) lists no words") }
            made = .dropTokens(tokens)
            parameters.append(("tokens_file", .string(tokensFile)))
            parameters.append(("tokens", .array(tokens.sorted().map { .string($0) })))
        }
        return (made, parameters)
    }

    func run() throws {
        let store = try store.open()
        let (datasetID, datasetName) = try store.defaultDataset(selection.dataset)
        let scheme: PVIEstimation.Scheme = trainSplit.map { .split(train: [$0], evaluate: [evalSplit!]) } ?? .crossFit(folds: folds)
        let splits: [String]? = try trainSplit.map { [$0, evalSplit!] } ?? selection.splits(in: store, dataset: datasetID, name: datasetName)
        let transformed = try inputTransform()
        var samples = try store.samples(dataset: datasetID, splits: splits)
        let groups = try PVI.groupKeys(samples, by: groupBy)
        if let transformed {
            if (transformed.transform == .textOnly || transformed.transform == .pairOnly) && !samples.contains(where: { $0.textPair != nil }) {
                throw CommandError("--transform \(transformed.transform.name) needs text pairs; dataset \(datasetName) has single texts")
            }
            samples = samples.map(transformed.transform.apply)
        }
        guard !samples.isEmpty else { throw CommandError("dataset \(datasetName) has no samples\(splits.map { " in split \($0.joined(separator: ","))" } ?? "")") }
        if let by { _ = try samples.map { try PVI.sliceKey($0, column: by) } }
        let labels = try store.labels(dataset: datasetID)
        if let importProbs {
            try runImported(importProbs, store: store, datasetID: datasetID, samples: samples, labels: labels)
            return
        }
        let trainings: Int
        let schemeParameters: [(key: String, value: JSONValue)]
        switch scheme {
        case .crossFit(let k):
            trainings = k
            schemeParameters = [("folds", .number(Double(k)))]
        case let .split(train, evaluate):
            trainings = 1
            schemeParameters = [("train_split", .string(train[0])), ("eval_split", .string(evaluate[0]))]
        }
        let runProgress = RunProgress(fits: trainings * (null == .trained ? 2 : 1))
        let family = try modelOptions.family(onStep: runProgress.step)
        var parameters: [(key: String, value: JSONValue)] = [
            ("model", .string(family.name)), ("null", .string(null.rawValue)), ("labels", .array(labels.map { .string($0) })),
        ] + schemeParameters + (transformed?.parameters ?? []) + (groups == nil ? [] : [("group_by", .string(groupBy))])
        if let splits { parameters.append(("splits", .array(splits.map { .string($0) }))) }
        parameters += family.parameters
        let (run, results) = try Interrupt.during {
            try store.recordRun(
                kind: "pvi", dataset: datasetID, parameters: .object(parameters), seed: Int64(bitPattern: modelOptions.seed),
                compute: { _ in
                    defer { Terminal.endProgress() }
                    return try PVIEstimation.run(
                        samples: samples, labels: labels, family: family, scheme: scheme, null: null, seed: modelOptions.seed,
                        group: groups.map { keys in { keys[$0.id]! } }
                    ) { message in
                        if message.contains(": fitting") { runProgress.begin(message) }
                        Terminal.endProgress()
                        Terminal.note(message)
                    }
                },
                write: { run, results in try PVI.store(results, labels: labels, run: run, in: store) })
        }
        let described = transformed.map { "\(family.name), \($0.transform.name) inputs" } ?? family.name
        output.print(try PVI.tables(results, labels: labels, by: by, top: top, run: run, family: described))
        try output.writeSamples(PVI.sampleTable(results, labels: labels))
    }

    /// `--import-probs`: PVI of the samples listed in the file, from its probabilities.
    func runImported(_ path: String, store: Store, datasetID: Int64, samples: [Sample], labels: [String]) throws {
        let results = try ImportedProbabilities.score(
            try ImportedProbabilities.read(path: path, labels: labels), samples: samples, labels: labels, path: path)
        guard !results.isEmpty else { throw CommandError("\(path) holds no sample of this dataset") }
        if results.count < samples.count {
            Terminal.note("\(path) covers \(results.count) of the \(samples.count) samples; only those are scored")
        }
        let parameters: JSONValue = .object([("model", .string("imported")), ("file", .string(path)),
                                            ("labels", .array(labels.map { .string($0) }))])
        let (run, _) = try store.recordRun(kind: "pvi", dataset: datasetID, parameters: parameters, seed: nil,
                                           compute: { _ in results }, write: { run, results in try PVI.store(results, labels: labels, run: run, in: store) })
        output.print(try PVI.tables(results, labels: labels, by: by, top: top, run: run, family: "imported probabilities"))
        try output.writeSamples(PVI.sampleTable(results, labels: labels))
    }

    static func store(_ results: [PVIEstimation.Result], labels: [String], run: Int64, in store: Store) throws {
        try store.writePVI(run: run, rows: results.map { r in
            PVIRow(sampleID: r.sample.id, fold: r.fold, label: r.sample.label, predicted: labels[r.score.predicted],
                   pInput: r.score.inputProbability, pNull: r.score.nullProbability, hNull: r.score.hNull,
                   hInput: r.score.hInput, pvi: r.score.pvi, correct: r.score.correct, probabilities: r.probabilities)
        })
    }

    static func tables(_ results: [PVIEstimation.Result], labels: [String], by: String?, top: Int, run: Int64, family: String) throws -> [Table] {
        let scores = results.map(\.score)
        let columns = ["group", "samples", "V-info (bits)", "mean H(y|∅)", "mean H(y|x)", "accuracy g′"]
        var tables = [Table(
            name: "v_information", title: "V-information, \(family), run \(run) (mean PVI in bits; higher = the input tells more about the label)",
            columns: columns,
            rows: summaryRows([PointwiseVInformation.summarise(scores, group: "all")] + PointwiseVInformation.summarise(scores, by: results.map(\.sample.label))))]
        if let by {
            let keys = try results.map { try sliceKey($0.sample, column: by) }
            tables.append(Table(name: "slices", title: "V-information by \(by)", columns: columns,
                                rows: summaryRows(PointwiseVInformation.summarise(scores, by: keys))))
        }
        let lowest = results.sorted { $0.score.pvi < $1.score.pvi || ($0.score.pvi == $1.score.pvi && $0.sample.id < $1.sample.id) }.prefix(top)
        tables.append(Table(
            name: "lowest", title: "Lowest PVI: the likeliest mislabels or hardest cases",
            columns: ["id", "label", "g′ predicts", "PVI", "p′(y|x)", "text"],
            rows: lowest.map { r in
                [.text(r.sample.displayID), .text(r.sample.label), .text(labels[r.score.predicted]), .real(r.score.pvi, digits: 2),
                 .real(r.score.inputProbability, digits: 3),
                 .text(r.sample.textPair.map { r.sample.text + " ⟂ " + $0 } ?? r.sample.text)]
            }))
        return tables
    }

    /// Each sample's fold group for `--group-by` (computed on the samples as stored, before any
    /// transformation), or nil for none.
    static func groupKeys(_ samples: [Sample], by: String) throws -> [Int64: String]? {
        switch by {
        case "none": return nil
        case "text": return Dictionary(uniqueKeysWithValues: samples.map { ($0.id, TextNormalisation.duplicateKey($0.text)) })
        default: return Dictionary(uniqueKeysWithValues: try samples.map { ($0.id, try sliceKey($0, column: by)) })
        }
    }

    /// Summaries as table rows: group, samples, V-information, mean H(y|∅), mean H(y|x), accuracy.
    static func summaryRows(_ summaries: [PointwiseVInformation.Summary]) -> [[Cell]] {
        summaries.map {
            [.text($0.group), .int($0.count), .real($0.vInformation, digits: 3), .real($0.meanHNull, digits: 3),
             .real($0.meanHInput, digits: 3), .real($0.accuracy, digits: 3)]
        }
    }

    /// The value of `column` for a sample: its label, split, or a metadata field.
    static func sliceKey(_ sample: Sample, column: String) throws -> String {
        switch column {
        case "label": return sample.label
        case "split": return sample.split
        default:
            guard let metadata = sample.metadata, let value = try? JSONValue.parse(metadata)[column] else {
                throw CommandError("--by \(column): sample \(sample.displayID) has no metadata column '\(column)' (ingest it with --meta \(column))")
            }
            return value.scalarText ?? value.jsonText
        }
    }

    /// Every sample's scores, as `--out` writes them.
    static func sampleTable(_ results: [PVIEstimation.Result], labels: [String]) -> Table {
        Table(
            name: "samples", title: "PVI per sample",
            columns: ["id", "label", "predicted", "p_input", "p_null", "H_yb", "H_yx", "PVI", "correct", "fold"],
            rows: results.map { r in
                [.text(r.sample.displayID), .text(r.sample.label), .text(labels[r.score.predicted]),
                 .real(r.score.inputProbability), .real(r.score.nullProbability), .real(r.score.hNull), .real(r.score.hInput),
                 .real(r.score.pvi), .text(r.score.correct ? "true" : "false"), .int(r.fold)]
            })
    }
}

extension PVIEstimation.NullModel: ExpressibleByArgument {}
