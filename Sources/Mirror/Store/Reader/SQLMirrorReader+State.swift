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
}
