import Database
import DatabaseTestSupport
import Foundation
@testable import Mirror
import Telemetry

/// A mirror database file in a fresh temporary directory, removed at the end of `with`.
enum StoreFixture {
    /// Calls `body` with a store on a new database and the file's path.
    static func with<T>(_ label: String, _ body: (SQLMirrorStore, String) throws -> T) throws -> T {
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
