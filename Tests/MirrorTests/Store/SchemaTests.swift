import Database
import DatabaseTestSupport
import Foundation
@testable import Mirror
import Testing

@Suite struct SchemaTests {
    /// The generated embeddings (`EmbeddedSQLiteMigrations`, `EmbeddedPostgresMigrations`, merged by `EmbeddedMigrations`) must hold exactly the files of `Migrations/` (run `make embed` if not).
    @Test func embeddedMigrationsMatchTheFolder() throws {
        let folder = projectRoot.appendingPathComponent("Migrations")
        var onDisk: [String: String] = [:]
        let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = walker?.nextObject() as? URL {
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true, !url.lastPathComponent.hasPrefix(".") else { continue }
            let relative = String(url.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count + 1))
            onDisk[relative] = try String(contentsOf: url, encoding: .utf8)
        }
        #expect(onDisk.keys.contains("sqlite/0001_mirror.sql") && onDisk.keys.contains("postgres/0001_mirror.sql"))
        #expect(EmbeddedMigrations.files == onDisk, "stale Sources/Mirror/Store/Embedded/Embedded*Migrations.swift: run `make embed`")
        #expect(try SQLMirrorStore.migrations(for: .sqlite).migrations.map(\.name) == ["0001_mirror", "0002_compact_history"])
        #expect(try SQLMirrorStore.migrations(for: .postgres).migrations.map(\.name) == ["0001_mirror", "0002_compact_history"])
    }

    /// The store's SQL is shared: both dialects must have the same tables, columns (in order) and indexes.
    @Test func bothDialectsDefineTheSameTablesAndColumns() throws {
        func shape(_ sql: String) -> [String] {
            var out: [String] = []
            for line in sql.split(separator: "\n") {
                let text = line.split(separator: "-", maxSplits: 1).first.map { String($0) } ?? ""
                let words = text.split(separator: " ").map(String.init)
                if words.first == "CREATE" { out.append(words.prefix(3).joined(separator: " ")) }
                else if line.hasPrefix("    "), let column = words.first, column.allSatisfy({ $0.isLowercase || $0 == "_" }) { out.append("  " + column) }
            }
            return out
        }
        let sqlite = try #require(EmbeddedMigrations.files["sqlite/0001_mirror.sql"])
        let postgres = try #require(EmbeddedMigrations.files["postgres/0001_mirror.sql"])
        #expect(shape(sqlite).count > 150)
        #expect(shape(sqlite) == shape(postgres))
        #expect(!postgres.contains("BLOB") && !postgres.contains("STRICT") && !postgres.contains("ROWID"))
        let sqlite2 = try #require(EmbeddedMigrations.files["sqlite/0002_compact_history.sql"])
        let postgres2 = try #require(EmbeddedMigrations.files["postgres/0002_compact_history.sql"])
        #expect(shape(sqlite2).count > 30)
        #expect(shape(sqlite2) == shape(postgres2))
        #expect(!postgres2.contains("BLOB") && !postgres2.contains("STRICT") && !postgres2.contains("ROWID"))
    }

    @Test func aChangedAppliedMigrationRefusesToStart() throws {
        let dir = try TemporaryDirectory("mirror-schema")
        defer { dir.remove() }
        let path = dir.file("mirror.sqlite")
        try SQLMirrorStore.open(location: .sqlite(path: path), logger: .disabled).pool.close()
        // What a later build with an edited 0001_mirror.sql would find: the recorded checksum differs from the file's.
        let db = try SQLiteConnection(path: path, logger: .disabled)
        try db.execute("UPDATE schema_migrations SET checksum = \(String(repeating: "0", count: 64)) WHERE version = \(1)")
        db.close()
        let error = #expect(throws: DatabaseError.self) { try SQLMirrorStore.open(location: .sqlite(path: path), logger: .disabled) }
        #expect(error?.code == .migration)
        #expect(error?.message.contains("sqlite/0001_mirror.sql") == true && error?.message.contains("changed") == true)
        let readerError = #expect(throws: DatabaseError.self) { try SQLMirrorReader.open(location: .sqlite(path: path), logger: .disabled) }
        #expect(readerError?.code == .migration)
    }

    @Test func theReaderRefusesADatabaseWithoutTheMirrorSchema() throws {
        let dir = try TemporaryDirectory("mirror-foreign")
        defer { dir.remove() }
        let path = dir.file("other.sqlite")
        let db = try SQLiteConnection(path: path, logger: .disabled)
        try db.executeScript("CREATE TABLE unrelated (x INTEGER)")
        db.close()
        let error = #expect(throws: MirrorStoreError.self) { try SQLMirrorReader.open(location: .sqlite(path: path), logger: .disabled) }
        #expect(error?.code == .schema && error?.message.contains("sync") == true)
        #expect(throws: DatabaseError.self) { try SQLMirrorReader.open(location: .sqlite(path: dir.file("missing.sqlite")), logger: .disabled) }
    }

    /// The store's SQL must run on PostgreSQL too (issue 8 adds only `Migrations/postgres/`): no SQLite-only syntax
    /// or functions in the store and reader sources.
    @Test func storeSQLAvoidsSQLiteOnlySyntax() throws {
        let folder = projectRoot.appendingPathComponent("Sources/Mirror/Store")
        let forbidden = ["INSERT OR", "REPLACE INTO", "strftime", "datetime(", "julianday", "IFNULL(", "ifnull(", "GLOB",
                         "randomblob", "printf(", "rowid", "sqlite_schema", "sqlite_master", "AUTOINCREMENT", "group_concat"]
        var checked = 0
        let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        while let url = walker?.nextObject() as? URL {
            // (The generated embeddings hold the migrations' SQL text itself.)
            guard url.pathExtension == "swift",
                  !["EmbeddedSQLiteMigrations.swift", "EmbeddedPostgresMigrations.swift"].contains(url.lastPathComponent) else { continue }
            let text = try String(contentsOf: url, encoding: .utf8)
            for word in forbidden { #expect(!text.contains(word), "\(url.lastPathComponent) uses \(word)") }
            checked += 1
        }
        #expect(checked >= 10)
    }
}
