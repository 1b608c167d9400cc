import CSQLite
import Foundation

/// An error reported by SQLite, with its result code, message and the SQL that failed.
package struct SQLiteError: Error, CustomStringConvertible {
    package var code: Int32
    package var message: String
    package var sql: String?

    package var description: String {
        var text = "SQLite error \(code): \(message)"
        if let sql { text += " (in: \(sql.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200)))" }
        return text
    }

    /// True for SQLITE_BUSY and its extended codes: another connection held a lock for longer
    /// than the busy timeout.
    package var isBusy: Bool { code & 0xFF == SQLITE_BUSY }

    /// True for SQLITE_CONSTRAINT and its extended codes.
    package var isConstraintViolation: Bool { code & 0xFF == SQLITE_CONSTRAINT }
}
