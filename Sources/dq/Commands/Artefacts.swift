import ArgumentParser
import DQAnalyses
import DQLearning
import DQReports
import DQStore
import DQText
import Foundation

struct Artefacts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Token-level artefacts: the tokens whose presence gives the model its information about each label.",
        discussion: """
            Refits the g′ models of a `dq pvi` run exactly (same samples, folds, seed and \
            training settings; checked against the stored probabilities: a bow run refits in \
            seconds, a BERT run takes its training time again) and, for every scored sample and \
            every word in it, measures how much PVI drops when the word is removed: \
            Δ = log2 g′(y|x) − log2 g′(y|x without the word). The tokens with the largest mean Δ \
            over a label's samples are what the model relies on for that label: candidate \
            spurious cues (Ethayarajh et al., ICML 2022, §4.3) and candidate specifications for \
            `dq inconsistent` (--as-specs writes a draft).

            Examples:
              dq artefacts --dataset trec
              dq artefacts --run 3 --label HUM --top 20 --min-count 10
              dq artefacts --as-specs specs-draft.json
            """
    )

    @OptionGroup var selection: DatasetOptions

    @Option(name: .customLong("run"), help: "The `dq pvi` run. Default: the dataset's latest on untransformed inputs.")
    var pviRun: Int64?

    @Option(help: "Only this label.")
    var label: String?

    @Option(help: "Tokens listed per label.")
    var top = 30

    @Option(name: .customLong("min-count"), help: "Only tokens in at least this many of the label's samples.")
    var minCount = 5

    @Option(name: .customLong("as-specs"), help: ArgumentHelp("Also write the top tokens of each label as a specs.json draft.", valueName: "file"))
    var asSpecs: String?

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try AtomicFile.checkFolder(of: asSpecs, option: "--as-specs")
    }

    func run() throws {
        let store = try store.open()
        let (datasetID, datasetName) = try store.defaultDataset(selection.dataset)
        guard let run = try store.chosenRun(pviRun, kind: "pvi", dataset: datasetID, datasetName: datasetName) else {
            throw CommandError("dataset \(datasetName) has no `dq pvi` run; run `dq pvi --model bow --dataset \(datasetName)` first")
        }
        let p = run.parameters
        guard p["transform"] == nil, let labels = run.labelOrder, let seed = run.seed else {
            throw CommandError("run \(run.id) is not a `dq pvi` run that dq trained on untransformed inputs")
        }
        if let label, !labels.contains(label) { throw CommandError("run \(run.id) has no label '\(label)' (labels: \(labels.joined(separator: ", ")))") }
        var splits: [String]?
        if case .array(let values)? = p["splits"] { splits = values.compactMap(\.scalarText) }
        let scheme: PVIEstimation.Scheme
        if case .number(let folds)? = p["folds"] {
            scheme = .crossFit(folds: Int(folds))
        } else if let train = p["train_split"]?.scalarText, let evaluate = p["eval_split"]?.scalarText {
            scheme = .split(train: [train], evaluate: [evaluate])
        } else {
            throw CommandError("run \(run.id) records neither folds nor train/eval splits")
        }
        var family = try Artefacts.family(run)
        let samples = try store.samples(dataset: datasetID, splits: splits)
        let groups = try PVI.groupKeys(samples, by: p["group_by"]?.scalarText ?? "none")
        let stored = Dictionary(uniqueKeysWithValues: try store.pviRows(run: run.id).map { ($0.sampleID, $0.probabilities) })
        var accumulator = TokenArtefacts.Accumulator()
        var largestDifference = 0.0
        let progress = RunProgress(fits: { if case .crossFit(let k) = scheme { k } else { 1 } }())
        if var bert = family as? BertFamily {
            bert.onStep = progress.step
            family = bert
        }
        try Interrupt.during {
            _ = try PVIEstimation.run(
                samples: samples, labels: labels, family: family, scheme: scheme, null: .prior, seed: UInt64(bitPattern: seed),
                group: groups.map { keys in { keys[$0.id]! } },
                progress: { message in
                    if message.contains(": fitting") { progress.begin(message) }
                },
                inspect: { model, scored in
                    Terminal.progress("measuring each word's contribution in \(scored.count) samples")
                    let refitted = accumulator.add(model: model, samples: scored, labels: labels)
                    for (sample, probabilities) in zip(scored, refitted) {
                        guard let before = stored[sample.id] else { continue }
                        for (a, b) in zip(before, probabilities) { largestDifference = max(largestDifference, abs(a - b)) }
                    }
                    try Interrupt.check()
                })
        }
        Terminal.endProgress()
        guard largestDifference <= (family is BowFamily ? 1e-6 : 1e-4) else {
            throw CommandError("could not reproduce run \(run.id) (probabilities differ by up to \(largestDifference)); was the dataset changed since?")
        }
        let ranked = accumulator.ranked(minCount: minCount)
        let shown = (label.map { [$0] } ?? labels).filter { ranked[$0] != nil }
        let tables = shown.map { l in
            Table(name: "artefacts_\(l)", title: "Tokens that carry \(l) for g′ (run \(run.id))",
                  columns: ["token", "samples", "mean Δ PVI (bits)"],
                  rows: ranked[l]!.prefix(top).map { [.text($0.token), .int($0.count), .real($0.meanContribution)] },
                  note: "Δ: how much PVI drops when the token is removed, g′ fixed; tokens in at least \(minCount) of the label's samples.")
        }
        try output.emit(tables)
        if let asSpecs {
            let specs: [JSONValue] = shown.compactMap { l in
                let words = ranked[l]!.prefix(5).map(\.token)
                guard !words.isEmpty else { return nil }
                return .object([("name", .string("artefacts-\(l)")), ("label", .string(l)), ("query", .string(words.joined(separator: " ")))])
            }
            try AtomicFile.write(JSONValue.object([("specs", .array(specs))]).jsonText + "\n", to: asSpecs)
            Terminal.note("wrote \(asSpecs): a draft for dq inconsistent --specs (review it: artefacts are cues, not rules)")
        }
    }

    /// The model family a run was trained with, rebuilt from its recorded parameters.
    static func family(_ run: RunRecord) throws -> any ModelFamily {
        let p = run.parameters
        func number(_ key: String) throws -> Double {
            guard case .number(let value)? = p[key] else { throw CommandError("run \(run.id) does not record \(key)") }
            return value
        }
        guard let model = p["model"]?.scalarText, model != "imported" else {
            throw CommandError("run \(run.id) scored imported probabilities: there is no model to refit")
        }
        if model == "bow" {
            var l2: Double?
            if case .number(let value)? = p["l2"] { l2 = value }
            return BowFamily(options: SoftmaxRegression.Options(l2: l2))
        }
        guard let initialisation = p["initialisation"]?.scalarText else { throw CommandError("run \(run.id) does not record its initialisation") }
        let seed = UInt64(bitPattern: run.seed ?? 0)
        var training: BertTrainingOptions
        let start: BertFamily.Initialisation
        if initialisation.hasPrefix("checkpoint ") {
            start = .checkpoint(String(initialisation.dropFirst("checkpoint ".count)))
            training = .fineTuning(seed: seed)
        } else {
            start = .randomTiny
            training = .fromScratch(seed: seed)
        }
        training.epochs = Int(try number("epochs"))
        training.batchSize = Int(try number("batch_size"))
        training.learningRate = Float(try number("learning_rate"))
        training.warmupFraction = Float(try number("warmup"))
        training.weightDecay = Float(try number("weight_decay"))
        training.maxLength = Int(try number("max_length"))
        return BertFamily(name: model, initialisation: start, training: training)
    }
}
