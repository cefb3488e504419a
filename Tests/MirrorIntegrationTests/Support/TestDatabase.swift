import Database
import DatabaseTestSupport
import Foundation
import Testing

/// The storage backends the integration tests run on: SQLite always, PostgreSQL when the run has a test server
/// (`make test` runs every test under `Scripts/pg-test-server`). `KALYPSO_TEST_MIRROR_BACKEND=sqlite|postgres`
/// narrows it to one.
enum Backend: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres

    static let available: [Backend] = {
        switch ProcessInfo.processInfo.environment["KALYPSO_TEST_MIRROR_BACKEND"] {
        case "sqlite": return [.sqlite]
        case "postgres": return TestPostgres.url == nil ? [] : [.postgres]
        default: return TestPostgres.url == nil ? [.sqlite] : [.sqlite, .postgres]
        }
    }()

    var testDescription: String { rawValue }
}

/// A fresh mirror database for one test: a file in the test's folder, or a new schema on the PostgreSQL test
/// server (dropped by `drop()`), with the `--db` value that selects it.
final class TestDatabase: Sendable {
    let backend: Backend
    let location: DatabaseLocation
    private let schema: ScratchSchema?

    init(_ backend: Backend, in directory: URL, name: String) throws {
        self.backend = backend
        switch backend {
        case .sqlite:
            schema = nil
            location = .sqlite(path: directory.appendingPathComponent("\(name).sqlite").path)
        case .postgres:
            let s = try ScratchSchema()
            schema = s
            location = .postgres(url: s.url)
        }
    }

    /// The `--db` value.
    var argument: String {
        switch location {
        case .sqlite(let path): return path
        case .postgres(let url): return url
        }
    }

    /// The backend pids of the sessions holding `key` (PostgreSQL; empty for SQLite).
    func advisoryLockHolders(_ key: Int64) throws -> [Int32] { try schema?.advisoryLockHolders(key) ?? [] }

    /// Drops the PostgreSQL schema (the SQLite file goes with the test's folder).
    func drop() { schema?.drop() }
}

/// Runs `body` with a fresh database and drops it afterwards, also when `body` throws.
func withDatabase<T>(_ backend: Backend, in directory: URL, name: String, _ body: (TestDatabase) async throws -> T) async throws -> T {
    let db = try TestDatabase(backend, in: directory, name: name)
    do {
        let value = try await body(db)
        db.drop()
        return value
    } catch {
        db.drop()
        throw error
    }
}
