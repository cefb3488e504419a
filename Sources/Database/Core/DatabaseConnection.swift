/// One database session: SQLite (`SQLiteConnection`) or PostgreSQL (`PostgresConnection`).
///
/// A connection is used by one thread at a time (it is not `Sendable`); share a `DatabasePool` between threads.
/// Every value reaches the database as a bound parameter (`SQLQuery` interpolation). Statements are prepared once
/// and cached per connection, keyed by their text.
///
/// Transactions nest: the outermost `transaction` / `readSnapshot` is a real transaction, inner ones are
/// savepoints (an inner failure rolls back to its savepoint and rethrows; the outer transaction may go on).
public protocol DatabaseConnection: AnyObject {
    /// The SQL flavour the connection speaks.
    var dialect: SQLDialect { get }

    /// True inside `transaction` or `readSnapshot`.
    var isInTransaction: Bool { get }

    /// Runs one statement and returns the number of rows it inserted, updated or deleted (0 for others).
    @discardableResult
    func execute(_ query: SQLQuery) throws -> Int

    /// Runs one statement and returns all its rows.
    func query(_ query: SQLQuery) throws -> [DatabaseRow]

    /// Runs trusted SQL text that may hold several statements separated by `;` and no parameters
    /// (embedded migrations). Never pass input here.
    func executeScript(_ sql: String) throws

    /// Runs `body` in a read-write transaction and commits it; any error rolls it back and is rethrown.
    ///
    /// SQLite starts it with `BEGIN IMMEDIATE` (the write lock is taken at once, so two writers never deadlock);
    /// PostgreSQL with `BEGIN` (READ COMMITTED).
    @discardableResult
    func transaction<T>(_ body: () throws -> T) throws -> T

    /// Runs `body` in a read-only transaction that sees one consistent snapshot of the database: commits made
    /// meanwhile by writers are invisible until it ends, and it never blocks them.
    ///
    /// SQLite: `BEGIN` plus a first read, which pins the WAL snapshot. PostgreSQL:
    /// `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`. Nested in another transaction it is a savepoint of it.
    @discardableResult
    func readSnapshot<T>(_ body: () throws -> T) throws -> T

    /// Closes the connection; later calls throw. Also done on deinit.
    func close()
}

extension DatabaseConnection {
    /// The first row, or nil when the statement returns none.
    public func queryFirst(_ query: SQLQuery) throws -> DatabaseRow? {
        try self.query(query).first
    }

    /// The only row of a statement that must return exactly one.
    public func queryOne(_ query: SQLQuery) throws -> DatabaseRow {
        let rows = try self.query(query)
        guard let row = rows.first else {
            throw DatabaseError(.noRows, "the statement returned no row where one was expected", sql: query.description)
        }
        guard rows.count == 1 else {
            throw DatabaseError(.misuse, "the statement returned \(rows.count) rows where one was expected; add a WHERE on a key or LIMIT 1", sql: query.description)
        }
        return row
    }

    /// The first column of the only row, decoded as `T` (for `SELECT count(*) …` and the like).
    public func queryValue<T: SQLDecodable>(_ query: SQLQuery, as type: T.Type = T.self) throws -> T {
        try queryOne(query).decode(T.self, at: 0)
    }
}

/// How the outermost transaction begins.
enum TransactionKind {
    case write, readSnapshot
}

/// The backend half of nested transactions; `runTransaction` holds the shared logic.
protocol TransactionControl: AnyObject {
    /// 0 outside transactions, 1 in the outermost, +1 per savepoint.
    var transactionDepth: Int { get set }
    /// Starts the outermost transaction.
    func beginTransaction(_ kind: TransactionKind) throws
    /// Commits the outermost transaction.
    func commitTransaction() throws
    /// Rolls the outermost transaction back; never throws (a lost connection has rolled it back already).
    func rollbackTransaction()
    /// Runs a control statement (SAVEPOINT, RELEASE, ROLLBACK TO) inside the transaction.
    func runSavepointStatement(_ sql: String) throws
}

extension TransactionControl where Self: DatabaseConnection {
    /// Savepoint statements are plain trusted SQL.
    func runSavepointStatement(_ sql: String) throws {
        try executeScript(sql)
    }
}

extension TransactionControl {
    /// Runs `body` in the outermost transaction or, when one is open, in a savepoint of it.
    func runTransaction<T>(_ kind: TransactionKind, _ body: () throws -> T) throws -> T {
        if transactionDepth == 0 {
            try beginTransaction(kind)
            transactionDepth = 1
            defer { transactionDepth = 0 }
            let result: T
            do {
                result = try body()
            } catch {
                rollbackTransaction()
                throw error
            }
            do {
                try commitTransaction()
            } catch {
                rollbackTransaction()
                throw error
            }
            return result
        }
        let name = "kalypso_savepoint_\(transactionDepth)"
        try runSavepointStatement("SAVEPOINT \(name)")
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        let result: T
        do {
            result = try body()
        } catch {
            try? runSavepointStatement("ROLLBACK TO SAVEPOINT \(name)")
            try? runSavepointStatement("RELEASE SAVEPOINT \(name)")
            throw error
        }
        try runSavepointStatement("RELEASE SAVEPOINT \(name)")
        return result
    }
}
