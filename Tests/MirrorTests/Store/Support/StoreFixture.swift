import Database
import DatabaseTestSupport
import Foundation
@testable import Mirror
import Telemetry

/// A mirror database file in a fresh temporary directory, removed at the end of `with` — or, with
/// `KALYPSO_TEST_MIRROR_BACKEND=postgres` and a server (`make test-mirror-postgres`), a fresh schema on PostgreSQL.
enum StoreFixture {
    /// The PostgreSQL URL when the store tests run on PostgreSQL.
    static let postgresURL: String? = {
        let env = ProcessInfo.processInfo.environment
        guard env["KALYPSO_TEST_MIRROR_BACKEND"] == "postgres", let url = env["KALYPSO_TEST_POSTGRES_URL"], !url.isEmpty else { return nil }
        return url
    }()

    /// Calls `body` with a store on a new database and the file's path (empty on PostgreSQL).
    static func with<T>(_ label: String, _ body: (SQLMirrorStore, String) throws -> T) throws -> T {
        if let base = postgresURL {
            let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let admin = try PostgresConnection(url: base, logger: .disabled)
            try admin.execute("CREATE SCHEMA \(identifier: name)")
            let url = base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(name)"
            let store = try SQLMirrorStore.open(location: .postgres(url: url), logger: .disabled)
            defer { store.pool.close(); _ = try? admin.execute("DROP SCHEMA \(identifier: name) CASCADE") }
            return try body(store, "")
        }
        let dir = try TemporaryDirectory("mirror-\(label)")
        defer { dir.remove() }
        let path = dir.file("mirror.sqlite")
        let store = try SQLMirrorStore.open(location: .sqlite(path: path), logger: .disabled)
        defer { store.pool.close() }
        return try body(store, path)
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
