/// The files of `Migrations/`, keyed by their path there (`sqlite/0001_mirror.sql`), embedded so the binary needs no
/// files at run time. Each dialect's folder is generated into its own file by `make embed`
/// (`EmbeddedSQLiteMigrations`, `EmbeddedPostgresMigrations`; a test fails while one is stale).
enum EmbeddedMigrations {
    /// Path relative to `Migrations` → UTF-8 text, byte for byte.
    static let files: [String: String] = {
        var all: [String: String] = [:]
        for (path, text) in EmbeddedSQLiteMigrations.files { all["sqlite/" + path] = text }
        for (path, text) in EmbeddedPostgresMigrations.files { all["postgres/" + path] = text }
        return all
    }()
}
