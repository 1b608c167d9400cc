import DQText
import Foundation

/// What a run computed. Stored as its raw value in `runs.kind`.
package enum RunKind: String, Sendable, Codable, CaseIterable {
    case pvi
    case cartography
    case divergence
    case inconsistent
    case labelIssues = "label-issues"
    case conflicts
    case suspects
    case selection = "select"
    case evaluate
    case agreement
    case consensus

    /// The command that makes a run of this kind, for people ("dq label-issues").
    package var command: String { "dq \(rawValue)" }
}

/// The parameters of one kind of run: everything that changes its result. Written to the run's
/// row as JSON and read back by the same type, so a run can be reproduced or built on.
package protocol RunParameters: Codable, Sendable {
    static var kind: RunKind { get }
}

/// An analysis run: what was computed, with which parameters and seed, by which dq, when,
/// and whether it finished. Every stored result points at its run.
package struct RunRecord: Sendable, Equatable {
    package enum Status: String, Sendable { case running, succeeded, failed }

    package var id: Int64
    package var kind: RunKind
    package var datasetID: Int64?
    /// The parameters as stored (JSON text); `parameters(_:)` reads them as their type.
    package var parametersJSON: String
    package var seed: Int64?
    package var dqVersion: String
    package var startedAt: String
    package var finishedAt: String?
    package var status: Status
    package var message: String?
    /// The labels the run used: the given labels with every correction import up to this id
    /// applied (`Store.currentLabels`); nil, the given labels.
    package var labelVersion: Int64?

    /// The run's parameters as the type its kind records; an error if the run is of another
    /// kind or its parameters do not decode (a run recorded by an incompatible dq).
    package func parameters<P: RunParameters>(_ type: P.Type) throws -> P {
        guard kind == P.kind else { throw StoreError.wrongRunKind(run: id, kind: kind, expected: P.kind) }
        do {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return try decoder.decode(P.self, from: Data(parametersJSON.utf8))
        } catch {
            throw StoreError.unreadableParameters(run: id, kind: kind, detail: "\(error)")
        }
    }
}

extension RunParameters {
    /// The JSON text stored for these parameters: snake_case keys, sorted, so equal parameters
    /// give equal text.
    package var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        // Encoding plain Codable structs of strings, numbers and arrays cannot fail.
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}

extension Store {
    /// Records the start of a run, with the process and machine running it; returns its id.
    package func beginRun<P: RunParameters>(_ parameters: P, dataset: Int64?, seed: Int64?, labelVersion: Int64? = nil) throws -> Int64 {
        try database.run(
            "INSERT INTO runs (kind, dataset_id, parameters, seed, dq_version, started_at, status, pid, host, label_version) VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)",
            [.text(P.kind.rawValue), dataset.map { .integer($0) } ?? .null, .text(parameters.jsonText),
             seed.map { .integer($0) } ?? .null, .text(dqVersion), .text(Timestamp.now()), .integer(Int64(getpid())),
             .text(Store.host), labelVersion.map { .integer($0) } ?? .null])
        return database.lastInsertRowID
    }

    /// This machine's name, as runs record it.
    static let host = ProcessInfo.processInfo.hostName

    /// Marks failed every run still `running` whose process, on this machine, is gone (killed,
    /// or the machine restarted): its results were never written. Runs of other machines are
    /// left alone. Returns the ids marked.
    @discardableResult
    package func markStaleRuns() throws -> [Int64] {
        let running = try database.rows("SELECT id, pid FROM runs WHERE status = 'running' AND pid IS NOT NULL AND host = ?", [.text(Store.host)])
        var stale: [Int64] = []
        for row in running {
            let pid = try row.int(1)
            guard kill(pid_t(pid), 0) != 0 && errno == ESRCH else { continue }
            let id = try row.int64(0)
            try database.run("UPDATE runs SET status = 'failed', finished_at = ?, message = ? WHERE id = ? AND status = 'running'",
                             [.text(Timestamp.now()), .text("the dq process that ran it (pid \(pid)) ended before it finished"), .integer(id)])
            stale.append(id)
        }
        return stale
    }

    /// Replaces a run's parameters: for what a run learns about itself while it works (a
    /// suspects list's length), recorded with its results.
    package func updateParameters<P: RunParameters>(run: Int64, _ parameters: P) throws {
        try database.run("UPDATE runs SET parameters = ? WHERE id = ? AND kind = ?", [.text(parameters.jsonText), .integer(run), .text(P.kind.rawValue)])
    }

    /// Records how a run ended.
    package func finishRun(_ id: Int64, status: RunRecord.Status, message: String? = nil) throws {
        try database.run(
            "UPDATE runs SET status = ?, finished_at = ?, message = ? WHERE id = ?",
            [.text(status.rawValue), .text(Timestamp.now()), SQLValue(message), .integer(id)])
    }

    /// Runs an analysis as a recorded run: the run is stored as `running`, `compute` runs outside
    /// any transaction (training may take minutes), then `write` stores its results in one
    /// transaction together with the run's success. Any error, including Ctrl-C handled as an
    /// error, leaves the run marked `failed` with the message and no partial results.
    @discardableResult
    package func recordRun<P: RunParameters, T>(
        _ parameters: P, dataset: Int64?, labelVersion: Int64? = nil, seed: Int64?,
        compute: (Int64) throws -> T, write: (Int64, T) throws -> Void
    ) throws -> (run: Int64, result: T) {
        let id = try beginRun(parameters, dataset: dataset, seed: seed, labelVersion: labelVersion)
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

    /// `recordRun` for several runs made by one piece of work (one model trained for every
    /// label, a run per label): all are stored as `running` before `compute`, and `write`
    /// stores each one's results (given its position) in one transaction with their success.
    @discardableResult
    package func recordRuns<P: RunParameters, T>(
        _ parameters: [P], dataset: Int64?, labelVersion: Int64? = nil, seed: Int64?,
        compute: ([Int64]) throws -> T, write: (_ run: Int64, _ position: Int, T) throws -> Void
    ) throws -> (runs: [Int64], result: T) {
        var ids: [Int64] = []
        do {
            for p in parameters { ids.append(try beginRun(p, dataset: dataset, seed: seed, labelVersion: labelVersion)) }
            let result = try compute(ids)
            try database.inTransaction {
                for (position, id) in ids.enumerated() {
                    try write(id, position, result)
                    try finishRun(id, status: .succeeded)
                }
            }
            return (ids, result)
        } catch {
            for id in ids { try? finishRun(id, status: .failed, message: "\(error)") }
            throw error
        }
    }

    package func run(_ id: Int64) throws -> RunRecord {
        guard let row = try database.row("SELECT \(Store.runColumns) FROM runs WHERE id = ?", [.integer(id)]) else {
            throw StoreError.unknownRun(Int(id))
        }
        return try Store.runRecord(row)
    }

    /// Runs of a dataset, newest first, optionally of one kind.
    package func runs(dataset: Int64?, kind: RunKind? = nil) throws -> [RunRecord] {
        var sql = "SELECT \(Store.runColumns) FROM runs WHERE 1"
        var values: [SQLValue] = []
        if let dataset { sql += " AND dataset_id = ?"; values.append(.integer(dataset)) }
        if let kind { sql += " AND kind = ?"; values.append(.text(kind.rawValue)) }
        sql += " ORDER BY id DESC"
        return try database.rows(sql, values).map(Store.runRecord)
    }

    /// The newest succeeded run of `kind` for a dataset, if any.
    package func latestRun(dataset: Int64, kind: RunKind) throws -> RunRecord? {
        try runs(dataset: dataset, kind: kind).first { $0.status == .succeeded }
    }

    /// A run's summary, if it stored one.
    package func summary(run: Int64) throws -> JSONValue? {
        guard let row = try database.row("SELECT summary FROM run_summaries WHERE run_id = ?", [.integer(run)]) else { return nil }
        return try JSONValue.parse(try row.string(0))
    }

    /// Stores a run's summary (JSON), such as confident learning's joint and noise matrix.
    package func writeSummary(run: Int64, _ summary: JSONValue) throws {
        try database.run("INSERT INTO run_summaries (run_id, summary) VALUES (?, ?)", [.integer(run), .text(summary.jsonText)])
    }

    private static let runColumns = "id, kind, dataset_id, parameters, seed, dq_version, started_at, finished_at, status, message, label_version"

    private static func runRecord(_ row: Row) throws -> RunRecord {
        let id = try row.int64(0)
        let kindName = try row.string(1), statusName = try row.string(8)
        guard let kind = RunKind(rawValue: kindName) else { throw StoreError.inconsistent("run \(id) has an unknown kind '\(kindName)'") }
        guard let status = RunRecord.Status(rawValue: statusName) else {
            throw StoreError.inconsistent("run \(id) has an unknown status '\(statusName)'")
        }
        return RunRecord(
            id: id, kind: kind, datasetID: try row.optionalInt(2).map(Int64.init), parametersJSON: try row.string(3),
            seed: try row.optionalInt(4).map(Int64.init), dqVersion: try row.string(5), startedAt: try row.string(6),
            finishedAt: try row.optionalString(7), status: status, message: try row.optionalString(9),
            labelVersion: try row.optionalInt(10).map(Int64.init))
    }
}

/// JSON text stored in a result column (evidence, reasons), written and read by one Codable type.
enum StoredJSON {
    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String, run: Int64, column: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw StoreError.inconsistent("run \(run): unreadable \(column) '\(text.prefix(60))'")
        }
    }
}
