import Foundation
import Telemetry

/// One writer connection and a bounded set of reader connections to one database, shared between threads.
///
/// - `write { db in … }` runs a transaction on the single writer connection (callers queue for it).
/// - `read { db in … }` runs a read-only snapshot transaction on a reader connection: it sees the database as of
///   its start, in full, and neither blocks nor is blocked by the writer (SQLite WAL / PostgreSQL MVCC).
/// - `acquireWriterLock` makes this process the only writer of the database across processes (PostgreSQL
///   advisory lock on the writer session; SQLite `flock` on `<file>-writer.lock`).
///
/// Connections open lazily. A pool opened `readOnly` never opens a writer (for `serve`, `match`, CLI queries).
public final class DatabasePool: @unchecked Sendable {
    /// Whether the pool may write.
    public enum Mode: Sendable { case readWrite, readOnly }

    /// Where the database is.
    public let location: DatabaseLocation
    /// The pool's mode.
    public let mode: Mode
    /// The largest number of reader connections open at once.
    public let maximumReaders: Int
    /// The SQL flavour.
    public var dialect: SQLDialect { location.dialect }

    private let sqliteConfiguration: SQLiteConfiguration
    private let reconnectPolicy: ReconnectPolicy
    private let applicationName: String
    private let logger: Logger
    // Lock order: writerMutex before state. `state` guards everything below it.
    private let writerMutex = NSRecursiveLock()
    private var writer: (any DatabaseConnection)?
    private var fileLock: FileWriterLock?
    private var writerLockKey: Int64?
    private let state = NSCondition()
    private var idleReaders: [any DatabaseConnection] = []
    private var openReaders = 0
    private var closed = false

    /// Creates a pool; the first `write`/`read` opens its connection.
    ///
    /// - Parameters:
    ///   - maximumReaders: reader connections open at once; further `read` calls wait for a free one.
    ///   - sqlite: settings of SQLite connections (readers use `sqlite.reader`).
    ///   - reconnectPolicy: how PostgreSQL connections are restored.
    ///   - applicationName: the PostgreSQL `application_name` (shown in `pg_stat_activity`).
    public init(location: DatabaseLocation, mode: Mode = .readWrite, maximumReaders: Int = 4,
                sqlite: SQLiteConfiguration = SQLiteConfiguration(), reconnectPolicy: ReconnectPolicy = ReconnectPolicy(),
                applicationName: String = "kalypso-mirror", logger: Logger) {
        self.location = location
        self.mode = mode
        self.maximumReaders = max(1, maximumReaders)
        sqliteConfiguration = sqlite
        self.reconnectPolicy = reconnectPolicy
        self.applicationName = applicationName
        self.logger = logger
    }

    deinit { close() }

    // MARK: Writer

    /// Runs `body` in a write transaction on the writer connection.
    @discardableResult
    public func write<T>(_ body: (any DatabaseConnection) throws -> T) throws -> T {
        try withWriter { db in try db.transaction { try body(db) } }
    }

    /// Runs `body` with exclusive use of the writer connection, outside any transaction (for migrations, or
    /// several transactions in a row).
    @discardableResult
    public func withWriter<T>(_ body: (any DatabaseConnection) throws -> T) throws -> T {
        writerMutex.lock()
        defer { writerMutex.unlock() }
        return try body(try writerConnection())
    }

    /// Applies pending migrations on the writer connection (see `Migrator`).
    @discardableResult
    public func migrate(_ migrations: MigrationSet) throws -> [Migration] {
        try withWriter { db in try Migrator(logger: logger).migrate(db, migrations) }
    }

    /// Makes this pool the only writer of the database until `releaseWriterLock()` or `close()`.
    ///
    /// - Parameters:
    ///   - name: the lock's name (PostgreSQL advisory key `advisoryLockKey(for: name)`; ignored for SQLite,
    ///     which locks `<file>-writer.lock`).
    ///   - wait: wait for the current holder to finish instead of failing.
    /// - Throws: `.writerLockHeld` naming the holder when another writer is active and `wait` is false.
    public func acquireWriterLock(name: String = "kalypso-mirror.writer", wait: Bool) throws {
        try withWriter { db in
            switch location {
            case .sqlite(let path):
                let lock = fileLock ?? FileWriterLock(databasePath: path)
                if try !lock.acquire(wait: false) {
                    guard wait else {
                        throw DatabaseError(.writerLockHeld, "\(lock.holderDescription()) is already writing to '\(path)' (it holds \(lock.path)); only one writer may run at a time — stop it first, wait for it, or open this one read-only")
                    }
                    logger.notice("waiting for the writer lock", [("lock", lock.path), ("holder", lock.holderDescription())])
                    _ = try lock.acquire(wait: true)
                }
                fileLock = lock
            case .postgres:
                guard let pg = db as? PostgresConnection else { return }
                let key = PostgresConnection.advisoryLockKey(for: name)
                if wait {
                    if let holder = try pg.advisoryLockHolder(key) {
                        logger.notice("waiting for the writer lock", [("lock", name), ("holder", holder)])
                    }
                    try pg.acquireAdvisoryLock(key)
                } else if try !pg.tryAcquireAdvisoryLock(key) {
                    let holder = try pg.advisoryLockHolder(key) ?? "another session"
                    throw DatabaseError(.writerLockHeld, "\(holder) already holds the writer lock '\(name)' on \(location); only one writer may run at a time — stop it first, wait for it, or open this one read-only")
                }
                writerLockKey = key
            }
        }
    }

    /// Releases the writer lock if held.
    public func releaseWriterLock() throws {
        try withWriter { db in
            fileLock?.release()
            fileLock = nil
            if let key = writerLockKey, let pg = db as? PostgresConnection { try pg.releaseAdvisoryLock(key) }
            writerLockKey = nil
        }
    }

    private func writerConnection() throws -> any DatabaseConnection {
        if let writer { return writer }
        guard mode == .readWrite else {
            throw DatabaseError(.misuse, "the pool for \(location) was opened read-only; open it in readWrite mode to write")
        }
        let connection = try open(reader: false)
        writer = connection
        return connection
    }

    // MARK: Readers

    /// Runs `body` in a read-only snapshot transaction on a reader connection.
    @discardableResult
    public func read<T>(_ body: (any DatabaseConnection) throws -> T) throws -> T {
        let connection = try checkOut()
        defer { checkIn(connection) }
        return try connection.readSnapshot { try body(connection) }
    }

    private func checkOut() throws -> any DatabaseConnection {
        state.lock()
        while true {
            if closed {
                state.unlock()
                throw DatabaseError(.misuse, "the database pool for \(location) is closed")
            }
            if let idle = idleReaders.popLast() {
                state.unlock()
                return idle
            }
            if openReaders < maximumReaders { break }
            state.wait()
        }
        openReaders += 1
        state.unlock()
        do {
            return try open(reader: true)
        } catch {
            state.lock()
            openReaders -= 1
            state.signal()
            state.unlock()
            throw error
        }
    }

    private func checkIn(_ connection: any DatabaseConnection) {
        state.lock()
        defer { state.unlock() }
        if closed {
            connection.close()
            openReaders -= 1
        } else {
            idleReaders.append(connection)
        }
        state.signal()
    }

    private func open(reader: Bool) throws -> any DatabaseConnection {
        switch location {
        case .sqlite(let path):
            if reader && mode == .readWrite { _ = try writerConnectionForFileCreation() }
            return try SQLiteConnection(path: path, configuration: reader ? sqliteConfiguration.reader : sqliteConfiguration, logger: logger)
        case .postgres(let url):
            return try PostgresConnection(url: url, applicationName: applicationName, reconnectPolicy: reconnectPolicy, logger: logger)
        }
    }

    /// A read-write SQLite pool opens its writer before the first reader, so the file exists in WAL mode.
    private func writerConnectionForFileCreation() throws -> any DatabaseConnection {
        writerMutex.lock()
        defer { writerMutex.unlock() }
        return try writerConnection()
    }

    /// Closes every connection (idle readers now, busy ones when they are returned) and releases the writer lock.
    public func close() {
        writerMutex.lock()
        fileLock?.release()
        fileLock = nil
        writer?.close()
        writer = nil
        writerMutex.unlock()
        state.lock()
        closed = true
        for r in idleReaders { r.close() }
        openReaders -= idleReaders.count
        idleReaders = []
        state.broadcast()
        state.unlock()
    }
}
