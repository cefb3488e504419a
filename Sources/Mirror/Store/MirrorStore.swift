import EthereumKit
import JSONRPC
import Kalypso

/// A block the mirror has seen: the reorg window keeps the last `reorgWindow` of them.
public struct BlockRecord: Sendable, Hashable {
    /// The block number.
    public var number: UInt64
    /// Its hash.
    public var hash: Hash32
    /// Its parent's hash.
    public var parentHash: Hash32

    /// Creates a block record.
    public init(number: UInt64, hash: Hash32, parentHash: Hash32) {
        self.number = number; self.hash = hash; self.parentHash = parentHash
    }
}

/// The sync cursor: the last block whose logs are fully applied, and its hash.
public struct Checkpoint: Sendable, Hashable {
    /// The block number.
    public var blockNumber: UInt64
    /// Its hash.
    public var blockHash: Hash32

    /// Creates a checkpoint.
    public init(blockNumber: UInt64, blockHash: Hash32) {
        self.blockNumber = blockNumber; self.blockHash = blockHash
    }
}

/// Everything one synced block range writes, committed in ONE database transaction with the cursor.
public struct RangeCommit: Sendable {
    /// The first block of the range.
    public var fromBlock: UInt64
    /// The last block of the range (inclusive); the cursor moves here.
    public var toBlock: UInt64
    /// The new cursor: `toBlock` and its hash.
    public var cursor: Checkpoint
    /// Headers fetched for this range (the reorg window is kept from these).
    public var blocks: [BlockRecord]
    /// The applied events, enriched (raw-event table; unique (block number, log index) makes a replay a no-op).
    public var logs: [KalypsoLog]
    /// Logs with unknown topic0s.
    public var unknown: [UnknownLog]
    /// Logs that failed to decode.
    public var quarantined: [QuarantinedLog]
    /// Signatures verified in this range.
    public var signatureChecks: [SignatureCheck]
    /// Inconsistencies the reducer reported (each with its log position when known).
    public var issues: [InconsistencyError]
    /// Per block, the entity changes (before and after images), in block order: written to the entity tables and the
    /// undo journal (of the blocks above the undo floor). An entry may merge several blocks no rewind can stop
    /// between (`RangeReducer.reduce(_:clock:mergingThrough:state:)`); see `BlockChanges`.
    public var changesByBlock: [BlockChanges]
    /// The RPC logs behind `logs`, in the same order (`rawLogs[i]` is the log `logs[i]` was decoded from), so the
    /// raw-event table keeps the emitter address, topics and data; empty when the caller does not keep them (the
    /// raw columns are then NULL). A non-empty list of another length, or with another position, is refused.
    public var rawLogs: [Log]
    /// The G1 clock at `toBlock` (`block.number` as the EVM sees it: the L1 block number on Arbitrum), stored with
    /// the cursor so readers derive ask states at it. Nil: readers use the cursor's block number (right on chains
    /// whose EVM `block.number` is the block height, e.g. the devnode).
    public var clock: UInt256?

    /// Creates a range commit.
    public init(fromBlock: UInt64, toBlock: UInt64, cursor: Checkpoint, blocks: [BlockRecord], logs: [KalypsoLog],
                unknown: [UnknownLog], quarantined: [QuarantinedLog], signatureChecks: [SignatureCheck],
                issues: [InconsistencyError], changesByBlock: [BlockChanges], rawLogs: [Log] = [], clock: UInt256? = nil) {
        self.fromBlock = fromBlock; self.toBlock = toBlock; self.cursor = cursor; self.blocks = blocks
        self.logs = logs; self.unknown = unknown; self.quarantined = quarantined
        self.signatureChecks = signatureChecks; self.issues = issues; self.changesByBlock = changesByBlock
        self.rawLogs = rawLogs; self.clock = clock
    }
}

/// The entity changes of one block — or of several consecutive blocks merged into one entry, numbered and hashed as the
/// last of them: what `RangeReducer` records for the blocks at or below the store's journal floor (never journaled,
/// never rewound to one by one; undoing the entry restores the state before the first of them exactly).
public struct BlockChanges: Sendable {
    /// The block number (of the last block, for a merged entry).
    public var blockNumber: UInt64
    /// The block hash (of the last block, for a merged entry).
    public var blockHash: Hash32
    /// Every entity the block touched, with before and after images.
    public var changes: ChangeSet

    /// Creates a block's change record.
    public init(blockNumber: UInt64, blockHash: Hash32, changes: ChangeSet) {
        self.blockNumber = blockNumber; self.blockHash = blockHash; self.changes = changes
    }
}

/// What the sync engine needs from storage. One implementation is generic over `Database.DatabaseConnection`
/// (SQLite and PostgreSQL); every method is one database transaction.
///
/// The reorg window: after a commit the store can rewind to any block from its *undo floor* on, where the floor is
/// the highest `toBlock − reorgWindow` committed so far (never lower than the block before the first range). A
/// rewind does not lower the floor: the journal of blocks below it is gone.
public protocol MirrorStore: AnyObject {
    /// The mirrored state, the cursor (nil before the first commit) and the reorg window (oldest first; the blocks
    /// from the undo floor to the cursor whose headers were committed), as last committed.
    func loadState() throws -> (state: KalypsoState, cursor: Checkpoint?, window: [BlockRecord])
    /// Applies a range atomically with its cursor; prunes the undo journal and window below the new undo floor.
    ///
    /// The range must start at `cursor + 1` (any block for the first commit) and its `blocks` must hold the header
    /// of `toBlock` (whose hash is the cursor's); consecutive headers must link, and the first must link to the
    /// cursor. A range ending at or below the cursor is a replay and writes nothing (unless the stored hash of its
    /// last block differs: then the caller must rewind first).
    func commit(_ range: RangeCommit, reorgWindow: Int) throws
    /// Undoes every block above `blockNumber` exactly (before-images, newest first), deletes their events, quarantine,
    /// checks and window rows, sets the cursor to `blockNumber` and counts a reorg — in one transaction. Returns the
    /// undone change sets, newest first, so the in-memory state can be undone identically. A target below the undo
    /// floor (or not in the window) throws "reorg deeper than the window" and changes nothing.
    func rewind(to blockNumber: UInt64, reason: String) throws -> [ChangeSet]
    /// Records the node's latest head (for status and lag).
    func recordHead(_ head: UInt64) throws
    /// Bulk loading on (a backfill far behind the head: the store may defer maintenance that only readers need) or
    /// off (near the head: everything a reader needs is in place again). Idempotent; a no-op by default.
    func setBackfilling(_ on: Bool) throws
}

extension MirrorStore {
    /// No bulk-load mode: nothing to switch.
    public func setBackfilling(_ on: Bool) throws {}
}
