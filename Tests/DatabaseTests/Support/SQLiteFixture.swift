import Database
import DatabaseTestSupport
import Foundation

/// A SQLite file in a fresh temporary directory, removed at the end of `with`.
enum SQLiteFixture {
    /// Calls `body` with a writer connection to a new database file and the file's path.
    static func with<T>(_ label: String, configuration: SQLiteConfiguration = SQLiteConfiguration(),
                        _ body: (SQLiteConnection, String) throws -> T) throws -> T {
        let dir = try TemporaryDirectory(label)
        defer { dir.remove() }
        let path = dir.file("test.sqlite")
        let db = try SQLiteConnection(path: path, configuration: configuration, logger: .disabled)
        defer { db.close() }
        return try body(db, path)
    }
}
