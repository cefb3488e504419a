import Database
import EthereumKit
import Kalypso

/// The whole mirrored state as one snapshot read: what a matching engine running beside `sync` (another process)
/// needs each poll.
public struct MirroredState: Sendable {
    /// Every entity.
    public var state: KalypsoState
    /// The G1 clock at the cursor (`block.number` as the contracts see it there).
    public var clock: UInt256
    /// The node's head as the sync last recorded it (nil before its first poll).
    public var head: UInt64?

    /// Creates a value.
    public init(state: KalypsoState, clock: UInt256, head: UInt64?) {
        self.state = state
        self.clock = clock
        self.head = head
    }
}

/// The whole mirrored state at one block (the cursor or an earlier one in the reorg window), read by
/// `SQLMirrorReader.mirroredState(at:)` for `verify`.
public struct MirroredStateAtBlock: Sendable {
    /// Every entity.
    public var state: KalypsoState
    /// The block the state is at, with its hash.
    public var checkpoint: Checkpoint
    /// The mirror's cursor in the snapshot read (`checkpoint` unless an earlier block was asked for).
    public var cursor: Checkpoint
    /// Blocks with changes undone in memory to get from the cursor to `checkpoint` (0 at the cursor).
    public var blocksUndone: Int
}

extension SQLMirrorReader {
    /// The cursor alone (cheap: one row), to see whether `state()` would return something new.
    public func cursor() throws -> Checkpoint? {
        try pool.read { db in try SyncStateRow.read(db).cursor }
    }

    /// Every entity, the clock and the head, read in one snapshot with the cursor they reflect. Costs a full table
    /// scan of every entity table: poll `cursor()` first and call this when it moved.
    public func state() throws -> Snapshot<MirroredState> {
        try snapshot { db, sync in
            MirroredState(state: try SQLMirrorStore.loadEntities(db), clock: sync.clock, head: sync.head)
        }
    }

    /// The whole mirrored state at the cursor, or at an earlier `block` within the reorg window — read-only, in ONE
    /// snapshot (PostgreSQL `REPEATABLE READ READ ONLY`, SQLite WAL read transaction), so a running `sync` is neither
    /// disturbed nor seen half-way.
    ///
    /// For an earlier block, the undo journal of the blocks above it is applied to the loaded state in memory,
    /// newest block first — exactly what `SQLMirrorStore.rewind` followed by `KalypsoState.undo` does during a reorg,
    /// without writing anything. Nil when nothing is synced yet.
    ///
    /// - Throws: `MirrorStoreError` `.invalidArgument` for a block above the cursor, `.reorgTooDeep` for one below
    ///   the undo floor or missing from the block window (the journal does not reach it).
    public func mirroredState(at block: UInt64? = nil) throws -> MirroredStateAtBlock? {
        try pool.read { db in
            let sync = try SyncStateRow.read(db)
            guard let cursor = sync.cursor else { return nil }
            var state = try SQLMirrorStore.loadEntities(db)
            guard let block, block != cursor.blockNumber else {
                return MirroredStateAtBlock(state: state, checkpoint: cursor, cursor: cursor, blocksUndone: 0)
            }
            guard block < cursor.blockNumber else {
                throw MirrorStoreError(.invalidArgument, "block \(block) is above the mirror's cursor \(cursor.blockNumber); sync further first")
            }
            let floor = sync.undoFloor ?? Int64(cursor.blockNumber)
            guard Int64(exactly: block).map({ $0 >= floor }) ?? false,
                  let kept = try db.queryFirst("SELECT hash FROM block_window WHERE number = \(block)") else {
                throw MirrorStoreError(.reorgTooDeep, "block \(block) is below the undo journal's reach (block \(max(floor, 0)) to the cursor \(cursor.blockNumber)); the state there needs a fresh sync up to it")
            }
            let undone = try SQLMirrorStore.journal(above: block, db)
            for entry in undone {
                guard let changes = ChangeSet(changes: entry.changes) else {
                    throw MirrorStoreError(.corruptImage, "the undo journal of block \(entry.number) names one entity twice; the database was edited — rebuild it with a fresh sync")
                }
                state.undo(changes)
            }
            return MirroredStateAtBlock(state: state, checkpoint: Checkpoint(blockNumber: block, blockHash: try kept.decode(Hash32.self, at: 0)),
                                 cursor: cursor, blocksUndone: undone.count)
        }
    }
}
