/// How a `SQLiteConnection` opens and tunes its database file.
///
/// The defaults are the mirror's choices:
/// - **WAL journal** (`journal_mode=WAL`, persistent in the file): readers see a snapshot and never block the
///   writer, and the writer never blocks readers.
/// - **`synchronous=NORMAL`**: in WAL mode a commit is atomic and durable against a crash of the process
///   (`kill -9`, a panic): nothing committed is lost and nothing uncommitted appears. Against power loss or an
///   OS crash the last transactions before the latest WAL checkpoint may roll back — the file stays consistent and
///   the mirror's cursor rolls back together with its data (both are in the same transaction), so the mirror
///   simply re-syncs those blocks from the chain. `FULL` fsyncs the WAL on every commit (durable against power loss)
///   at a cost of one fsync per transaction; choose it where the database is the only copy of its data.
/// - **busy timeout 5 s**: a writer waits that long for another process's write lock before failing with `.busy`.
/// - **foreign keys on** (`PRAGMA foreign_keys=ON`; SQLite's default is off).
public struct SQLiteConfiguration: Sendable {
    /// The `PRAGMA synchronous` level.
    public enum Synchronous: String, Sendable {
        /// fsync at checkpoints only: safe against process crashes; see the type's documentation.
        case normal = "NORMAL"
        /// fsync the WAL at every commit: also safe against power loss.
        case full = "FULL"
    }

    /// Durability level; `.normal` by default.
    public var synchronous: Synchronous = .normal
    /// How long to wait for a lock held by another connection before failing with `.busy`, in milliseconds.
    public var busyTimeoutMilliseconds: Int32 = 5_000
    /// Enforce FOREIGN KEY constraints.
    public var foreignKeys = true
    /// Open for reading only (`PRAGMA query_only`): writes fail. Reader connections of a pool use this.
    public var readOnly = false
    /// Create the file when it does not exist (writers; readers open an existing file).
    public var create = true
    /// How many prepared statements to keep per connection.
    public var statementCacheCapacity = 128
    /// Page cache size in KiB (`PRAGMA cache_size = -N`); nil keeps SQLite's default (2 MiB).
    public var cacheSizeKiB: Int?
    /// The page size of a database file this writer creates (`PRAGMA page_size`, a power of two from 512 to 65536);
    /// nil keeps SQLite's default (4096). An existing file keeps the page size it was created with.
    public var pageSize: Int?

    /// The defaults described above.
    public init() {}

    /// The settings of a pool's reader connections: read-only, never creating the file.
    public var reader: SQLiteConfiguration {
        var c = self
        c.readOnly = true
        c.create = false
        return c
    }
}
