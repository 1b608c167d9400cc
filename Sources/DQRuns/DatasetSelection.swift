import DQStore
import DQText

/// Which labels an analysis reads: as ingested, or with every imported correction applied.
package enum LabelChoice: String, Sendable, Equatable, CaseIterable {
    case given, current
}

/// Which dataset, which of its splits and which labels a run works on. nil name: the store's
/// only dataset.
package struct DatasetSelection: Sendable, Equatable {
    package var name: String?
    package var splits: [String]?
    package var labels: LabelChoice

    package init(name: String? = nil, splits: [String]? = nil, labels: LabelChoice = .current) {
        self.name = name
        self.splits = splits
        self.labels = labels
    }
}

/// A dataset found in the store, with its splits checked and its labels' version.
package struct ResolvedDataset: Sendable, Equatable {
    package var id: Int64
    package var name: String
    /// The splits asked for (each one the dataset has), or nil for all.
    package var splits: [String]?
    /// The label version read (the latest correction import applied); nil: the given labels.
    package var labelVersion: Int64? = nil
    /// The samples whose label in that version is not the given one, with that label.
    package var relabelled: [Int64: String] = [:]

    /// "the given labels" or "the labels after 3 corrections (import 2)", for the line that
    /// says what a run read.
    package var labelsRead: String {
        labelVersion.map { "the labels after \(relabelled.count) correction\(relabelled.count == 1 ? "" : "s") (import \($0))" } ?? "the given labels"
    }
}

extension Store {
    /// The dataset a selection names (or the only one), with every split checked: a misspelt
    /// split is an error that names the dataset's splits, not an empty selection.
    package func resolve(_ selection: DatasetSelection) throws -> ResolvedDataset {
        let (id, name) = try defaultDataset(selection.name)
        if let splits = selection.splits {
            let known = try self.splits(dataset: id).map(\.name)
            for split in splits where !known.contains(split) {
                throw RunError.unknownSplit(split, dataset: name, known: known)
            }
        }
        var dataset = ResolvedDataset(id: id, name: name, splits: selection.splits)
        if selection.labels == .current, let version = try labelVersion(dataset: id) {
            dataset.labelVersion = version
            dataset.relabelled = try relabelled(dataset: id, version: version)
        }
        return dataset
    }

    /// The samples of `dataset` (its selected splits, or all with `allSplits`) with the labels
    /// of its label version.
    package func samples(_ dataset: ResolvedDataset, allSplits: Bool = false) throws -> [Sample] {
        let samples = try samples(dataset: dataset.id, splits: allSplits ? nil : dataset.splits)
        return dataset.relabelled.isEmpty ? samples : samples.map { $0.relabelled(by: dataset.relabelled) }
    }

    /// The samples of some splits with the labels of label version `version` (nil: given), as a
    /// recorded run read them.
    package func samples(dataset: Int64, splits: [String]?, labelVersion version: Int64?) throws -> [Sample] {
        let labels = try version.map { try relabelled(dataset: dataset, version: $0) } ?? [:]
        let samples = try samples(dataset: dataset, splits: splits)
        return labels.isEmpty ? samples : samples.map { $0.relabelled(by: labels) }
    }

    /// The run an analysis builds on when the user names none: the dataset's latest finished
    /// run of `kind`; for `pvi`, the latest on untransformed inputs (a `--transform` run
    /// measures an attribute, not the dataset's labels).
    package func defaultRun(dataset: Int64, kind: RunKind) throws -> RunRecord? {
        guard kind == .pvi else { return try latestRun(dataset: dataset, kind: kind) }
        return try runs(dataset: dataset, kind: .pvi).first { run in
            guard run.status == .succeeded else { return false }
            return try run.parameters(PVIParameters.self).transform == nil
        }
    }

    /// The run a command builds on: the one named (which must be a finished run of `kind` of
    /// this dataset), else `defaultRun`; nil when the dataset has none.
    package func chosenRun(_ id: Int64?, kind: RunKind, dataset: ResolvedDataset) throws -> RunRecord? {
        guard let id else { return try defaultRun(dataset: dataset.id, kind: kind) }
        let run = try self.run(id)
        guard run.kind == kind, run.status == .succeeded, run.datasetID == dataset.id else {
            throw RunError.notAFinishedRun(id, kind, dataset: dataset.name)
        }
        return run
    }

    /// `chosenRun`, required: an error naming the command to run when there is none.
    package func requiredRun(_ id: Int64?, kind: RunKind, dataset: ResolvedDataset) throws -> RunRecord {
        guard let run = try chosenRun(id, kind: kind, dataset: dataset) else { throw RunError.noRun(kind, dataset: dataset.name) }
        return run
    }
}

extension RunRecord {
    /// What a run was made on, read from its stored parameters whatever its kind: its model
    /// (with the checkpoint of an embeddings probe), the splits it covered (nil: all), and the
    /// transform of its inputs.
    package var made: (model: String?, splits: [String]?, transform: String?) {
        let json = try? JSONValue.parse(parametersJSON)
        var model = json?["model"]?.scalarText
        if model == "embeddings", let checkpoint = json?["checkpoint"]?.scalarText { model = "embeddings:" + checkpoint }
        var splits: [String]?
        if case .array(let list)? = json?["splits"] { splits = list.compactMap(\.scalarText) }
        if let train = json?["train_split"]?.scalarText, let evaluate = json?["eval_split"]?.scalarText { splits = ["\(train)→\(evaluate)"] }
        return (model, splits, json?["transform"]?.scalarText)
    }

    /// "pvi run 2 (bow; split train; started 2026-12-06T08:19:11Z)", for the line a command
    /// prints about the run it used.
    package var described: String {
        let m = made
        let parts = [m.model, m.splits.map { "split \($0.joined(separator: ","))" } ?? "every split", m.transform.map { "\($0) inputs" },
                     "started \(startedAt)"].compactMap { $0 }
        return "\(kind.rawValue) run \(id) (\(parts.joined(separator: "; ")))"
    }
}
