import Database
import EthereumKit
import Foundation

/// The single `sync_state` row.
struct SyncStateRow: Sendable, Hashable {
    var cursor: Checkpoint?
    var cursorClock: UInt256?
    /// The lowest block a rewind can return to (nil before the first commit).
    var undoFloor: Int64?
    var head: UInt64?
    var headRecordedAt: String?
    var reorgsSeen: Int
    var lastReorg: ReorgRecord?
    var startedAt: String?

    static let select: SQLQuery = """
        SELECT cursor_block, cursor_hash, cursor_clock, undo_floor, head_block, head_recorded_at, reorgs_seen,
               last_reorg_from_block, last_reorg_to_block, last_reorg_reason, last_reorg_at, started_at
        FROM sync_state WHERE id = 1
        """

    /// Reads the row (inside the caller's transaction or snapshot).
    static func read(_ db: any DatabaseConnection) throws -> SyncStateRow {
        guard let row = try db.queryFirst(select) else {
            throw MirrorStoreError(.schema, "the sync_state row is missing: the database was not created by kalypso-mirror's migrations or was edited; rebuild it with a fresh sync")
        }
        var r = ColumnReader(row)
        let block: UInt64? = try r.next(), hash: Hash32? = try r.next()
        var state = SyncStateRow(cursor: nil, cursorClock: try r.next(), undoFloor: try r.next(), head: try r.next(),
                                 headRecordedAt: try r.next(), reorgsSeen: try r.next(), lastReorg: nil, startedAt: nil)
        if let block, let hash { state.cursor = Checkpoint(blockNumber: block, blockHash: hash) }
        let from: UInt64? = try r.next(), to: UInt64? = try r.next(), reason: String? = try r.next(), at: String? = try r.next()
        if let from, let to {
            state.lastReorg = ReorgRecord(fromBlock: from, toBlock: to, reason: reason ?? "", at: at ?? "")
        }
        state.startedAt = try r.next()
        return state
    }

    /// Now, as ISO-8601 UTC text (the schema's time format), e.g. `2025-01-31T12:00:00Z`.
    static func now() -> String { Date().ISO8601Format() }
}
