import DQStore

extension Store {
    /// The run an analysis builds on when the user names none: the dataset's latest finished
    /// run of `kind`; for `pvi`, the latest on untransformed inputs (a `--transform` run measures
    /// an attribute, not the dataset's labels).
    func defaultRun(dataset: Int64, kind: String) throws -> RunRecord? {
        guard kind == "pvi" else { return try latestRun(dataset: dataset, kind: kind) }
        return try runs(dataset: dataset, kind: kind).first { $0.status == .succeeded && $0.parameters["transform"] == nil }
    }

    /// The run a command builds on: the one the user named (`--run`), which must be a finished
    /// run of `kind` of this dataset, else `defaultRun`; nil when the dataset has none.
    func chosenRun(_ id: Int64?, kind: String, dataset: Int64, datasetName: String) throws -> RunRecord? {
        guard let id else { return try defaultRun(dataset: dataset, kind: kind) }
        let run = try self.run(id)
        guard run.kind == kind, run.status == .succeeded, run.datasetID == dataset else {
            throw CommandError("run \(id) is not a finished `dq \(kind)` run of \(datasetName)")
        }
        return run
    }
}

extension RunRecord {
    /// The label order of the run's probability vectors, as `dq pvi` records it.
    var labelOrder: [String]? {
        guard case .array(let names)? = parameters["labels"] else { return nil }
        return names.compactMap(\.scalarText)
    }
}
