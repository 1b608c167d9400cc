import CSQLite
import Foundation

/// One SQLite connection. Statements are prepared from SQL text with `?` placeholders and
/// values are always bound, never spliced into the SQL.
public final class Database {
    let handle: OpaquePointer
    public let path: String
    private var transactionDepth = 0

    /// Process-wide settings, applied once before the first connection opens.
    private static let configured: Void = {
        _ = dq_sqlite3_disable_memory_statistics()
    }()

    /// Opens (creating if needed) the database file at `path`.
    public init(path: String) throws {
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
        sqlite3_busy_timeout(handle, 5000)
    }

    deinit { sqlite3_close_v2(handle) }

    func error(_ code: Int32, sql: String?) -> SQLiteError {
        SQLiteError(code: code, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    /// Runs one or more statements that take no parameters (schema changes, pragmas).
    public func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        if code != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw SQLiteError(code: code, message: text, sql: sql)
        }
    }

    /// Prepares `sql`; the statement is finalised when it is released.
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// Runs `sql` once with `values` bound to its placeholders.
    public func run(_ sql: String, _ values: [SQLValue] = []) throws {
        let statement = try prepare(sql)
        try statement.bind(values)
        try statement.runToEnd()
    }

    /// Runs `sql` once per element of `rows`, with `values(row)` bound to its placeholders: one
    /// prepared statement for all of them (call inside a transaction for speed and atomicity).
    public func runForEach<Rows: Sequence>(_ sql: String, _ rows: Rows, values: (Rows.Element) throws -> [SQLValue]) throws {
        let statement = try prepare(sql)
        for row in rows {
            statement.reset()
            try statement.bind(try values(row))
            try statement.runToEnd()
        }
    }

    /// All rows of a query.
    public func rows(_ sql: String, _ values: [SQLValue] = []) throws -> [Row] {
        let statement = try prepare(sql)
        try statement.bind(values)
        var rows: [Row] = []
        while let row = try statement.step() { rows.append(row) }
        return rows
    }

    /// The first row of a query, or nil.
    public func row(_ sql: String, _ values: [SQLValue] = []) throws -> Row? {
        let statement = try prepare(sql)
        try statement.bind(values)
        return try statement.step()
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Runs `body` inside a transaction: committed when it returns, rolled back when it throws.
    /// Nested calls use savepoints, so an inner failure undoes only the inner work.
    public func inTransaction<T>(_ body: () throws -> T) throws -> T {
        let savepoint = "dq_\(transactionDepth)"
        if transactionDepth == 0 {
            try execute("BEGIN IMMEDIATE")
        } else {
            try execute("SAVEPOINT \(savepoint)")
        }
        transactionDepth += 1
        do {
            let result = try body()
            transactionDepth -= 1
            try execute(transactionDepth == 0 ? "COMMIT" : "RELEASE \(savepoint)")
            return result
        } catch {
            transactionDepth -= 1
            if transactionDepth == 0 {
                try? execute("ROLLBACK")
            } else {
                try? execute("ROLLBACK TO \(savepoint); RELEASE \(savepoint)")
            }
            throw error
        }
    }
}

/// A value bound to, or read from, a statement.
public enum SQLValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
    public init(nilLiteral: ()) { self = .null }

    public init(_ value: String?) { self = value.map { .text($0) } ?? .null }
    public init(_ value: Int?) { self = value.map { .integer(Int64($0)) } ?? .null }
    public init(_ value: Double?) { self = value.map { .real($0) } ?? .null }
}

/// One result row, read by column position.
public struct Row: Sendable {
    public var values: [SQLValue]

    public subscript(index: Int) -> SQLValue { values[index] }

    public func int(_ index: Int) -> Int {
        switch values[index] {
        case .integer(let v): return Int(v)
        case .real(let v): return Int(v)
        case .text(let s): return Int(s) ?? 0
        default: return 0
        }
    }

    public func optionalInt(_ index: Int) -> Int? {
        if case .null = values[index] { return nil }
        return int(index)
    }

    public func double(_ index: Int) -> Double {
        switch values[index] {
        case .integer(let v): return Double(v)
        case .real(let v): return v
        case .text(let s): return Double(s) ?? .nan
        default: return .nan
        }
    }

    public func string(_ index: Int) -> String {
        optionalString(index) ?? ""
    }

    public func optionalString(_ index: Int) -> String? {
        switch values[index] {
        case .text(let s): return s
        case .integer(let v): return String(v)
        case .real(let v): return String(v)
        case .blob(let b): return String(decoding: b, as: UTF8.self)
        case .null: return nil
        }
    }
}
