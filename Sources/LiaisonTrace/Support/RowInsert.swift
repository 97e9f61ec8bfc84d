import GRDB
import GRDBSQLite

/// One insert statement run row after row, its values bound straight from bytes through SQLite's C API. GRDB's
/// arguments make a `String` or `Data` and a boxed value of every column, and copy each again to bind it: with the
/// graph's hundred thousand rows that was most of writing them, where SQLite's own work was a few percent.
struct RowInsert {
    private let statement: Statement

    /// Prepares `sql` in `db`.
    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
    }

    /// Runs a statement already prepared.
    init(_ statement: Statement) {
        self.statement = statement
    }

    /// Binds UTF-8 text to parameter `index` (from 1); SQLite copies it.
    func bind(_ index: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
        // An empty text still needs a pointer: a null one would bind NULL.
        let base = bytes.baseAddress.map { UnsafeRawPointer($0) } ?? UnsafeRawPointer(("" as StaticString).utf8Start)
        sqlite3_bind_text(statement.sqliteStatement, index, base.assumingMemoryBound(to: CChar.self),
                          Int32(bytes.count), Self.transient)
    }

    /// Binds `text` to parameter `index`.
    func bind(_ index: Int32, _ text: String) {
        var text = text
        text.withUTF8 { bind(index, $0) }
    }

    /// Binds `text`, or NULL when it is nil, to parameter `index`.
    func bind(_ index: Int32, _ text: String?) {
        if let text { bind(index, text) } else { sqlite3_bind_null(statement.sqliteStatement, index) }
    }

    /// Binds `bytes` as a blob to parameter `index`; SQLite copies them.
    func bind(_ index: Int32, blob bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            // An empty blob still needs a pointer: a null one would bind NULL.
            let base = buffer.baseAddress ?? UnsafeRawPointer(("" as StaticString).utf8Start)
            sqlite3_bind_blob(statement.sqliteStatement, index, base, Int32(buffer.count), Self.transient)
        }
    }

    /// Binds an integer to parameter `index`.
    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(statement.sqliteStatement, index, value)
    }

    /// Inserts the row bound, and makes the statement ready for the next.
    func step() throws {
        let code = sqlite3_step(statement.sqliteStatement)
        sqlite3_reset(statement.sqliteStatement)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                message: String(cString: sqlite3_errmsg(sqlite3_db_handle(statement.sqliteStatement))),
                                sql: statement.sql)
        }
    }

    /// SQLite's `SQLITE_TRANSIENT`: the value is copied before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
