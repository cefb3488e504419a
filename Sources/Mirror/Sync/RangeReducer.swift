import EthereumKit
import Kalypso

/// Applies a range's events to the state the way the sync commits them: block by block, each block's transactions
/// through `KalypsoReducer` with the block's G1 clock, one merged change set per block (the undo journal's unit).
public enum RangeReducer {
    /// Applies `logs` (in chain order) to `state`.
    /// - Parameters:
    ///   - clock: the G1 clock of a block (`l1BlockNumber` on Arbitrum, else the block number).
    ///   - floor: blocks at or below it get no change set of their own: they are recorded as ONE entry (each entity's
    ///     value before the range and after the last of them; numbered and hashed as the last of them), which undoes
    ///     them all exactly but not one by one. Pass `journalFloor(toBlock:reorgWindow:)` of the range: the store
    ///     never journals those blocks and no rewind can stop between them, so their per-block change sets would only
    ///     cost time. Nil (the default): one change set per block.
    /// - Returns: the change set of every block that changed something (and the merged entry, first, if any), in block
    ///   order, and every issue.
    public static func reduce(_ logs: [KalypsoLog], clock: (UInt64) -> UInt256, mergingThrough floor: UInt64? = nil,
                              state: inout KalypsoState) -> (changes: [BlockChanges], issues: [InconsistencyError]) {
        var changes: [BlockChanges] = []
        var issues: [InconsistencyError] = []
        // The blocks at or below `floor`: one span, its entry appended when the first block above it comes (or at the end).
        var span = BlockSpanReducer()
        var spanLast: (number: UInt64, hash: Hash32)?
        func closeSpan() {
            guard let last = spanLast else { return }
            let changeSet = span.changeSet(from: state)
            if !changeSet.isEmpty { changes.append(BlockChanges(blockNumber: last.number, blockHash: last.hash, changes: changeSet)) }
            spanLast = nil
        }
        var start = 0
        while start < logs.count {
            let block = logs[start].position.blockNumber
            var end = start
            while end < logs.count, logs[end].position.blockNumber == block { end += 1 }
            let blockClock = clock(block)
            if let floor, block <= floor {
                issues += span.applyBlock(logs: logs[start..<end], clock: blockClock, to: &state)
                spanLast = (block, logs[start].position.blockHash)
            } else {
                closeSpan()
                // One change set per block: each entity's value before the block's first transaction touched it, and
                // its value after the last (one journal across the block's transactions, nothing to merge).
                var one = BlockSpanReducer()
                issues += one.applyBlock(logs: logs[start..<end], clock: blockClock, to: &state)
                let changeSet = one.changeSet(from: state)
                if !changeSet.isEmpty {
                    changes.append(BlockChanges(blockNumber: block, blockHash: logs[start].position.blockHash, changes: changeSet))
                }
            }
            start = end
        }
        closeSpan()
        return (changes, issues)
    }

    /// The highest block of a range ending at `toBlock` that a store keeping `reorgWindow` blocks of undo journal never
    /// journals (`toBlock − reorgWindow`; `SQLMirrorStore.commit` keeps only the blocks above `max(undo floor, this)`),
    /// nil if every block of the range may be journaled. The `floor` for `reduce`.
    public static func journalFloor(toBlock: UInt64, reorgWindow: Int) -> UInt64? {
        guard reorgWindow >= 0, toBlock >= UInt64(reorgWindow) else { return nil }
        return toBlock - UInt64(reorgWindow)
    }
}
