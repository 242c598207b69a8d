import Foundation
import GRDB
import GRDBSQLite

/// A cached INSERT whose values are bound straight through SQLite's C API.
/// The recorder writes four rows per update (the update and its metric
/// samples), and GRDB's `execute(arguments:)` boxes every value in
/// `StatementArguments` first: that boxing was most of the writer thread's
/// own time (docs/BENCHMARKS.md, "History: the write path").
struct RowInsert {
    private let statement: Statement

    init(_ db: Database, sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
    }

    /// Binds with `bind` (parameters from 1) and runs the statement once.
    func run(_ bind: (Binder) -> Void) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        bind(Binder(handle: handle))
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
    }

    struct Binder {
        let handle: OpaquePointer

        func callAsFunction(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }
        func callAsFunction(_ index: Int32, _ value: Double) { sqlite3_bind_double(handle, index, value) }
        func callAsFunction(_ index: Int32, _ value: String) {
            sqlite3_bind_text(handle, index, value, -1, transient)
        }
        func callAsFunction(_ index: Int32, _ value: Data) {
            value.withUnsafeBytes { bytes in
                if let base = bytes.baseAddress {
                    sqlite3_bind_blob(handle, index, base, Int32(bytes.count), transient)
                } else {
                    sqlite3_bind_zeroblob(handle, index, 0)
                }
            }
        }
    }
}

/// SQLite copies the value before the bind returns.
private let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
