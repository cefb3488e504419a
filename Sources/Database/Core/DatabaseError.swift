/// A database failure: what went wrong, where, and what to do.
///
/// `code` classifies the failure; `sqlState` carries PostgreSQL's five-character SQLSTATE (for example `23505`
/// unique violation) and `sqliteCode` SQLite's extended result code, so callers can react to a precise cause.
/// `message` never contains bound parameter values or passwords; `sql` is the statement text (placeholders only).
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case connectionFailed = "connection failed", connectionLost = "connection lost"
            case sqlError = "SQL error", constraintViolation = "constraint violation", busy = "database busy"
            case typeMismatch = "type mismatch", columnNotFound = "column not found", noRows = "no rows"
            case invalidParameter = "invalid parameter", misuse = "misuse"
            case transactionAborted = "transaction aborted", writerLockHeld = "writer lock held"
            case writerLockLost = "writer lock lost", migration = "migration", invalidLocation = "invalid location"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The first connection could not be opened (bad URL or path, server down, authentication).
        public static let connectionFailed = Code(.connectionFailed)
        /// The connection dropped and could not be restored, or dropped inside a transaction (which is lost).
        public static let connectionLost = Code(.connectionLost)
        /// The server or library rejected a statement (syntax, missing table, …); see `sqlState` / `sqliteCode`.
        public static let sqlError = Code(.sqlError)
        /// A UNIQUE, PRIMARY KEY, FOREIGN KEY, NOT NULL or CHECK constraint failed.
        public static let constraintViolation = Code(.constraintViolation)
        /// SQLite stayed locked by another connection beyond the busy timeout, or PostgreSQL hit a lock timeout.
        public static let busy = Code(.busy)
        /// A column holds a value that cannot be decoded as the requested Swift type.
        public static let typeMismatch = Code(.typeMismatch)
        /// A result has no column with the requested name or index.
        public static let columnNotFound = Code(.columnNotFound)
        /// A query expected to return a row returned none.
        public static let noRows = Code(.noRows)
        /// A bound value cannot be represented (a `UInt64` above `Int64.max`, a NUL inside PostgreSQL text).
        public static let invalidParameter = Code(.invalidParameter)
        /// The API was used in a way it does not support (several statements in one query, …).
        public static let misuse = Code(.misuse)
        /// An earlier statement failed inside the transaction, so it can only be rolled back.
        public static let transactionAborted = Code(.transactionAborted)
        /// Another session holds the writer lock.
        public static let writerLockHeld = Code(.writerLockHeld)
        /// The session holding the writer lock was lost and another writer took the lock over.
        public static let writerLockLost = Code(.writerLockLost)
        /// A schema migration is missing, changed, out of order, or failed.
        public static let migration = Code(.migration)
        /// A database location (`--db`) is neither a `postgres://` URL nor a usable file path.
        public static let invalidLocation = Code(.invalidLocation)
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What is wrong, where, and what to do.
    public let message: String
    /// PostgreSQL's SQLSTATE (for example `40001`, `57P01`), when the server reported one.
    public let sqlState: String?
    /// SQLite's extended result code, when SQLite reported the failure.
    public let sqliteCode: Int32?
    /// The statement text (with placeholders, never values), when a statement failed.
    public let sql: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, sqlState: String? = nil, sqliteCode: Int32? = nil, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.sqliteCode = sqliteCode
        self.sql = sql
    }

    /// True when retrying the same work later can succeed (connection loss, busy, serialization failure, deadlock).
    public var isTransient: Bool {
        if code == .connectionLost || code == .busy { return true }
        guard let state = sqlState else { return false }
        return state == "40001" || state == "40P01" || state.hasPrefix("08") || state == "57P01" || state == "55P03"
    }

    public var description: String {
        var text = "\(code): \(message)"
        if let sqlState { text += " [SQLSTATE \(sqlState)]" }
        if let sqliteCode { text += " [SQLite \(sqliteCode)]" }
        if let sql { text += " in: \(Self.abbreviate(sql))" }
        return text
    }

    /// The first 200 characters of a statement on one line, for messages.
    static func abbreviate(_ sql: String) -> String {
        let flat = sql.split(whereSeparator: { $0 == "\n" || $0 == "\t" }).joined(separator: " ")
        return flat.count <= 200 ? flat : String(flat.prefix(200)) + "…"
    }
}
