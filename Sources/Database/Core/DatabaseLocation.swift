/// Where the database is: the value of `--db`.
///
/// - `postgres://user:password@host:5432/database?sslmode=require` (or `postgresql://…`) → PostgreSQL;
/// - `sqlite:PATH` or any other text → a SQLite file at that path (relative to the working directory).
public enum DatabaseLocation: Sendable, Hashable, CustomStringConvertible {
    /// A SQLite database file.
    case sqlite(path: String)
    /// A PostgreSQL server (libpq URL).
    case postgres(url: String)

    /// Parses a `--db` value.
    ///
    /// - Throws: `.invalidLocation` for empty text, an unsupported URL scheme, or `:memory:` (a pool's several
    ///   connections would each see a different empty database).
    public init(_ text: String) throws {
        if PostgresURL.isPostgres(text) {
            self = .postgres(url: text)
            return
        }
        var path = text
        if path.hasPrefix("sqlite://") { path = String(path.dropFirst("sqlite://".count)) }
        else if path.hasPrefix("sqlite:") { path = String(path.dropFirst("sqlite:".count)) }
        else if let scheme = path.range(of: "://") {
            throw DatabaseError(.invalidLocation, "unsupported database URL scheme '\(path[..<scheme.lowerBound])'; use postgres://… for PostgreSQL or a file path for SQLite")
        }
        guard !path.isEmpty else {
            throw DatabaseError(.invalidLocation, "the database location is empty; give a SQLite file path or a postgres:// URL")
        }
        guard path != ":memory:" else {
            throw DatabaseError(.invalidLocation, "':memory:' cannot be shared by a writer and readers; give a file path (a temporary one for tests)")
        }
        self = .sqlite(path: path)
    }

    /// The SQL flavour of the location.
    public var dialect: SQLDialect {
        switch self {
        case .sqlite: return .sqlite
        case .postgres: return .postgres
        }
    }

    /// The location for logs: the path, or the URL with its password hidden.
    public var description: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let url): return PostgresURL.redacted(url)
        }
    }
}
