import ArgumentParser
import DQAnalyses
import DQReports
import DQStore
import DQText
import Foundation

struct VInfo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vinfo",
        abstract: "Compare V-information across datasets, models, input transformations and slices.",
        subcommands: [VInfoCompare.self]
    )
}

struct VInfoCompare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "One table of V-information of `dq pvi` runs, with bootstrap confidence intervals.",
        discussion: """
            Each run's V-information (mean PVI, in bits) with a 95% percentile-bootstrap interval \
            and g′'s accuracy, and each run's difference from the first with its own interval \
            (paired when both runs scored the same samples). Answers: which dataset is harder for \
            this model, how much word order carries (--transform shuffle), whether one model \
            extracts more usable information than another.

            Examples:
              dq vinfo compare 3 5 7
              dq vinfo compare --dataset mnli                      # the latest run of each model and transformation
              dq vinfo compare --dataset snli,mnli --model bow --per-label
            """
    )

    @Argument(help: "`dq pvi` run ids. Default: the latest run of each model and transformation of --dataset.")
    var runs: [Int64] = []

    @Option(help: ArgumentHelp("Datasets whose runs to compare (comma-separated). Default: the only one.", valueName: "a,b"))
    var dataset: String?

    @Option(help: ArgumentHelp("Only runs of these model families (comma-separated).", valueName: "bow,tiny-bert"))
    var model: String?

    @Flag(name: .customLong("per-label"), help: "Also each label's V-information.")
    var perLabel = false

    @Option(help: "Bootstrap resamples.")
    var bootstrap = 1000

    @Option(help: "Seed of the bootstrap.")
    var seed: UInt64 = 13

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if bootstrap < 100 { throw ValidationError("--bootstrap must be at least 100") }
        if !runs.isEmpty && (dataset != nil || model != nil) { throw ValidationError("give run ids, or --dataset/--model, not both") }
    }

    static func transformName(_ run: RunRecord) -> String { run.parameters["transform"]?.scalarText ?? "original" }
    static func modelName(_ run: RunRecord) -> String { run.parameters["model"]?.scalarText ?? "?" }

    func selectedRuns(_ store: Store) throws -> [RunRecord] {
        if !runs.isEmpty {
            return try runs.map { id in
                let run = try store.run(id)
                guard run.kind == "pvi", run.status == .succeeded else { throw CommandError("run \(id) is not a finished `dq pvi` run") }
                return run
            }
        }
        let names = try dataset.map { $0.split(separator: ",").map { String($0).trimmingWhitespace() } } ?? [store.defaultDataset(nil).name]
        let models = model.map { Set($0.split(separator: ",").map { String($0).trimmingWhitespace() }) }
        var chosen: [RunRecord] = []
        for name in names {
            var seen = Set<String>()
            for run in try store.runs(dataset: try store.requireDataset(name), kind: "pvi") where run.status == .succeeded {
                let model = VInfoCompare.modelName(run), key = model + "\u{0}" + VInfoCompare.transformName(run)
                guard models?.contains(model) ?? true, seen.insert(key).inserted else { continue }
                chosen.append(run)
            }
        }
        guard !chosen.isEmpty else { throw CommandError("no finished `dq pvi` run matches; run dq pvi first") }
        return chosen.sorted { $0.id < $1.id }
    }

    func run() throws {
        let store = try store.open()
        let selected = try selectedRuns(store)
        let names = Dictionary(uniqueKeysWithValues: try store.datasetNames().map { (try store.requireDataset($0), $0) })
        var rows: [[Cell]] = []
        var differences: [[Cell]] = []
        var first: [PVIRow] = []
        for (r, run) in selected.enumerated() {
            let scores = try store.pviRows(run: run.id)
            guard !scores.isEmpty else { continue }
            let dataset = run.datasetID.flatMap { names[$0] } ?? "?"
            func row(_ group: String, _ list: [PVIRow]) -> [Cell] {
                let interval = Bootstrap.mean(list.map(\.pvi), resamples: bootstrap, seed: seed)
                return [.int(Int(run.id)), .text(dataset), .text(VInfoCompare.modelName(run)), .text(VInfoCompare.transformName(run)),
                        .text(group), .int(list.count), .real(interval.estimate), .real(interval.low), .real(interval.high),
                        .real(Double(list.filter(\.correct).count) / Double(list.count))]
            }
            rows.append(row("all", scores))
            if perLabel {
                for group in scores.groupedInOrder(by: \.label) { rows.append(row(group.key, group.elements)) }
            }
            if r == 0 {
                first = scores
            } else {
                let paired = first.map(\.sampleID) == scores.map(\.sampleID)
                let interval = paired
                    ? Bootstrap.pairedDifference(first.map(\.pvi), scores.map(\.pvi), resamples: bootstrap, seed: seed)
                    : Bootstrap.difference(first.map(\.pvi), scores.map(\.pvi), resamples: bootstrap, seed: seed)
                differences.append([.int(Int(run.id)), .int(Int(selected[0].id)), .real(interval.estimate), .real(interval.low), .real(interval.high),
                                    .text(paired ? "paired" : "independent"),
                                    .text(interval.contains(0) ? "no (interval holds 0)" : "yes")])
            }
        }
        var tables = [Table(
            name: "v_information", title: "V-information (bits) with \(bootstrap)-resample 95% bootstrap intervals",
            columns: ["run", "dataset", "model", "input", "group", "samples", "V-info", "95% low", "95% high", "accuracy g′"],
            rows: rows, note: "input: the --transform the run trained and scored on (original: none).")]
        if !differences.isEmpty {
            tables.append(Table(
                name: "differences", title: "Difference from run \(selected[0].id) (V-info of the run − V-info of run \(selected[0].id))",
                columns: ["run", "vs run", "Δ V-info", "95% low", "95% high", "bootstrap", "different?"], rows: differences))
        }
        try output.emit(tables)
    }
}
