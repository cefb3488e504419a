import Database
import Telemetry

/// Scenarios about the migrations runner, shared by both backends. `db` must be an empty database.
public enum MigrationChecks {
    /// Applies the embedded example set once, then refuses changed, unknown and missing versions.
    public static func lifecycle(_ db: any DatabaseConnection, files: [String: String]) throws {
        let folder = db.dialect == .sqlite ? "sqlite" : "postgres"
        let set = try MigrationSet(files: files, folder: folder)
        try Check.equal(set.migrations.map(\.version), [1, 2], "example migration versions")
        let migrator = Migrator(logger: .disabled)
        try Check.equal(try migrator.status(db, set).pending.count, 2, "pending before the first run")

        let applied = try migrator.migrate(db, set)
        try Check.equal(applied.map(\.name), ["0001_example_items", "0002_example_index"], "applied on the first run")
        try Check.equal(try db.queryValue("SELECT label FROM example_items WHERE id = 1", as: String.self), "seeded by \"0002\"", "seed row")
        let recorded = try db.query("SELECT version, checksum FROM schema_migrations ORDER BY version")
        try Check.equal(try recorded.map { try $0.decode("checksum", as: String.self) }, set.migrations.map(\.checksum), "recorded checksums")
        try Check.equal(try migrator.migrate(db, set).count, 0, "applied on the second run")
        try Check.equal(try migrator.status(db, set), Migrator.Status(applied: 2, pending: []), "status when current")

        // A third migration applies on top; a failing fourth is rolled back entirely and not recorded.
        let third = try Migration(path: "\(folder)/0003_more.sql", sql: "CREATE TABLE more_items (id BIGINT);")
        let failing = try Migration(path: "\(folder)/0004_broken.sql", sql: "CREATE TABLE half_done (id BIGINT); INSERT INTO no_such_table VALUES (1);")
        try Check.equal(try migrator.migrate(db, MigrationSet(set.migrations + [third])).map(\.version), [3], "third migration applied")
        let broken = try Check.fails(with: .migration, "a failing migration") {
            try migrator.migrate(db, MigrationSet(set.migrations + [third, failing]))
        }
        try Check.that(broken.message.contains("0004_broken.sql"), "the failure names the file: \(broken.message)")
        try Check.equal(try db.queryValue("SELECT max(version) FROM schema_migrations", as: Int64.self), 3, "latest recorded version")
        try Check.fails(with: .sqlError, "the failed migration's table does not exist") { _ = try db.query("SELECT * FROM half_done") }

        // A changed file is refused, naming the file and what to do.
        let edited = try Migration(path: "\(folder)/0001_example_items.sql", sql: set.migrations[0].sql + "\n-- edited\n")
        let changed = try Check.fails(with: .migration, "a changed migration") {
            try migrator.migrate(db, MigrationSet([edited, set.migrations[1], third]))
        }
        try Check.that(changed.message.contains("0001_example_items.sql") && changed.message.contains("new migration"), "changed-file message: \(changed.message)")

        // A database migrated further than this build knows is refused.
        let unknown = try Check.fails(with: .migration, "an unknown applied version") { try migrator.migrate(db, set) }
        try Check.that(unknown.message.contains("newer"), "unknown-version message: \(unknown.message)")

        // A gap in the recorded versions is refused.
        try db.execute("DELETE FROM schema_migrations WHERE version = \(2)")
        let gap = try Check.fails(with: .migration, "a gap in the applied versions") {
            try migrator.migrate(db, MigrationSet(set.migrations + [third]))
        }
        try Check.that(gap.message.contains("not version 2"), "gap message: \(gap.message)")
    }
}
