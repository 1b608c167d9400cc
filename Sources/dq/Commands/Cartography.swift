import ArgumentParser
import DQAnalyses
import DQLearning
import DQReports
import DQStore
import DQText
import Foundation

struct Cartography: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Dataset cartography: map samples by training dynamics into easy, ambiguous and hard-to-learn.",
        discussion: """
            Trains g′ (a BERT-family model) on the dataset and records, after every epoch, each \
            sample's gold-label probability and correctness (Swayamdipta et al., EMNLP 2020). \
            confidence = mean gold-label probability, variability = its standard deviation across \
            epochs, correctness = share of epochs predicted right, forgetting = right-then-wrong \
            transitions. The --share (default 33%) most variable samples are ambiguous; of the \
            rest, the --share least confident are hard-to-learn (often mislabelled) and the \
            --share most confident easy-to-learn.

            Examples:
              dq cartography --dataset trec --model tiny-bert --epochs 6 --plot map.svg
              dq cartography --dataset cola --model tiny-bert --weights ./bert-tiny --out carto.csv
            """
    )

    @OptionGroup var selection: DatasetOptions

    @Option(help: "Share of samples in each region (0–0.5).")
    var share = 0.33

    @Option(help: "Record the dynamics every this many epochs (1: after each epoch; 0.25: four times per epoch).")
    var every = 1.0

    @Option(help: "How many samples of each region to list.")
    var top = 8

    @Option(help: ArgumentHelp("Write the data map as an SVG file.", valueName: "file.svg"))
    var plot: String?

    @Option(name: .customLong("import"), help: ArgumentHelp(
        "Map training dynamics recorded elsewhere (allenai/cartography's dynamics_epoch_<e>.jsonl files) instead of training.",
        valueName: "dir"))
    var importDirectory: String?

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var store: StoreOptions

    @OptionGroup var output: SampleOutputOptions

    func validate() throws {
        try AtomicFile.checkFolder(of: plot, option: "--plot")
        if !(share > 0 && share <= 0.5) { throw ValidationError("--share must be in (0, 0.5]") }
        if !(every > 0 && every <= 1) { throw ValidationError("--every must be in (0, 1] epochs") }
        if modelOptions.model == "bow" && importDirectory == nil {
            throw ValidationError("cartography needs a model trained in epochs: use --model tiny-bert or a BERT directory")
        }
    }

    func run() throws {
        let store = try store.open()
        let (datasetID, datasetName) = try store.defaultDataset(selection.dataset)
        let splits = try selection.splits(in: store, dataset: datasetID, name: datasetName)
        let samples = try store.samples(dataset: datasetID, splits: splits)
        guard samples.count >= 2 else { throw CommandError("dataset \(datasetName) has too few samples") }
        let labels = try store.labels(dataset: datasetID)
        if let importDirectory {
            let results = try ImportedDynamics.map(try ImportedDynamics.read(directory: importDirectory), samples: samples,
                                                   share: share, directory: importDirectory)
            let parameters: JSONValue = .object([("model", .string("imported")), ("directory", .string(importDirectory)), ("share", .number(share))])
            let (run, _) = try store.recordRun(kind: "cartography", dataset: datasetID, parameters: parameters, seed: nil,
                                               compute: { _ in results }, write: { run, results in try Cartography.store(results, run: run, in: store) })
            try report(results, labels: labels, run: run, datasetName: datasetName, model: "imported dynamics")
            return
        }
        let runProgress = RunProgress(fits: 1)
        runProgress.begin("g′")
        guard let family = try modelOptions.family(onStep: runProgress.step) as? BertFamily else {
            throw ValidationError("cartography needs a BERT-family model")
        }
        let parameters: [(key: String, value: JSONValue)] = [("model", .string(family.name)), ("share", .number(share)),
            ("labels", .array(labels.map { .string($0) })), ("scoring", .string("evaluation mode every \(every) epochs"))]
            + (splits.map { [("splits", JSONValue.array($0.map { .string($0) }))] } ?? []) + family.parameters
        let (run, results) = try Interrupt.during {
            try store.recordRun(
                kind: "cartography", dataset: datasetID, parameters: .object(parameters), seed: Int64(bitPattern: modelOptions.seed),
                compute: { _ in
                    defer { Terminal.endProgress() }
                    return try CartographyEstimation.run(samples: samples, labels: labels, family: family, share: share, every: every) { _ in }
                },
                write: { run, results in try Cartography.store(results, run: run, in: store) })
        }
        try report(results, labels: labels, run: run, datasetName: datasetName, model: family.name)
    }

    static func store(_ results: [CartographyEstimation.Result], run: Int64, in store: Store) throws {
        try store.writeCartography(run: run, rows: results.map { r in
            CartographyRow(sampleID: r.sample.id, goldProbabilities: r.goldProbabilities, correct: r.correct,
                           confidence: r.point.confidence, variability: r.point.variability,
                           correctness: r.point.correctness, forgettingEvents: r.point.forgettingEvents,
                           neverLearned: r.point.neverLearned, region: r.point.region.rawValue)
        })
    }

    /// Prints the tables and writes the plot and per-sample file.
    func report(_ results: [CartographyEstimation.Result], labels: [String], run: Int64, datasetName: String, model: String) throws {
        output.print(Cartography.tables(results, labels: labels, top: top, run: run))
        if let plot {
            let svg = DataMapSVG.render(
                results.map { DataMapSVG.Point(variability: $0.point.variability, confidence: $0.point.confidence, correctness: $0.point.correctness) },
                title: "Data map: \(datasetName), \(model), run \(run)")
            try AtomicFile.write(svg, to: plot)
            Terminal.note("wrote \(plot)")
        }
        try output.writeSamples(Table(
            name: "samples", title: "Cartography per sample",
            columns: ["id", "label", "confidence", "variability", "correctness", "forgetting", "region"],
            rows: results.map { r in
                [.text(r.sample.displayID), .text(r.sample.label), .real(r.point.confidence), .real(r.point.variability),
                 .real(r.point.correctness), .int(r.point.forgettingEvents), .text(r.point.region.rawValue)]
            }))
    }

    static func tables(_ results: [CartographyEstimation.Result], labels: [String], top: Int, run: Int64) -> [Table] {
        let regions: [DatasetCartography.Region] = [.easy, .ambiguous, .hard, .none]
        var rows: [[Cell]] = []
        for label in labels + ["(all)"] {
            let members = results.filter { label == "(all)" || $0.sample.label == label }
            guard !members.isEmpty else { continue }
            var row: [Cell] = [.text(label), .int(members.count)]
            for region in regions {
                row.append(.int(members.filter { $0.point.region == region }.count))
            }
            let meanConfidence = members.map(\.point.confidence).reduce(0, +) / Double(members.count)
            row.append(.real(meanConfidence, digits: 3))
            rows.append(row)
        }
        var tables = [Table(name: "regions", title: "Cartography regions per label, run \(run)",
                            columns: ["label", "samples", "easy-to-learn", "ambiguous", "hard-to-learn", "other", "mean confidence"],
                            rows: rows)]
        let hardest = results.filter { $0.point.region == .hard }.sorted { $0.point.confidence < $1.point.confidence }
        let mostVariable = results.filter { $0.point.region == .ambiguous }.sorted { $0.point.variability > $1.point.variability }
        tables.append(sampleTable(Array(hardest.prefix(top)), name: "hard_to_learn",
                                  title: "Hard-to-learn (lowest confidence: likeliest mislabels)"))
        tables.append(sampleTable(Array(mostVariable.prefix(top)), name: "ambiguous", title: "Ambiguous (most variable)"))
        return tables
    }

    static func sampleTable(_ members: [CartographyEstimation.Result], name: String, title: String) -> Table {
        Table(name: name, title: title, columns: ["id", "label", "confidence", "variability", "correctness", "text"],
              rows: members.map { r in
                  let text = r.sample.textPair.map { r.sample.text + " ⟂ " + $0 } ?? r.sample.text
                  return [.text(r.sample.displayID), .text(r.sample.label), .real(r.point.confidence, digits: 3),
                          .real(r.point.variability, digits: 3), .real(r.point.correctness, digits: 2), .text(text)]
              })
    }
}
