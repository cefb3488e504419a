import Database
import EthereumKit

/// Keeps a writer whose PostgreSQL session was re-established from writing over another writer's work.
///
/// The writer lock is a session advisory lock: when the writer's connection drops, the server releases it, and a
/// waiting `sync` may take over. After reconnecting, `PostgresConnection` re-takes the lock; if the other writer
/// still holds it, every call throws `.writerLockLost`. But the other writer may have taken the lock, committed,
/// and died *before* this one reconnected — the lock is free again and the database has moved on under this
/// writer's in-memory state. The fence notices that: after a reconnect it admits a transaction only if the sync
/// state (cursor and reorg count: every commit moves the cursor forward, every rewind counts a reorg) is one this
/// writer left there — the mark before its last transaction or the one that transaction was writing (its outcome is
/// unknown when the connection dropped during COMMIT). Otherwise it throws `MirrorStoreError` `.writerReplaced`
/// and nothing is written.
///
/// SQLite never reconnects (its writer lock is a `flock` held by the process), so the fence never checks there.
final class WriterFence: @unchecked Sendable {
    /// What identifies the database's sync state between two writes of this writer.
    struct Mark: Hashable {
        var cursor: Checkpoint?
        var reorgsSeen: Int
    }

    private var session: Int
    private var accepted: Set<Mark>

    /// A fence for a writer that just read `mark` on `db` (holding the writer lock).
    init(_ db: any DatabaseConnection, mark: Mark) {
        session = Self.session(of: db)
        accepted = [mark]
    }

    /// The number of sessions the connection has had (0 for SQLite).
    static func session(of db: any DatabaseConnection) -> Int {
        (db as? PostgresConnection)?.reconnectCount ?? 0
    }

    /// Admits a write transaction that read `found` as its first statement; `target` is the mark it will leave when
    /// it commits (nil: not known yet, see `expect`).
    ///
    /// - Throws: `.writerReplaced` when the session was re-established and the database holds a mark this writer
    ///   did not leave.
    func admit(_ db: any DatabaseConnection, found: Mark, target: Mark? = nil) throws {
        let current = Self.session(of: db)
        if current != session && !accepted.contains(found) {
            let expected = accepted.map(Self.describe).sorted().joined(separator: " or ")
            throw MirrorStoreError(.writerReplaced, "this writer's database session was re-established, and meanwhile another writer changed the database (it holds \(Self.describe(found)), this writer left \(expected)); this writer's in-memory state is stale, so it stops without writing. The writer lock moved to another `sync`: let that one run, or restart this one (it resumes from the database's checkpoint)")
        }
        session = current
        accepted = [found]
        if let target { accepted.insert(target) }
    }

    /// Declares the mark the admitted transaction will leave, once it is known.
    func expect(_ target: Mark) {
        accepted.insert(target)
    }

    private static func describe(_ mark: Mark) -> String {
        let cursor = mark.cursor.map { "cursor \($0.blockNumber) (\($0.blockHash))" } ?? "no cursor"
        return "\(cursor) after \(mark.reorgsSeen) reorgs"
    }
}

extension SyncStateRow {
    /// The fence mark of this state.
    var fenceMark: WriterFence.Mark { WriterFence.Mark(cursor: cursor, reorgsSeen: reorgsSeen) }
}
