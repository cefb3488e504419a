import CSQLite
import Foundation
import Telemetry

/// A connection to a SQLite database file (WAL mode; see `SQLiteConfiguration` for the durability choices).
///
/// Use one writer connection and any number of read-only connections per file (`DatabasePool` does this):
/// readers inside `readSnapshot` keep seeing the database as of their first read while the writer commits.
public final class SQLiteConnection: DatabaseConnection, TransactionControl {
    /// The database file.
    public let path: String
    /// The settings it was opened with.
    public let configuration: SQLiteConfiguration
    public var dialect: SQLDialect { .sqlite }
    public var isInTransaction: Bool { transactionDepth > 0 }

    var transactionDepth = 0
    private var db: OpaquePointer?
    private let cache: SQLiteStatementCache
    private let logger: Logger

    /// Opens (and for writers creates) the database at `path`, switching it to WAL mode.
    ///
    /// - Throws: `DatabaseError` `.connectionFailed` naming the path when it cannot be opened or configured.
    public init(path: String, configuration: SQLiteConfiguration = SQLiteConfiguration(), logger: Logger) throws {
        self.path = path
        self.configuration = configuration
        self.logger = logger
        cache = SQLiteStatementCache(capacity: configuration.statementCacheCapacity)
        var flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
        if configuration.create && !configuration.readOnly { flags |= SQLITE_OPEN_CREATE }
        var handle: OpaquePointer?
        let rc = sqlite3_open_v2(path, &handle, Int32(flags), nil)
        guard rc == SQLITE_OK, let handle else {
            let why = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            if let handle { sqlite3_close_v2(handle) }
            throw DatabaseError(.connectionFailed, "cannot open SQLite database '\(path)': \(why); check that the directory exists and is writable\(configuration.create ? "" : " and that the writer has created the file")", sqliteCode: rc)
        }
        db = handle
        sqlite3_extended_result_codes(handle, 1)
        do {
            try configure(handle)
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    private func configure(_ handle: OpaquePointer) throws {
        sqlite3_busy_timeout(handle, configuration.busyTimeoutMilliseconds)
        if !configuration.readOnly, let size = configuration.pageSize {
            // Takes effect only while the file is still empty (before WAL mode and the first table); later a no-op.
            try executeScript("PRAGMA page_size = \(size)")
        }
        if !configuration.readOnly {
            let mode = try query("PRAGMA journal_mode = WAL").first.flatMap { try? $0.decode(String.self, at: 0) } ?? "?"
            guard mode.lowercased() == "wal" else {
                throw DatabaseError(.connectionFailed, "SQLite database '\(path)' refused WAL mode (journal_mode is \(mode)); use a file on a local file system")
            }
        }
        try executeScript("PRAGMA synchronous = \(configuration.synchronous.rawValue)")
        try executeScript("PRAGMA foreign_keys = \(configuration.foreignKeys ? "ON" : "OFF")")
        if let kib = configuration.cacheSizeKiB { try executeScript("PRAGMA cache_size = -\(max(1, kib))") }
        if configuration.readOnly { try executeScript("PRAGMA query_only = ON") }
    }

    /// Finalizes cached statements and closes the file. An open transaction is rolled back.
    public func close() {
        cache.removeAll()
        if let db { sqlite3_close_v2(db) }
        db = nil
    }

    // MARK: Statements

    @discardableResult
    public func execute(_ query: SQLQuery) throws -> Int {
        let db = try handle()
        let sql = query.sql(for: .sqlite)
        let stmt = try prepared(query, sql: sql, db: db)
        defer { finish(stmt) }
        let before = sqlite3_total_changes64(db)
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { break }
            if rc != SQLITE_ROW { throw stepFailure(rc, db: db, sql: sql) }
        }
        if sqlite3_stmt_readonly(stmt) != 0 || sqlite3_total_changes64(db) == before { return 0 }
        return Int(sqlite3_changes64(db))
    }

    /// Runs `template` with `arguments[parameters]` bound in place: integers directly, text and bytes as pointers into
    /// the arguments' storage (`SQLITE_STATIC`), valid for the step and cleared right after it.
    func executeInPlace(_ template: SQLTemplate, _ arguments: SQLArguments, parameters: Range<Int>) throws -> Int {
        let db = try handle()
        let sql = template.sql(for: .sqlite)
        let stmt = try cache.statement(for: template, db: db)
        defer { finish(stmt) }
        let expected = Int(sqlite3_bind_parameter_count(stmt))
        guard expected == parameters.count, parameters.lowerBound >= 0, parameters.upperBound <= arguments.count else {
            throw DatabaseError(.misuse, "the statement has \(expected) parameters but \(parameters.count) values (\(parameters) of \(arguments.count)) were given", sql: sql)
        }
        return try arguments.withStorage { slots, bytes -> Int in
            var index: Int32 = 1
            for slot in slots[parameters] {
                let rc: Int32
                let pointer = bytes.baseAddress.map { $0 + Int(slot.word) }
                switch slot.kind {
                case .null: rc = sqlite3_bind_null(stmt, index)
                case .integer, .bool: rc = sqlite3_bind_int64(stmt, index, slot.word)
                case .double: rc = sqlite3_bind_double(stmt, index, Double(bitPattern: UInt64(bitPattern: slot.word)))
                case .text:
                    if let pointer, slot.length > 0 {
                        rc = sqlite3_bind_text64(stmt, index, pointer.assumingMemoryBound(to: CChar.self), UInt64(slot.length),
                                                 kalypso_sqlite_static(), UInt8(SQLITE_UTF8))
                    } else {
                        rc = sqlite3_bind_text(stmt, index, "", 0, kalypso_sqlite_static())
                    }
                case .blob, .uint256:
                    if let pointer, slot.length > 0 {
                        rc = sqlite3_bind_blob64(stmt, index, pointer, UInt64(slot.length), kalypso_sqlite_static())
                    } else {
                        rc = sqlite3_bind_zeroblob(stmt, index, 0)
                    }
                case .invalid:
                    let why = pointer.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: Int(slot.length)), as: UTF8.self) } ?? ""
                    throw DatabaseError(.invalidParameter, "parameter \(index): \(why)", sql: sql)
                }
                guard rc == SQLITE_OK else { throw Self.error(db: db, rc: rc, sql: sql, context: "binding parameter \(index)") }
                index += 1
            }
            let before = sqlite3_total_changes64(db)
            while true {
                let rc = sqlite3_step(stmt)
                if rc == SQLITE_DONE { break }
                if rc != SQLITE_ROW { throw stepFailure(rc, db: db, sql: sql) }
            }
            // Clear the bindings while the storage they point into is alive.
            sqlite3_clear_bindings(stmt)
            if sqlite3_stmt_readonly(stmt) != 0 || sqlite3_total_changes64(db) == before { return 0 }
            return Int(sqlite3_changes64(db))
        }
    }

    public func query(_ query: SQLQuery) throws -> [DatabaseRow] {
        let db = try handle()
        let sql = query.sql(for: .sqlite)
        let stmt = try prepared(query, sql: sql, db: db)
        defer { finish(stmt) }
        var rows: [DatabaseRow] = []
        var columns: DatabaseColumns?
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw stepFailure(rc, db: db, sql: sql) }
            // Read the columns after the first step: a schema change re-prepares the statement inside step.
            let current = columns ?? SQLiteStatement.columns(of: stmt)
            columns = current
            rows.append(DatabaseRow(columns: current, values: SQLiteStatement.values(of: stmt, count: current.names.count)))
        }
        return rows
    }

    public func executeScript(_ sql: String) throws {
        let db = try handle()
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &message)
        let text = message.map { String(cString: $0) }
        sqlite3_free(message)
        guard rc == SQLITE_OK else {
            throw Self.error(db: db, rc: rc, sql: sql, context: "running script", message: text)
        }
    }

    private func handle() throws -> OpaquePointer {
        guard let db else { throw DatabaseError(.misuse, "the SQLite connection to '\(path)' is closed") }
        return db
    }

    private func prepared(_ query: SQLQuery, sql: String, db: OpaquePointer) throws -> OpaquePointer {
        let stmt = try cache.statement(for: sql, db: db)
        do {
            try SQLiteStatement.bind(query.binds, to: stmt, sql: sql, db: db)
        } catch {
            finish(stmt)
            throw error
        }
        return stmt
    }

    private func finish(_ stmt: OpaquePointer) {
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
    }

    /// The error of a failed step; notes when SQLite rolled the whole transaction back by itself.
    private func stepFailure(_ rc: Int32, db: OpaquePointer, sql: String) -> DatabaseError {
        let error = Self.error(db: db, rc: rc, sql: sql, context: "running")
        if transactionDepth > 0 && sqlite3_get_autocommit(db) != 0 {
            return DatabaseError(.transactionAborted, "\(error.message); SQLite rolled the whole transaction back", sqliteCode: error.sqliteCode, sql: sql)
        }
        return error
    }

    /// Maps a SQLite result code to a `DatabaseError`.
    static func error(db: OpaquePointer, rc: Int32, sql: String?, context: String, message: String? = nil) -> DatabaseError {
        let extended = sqlite3_extended_errcode(db)
        let text = message ?? String(cString: sqlite3_errmsg(db))
        let code: DatabaseError.Code
        switch rc & 0xff {
        case SQLITE_CONSTRAINT: code = .constraintViolation
        case SQLITE_BUSY, SQLITE_LOCKED: code = .busy
        default: code = .sqlError
        }
        let advice = code == .busy ? "; another connection holds the write lock — retry, or stop the other writer" : ""
        return DatabaseError(code, "SQLite error while \(context): \(text)\(advice)", sqliteCode: extended != 0 ? extended : rc, sql: sql)
    }

    // MARK: Transactions

    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try runTransaction(.write, body)
    }

    @discardableResult
    public func readSnapshot<T>(_ body: () throws -> T) throws -> T {
        try runTransaction(.readSnapshot, body)
    }

    func beginTransaction(_ kind: TransactionKind) throws {
        switch kind {
        case .write:
            try executeScript("BEGIN IMMEDIATE")
        case .readSnapshot:
            try executeScript("BEGIN DEFERRED")
            do {
                // A deferred transaction takes its WAL snapshot at the first read: read now, so the snapshot is
                // the moment `readSnapshot` began, not the moment of the body's first query.
                _ = try query("SELECT count(*) FROM sqlite_schema")
            } catch {
                rollbackTransaction()
                throw error
            }
        }
    }

    func commitTransaction() throws {
        if let db, sqlite3_get_autocommit(db) != 0 {
            throw DatabaseError(.transactionAborted, "the transaction was rolled back by SQLite after an earlier error, so nothing was committed; retry the whole transaction")
        }
        try executeScript("COMMIT")
    }

    func rollbackTransaction() {
        guard let db, sqlite3_get_autocommit(db) == 0 else { return }
        if sqlite3_exec(db, "ROLLBACK", nil, nil, nil) != SQLITE_OK {
            logger.warning("SQLite ROLLBACK failed", [("path", path), ("error", String(cString: sqlite3_errmsg(db)))])
        }
    }
}
