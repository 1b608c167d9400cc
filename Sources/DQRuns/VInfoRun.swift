import DQAnalyses
import DQReports
import DQStore
import DQText

/// `dq vinfo compare`: V-information of `dq pvi` runs side by side with bootstrap intervals.
package enum VInfoRun {
    package struct Options: Sendable {
        /// Run ids; empty: the latest run of each model and transformation of `datasets`.
        package var runs: [Int64] = []
        /// Datasets whose runs to compare; nil: the store's only one.
        package var datasets: [String]?
        /// Only runs of these model families.
        package var models: Set<String>?
        package var perLabel = false
        package var bootstrap = 1000
        package var seed: UInt64 = 13

        package init() {}

        package init(runs: [Int64], datasets: [String]?, models: Set<String>?, perLabel: Bool, bootstrap: Int, seed: UInt64) {
            (self.runs, self.datasets, self.models, self.perLabel, self.bootstrap, self.seed) = (runs, datasets, models, perLabel, bootstrap, seed)
        }

        package func validate() throws(OptionError) {
            try OptionError.check(bootstrap, in: 100...100_000, "bootstrap")
            if !runs.isEmpty && (datasets != nil || models != nil) { throw OptionError("give run ids, or {dataset}/{model}, not both") }
        }
    }

    /// The runs compared, oldest first.
    static func selectedRuns(_ store: Store, options: Options) throws -> [(run: RunRecord, parameters: PVIParameters)] {
        if !options.runs.isEmpty {
            return try options.runs.map { id in
                let run = try store.run(id)
                guard run.kind == .pvi, run.status == .succeeded else { throw RunError.notAFinishedRun(id, .pvi, dataset: "this store") }
                return (run, try run.parameters(PVIParameters.self))
            }
        }
        let names = try options.datasets ?? [store.defaultDataset(nil).name]
        var chosen: [(run: RunRecord, parameters: PVIParameters)] = []
        for name in names {
            var seen = Set<String>()
            for run in try store.runs(dataset: try store.requireDataset(name), kind: .pvi) where run.status == .succeeded {
                let parameters = try run.parameters(PVIParameters.self)
                let key = parameters.model.model + "\u{0}" + (parameters.transform?.rawValue ?? "")
                guard options.models?.contains(parameters.model.model) ?? true, seen.insert(key).inserted else { continue }
                chosen.append((run, parameters))
            }
        }
        guard !chosen.isEmpty else { throw RunError.noRun(.pvi, dataset: names.joined(separator: ", ")) }
        return chosen.sorted { $0.run.id < $1.run.id }
    }

    package static func run(store: Store, options: Options) throws -> [Table] {
        try options.validate()
        let selected = try selectedRuns(store, options: options)
        let names = Dictionary(uniqueKeysWithValues: try store.datasetNames().map { (try store.requireDataset($0), $0) })
        let resamples = options.bootstrap, seed = options.seed
        var rows: [[Cell]] = []
        var differences: [[Cell]] = []
        var first: [PVIRow] = []
        var mismatches: [String] = []
        for (r, (run, parameters)) in selected.enumerated() {
            let scores = try store.pviRows(run: run.id)
            guard !scores.isEmpty else { continue }
            let dataset = run.datasetID.flatMap { names[$0] } ?? "?"
            func row(_ group: String, _ list: [PVIRow]) -> [Cell] {
                let interval = Bootstrap.mean(list.map(\.pvi), resamples: resamples, seed: seed)
                return [.int(Int(run.id)), .text(dataset), .text(parameters.model.model), .text(parameters.transform?.rawValue ?? "original"),
                        .text(group), .int(list.count), .real(interval.estimate), .real(interval.low), .real(interval.high),
                        .real(Double(list.filter(\.correct).count) / Double(list.count))]
            }
            rows.append(row("all", scores))
            if options.perLabel {
                for group in scores.groupedInOrder(by: \.label) { rows.append(row(group.key, group.elements)) }
            }
            if r == 0 {
                first = scores
            } else {
                let paired = first.map(\.sampleID) == scores.map(\.sampleID)
                let interval = paired
                    ? Bootstrap.pairedDifference(first.map(\.pvi), scores.map(\.pvi), resamples: resamples, seed: seed)
                    : Bootstrap.difference(first.map(\.pvi), scores.map(\.pvi), resamples: resamples, seed: seed)
                differences.append([.int(Int(run.id)), .int(Int(selected[0].run.id)), .real(interval.estimate), .real(interval.low), .real(interval.high),
                                    .text(paired ? "paired" : "independent")])
                let unlike = setupDifferences(selected[0].parameters, parameters, samples: (first.count, scores.count))
                if !unlike.isEmpty { mismatches.append("run \(run.id) differs from run \(selected[0].run.id) in \(unlike.joined(separator: ", "))") }
            }
        }
        var tables = [Table(
            name: "v_information", title: "V-information (bits) with \(resamples)-resample 95% bootstrap intervals over the evaluation samples",
            columns: ["run", "dataset", "model", "input", "group", "samples", "V-info", "95% low", "95% high", "accuracy g′"],
            rows: rows, note: "input: the --transform the run trained and scored on (original: none). " + intervalCaveat)]
        if !differences.isEmpty {
            tables.append(Table(
                name: "differences", title: "Difference from run \(selected[0].run.id) (V-info of the run − V-info of run \(selected[0].run.id))",
                columns: ["run", "vs run", "Δ V-info", "95% low", "95% high", "bootstrap"], rows: differences,
                note: (mismatches.map { "Warning: \($0): the difference mixes the change you made with these. " }.joined())
                    + "No verdict is given: each interval is one of several compared, with no correction for multiplicity, and "
                    + "leaves out training variance, so an interval that excludes 0 is weaker evidence than it looks."))
        }
        return tables
    }

    static let intervalCaveat = "The intervals resample the evaluation samples with the fitted models held fixed: they leave out "
        + "training variance (seed, fold assignment) and the dependence cross-fitting creates, so they are narrower than a rerun's spread."

    /// What, besides the change under study, differs between two runs' set-ups.
    static func setupDifferences(_ a: PVIParameters, _ b: PVIParameters, samples: (Int, Int)) -> [String] {
        var unlike: [String] = []
        func compare<T: Equatable>(_ what: String, _ x: T?, _ y: T?) {
            if x != y { unlike.append("\(what) (\(x.map { "\($0)" } ?? "none") vs \(y.map { "\($0)" } ?? "none"))") }
        }
        compare("null model", a.null, b.null)
        compare("folds", a.folds, b.folds)
        compare("training split", a.trainSplit, b.trainSplit)
        compare("evaluation split", a.evalSplit, b.evalSplit)
        compare("grouping of folds", a.groupBy, b.groupBy)
        compare("sample count", samples.0, samples.1)
        return unlike
    }
}
