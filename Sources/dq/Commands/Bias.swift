import ArgumentParser
import DQAnalyses
import DQReports
import DQStore
import DQText
import Foundation

struct Bias: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lexical bias: how a label's rate among samples with given terms departs from its overall rate.",
        discussion: """
            For each term of the list (one per line; a line of several words matches them in a \
            row), p(L | term) in the data and under g′'s out-of-sample predictions (the mean \
            p′(L | x) of a `dq pvi` run), the samples behind it, and the pinned bias \
            pB = Σ_t |p(L | t) − φ| / |T| over the terms that occur, with φ the dataset's overall \
            p(L) (or --phi 0.5). Used to audit toxicity datasets for identity terms that the \
            labels (or the model) tie to a label.

            Examples:
              dq bias --terms identity-terms.txt --label toxic --dataset civil
              dq bias --terms terms.txt --label HUM --dataset trec --phi 0.5 --run 3
            """
    )

    @Option(help: ArgumentHelp("The terms, one per line.", valueName: "file"))
    var terms: String

    @Option(help: "The label whose rate is measured.")
    var label: String

    @OptionGroup var selection: DatasetOptions

    @Option(name: .customLong("run"), help: "The `dq pvi` run for the model's rates. Default: the dataset's latest on untransformed inputs, if any.")
    var pviRun: Int64?

    @Option(help: ArgumentHelp("The reference rate φ: dataset (the label's overall rate) or a number such as 0.5.", valueName: "dataset|p"))
    var phi = "dataset"

    @Option(help: "Sample ids listed per term.")
    var examples = 3

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if phi != "dataset" && !(Double(phi).map { $0 >= 0 && $0 <= 1 } ?? false) {
            throw ValidationError("--phi must be dataset or a number between 0 and 1")
        }
    }

    func run() throws {
        let store = try store.open()
        let (datasetID, datasetName) = try store.defaultDataset(selection.dataset)
        guard let text = try? String(contentsOfFile: terms, encoding: .utf8) else { throw CommandError("cannot read the terms file \(terms)") }
        let list = text.split(whereSeparator: \.isNewline).map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        for (i, term) in list.enumerated() where WordTokens.split(term).isEmpty {
            throw InputError(file: terms, line: i + 1, message: "'\(term)' has no words to match")
        }
        guard !list.isEmpty else { throw InputError(file: terms, message: "lists no terms") }
        let labels = try store.labels(dataset: datasetID)
        guard labels.contains(label) else {
            throw CommandError("dataset \(datasetName) has no label '\(label)' (its labels: \(labels.joined(separator: ", ")))")
        }
        var samples = try store.samples(dataset: datasetID, splits: try selection.splits(in: store, dataset: datasetID, name: datasetName))
        var probabilities: [Double]?
        var source = "no `dq pvi` run: model rates left out"
        if let run = try store.chosenRun(pviRun, kind: "pvi", dataset: datasetID, datasetName: datasetName) {
            let order = run.labelOrder ?? labels
            let k = order.firstIndex(of: label)!
            let byID = Dictionary(uniqueKeysWithValues: try store.pviRows(run: run.id).map { ($0.sampleID, $0.probabilities[k]) })
            samples = samples.filter { byID[$0.id] != nil }
            probabilities = samples.map { byID[$0.id]! }
            source = "model rates: mean p′(\(label) | x) of pvi run \(run.id) (\(samples.count) samples it scored)"
        }
        let result = LexicalBias.analyse(
            texts: samples.map { [$0.text, $0.textPair].compactMap { $0 } }, labels: samples.map(\.label), label: label,
            terms: list, modelProbabilities: probabilities, phi: phi == "dataset" ? nil : Double(phi))
        var tables = [Table(
            name: "terms", title: "p(\(label) | term) in \(datasetName); φ = \(String(format: "%.3f", result.phi))",
            columns: ["term", "samples", "p(L|t) data", "p(L|t) model", "|data − φ|", "examples"],
            rows: result.terms.sorted { abs($0.dataRate - result.phi) > abs($1.dataRate - result.phi) }.map { t in
                [.text(t.term), .int(t.samples.count), .real(t.dataRate), t.modelRate.map { .real($0) } ?? .missing,
                 .real(abs(t.dataRate - result.phi)), .text(t.samples.prefix(examples).map { samples[$0].displayID }.joined(separator: " "))]
            },
            note: source + (result.absent.isEmpty ? "" : "; no sample contains: \(result.absent.joined(separator: ", "))"))]
        tables.append(Table(
            name: "pinned_bias", title: "Pinned bias pB = Σ_t |p(L|t) − φ| / |T| over the \(result.terms.count) terms found",
            columns: ["label", "φ", "pB data", "pB model"],
            rows: [[.text(label), .real(result.phi), .real(result.pinnedData), result.pinnedModel.map { .real($0) } ?? .missing]],
            note: "0: the label is as frequent with every term as overall; larger: the terms pull toward or away from it."))
        try output.emit(tables)
    }
}
