import DQStore

extension Store {
    /// The run an analysis builds on when the user names none: the dataset's latest finished
    /// `dq pvi` run on untransformed inputs (a `--transform` run measures an attribute, not the
    /// dataset's labels).
    func latestPlainPVIRun(dataset: Int64) throws -> RunRecord? {
        try runs(dataset: dataset, kind: "pvi").first { $0.status == .succeeded && $0.parameters["transform"] == nil }
    }
}
