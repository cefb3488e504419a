import CSQLite
import EthereumKit

/// Binding parameters to and reading rows from SQLite statements (handles are owned by `SQLiteStatementCache`).
enum SQLiteStatement {
    /// Binds `binds` to `?1…?N` of `stmt`.
    static func bind(_ binds: [SQLBind], to stmt: OpaquePointer, sql: String, db: OpaquePointer) throws {
        let expected = Int(sqlite3_bind_parameter_count(stmt))
        guard expected == binds.count else {
            throw DatabaseError(.misuse, "the statement has \(expected) parameters but \(binds.count) values were bound; write placeholders only through interpolation", sql: sql)
        }
        for (offset, value) in binds.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(stmt, index)
            case .integer(let v): rc = sqlite3_bind_int64(stmt, index, v)
            case .int32(let v): rc = sqlite3_bind_int64(stmt, index, Int64(v))
            case .double(let v): rc = sqlite3_bind_double(stmt, index, v)
            case .bool(let v): rc = sqlite3_bind_int64(stmt, index, v ? 1 : 0)
            case .text(let v): rc = bindText(v, stmt, index)
            case .blob(let v): rc = bindBlob(v, stmt, index)
            case .uint256(let v): rc = bindBlob(v.bigEndianBytes, stmt, index)
            case .invalid(let why):
                throw DatabaseError(.invalidParameter, "parameter \(index): \(why)", sql: sql)
            }
            guard rc == SQLITE_OK else {
                throw SQLiteConnection.error(db: db, rc: rc, sql: sql, context: "binding parameter \(index)")
            }
        }
    }

    /// Binds UTF-8 text; an empty string binds '' (a nil pointer would bind NULL).
    private static func bindText(_ text: String, _ stmt: OpaquePointer, _ index: Int32) -> Int32 {
        var text = text
        return text.withUTF8 { buf in
            guard let base = buf.baseAddress, buf.count > 0 else {
                return sqlite3_bind_text(stmt, index, "", 0, kalypso_sqlite_static())
            }
            let chars = UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
            return sqlite3_bind_text64(stmt, index, chars, UInt64(buf.count), kalypso_sqlite_transient(), UInt8(SQLITE_UTF8))
        }
    }

    /// Binds bytes; an empty array binds a zero-length blob (a nil pointer would bind NULL).
    private static func bindBlob(_ bytes: [UInt8], _ stmt: OpaquePointer, _ index: Int32) -> Int32 {
        if bytes.isEmpty { return sqlite3_bind_zeroblob(stmt, index, 0) }
        return bytes.withUnsafeBytes { raw in
            sqlite3_bind_blob64(stmt, index, raw.baseAddress, UInt64(raw.count), kalypso_sqlite_transient())
        }
    }

    /// The result's column names.
    static func columns(of stmt: OpaquePointer) -> DatabaseColumns {
        let count = sqlite3_column_count(stmt)
        var names: [String] = []
        names.reserveCapacity(Int(count))
        for i in 0..<count {
            names.append(sqlite3_column_name(stmt, i).map { String(cString: $0) } ?? "column\(i)")
        }
        return DatabaseColumns(names: names)
    }

    /// The current row's values.
    static func values(of stmt: OpaquePointer, count: Int) -> [DatabaseValue] {
        var values: [DatabaseValue] = []
        values.reserveCapacity(count)
        for i in 0..<Int32(count) {
            switch sqlite3_column_type(stmt, i) {
            case SQLITE_INTEGER: values.append(.integer(sqlite3_column_int64(stmt, i)))
            case SQLITE_FLOAT: values.append(.double(sqlite3_column_double(stmt, i)))
            case SQLITE_TEXT:
                let n = Int(sqlite3_column_bytes(stmt, i))
                if let p = sqlite3_column_text(stmt, i) {
                    values.append(.text(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)))
                } else {
                    values.append(.text(""))
                }
            case SQLITE_BLOB:
                let n = Int(sqlite3_column_bytes(stmt, i))
                if let p = sqlite3_column_blob(stmt, i), n > 0 {
                    values.append(.blob(Array(UnsafeRawBufferPointer(start: p, count: n))))
                } else {
                    values.append(.blob([]))
                }
            default: values.append(.null)
            }
        }
        return values
    }
}

/// Prepared statements of one connection, keyed by SQL text, least recently used evicted first.
final class SQLiteStatementCache {
    private var statements: [String: (stmt: OpaquePointer, lastUse: UInt64)] = [:]
    /// Statements of `SQLTemplate`s by template identity (the template is kept alive, so its identity stays unique):
    /// a lookup without hashing the text, which is long for batch statements.
    private var byTemplate: [ObjectIdentifier: (template: SQLTemplate, stmt: OpaquePointer)] = [:]
    private var clock: UInt64 = 0
    private let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// The cached statement of `template` (looked up by identity first).
    func statement(for template: SQLTemplate, db: OpaquePointer) throws -> OpaquePointer {
        if let hit = byTemplate[ObjectIdentifier(template)] { return hit.stmt }
        let stmt = try statement(for: template.sql(for: .sqlite), db: db)
        byTemplate[ObjectIdentifier(template)] = (template, stmt)
        return stmt
    }

    /// The cached statement for `sql`, reset and with cleared bindings, or a newly prepared one.
    func statement(for sql: String, db: OpaquePointer) throws -> OpaquePointer {
        clock += 1
        if let hit = statements[sql] {
            statements[sql] = (hit.stmt, clock)
            return hit.stmt
        }
        let stmt = try prepare(sql, db: db)
        if statements.count >= capacity, let oldest = statements.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            byTemplate = byTemplate.filter { $0.value.stmt != oldest.value.stmt }
            sqlite3_finalize(oldest.value.stmt)
            statements[oldest.key] = nil
        }
        statements[sql] = (stmt, clock)
        return stmt
    }

    /// Finalizes every statement (before closing the connection).
    func removeAll() {
        for (_, entry) in statements { sqlite3_finalize(entry.stmt) }
        statements = [:]
        byTemplate = [:]
    }

    /// Compiles exactly one statement; text after it other than whitespace and comments is refused.
    private func prepare(_ sql: String, db: OpaquePointer) throws -> OpaquePointer {
        var stmt: OpaquePointer?
        var extra: OpaquePointer?
        let rc = sql.withCString { text -> Int32 in
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v3(db, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, &tail)
            if rc == SQLITE_OK, let tail, tail.pointee != 0 {
                // Compile the remainder: comments and whitespace give no statement; anything else is a second one.
                if sqlite3_prepare_v2(db, tail, -1, &extra, nil) != SQLITE_OK || extra != nil { return SQLITE_MISUSE }
            }
            return rc
        }
        if let extra { sqlite3_finalize(extra) }
        if rc == SQLITE_MISUSE {
            if let stmt { sqlite3_finalize(stmt) }
            throw DatabaseError(.misuse, "the text holds more than one statement; run each separately (or executeScript for trusted parameterless SQL)", sql: sql)
        }
        guard rc == SQLITE_OK else {
            throw SQLiteConnection.error(db: db, rc: rc, sql: sql, context: "preparing")
        }
        guard let stmt else {
            throw DatabaseError(.misuse, "the statement is empty (only whitespace or comments)", sql: sql)
        }
        return stmt
    }
}
