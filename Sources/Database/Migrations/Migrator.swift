import Foundation
import Telemetry

/// Applies a `MigrationSet` to a database and records each in `schema_migrations(version, name, checksum,
/// applied_at)`.
///
/// Each pending migration runs in its own write transaction with its record. Before anything runs, every recorded
/// migration is checked against the embedded files:
/// - a recorded version whose file's checksum differs → refused: the file changed after it was applied;
/// - a recorded version with no file → refused: the database was migrated by a newer build;
/// - recorded versions that are not 1…k → refused: the table was edited.
///
/// Concurrent starts are safe: each step re-reads the records inside its transaction, which SQLite serialises
/// with `BEGIN IMMEDIATE` and PostgreSQL with a transaction-level advisory lock.
public struct Migrator: Sendable {
    /// The state of a database relative to a migration set.
    public struct Status: Sendable, Equatable {
        /// Versions recorded as applied (1…k).
        public var applied: Int
        /// Migrations not applied yet, in order.
        public var pending: [Migration]
        /// Creates a status.
        public init(applied: Int, pending: [Migration]) {
            self.applied = applied
            self.pending = pending
        }
    }

    /// The advisory-lock key PostgreSQL migrations serialise on.
    public static let postgresLockKey = PostgresConnection.advisoryLockKey(for: "kalypso-mirror.schema_migrations")

    private let logger: Logger

    /// Creates a migrator that logs each applied migration.
    public init(logger: Logger) { self.logger = logger }

    /// Applies the pending migrations; returns those it applied (empty when the schema was current).
    @discardableResult
    public func migrate(_ connection: any DatabaseConnection, _ set: MigrationSet) throws -> [Migration] {
        var applied: [Migration] = []
        while true {
            let next: Migration? = try connection.transaction {
                try lock(connection)
                try createTable(connection)
                guard let migration = try status(connection, set).pending.first else { return nil }
                do {
                    try connection.executeScript(migration.sql)
                } catch let error as DatabaseError {
                    throw DatabaseError(.migration, "migration '\(migration.path)' failed and was rolled back: \(error.message); fix the file (it was never applied) and start again", sqlState: error.sqlState, sqliteCode: error.sqliteCode)
                }
                try connection.execute("""
                    INSERT INTO schema_migrations (version, name, checksum) \
                    VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                    """)
                return migration
            }
            guard let next else { return applied }
            logger.info("applied migration", [("file", next.path), ("checksum", next.checksum)])
            applied.append(next)
        }
    }

    /// Checks the recorded migrations against `set` without changing anything (readers use this to refuse a
    /// schema they do not know). A database without `schema_migrations` has nothing applied.
    public func status(_ connection: any DatabaseConnection, _ set: MigrationSet) throws -> Status {
        guard try tableExists(connection) else { return Status(applied: 0, pending: set.migrations) }
        let rows = try connection.query("SELECT version, name, checksum FROM schema_migrations ORDER BY version")
        for (i, row) in rows.enumerated() {
            let version: Int = try row.decode("version")
            let name: String = try row.decode("name")
            let checksum: String = try row.decode("checksum")
            guard version == i + 1 else {
                throw DatabaseError(.migration, "schema_migrations records version \(version) (\(name)) but not version \(i + 1): the table was edited by hand or the database is damaged; restore it from a backup or start from an empty database")
            }
            guard set.migrations.indices.contains(i) else {
                throw DatabaseError(.migration, "the database has migration \(version) (\(name)) applied, but this build only knows migrations up to \(set.latestVersion): it was migrated by a newer kalypso-mirror; run that version (or newer) instead")
            }
            let file = set.migrations[i]
            guard file.checksum == checksum else {
                throw DatabaseError(.migration, "migration file '\(file.path)' changed after it was applied to this database (recorded sha256 \(checksum), the file now has \(file.checksum)); restore the file to the applied text and put the change in a new migration numbered \(String(format: "%04d", set.latestVersion + 1)) — or, for a disposable database, delete it and sync again")
            }
            guard file.name == name else {
                throw DatabaseError(.migration, "migration \(version) was applied as '\(name)' but the file is now '\(file.path)' (same text); rename the file back to \(name).sql")
            }
        }
        return Status(applied: rows.count, pending: Array(set.migrations.dropFirst(rows.count)))
    }

    private func lock(_ connection: any DatabaseConnection) throws {
        if connection.dialect == .postgres {
            try connection.execute("SELECT pg_advisory_xact_lock(\(Self.postgresLockKey))")
        }
    }

    private func tableExists(_ connection: any DatabaseConnection) throws -> Bool {
        switch connection.dialect {
        case .sqlite:
            return try connection.queryFirst("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'") != nil
        case .postgres:
            return try connection.queryValue("SELECT to_regclass('schema_migrations') IS NOT NULL", as: Bool.self)
        }
    }

    private func createTable(_ connection: any DatabaseConnection) throws {
        guard try !tableExists(connection) else { return }
        switch connection.dialect {
        case .sqlite:
            try connection.executeScript("""
                CREATE TABLE schema_migrations (
                    version INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    checksum TEXT NOT NULL,
                    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                )
                """)
        case .postgres:
            try connection.executeScript("""
                CREATE TABLE schema_migrations (
                    version BIGINT PRIMARY KEY,
                    name TEXT NOT NULL,
                    checksum TEXT NOT NULL,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """)
        }
    }
}
