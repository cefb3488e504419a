import Database
import DatabaseTestSupport
import Foundation
@testable import Mirror
import Telemetry

/// Store tests run on every backend of the run: a SQLite file in a fresh temporary directory, and — when the run has
/// a PostgreSQL server (`KALYPSO_TEST_POSTGRES_URL`; `make test` provides one) — a fresh schema on PostgreSQL.
/// `KALYPSO_TEST_MIRROR_BACKEND=sqlite|postgres` restricts them to one (`make test-mirror-postgres`).
enum StoreFixture {
    enum Backend: String, Sendable {
        case sqlite, postgres
    }

    /// The backends the store tests run on.
    static let backends: [Backend] = {
        switch ProcessInfo.processInfo.environment["KALYPSO_TEST_MIRROR_BACKEND"] {
        case "sqlite": return [.sqlite]
        case "postgres": return [.postgres]
        default: return TestPostgres.url == nil ? [.sqlite] : [.sqlite, .postgres]
        }
    }()

    /// A failure inside a test body, with the backend it ran on.
    struct BackendFailure: Error, CustomStringConvertible {
        let backend: Backend
        let error: any Error
        var description: String { "on \(backend): \(error)" }
    }

    /// Calls `body` with a store on a new database, once per backend, and the file's path (empty on PostgreSQL);
    /// returns the last call's result.
    static func with<T>(_ label: String, _ body: (SQLMirrorStore, String) throws -> T) throws -> T {
        var last: T?
        for backend in backends {
            do { last = try with(backend, label, body) } catch { throw BackendFailure(backend: backend, error: error) }
        }
        guard let last else { throw BackendFailure(backend: .postgres, error: DatabaseError(.invalidLocation, TestPostgres.skipReason)) }
        return last
    }

    /// Calls `body` with a store on a new database of `backend`.
    static func with<T>(_ backend: Backend, _ label: String, _ body: (SQLMirrorStore, String) throws -> T) throws -> T {
        switch backend {
        case .postgres:
            let schema = try ScratchSchema()
            defer { schema.drop() }
            let store = try SQLMirrorStore.open(location: .postgres(url: schema.url), logger: .disabled)
            defer { store.pool.close() }
            return try body(store, "")
        case .sqlite:
            let dir = try TemporaryDirectory("mirror-\(label)")
            defer { dir.remove() }
            let path = dir.file("mirror.sqlite")
            let store = try SQLMirrorStore.open(location: .sqlite(path: path), logger: .disabled)
            defer { store.pool.close() }
            return try body(store, path)
        }
    }

    /// Counts the rows of a table.
    static func count(_ table: String, _ store: SQLMirrorStore) throws -> Int {
        try store.pool.read { db in try db.queryValue("SELECT count(*) FROM \(unsafeRaw: table)", as: Int.self) }
    }

    /// The row counts of every table the store writes.
    static func counts(_ store: SQLMirrorStore) throws -> [String: Int] {
        var out: [String: Int] = [:]
        for table in EntityRows.all.map(\.name) + HistoryRows.perBlockTables.map(\.table) {
            out[table] = try count(table, store)
        }
        return out
    }
}
