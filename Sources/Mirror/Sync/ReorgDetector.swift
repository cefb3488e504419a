import EthereumKit

/// Reorg detection over the window of recorded blocks: a pure state machine (no I/O).
///
/// The window holds `(number, hash, parentHash)` of the blocks the mirror fetched headers for, down to
/// `cursor − depth` (the same bound below which the store prunes its undo journal, so every block in the window can
/// be undone). Near the head the window is contiguous (the sync fetches every header there); during a backfill far
/// below the head it holds only the blocks that had logs and each range's last block.
///
/// Each fetched range is checked before it is applied (`verify`):
/// 1. the node's block at the cursor's number must still have the cursor's hash (else: the cursor was reorged out);
/// 2. consecutive fetched headers must link (`parentHash`), and the range's first block must link to the cursor;
/// 3. every log's `blockHash` must equal the fetched header of its block, and no log may be `removed`.
/// A failure of 1 starts a fork search (`forkSearchNumbers` → `resolveFork`): the highest recorded block whose hash
/// the node still has is the fork point, and everything above it is rewound. Failures of 2–3 mean the chain moved
/// while the range was being fetched: the range is fetched again. A fork below the window is a **deep reorg**: the
/// sync stops with an error that says what to do; it never continues silently.
public struct ReorgDetector: Sendable, Hashable {
    /// The number of blocks below the cursor that stay undoable.
    public let depth: Int
    /// The first block of the deployment (a fork below it cannot matter).
    public let startBlock: UInt64
    /// The recorded blocks, ascending by number, none above the cursor.
    public private(set) var window: [BlockRecord]
    /// The last block whose logs are fully applied.
    public private(set) var cursor: Checkpoint?

    /// Creates a detector over what the store loaded.
    public init(window: [BlockRecord], cursor: Checkpoint?, depth: Int, startBlock: UInt64) {
        self.depth = max(1, depth)
        self.startBlock = startBlock
        self.cursor = cursor
        var byNumber: [UInt64: BlockRecord] = [:]
        for b in window where cursor.map({ b.number <= $0.blockNumber }) ?? false { byNumber[b.number] = b }
        self.window = byNumber.values.sorted { $0.number < $1.number }
        prune()
    }

    /// The lowest block number kept (and undoable): `cursor − depth`.
    public var floor: UInt64 {
        guard let cursor else { return startBlock }
        return cursor.blockNumber >= UInt64(depth) ? cursor.blockNumber - UInt64(depth) : 0
    }

    /// The outcome of checking a fetched range.
    public enum Verdict: Sendable, Hashable {
        /// Consistent and linked to the cursor: apply it.
        case linked
        /// The node no longer has the cursor's block: search for the fork point.
        case cursorReorged(nodeHash: Hash32)
        /// The node does not have a block the range needs (it is behind, or the head moved backwards): wait.
        case nodeBehind(block: UInt64)
        /// The chain changed while the range was being fetched (say why): fetch it again.
        case changedDuringFetch(String)
    }

    /// A log's block reference, for `verify`.
    public struct LogReference: Sendable, Hashable {
        /// The log's block number.
        public var blockNumber: UInt64
        /// The log's block hash.
        public var blockHash: Hash32
        /// The log's `removed` flag.
        public var removed: Bool
        /// The log's index in its block (for messages).
        public var logIndex: UInt64

        /// Creates a reference.
        public init(blockNumber: UInt64, blockHash: Hash32, removed: Bool, logIndex: UInt64) {
            self.blockNumber = blockNumber; self.blockHash = blockHash; self.removed = removed; self.logIndex = logIndex
        }
    }

    /// Checks a fetched range against the cursor and itself.
    ///
    /// - Parameters:
    ///   - range: the blocks whose logs were fetched.
    ///   - headers: the fetched headers by number; a nil value means the node has no such block.
    ///   - logs: the block references of the fetched logs.
    public func verify(range: ClosedRange<UInt64>, headers: [UInt64: BlockRecord?], logs: [LogReference]) -> Verdict {
        if let cursor {
            guard let fetched = headers[cursor.blockNumber] else {
                return .changedDuringFetch("the header of cursor block \(cursor.blockNumber) was not fetched")
            }
            guard let atCursor = fetched else { return .nodeBehind(block: cursor.blockNumber) }
            if atCursor.hash != cursor.blockHash { return .cursorReorged(nodeHash: atCursor.hash) }
        }
        let sorted = headers.compactMap { $0.value }.sorted { $0.number < $1.number }
        for (a, b) in zip(sorted, sorted.dropFirst()) where b.number == a.number + 1 && b.parentHash != a.hash {
            return .changedDuringFetch("block \(b.number)'s parent hash \(b.parentHash) is not block \(a.number)'s hash \(a.hash)")
        }
        if let cursor, range.lowerBound == cursor.blockNumber + 1, let first = headers[range.lowerBound] ?? nil,
           first.parentHash != cursor.blockHash {
            return .changedDuringFetch("block \(first.number)'s parent hash \(first.parentHash) is not the cursor's hash \(cursor.blockHash)")
        }
        if let missing = headers.first(where: { range.contains($0.key) && $0.value == nil }) {
            return .nodeBehind(block: missing.key)
        }
        for log in logs {
            if log.removed {
                return .changedDuringFetch("log \(log.logIndex) of block \(log.blockNumber) is marked removed")
            }
            guard let header = headers[log.blockNumber] ?? nil else {
                return .changedDuringFetch("no header was fetched for block \(log.blockNumber), which has logs")
            }
            if header.hash != log.blockHash {
                return .changedDuringFetch("log \(log.logIndex) of block \(log.blockNumber) has block hash \(log.blockHash), the header has \(header.hash)")
            }
        }
        return .linked
    }

    /// The recorded block numbers to look up on the node to find the fork point, newest first.
    public var forkSearchNumbers: [UInt64] { window.reversed().map(\.number) }

    /// Where to rewind to, given the node's hashes at `forkSearchNumbers` (a missing entry: the node has no block).
    public enum ForkResolution: Sendable, Hashable {
        /// Undo every block above the recorded block `block`; `orphaned` recorded blocks differ from the node's.
        case rewind(to: UInt64, orphaned: Int)
        /// The node has none of the recorded blocks, or agrees with the newest one it has: nothing proves a fork (wait).
        case inconclusive(String)
        /// The fork is below the window: the sync must stop.
        case deep(DeepReorgError)
    }

    /// The fork point: the highest recorded block whose hash the node has at the same number.
    public func resolveFork(nodeHashes: [UInt64: Hash32]) -> ForkResolution {
        var orphaned = 0
        for record in window.reversed() {
            guard let node = nodeHashes[record.number] else { continue }
            if node == record.hash {
                guard orphaned > 0 else { return .inconclusive("the node has every recorded block it returned; nothing to undo") }
                return .rewind(to: record.number, orphaned: orphaned)
            }
            orphaned += 1
        }
        guard orphaned > 0 else {
            return .inconclusive("the node returned none of the \(window.count) recorded blocks; it is probably behind")
        }
        // Nothing recorded matches: the fork is below every block the store can rewind to.
        let oldest = window.first, newest = window.last
        return .deep(DeepReorgError(depth: depth, oldest: oldest, newest: newest,
                                    nodeHashAtNewest: newest.flatMap { nodeHashes[$0.number] }))
    }

    /// Records a committed range: its fetched headers and the new cursor. Prunes below `cursor − depth`.
    public mutating func recordCommitted(_ blocks: [BlockRecord], cursor: Checkpoint) {
        self.cursor = cursor
        let fresh = Set(blocks.map(\.number))
        var merged = window.filter { $0.number <= cursor.blockNumber && !fresh.contains($0.number) }
        merged.append(contentsOf: blocks.filter { $0.number <= cursor.blockNumber })
        window = merged.sorted { $0.number < $1.number }
        prune()
    }

    /// Records a rewind to `block`: drops the recorded blocks above it; the cursor becomes that block (nil if it is
    /// below the start block or was not recorded and no hash is known).
    public mutating func recordRewind(to block: UInt64, cursor newCursor: Checkpoint?) {
        window.removeAll { $0.number > block }
        cursor = newCursor
    }

    private mutating func prune() {
        let f = floor
        if let i = window.firstIndex(where: { $0.number >= f }) { window.removeFirst(i) } else { window.removeAll() }
    }
}

/// A reorg deeper than the window: the mirror cannot undo that far and stops.
public struct DeepReorgError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The window depth in blocks.
    public let depth: Int
    /// The oldest recorded block.
    public let oldest: BlockRecord?
    /// The newest recorded block.
    public let newest: BlockRecord?
    /// The node's hash at the newest recorded block's number.
    public let nodeHashAtNewest: Hash32?

    /// What happened and what to do.
    public var message: String {
        let span = oldest.flatMap { o in newest.map { "blocks \(o.number)…\($0.number)" } } ?? "the recorded blocks"
        var text = "reorg deeper than the reorg window (\(depth) blocks): the node's chain has none of \(span) as the mirror recorded them"
        if let newest, let nodeHashAtNewest {
            text += " (block \(newest.number): mirrored \(newest.hash), node \(nodeHashAtNewest))"
        }
        text += ". The mirror cannot undo further back and has stopped; its database still holds the state at its cursor. "
        text += "To recover: check that --rpc-url points at a node of the right, fully synced chain; if the reorg is real, "
        text += "resync from the start block into a fresh database (delete the database file or give a new --db), and raise "
        text += "--reorg-window if such reorgs are expected."
        return text
    }

    public var description: String { message }
}
