import CSQLite
import Foundation

/// SQLite's marker that bound text and blobs must be copied before the call returns.
let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A prepared statement. Reuse one for many rows: `reset()`, bind, step.
package final class Statement {
    let handle: OpaquePointer
    unowned let database: Database
    package let sql: String

    init(database: Database, sql: String) throws {
        var handle: OpaquePointer?
        let code = sqlite3_prepare_v2(database.handle, sql, -1, &handle, nil)
        guard code == SQLITE_OK, let handle else { throw database.error(code, sql: sql) }
        self.handle = handle
        self.database = database
        self.sql = sql
        names = (0..<sqlite3_column_count(handle)).map { String(cString: sqlite3_column_name(handle, $0)) }
    }

    /// The result's column names.
    let names: [String]

    deinit { sqlite3_finalize(handle) }

    /// Makes the statement ready to run again. Bindings are kept: bind every parameter anew.
    package func reset() {
        sqlite3_reset(handle)
    }

    package func bind(_ values: [SQLValue]) throws {
        for (i, value) in values.enumerated() { try bind(value, at: Int32(i + 1)) }
    }

    package func bind(_ value: SQLValue, at index: Int32) throws {
        let code: Int32
        switch value {
        case .null: code = sqlite3_bind_null(handle, index)
        case .integer(let v): code = sqlite3_bind_int64(handle, index, v)
        case .real(let v): code = sqlite3_bind_double(handle, index, v)
        case .text(let s): code = bindText(s, at: index)
        case .blob(let b):
            code = b.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT) }
        }
        guard code == SQLITE_OK else { throw database.error(code, sql: sql) }
    }

    package func bind(_ value: Int64, at index: Int32) throws {
        let code = sqlite3_bind_int64(handle, index, value)
        guard code == SQLITE_OK else { throw database.error(code, sql: sql) }
    }

    package func bind(_ value: String?, at index: Int32) throws {
        let code = value.map { bindText($0, at: index) } ?? sqlite3_bind_null(handle, index)
        guard code == SQLITE_OK else { throw database.error(code, sql: sql) }
    }

    /// Binds UTF-8 text without copying it; nil binds NULL. SQLite reads the bytes whenever the
    /// statement steps, so they must stay valid and unchanged until the parameter is bound
    /// again or `clearBindings()` is called.
    package func bindUnretained(_ bytes: UnsafeBufferPointer<UInt8>?, at index: Int32) throws {
        let code = bytes.map { bindText($0, at: index, copy: false) } ?? sqlite3_bind_null(handle, index)
        guard code == SQLITE_OK else { throw database.error(code, sql: sql) }
    }

    /// Binds NULL to every parameter, letting go of text bound with `bindUnretained`.
    package func clearBindings() {
        sqlite3_clear_bindings(handle)
    }

    private func bindText(_ s: String, at index: Int32) -> Int32 {
        var s = s
        return s.withUTF8 { bindText($0, at: index, copy: true) }
    }

    /// Binds UTF-8 text, copied by SQLite at once or (`copy` false) read in place when the
    /// statement steps. Empty text is always copied: it may have no address of its own.
    private func bindText(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int32, copy: Bool) -> Int32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            return sqlite3_bind_text(handle, index, "", 0, SQLITE_TRANSIENT)
        }
        return sqlite3_bind_text(handle, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self),
                                 Int32(bytes.count), copy ? SQLITE_TRANSIENT : nil)
    }

    /// Steps once; returns the row, or nil when the statement is done.
    package func step() throws -> Row? {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW:
            return Row(values: (0..<sqlite3_column_count(handle)).map(column), names: names)
        case SQLITE_DONE:
            return nil
        default:
            throw database.error(code, sql: sql)
        }
    }

    /// Steps once without converting the row (read it with `textBytes`); false when done.
    package func advance() throws -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        if code == SQLITE_DONE { return false }
        throw database.error(code, sql: sql)
    }

    /// The UTF-8 bytes of a column of the current row, valid until the next step; nil for NULL
    /// (`sqlite3_column_text` returns a null pointer exactly for NULL, and a pointer to an empty
    /// string for an empty text).
    package func textBytes(_ index: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard let text = sqlite3_column_text(handle, index) else { return nil }
        return UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, index)))
    }

    /// Steps until done (for statements that return no rows).
    package func runToEnd() throws {
        while try step() != nil {}
    }

    private func column(_ index: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, index))
        case SQLITE_TEXT:
            let count = Int(sqlite3_column_bytes(handle, index))
            guard let text = sqlite3_column_text(handle, index) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, index))
            guard let bytes = sqlite3_column_blob(handle, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            return .null
        }
    }
}
