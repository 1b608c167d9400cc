import CSQLite
import Foundation

/// The version of dq recorded with every run.
package let dqVersion = "0.1.0"

/// dq's sample store: one SQLite file holding datasets, samples, ingest reports and every
/// analysis run with its results.
package final class Store {
    package let database: Database
    package var path: String { database.path }

    /// The store path used when neither `--db` nor `DQ_DB` is given.
    package static let defaultPath = "dq.sqlite"

    /// The store path from an explicit option, else `DQ_DB`, else `./dq.sqlite`.
    package static func resolvePath(_ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let option, !option.isEmpty { return option }
        if let fromEnvironment = environment["DQ_DB"], !fromEnvironment.isEmpty { return fromEnvironment }
        return defaultPath
    }

    /// Opens the store at `path`, creating it and bringing its schema up to date.
    /// A store written by a newer dq (with migrations this dq does not know) is refused.
    /// `pageCacheKiB` bounds SQLite's page cache for this connection: the default 64 MiB keeps
    /// a bulk write's B-tree pages in memory; a connection that only reads a table through once
    /// touches each page once, so it is better served by a small cache (less memory, fewer
    /// page faults).
    package init(path: String, pageCacheKiB: Int = 65536) throws {
        database = try Database(path: path)
        try database.execute("PRAGMA page_size = 16384; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
        try useWriteAheadLog()
        try database.execute("PRAGMA cache_size = -\(max(pageCacheKiB, 64))")
        try migrate()
        try markStaleRuns()
    }

    /// Puts the store in WAL mode, where readers never wait for the writer. While another
    /// process runs a bulk append in rollback-journal mode (`asBulkAppend`) the switch cannot be
    /// made; this connection then works in that mode (waiting for locks up to the busy timeout),
    /// and the other process switches the store back to WAL when it finishes.
    func useWriteAheadLog() throws {
        if try database.row("PRAGMA journal_mode")?.string(0) == "wal" { return }
        try database.withBusyTimeout(milliseconds: 0) {
            _ = try? database.row("PRAGMA journal_mode = WAL")
        }
    }

    /// Runs a bulk append (such as an ingest) with settings that suit it, then restores the
    /// store's own. Call it outside a transaction and open one in `body`: SQLite ignores these
    /// switches inside a transaction.
    ///
    /// - Rollback journal instead of the write-ahead log. A large transaction in WAL mode
    ///   writes every page twice (into the log, then into the database at checkpoint); a
    ///   rollback journal only saves the few pages that existed before, so appending a million
    ///   rows takes about 20% less time. Atomicity is the same in both modes. When another
    ///   connection has the store open, SQLite refuses the switch and the write runs in WAL mode.
    /// - A 4 MiB page cache. Appending touches only the right edge of each B-tree, so a larger
    ///   cache only holds pages that are already written: with 64 MiB a million-row ingest
    ///   peaked at 153 MB of memory, with 4 MiB at 91 MB, in the same time.
    /// - No foreign-key checks. The references of an appended row hold by construction (an
    ///   ingest's samples and rejected rows all point at the ingest row written first in the
    ///   same transaction), so the check would be an index probe per row that can never fail.
    func asBulkAppend<T>(_ body: () throws -> T) throws -> T {
        let journaled = database.withBusyTimeout(milliseconds: 0) { (try? database.row("PRAGMA journal_mode = DELETE")?.string(0)) == "delete" }
        defer { if journaled { _ = try? database.row("PRAGMA journal_mode = WAL") } }
        let cacheSize = try database.row("PRAGMA cache_size")?.int(0) ?? -2000
        try database.execute("PRAGMA cache_size = -4096")
        defer { try? database.execute("PRAGMA cache_size = \(cacheSize)") }
        try database.execute("PRAGMA foreign_keys = OFF")
        defer { try? database.execute("PRAGMA foreign_keys = ON") }
        return try body()
    }

    /// The schema version of this store (the last migration applied).
    package func schemaVersion() throws -> Int {
        try database.row("SELECT coalesce(max(version), 0) FROM schema_migrations")?.int(0) ?? 0
    }

    /// Applies the migrations this store lacks. The version is read and the migrations applied in
    /// one write transaction, so two processes opening a new store at once apply them once: the
    /// second waits for the first, then finds nothing to do.
    private func migrate() throws {
        let known = Migrations.all.last?.version ?? 0
        if let current = try? schemaVersion(), current == known { return }
        try database.inTransaction {
            try database.execute("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at TEXT NOT NULL
                )
                """)
            let current = try schemaVersion()
            if current > known {
                throw StoreError.fromNewerVersion(path: path, storeVersion: current, knownVersion: known)
            }
            for migration in Migrations.all where migration.version > current {
                try database.execute(migration.sql)
                try migration.convert?(database)
                try database.run(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    [.integer(Int64(migration.version)), .text(migration.name), .text(Timestamp.now())])
            }
        }
    }
}

/// Problems with the store itself or with what is asked of it. Each case carries its data;
/// the descriptions say what is wrong, and the command line adds how to fix it with its flags.
package enum StoreError: Error, CustomStringConvertible, Equatable {
    case fromNewerVersion(path: String, storeVersion: Int, knownVersion: Int)
    case unknownDataset(String, known: [String])
    case noDatasetChosen(known: [String])
    case unknownRun(Int)
    case wrongRunKind(run: Int64, kind: RunKind, expected: RunKind)
    case unreadableParameters(run: Int64, kind: RunKind, detail: String)
    case inconsistent(String)
    case datasetExists(String)

    package var description: String {
        switch self {
        case let .datasetExists(name):
            return "a dataset named '\(name)' exists already; choose another name"
        case let .fromNewerVersion(path, storeVersion, knownVersion):
            return "\(path) was written by a newer dq (schema version \(storeVersion); this dq \(dqVersion) knows up to \(knownVersion))"
        case let .unknownDataset(name, known):
            return "no dataset named '\(name)' (" + (known.isEmpty ? "the store has no datasets yet" : "known datasets: \(known.joined(separator: ", "))") + ")"
        case let .noDatasetChosen(known):
            return known.isEmpty ? "the store has no datasets yet" : "the store has several datasets (\(known.joined(separator: ", ")))"
        case let .unknownRun(id):
            return "no run with id \(id)"
        case let .wrongRunKind(run, kind, expected):
            return "run \(run) is a `\(kind.command)` run, not a `\(expected.command)` run"
        case let .unreadableParameters(run, kind, detail):
            return "the parameters of \(kind.rawValue) run \(run) cannot be read by this dq (\(detail))"
        case let .inconsistent(what):
            return "the store is inconsistent: \(what); nothing was written"
        }
    }
}

/// ISO 8601 timestamps in UTC, as stored.
package enum Timestamp {
    package static func now() -> String {
        string(from: Date())
    }

    package static func string(from date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
