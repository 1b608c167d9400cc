import DQText

/// An analysis run: what was computed, with which parameters and seed, by which dq, when,
/// and whether it finished. Every stored result points at its run.
public struct RunRecord: Sendable, Equatable {
    public enum Status: String, Sendable { case running, succeeded, failed }

    public var id: Int64
    public var kind: String
    public var datasetID: Int64?
    public var parameters: JSONValue
    public var seed: Int64?
    public var dqVersion: String
    public var startedAt: String
    public var finishedAt: String?
    public var status: Status
    public var message: String?
}

extension Store {
    /// Records the start of a run; returns its id.
    public func beginRun(kind: String, dataset: Int64?, parameters: JSONValue, seed: Int64?) throws -> Int64 {
        try database.run(
            "INSERT INTO runs (kind, dataset_id, parameters, seed, dq_version, started_at, status) VALUES (?, ?, ?, ?, ?, ?, 'running')",
            [.text(kind), dataset.map { .integer($0) } ?? .null, .text(parameters.jsonText),
             seed.map { .integer($0) } ?? .null, .text(dqVersion), .text(Timestamp.now())])
        return database.lastInsertRowID
    }

    /// Records how a run ended.
    public func finishRun(_ id: Int64, status: RunRecord.Status, message: String? = nil) throws {
        try database.run(
            "UPDATE runs SET status = ?, finished_at = ?, message = ? WHERE id = ?",
            [.text(status.rawValue), .text(Timestamp.now()), SQLValue(message), .integer(id)])
    }

    /// Runs an analysis as a recorded run: the run is stored as `running`, `compute` runs outside
    /// any transaction (training may take minutes), then `write` stores its results in one
    /// transaction together with the run's success. Any error, including Ctrl-C handled as an
    /// error, leaves the run marked `failed` with the message and no partial results.
    @discardableResult
    public func recordRun<T>(
        kind: String, dataset: Int64?, parameters: JSONValue, seed: Int64?,
        compute: (Int64) throws -> T, write: (Int64, T) throws -> Void
    ) throws -> (run: Int64, result: T) {
        let id = try beginRun(kind: kind, dataset: dataset, parameters: parameters, seed: seed)
        do {
            let result = try compute(id)
            try database.inTransaction {
                try write(id, result)
                try finishRun(id, status: .succeeded)
            }
            return (id, result)
        } catch {
            try? finishRun(id, status: .failed, message: "\(error)")
            throw error
        }
    }

    public func run(_ id: Int64) throws -> RunRecord {
        guard let row = try database.row("SELECT \(Store.runColumns) FROM runs WHERE id = ?", [.integer(id)]) else {
            throw StoreError.unknownRun(Int(id))
        }
        return try Store.runRecord(row)
    }

    /// Runs of a dataset, newest first, optionally of one kind.
    public func runs(dataset: Int64?, kind: String? = nil) throws -> [RunRecord] {
        var sql = "SELECT \(Store.runColumns) FROM runs WHERE 1"
        var values: [SQLValue] = []
        if let dataset { sql += " AND dataset_id = ?"; values.append(.integer(dataset)) }
        if let kind { sql += " AND kind = ?"; values.append(.text(kind)) }
        sql += " ORDER BY id DESC"
        return try database.rows(sql, values).map(Store.runRecord)
    }

    private static let runColumns = "id, kind, dataset_id, parameters, seed, dq_version, started_at, finished_at, status, message"

    private static func runRecord(_ row: Row) throws -> RunRecord {
        RunRecord(
            id: Int64(row.int(0)), kind: row.string(1), datasetID: row.optionalInt(2).map(Int64.init),
            parameters: (try? JSONValue.parse(row.string(3))) ?? .null, seed: row.optionalInt(4).map(Int64.init),
            dqVersion: row.string(5), startedAt: row.string(6), finishedAt: row.optionalString(7),
            status: RunRecord.Status(rawValue: row.string(8)) ?? .failed, message: row.optionalString(9))
    }
}
