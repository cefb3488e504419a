/// One schema migration: a file `NNNN_name.sql` of a backend's migrations folder, embedded in the binary.
///
/// A migration runs inside a transaction together with its `schema_migrations` row, so it applies completely or
/// not at all. It must therefore not contain `BEGIN`/`COMMIT`, nor statements PostgreSQL refuses inside a
/// transaction (`CREATE INDEX CONCURRENTLY`, `VACUUM`); SQLite ignores `PRAGMA foreign_keys` there.
public struct Migration: Sendable, Hashable {
    /// The number `NNNN` (1, 2, …).
    public let version: Int
    /// The file name without extension, for example `0001_initial`.
    public let name: String
    /// The path it was embedded from, for example `sqlite/0001_initial.sql` (used in error messages).
    public let path: String
    /// The SQL text.
    public let sql: String
    /// Lowercase hex SHA-256 of the SQL text's UTF-8 bytes (equal to `sha256sum` of the file).
    public let checksum: String

    /// Creates a migration from its path (`…/NNNN_name.sql`) and text.
    ///
    /// - Throws: `.migration` when the file name is not `NNNN_name.sql` (at least four digits, then `_`, then
    ///   lowercase letters, digits or `_`).
    public init(path: String, sql: String) throws {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        guard file.hasSuffix(".sql") else {
            throw DatabaseError(.migration, "migration file '\(path)' does not end in .sql; name it NNNN_description.sql")
        }
        let stem = String(file.dropLast(4))
        let digits = stem.prefix(while: { $0.isASCII && $0.isNumber })
        let rest = stem.dropFirst(digits.count)
        let validName = rest.first == "_" && rest.count > 1
            && rest.dropFirst().allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "_" }
        guard digits.count >= 4, let version = Int(digits), version > 0, validName else {
            throw DatabaseError(.migration, "migration file '\(path)' is not named NNNN_description.sql (four or more digits from 0001, an underscore, then lowercase letters, digits or underscores)")
        }
        self.version = version
        name = stem
        self.path = path
        self.sql = sql
        checksum = SHA256.hex(sql)
    }
}

/// The ordered migrations of one backend, checked to be numbered 1, 2, 3, … without gaps or duplicates.
public struct MigrationSet: Sendable {
    /// The migrations by increasing version.
    public let migrations: [Migration]

    /// Validates `migrations`.
    ///
    /// - Throws: `.migration` naming the files for a duplicate version or a gap in the numbering.
    public init(_ migrations: [Migration]) throws {
        let sorted = migrations.sorted { $0.version < $1.version }
        for (i, m) in sorted.enumerated() {
            if i > 0, sorted[i - 1].version == m.version {
                throw DatabaseError(.migration, "migrations '\(sorted[i - 1].path)' and '\(m.path)' share version \(m.version); renumber the newer one")
            }
            guard m.version == i + 1 else {
                let before = i > 0 ? "after '\(sorted[i - 1].path)' " : ""
                throw DatabaseError(.migration, "migration numbering has a gap: '\(m.path)' comes \(before)but version \(i + 1) is missing; number migrations 0001, 0002, … without gaps")
            }
        }
        self.migrations = sorted
    }

    /// The migrations among embedded `files` (path → text) directly inside `folder`, for example
    /// `MigrationSet(files: EmbeddedMigrations.files, folder: "sqlite")`; other files are ignored.
    public init(files: [String: String], folder: String) throws {
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        var found: [Migration] = []
        for (path, sql) in files where path.hasPrefix(prefix) && !path.dropFirst(prefix.count).contains("/") {
            found.append(try Migration(path: path, sql: sql))
        }
        try self.init(found)
    }

    /// The highest version (0 when empty).
    public var latestVersion: Int { migrations.last?.version ?? 0 }
}
