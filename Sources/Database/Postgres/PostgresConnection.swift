import CPostgres
import Foundation
import Telemetry

/// A PostgreSQL session over libpq.
///
/// - Statements are prepared once per session (`PQprepare`, cached by text and parameter types) and run with
///   `PQexecPrepared`: parameters in binary (integers, floats, bools, bytea) or text (strings, numeric); results
///   in text format, converted by column type.
/// - **Connection loss** (server restart, `pg_terminate_backend`, network) is detected after the failing call and
///   the session is re-established with `ReconnectPolicy` backoff. Outside a transaction the failed statement is
///   then run again. Inside a transaction the work is gone: the call throws `.connectionLost`, later statements of
///   the same transaction throw too (they must never run in autocommit), and the next call after the transaction
///   reconnects. `reconnectCount` lets callers notice a new session and reload cached state.
/// - Session settings belong in the URL (`?options=-c%20search_path%3Dmirror`): a new session only has those.
/// - Session advisory locks taken through this type are re-taken after a reconnect; if another session took one
///   meanwhile, calls throw `.writerLockLost` until the caller re-acquires or releases it (see the lock extension).
public final class PostgresConnection: DatabaseConnection, TransactionControl {
    /// The URL with the password hidden.
    public let redactedURL: String
    /// How lost connections are restored.
    public let reconnectPolicy: ReconnectPolicy
    /// How many times the session was re-established.
    public private(set) var reconnectCount = 0
    public var dialect: SQLDialect { .postgres }
    public var isInTransaction: Bool { transactionDepth > 0 }

    var transactionDepth = 0
    let logger: Logger
    private var conn: OpaquePointer?
    /// The connection dropped inside the open transaction: its statements must fail until it ends.
    private var transactionLost = false
    private var statements: [String: (name: String, lastUse: UInt64)] = [:]
    private var statementClock: UInt64 = 0
    private let statementCapacity: Int
    private let notices: NoticeSink
    /// Session advisory locks this session holds (re-taken after a reconnect).
    var heldAdvisoryLocks: Set<Int64> = []
    /// Locks another session took while this one was reconnecting.
    var lostAdvisoryLocks: Set<Int64> = []

    /// Connects to `url` (`postgres://user:password@host:port/database?sslmode=…`).
    ///
    /// - Parameters:
    ///   - applicationName: shown in `pg_stat_activity` (overridden by `application_name` in the URL).
    ///   - statementCacheCapacity: prepared statements kept per session.
    /// - Throws: `.connectionFailed` with libpq's reason (never the password) when the first connection fails.
    public init(url: String, applicationName: String = "kalypso-mirror", reconnectPolicy: ReconnectPolicy = ReconnectPolicy(),
                statementCacheCapacity: Int = 256, logger: Logger) throws {
        redactedURL = PostgresURL.redacted(url)
        self.reconnectPolicy = reconnectPolicy
        self.logger = logger
        statementCapacity = max(1, statementCacheCapacity)
        notices = NoticeSink(logger: logger)
        guard PostgresURL.isPostgres(url) else {
            throw DatabaseError(.invalidLocation, "'\(redactedURL)' is not a PostgreSQL URL; write postgres://user:password@host:port/database")
        }
        // Defaults first: parameters in the URL (processed later, as the expanded dbname) override them.
        let keywords = ["connect_timeout", "application_name", "dbname"]
        let values = ["10", applicationName, url]
        let handle = withCStringArray(keywords) { k in withCStringArray(values) { v in PQconnectdbParams(k, v, 1) } }
        guard let handle else {
            throw DatabaseError(.connectionFailed, "libpq could not allocate a connection to \(redactedURL)")
        }
        conn = handle
        guard PQstatus(handle) == CONNECTION_OK else {
            let why = Self.connectionMessage(handle)
            close()
            throw DatabaseError(.connectionFailed, "cannot connect to \(redactedURL): \(why); check that the server runs, the URL (host, port, database, user, password) and pg_hba.conf")
        }
        PQsetNoticeProcessor(handle, { arg, message in
            guard let arg, let message else { return }
            Unmanaged<NoticeSink>.fromOpaque(arg).takeUnretainedValue().receive(String(cString: message))
        }, Unmanaged.passUnretained(notices).toOpaque())
    }

    deinit { close() }

    /// Closes the session (releasing its advisory locks).
    public func close() {
        if let conn { PQfinish(conn) }
        conn = nil
        statements = [:]
        heldAdvisoryLocks = []
    }

    /// The server process id of the current session (for `pg_terminate_backend`, `pg_stat_activity`).
    public var backendPID: Int32 { conn.map { PQbackendPID($0) } ?? 0 }

    // MARK: Statements

    @discardableResult
    public func execute(_ query: SQLQuery) throws -> Int {
        let result = try run(query)
        defer { PQclear(result) }
        // Like SQLite: a plain SELECT changes nothing (its tag "SELECT n" counts rows read, not changed).
        if let tag = PQcmdStatus(result), String(cString: tag).hasPrefix("SELECT") { return 0 }
        return PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
    }

    public func query(_ query: SQLQuery) throws -> [DatabaseRow] {
        let result = try run(query)
        defer { PQclear(result) }
        return try PostgresResult.rows(of: result)
    }

    public func executeScript(_ sql: String) throws {
        PQclear(try runSimple(sql))
    }

    /// Runs a prepared statement, reconnecting and retrying after a connection loss outside transactions.
    private func run(_ query: SQLQuery) throws -> OpaquePointer {
        let sql = query.sql(for: .postgres)
        let params = try PostgresParameters(query.binds, sql: sql)
        let key = sql + "\u{0}" + params.types.map(String.init).joined(separator: ",")
        return try withReconnection(sql: sql) { conn in
            let name: String
            do {
                name = try preparedName(for: key, sql: sql, params: params, conn: conn)
            } catch let failed as PreparationFailed {
                return .failure(failed.error, nil)
            }
            let result = params.withUnsafeArguments { values, lengths, formats in
                PQexecPrepared(conn, name, Int32(params.types.count), values, lengths, formats, 0)
            }
            if let error = Self.failure(result, conn: conn, sql: sql) {
                // A schema change can invalidate a cached plan (0A000), or something deallocated it (26000):
                // forget it so the retry (outside transactions) prepares it afresh.
                if error.sqlState == "0A000" || error.sqlState == "26000" {
                    statements[key] = nil
                    if transactionDepth == 0 { PQclear(PQexec(conn, "DEALLOCATE \(name)")) }
                }
                return .failure(error, result)
            }
            return .success(result)
        }
    }

    /// Runs trusted text with the simple protocol (several statements allowed, no parameters).
    private func runSimple(_ sql: String) throws -> OpaquePointer {
        try withReconnection(sql: sql) { conn in
            let result = PQexec(conn, sql)
            if let error = Self.failure(result, conn: conn, sql: sql) { return .failure(error, result) }
            return .success(result)
        }
    }

    enum Attempt {
        case success(OpaquePointer?)
        case failure(DatabaseError, OpaquePointer?)
    }

    /// Runs `attempt`; on a lost connection reconnects (outside transactions) and runs it again.
    func withReconnection(sql: String, _ attempt: (OpaquePointer) throws -> Attempt) throws -> OpaquePointer {
        var retries = 0
        var evictionRetries = 0
        while true {
            let conn = try usableConnection(sql: sql)
            switch try attempt(conn) {
            case .success(let result?):
                return result
            case .success(nil):
                throw DatabaseError(.connectionLost, "libpq returned no result: \(Self.connectionMessage(conn))", sql: sql)
            case .failure(let error, let result):
                PQclear(result)
                if PQstatus(conn) != CONNECTION_OK {
                    if transactionDepth > 0 {
                        transactionLost = true
                        throw DatabaseError(.connectionLost, "the connection to \(redactedURL) was lost inside a transaction, which the server rolled back (\(error.message)); retry the whole transaction", sqlState: error.sqlState, sql: sql)
                    }
                    retries += 1
                    guard retries <= reconnectPolicy.maximumAttempts else { throw error }
                    logger.warning("PostgreSQL connection lost; reconnecting", [("url", redactedURL), ("error", error.message)])
                    continue
                }
                if (error.sqlState == "0A000" || error.sqlState == "26000") && evictionRetries == 0 && transactionDepth == 0 {
                    evictionRetries += 1
                    continue
                }
                throw error
            }
        }
    }

    /// The connection, re-established first if it was lost and no transaction is open.
    private func usableConnection(sql: String?) throws -> OpaquePointer {
        guard let conn else { throw DatabaseError(.misuse, "the PostgreSQL connection to \(redactedURL) is closed") }
        if transactionLost {
            throw DatabaseError(.connectionLost, "the connection was lost earlier in this transaction; let the transaction end (throw) and retry it", sql: sql)
        }
        if !lostAdvisoryLocks.isEmpty {
            throw DatabaseError(.writerLockLost, "while this session was reconnecting, another session took the advisory lock(s) \(lostAdvisoryLocks.sorted()); another writer is active, so this one must stop (release or re-acquire the lock to go on)")
        }
        if PQstatus(conn) == CONNECTION_OK { return conn }
        if transactionDepth > 0 {
            transactionLost = true
            throw DatabaseError(.connectionLost, "the connection to \(redactedURL) was lost inside a transaction; retry the whole transaction", sql: sql)
        }
        try reconnect(conn)
        return conn
    }

    /// `PQreset` with backoff; then clears the statement cache and re-takes advisory locks.
    private func reconnect(_ conn: OpaquePointer) throws {
        let started = Date()
        var lastError = Self.connectionMessage(conn)
        for attempt in 1...reconnectPolicy.maximumAttempts {
            let pause = reconnectPolicy.delay(beforeAttempt: attempt)
            if pause > 0 { Thread.sleep(forTimeInterval: pause) }
            PQreset(conn)
            if PQstatus(conn) == CONNECTION_OK {
                reconnectCount += 1
                statements = [:]
                logger.notice("PostgreSQL session re-established", [("url", redactedURL), ("attempt", String(attempt)), ("pid", String(PQbackendPID(conn)))])
                try retakeAdvisoryLocks(conn)
                return
            }
            lastError = Self.connectionMessage(conn)
            logger.warning("PostgreSQL reconnect failed", [("url", redactedURL), ("attempt", String(attempt)), ("error", lastError)])
        }
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        throw DatabaseError(.connectionLost, "lost the connection to \(redactedURL) and could not reconnect in \(reconnectPolicy.maximumAttempts) attempts over \(seconds) s: \(lastError); check that the server is running and reachable — the next call tries again")
    }

    /// The name of the prepared statement for `key`, preparing it (and evicting the least recently used) if needed.
    private func preparedName(for key: String, sql: String, params: PostgresParameters, conn: OpaquePointer) throws -> String {
        statementClock += 1
        if let hit = statements[key] {
            statements[key] = (hit.name, statementClock)
            return hit.name
        }
        if statements.count >= statementCapacity, let oldest = statements.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            statements[oldest.key] = nil
            // The name is generated here (kalypso_N), never input; DEALLOCATE takes no parameters.
            PQclear(PQexec(conn, "DEALLOCATE \(oldest.value.name)"))
        }
        let name = "kalypso_\(statementClock)"
        let result = params.types.withUnsafeBufferPointer { types in
            PQprepare(conn, name, sql, Int32(params.types.count), types.baseAddress)
        }
        defer { PQclear(result) }
        if let error = Self.failure(result, conn: conn, sql: sql) {
            // Reported through the normal path so a lost connection is recognised there.
            throw PreparationFailed(error: error)
        }
        statements[key] = (name, statementClock)
        return name
    }

    /// A `PQprepare` failure, turned into an `Attempt.failure` by `run`.
    struct PreparationFailed: Error { let error: DatabaseError }

    /// nil for a successful result; otherwise its error.
    static func failure(_ result: OpaquePointer?, conn: OpaquePointer, sql: String?) -> DatabaseError? {
        guard let result else { return PostgresResult.error(of: nil, connection: conn, sql: sql) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: return nil
        default: return PostgresResult.error(of: result, connection: conn, sql: sql)
        }
    }

    static func connectionMessage(_ conn: OpaquePointer) -> String {
        PQerrorMessage(conn).map { String(cString: $0) }?.trimmingSpaces() ?? "unknown libpq error"
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
            try executeScript("BEGIN")
        case .readSnapshot:
            // The snapshot is taken at the first query, so take it now: the view is the moment readSnapshot began.
            try executeScript("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT 1")
        }
    }

    func commitTransaction() throws {
        guard let conn, !transactionLost else {
            throw DatabaseError(.connectionLost, "the connection was lost inside the transaction, so nothing was committed; retry the whole transaction")
        }
        if PQtransactionStatus(conn) == PQTRANS_INERROR {
            throw DatabaseError(.transactionAborted, "a statement failed inside the transaction (and its error was caught), so PostgreSQL can only roll it back; nothing was committed")
        }
        let result: OpaquePointer
        do {
            result = try runSimple("COMMIT")
        } catch let error as DatabaseError where error.code == .connectionLost {
            throw DatabaseError(.connectionLost, "the connection was lost during COMMIT: the transaction may or may not be committed; make the work idempotent and retry it", sqlState: error.sqlState)
        }
        defer { PQclear(result) }
        if let tag = PQcmdStatus(result).map({ String(cString: $0) }), tag == "ROLLBACK" {
            throw DatabaseError(.transactionAborted, "PostgreSQL rolled the transaction back at COMMIT after an earlier error; nothing was committed")
        }
    }

    func rollbackTransaction() {
        defer { transactionLost = false }
        guard let conn, !transactionLost, PQstatus(conn) == CONNECTION_OK else { return }
        PQclear(PQexec(conn, "ROLLBACK"))
    }
}

/// Routes server notices (for example "relation already exists, skipping") to the logger instead of stderr.
final class NoticeSink: @unchecked Sendable {
    let logger: Logger
    init(logger: Logger) { self.logger = logger }
    func receive(_ message: String) { logger.debug("PostgreSQL notice", [("message", message.trimmingSpaces())]) }
}

/// Calls `body` with a NULL-terminated array of C strings.
func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers = copies.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
}
