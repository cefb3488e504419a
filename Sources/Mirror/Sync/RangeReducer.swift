import EthereumKit
import Kalypso

/// Applies a range's events to the state the way the sync commits them: block by block, each block's transactions
/// through `KalypsoReducer` with the block's G1 clock, one merged change set per block (the undo journal's unit).
public enum RangeReducer {
    /// Applies `logs` (in chain order) to `state`.
    /// - Parameter clock: the G1 clock of a block (`l1BlockNumber` on Arbitrum, else the block number).
    /// - Returns: the change set of every block that changed something, in block order, and every issue.
    public static func reduce(_ logs: [KalypsoLog], clock: (UInt64) -> UInt256,
                              state: inout KalypsoState) -> (changes: [BlockChanges], issues: [InconsistencyError]) {
        var changes: [BlockChanges] = []
        var issues: [InconsistencyError] = []
        var start = 0
        while start < logs.count {
            let block = logs[start].position.blockNumber
            var end = start
            while end < logs.count, logs[end].position.blockNumber == block { end += 1 }
            let blockClock = clock(block)
            // One change set per block: each entity's value before the block's first transaction touched it, and its
            // value after the last (one journal across the block's transactions, nothing to merge).
            let transactions = TransactionLogs.group(logs[start..<end], clock: { _ in blockClock })
            let reduction = KalypsoReducer.applyBlock(transactions, to: &state)
            issues += reduction.issues
            if !reduction.changeSet.isEmpty {
                changes.append(BlockChanges(blockNumber: block, blockHash: logs[start].position.blockHash, changes: reduction.changeSet))
            }
            start = end
        }
        return (changes, issues)
    }
}
