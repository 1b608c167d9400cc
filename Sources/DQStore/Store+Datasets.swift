/// A dataset as listed by `dq datasets`.
package struct DatasetSummary: Sendable, Equatable {
    package var id: Int64
    package var name: String
    package var createdAt: String
    /// Splits with their row counts, by name.
    package var splits: [SplitCount]
    /// Labels in the order they were first seen.
    package var labels: [String]
    package var lastIngestAt: String?
    /// Ingested with `--multi-label`.
    package var multiLabel = false

    package var rowCount: Int { splits.reduce(0) { $0 + $1.count } }
}

package struct SplitCount: Sendable, Equatable {
    package var name: String
    package var count: Int

    package init(name: String, count: Int) {
        self.name = name
        self.count = count
    }
}

extension Store {
    /// The id of the dataset called `name`, or nil.
    package func datasetID(named name: String) throws -> Int64? {
        try database.row("SELECT id FROM datasets WHERE name = ?", [.text(name)]).map { try $0.int64(0) }
    }

    /// The id of the dataset called `name`; an error that lists the known datasets otherwise.
    package func requireDataset(_ name: String) throws -> Int64 {
        if let id = try datasetID(named: name) { return id }
        throw StoreError.unknownDataset(name, known: try datasetNames())
    }

    /// The dataset to use when a command is not told: the only one, or an error that lists them.
    package func defaultDataset(_ name: String?) throws -> (id: Int64, name: String) {
        if let name { return (try requireDataset(name), name) }
        let names = try datasetNames()
        if names.count == 1 { return (try requireDataset(names[0]), names[0]) }
        throw StoreError.noDatasetChosen(known: names)
    }

    package func datasetNames() throws -> [String] {
        try database.rows("SELECT name FROM datasets ORDER BY name").map { try $0.string(0) }
    }

    /// Creates the dataset if it does not exist; returns its id.
    func ensureDataset(_ name: String) throws -> Int64 {
        if let id = try datasetID(named: name) { return id }
        try database.run("INSERT INTO datasets (name, created_at) VALUES (?, ?)", [.text(name), .text(Timestamp.now())])
        return database.lastInsertRowID
    }

    /// Whether the dataset was ingested with `--multi-label` (its samples' labels are lists, `a;b`).
    package func isMultiLabel(dataset: Int64) throws -> Bool {
        try database.row("SELECT multi_label FROM datasets WHERE id = ?", [.integer(dataset)])?.int(0) == 1
    }

    /// The labels of a dataset in the order they were first seen.
    package func labels(dataset: Int64) throws -> [String] {
        try database.rows("SELECT name FROM labels WHERE dataset_id = ? ORDER BY position", [.integer(dataset)])
            .map { try $0.string(0) }
    }

    /// The splits of a dataset with their row counts.
    package func splits(dataset: Int64) throws -> [SplitCount] {
        try database.rows(
            "SELECT split, sum(rows_new) FROM ingests WHERE dataset_id = ? GROUP BY split HAVING sum(rows_new) > 0 ORDER BY min(id)",
            [.integer(dataset)]
        ).map { SplitCount(name: try $0.string(0), count: try $0.int(1)) }
    }

    /// Every dataset with its splits, labels and last ingest time.
    package func datasetSummaries() throws -> [DatasetSummary] {
        try database.rows("""
            SELECT d.id, d.name, d.created_at, (SELECT max(finished_at) FROM ingests i WHERE i.dataset_id = d.id)
            FROM datasets d ORDER BY d.name
            """
        ).map { row in
            let id = try row.int64(0)
            var summary = DatasetSummary(
                id: id, name: try row.string(1), createdAt: try row.string(2),
                splits: try splits(dataset: id), labels: try labels(dataset: id),
                lastIngestAt: try row.optionalString(3))
            summary.multiLabel = try isMultiLabel(dataset: id)
            return summary
        }
    }
}
