import CSQLite
import Foundation

/// One SQLite connection. Statements are prepared from SQL text with `?` placeholders and
/// values are always bound, never spliced into the SQL.
package final class Database {
    let handle: OpaquePointer
    package let path: String
    private var transactionDepth = 0

    /// Process-wide settings, applied once before the first connection opens.
    private static let configured: Void = {
        _ = dq_sqlite3_disable_memory_statistics()
    }()

    /// Opens (creating if needed) the database file at `path`.
    package init(path: String) throws {
        Database.configured
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(handle)
            throw SQLiteError(code: code, message: "\(path): \(message)", sql: nil)
        }
        self.handle = handle
        self.path = path
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, Int32(Database.busyTimeout))
    }

    /// How long a statement waits for another process's lock before failing with SQLITE_BUSY:
    /// long enough for an ingest of a few million rows to commit (see docs/store.md).
    package static let busyTimeout = 30_000

    /// Runs `body` waiting at most `milliseconds` for locks, then restores the usual timeout.
    package func withBusyTimeout<T>(milliseconds: Int, _ body: () throws -> T) rethrows -> T {
        sqlite3_busy_timeout(handle, Int32(milliseconds))
        defer { sqlite3_busy_timeout(handle, Int32(Database.busyTimeout)) }
        return try body()
    }

    deinit { sqlite3_close_v2(handle) }

    func error(_ code: Int32, sql: String?) -> SQLiteError {
        SQLiteError(code: code, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    /// Runs one or more statements that take no parameters (schema changes, pragmas).
    package func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        if code != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw SQLiteError(code: code, message: text, sql: sql)
        }
    }

    /// Prepares `sql`; the statement is finalised when it is released.
    package func prepare(_ sql: String) throws -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// Runs `sql` once with `values` bound to its placeholders.
    package func run(_ sql: String, _ values: [SQLValue] = []) throws {
        let statement = try prepare(sql)
        try statement.bind(values)
        try statement.runToEnd()
    }

    /// Runs `sql` once per element of `rows`, with `values(row)` bound to its placeholders: one
    /// prepared statement for all of them (call inside a transaction for speed and atomicity).
    package func runForEach<Rows: Sequence>(_ sql: String, _ rows: Rows, values: (Rows.Element) throws -> [SQLValue]) throws {
        let statement = try prepare(sql)
        for row in rows {
            statement.reset()
            try statement.bind(try values(row))
            try statement.runToEnd()
        }
    }

    /// All rows of a query.
    package func rows(_ sql: String, _ values: [SQLValue] = []) throws -> [Row] {
        let statement = try prepare(sql)
        try statement.bind(values)
        var rows: [Row] = []
        while let row = try statement.step() { rows.append(row) }
        return rows
    }

    /// The first row of a query, or nil.
    package func row(_ sql: String, _ values: [SQLValue] = []) throws -> Row? {
        let statement = try prepare(sql)
        try statement.bind(values)
        return try statement.step()
    }

    package var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    /// Frees the pages this connection's cache holds but no statement needs (SQLite keeps them
    /// until the cache limit otherwise: tens of megabytes after a large read).
    package func releaseCache() { sqlite3_db_release_memory(handle) }
    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    package var changes: Int { Int(sqlite3_changes(handle)) }

    /// Runs `body` inside a transaction: committed when it returns, rolled back when it throws.
    /// Nested calls use savepoints, so an inner failure undoes only the inner work. When the
    /// COMMIT (or RELEASE) itself fails, as it does on a deferred constraint violation, the
    /// work is rolled back and the error thrown: the connection is never left inside a
    /// transaction it thinks it has closed.
    package func inTransaction<T>(_ body: () throws -> T) throws -> T {
        let depth = transactionDepth
        let savepoint = "dq_\(depth)"
        try execute(depth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT \(savepoint)")
        transactionDepth = depth + 1
        defer { transactionDepth = depth }
        let result: T
        do {
            result = try body()
            try execute(depth == 0 ? "COMMIT" : "RELEASE \(savepoint)")
        } catch {
            if depth == 0 {
                if isInTransaction { try? execute("ROLLBACK") }
            } else {
                try? execute("ROLLBACK TO \(savepoint); RELEASE \(savepoint)")
            }
            throw error
        }
        return result
    }

    /// True while the connection has a transaction open (SQLite's autocommit is off).
    package var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }
}

/// A value bound to, or read from, a statement.
package enum SQLValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByNilLiteral {
    package init(stringLiteral value: String) { self = .text(value) }
    package init(integerLiteral value: Int64) { self = .integer(value) }
    package init(floatLiteral value: Double) { self = .real(value) }
    package init(nilLiteral: ()) { self = .null }

    package init(_ value: String?) { self = value.map { .text($0) } ?? .null }
    package init(_ value: Int?) { self = value.map { .integer(Int64($0)) } ?? .null }
    package init(_ value: Double?) { self = value.map { .real($0) } ?? .null }
}

/// One result row, read by column position. Reading a column as a type it does not hold (a
/// NULL where a value is required, text where a number is) throws `RowDecodingError` instead
/// of making up a value.
package struct Row: Sendable {
    package var values: [SQLValue]
    /// The result's column names, shared by every row of a statement.
    package var names: [String]

    package init(values: [SQLValue], names: [String] = []) {
        self.values = values
        self.names = names
    }

    package subscript(index: Int) -> SQLValue { values[index] }

    func mismatch(_ index: Int, expected: String) -> RowDecodingError {
        RowDecodingError(column: index, name: index < names.count ? names[index] : nil, expected: expected, found: values[index])
    }

    /// An INTEGER column.
    package func int(_ index: Int) throws -> Int {
        guard case .integer(let v) = values[index] else { throw mismatch(index, expected: "an integer") }
        return Int(v)
    }

    package func int64(_ index: Int) throws -> Int64 {
        guard case .integer(let v) = values[index] else { throw mismatch(index, expected: "an integer") }
        return v
    }

    package func optionalInt(_ index: Int) throws -> Int? {
        if case .null = values[index] { return nil }
        return try int(index)
    }

    /// A REAL column (an INTEGER widens exactly for magnitudes below 2^53, as SQLite's own
    /// results such as sum() may give one).
    package func double(_ index: Int) throws -> Double {
        switch values[index] {
        case .real(let v): return v
        case .integer(let v) where v.magnitude < 1 << 53: return Double(v)
        default: throw mismatch(index, expected: "a number")
        }
    }

    package func optionalDouble(_ index: Int) throws -> Double? {
        if case .null = values[index] { return nil }
        return try double(index)
    }

    package func bool(_ index: Int) throws -> Bool {
        let v = try int(index)
        guard v == 0 || v == 1 else { throw mismatch(index, expected: "0 or 1") }
        return v == 1
    }

    package func string(_ index: Int) throws -> String {
        guard case .text(let s) = values[index] else { throw mismatch(index, expected: "text") }
        return s
    }

    package func optionalString(_ index: Int) throws -> String? {
        if case .null = values[index] { return nil }
        return try string(index)
    }

    package func blob(_ index: Int) throws -> [UInt8] {
        guard case .blob(let b) = values[index] else { throw mismatch(index, expected: "a blob") }
        return b
    }
}

/// A stored value that is not of the type its reader expects: a sign of a damaged or
/// hand-edited store, reported rather than read as 0 or "".
package struct RowDecodingError: Error, CustomStringConvertible, Equatable {
    package var column: Int
    package var name: String?
    package var expected: String
    package var found: SQLValue

    package var description: String {
        let what: String
        switch found {
        case .null: what = "NULL"
        case .integer(let v): what = "the integer \(v)"
        case .real(let v): what = "the number \(v)"
        case .text(let s): what = "the text '\(s.prefix(40))'"
        case .blob(let b): what = "a blob of \(b.count) bytes"
        }
        return "the store is damaged: column \(name ?? String(column)) holds \(what) where \(expected) was expected"
    }
}
