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
            // value now (cheaper than merging the transactions' change sets pairwise).
            let transactions = TransactionLogs.group(Array(logs[start..<end]), clock: { _ in blockClock })
            if transactions.count == 1 {
                let reduction = KalypsoReducer.apply(transactions[0], to: &state)
                issues += reduction.issues
                if !reduction.changeSet.isEmpty {
                    changes.append(BlockChanges(blockNumber: block, blockHash: logs[start].position.blockHash, changes: reduction.changeSet))
                }
                start = end
                continue
            }
            var firstBefore: [EntityKey: EntityValue?] = [:]
            var order: [EntityKey] = []
            for transaction in transactions {
                let reduction = KalypsoReducer.apply(transaction, to: &state)
                issues += reduction.issues
                for change in reduction.changeSet.changes where firstBefore.index(forKey: change.key) == nil {
                    firstBefore[change.key] = .some(change.before)
                    order.append(change.key)
                }
            }
            var blockChanges: [EntityChange] = []
            blockChanges.reserveCapacity(order.count)
            for key in order {
                let before = firstBefore[key] ?? nil
                let after = state.value(for: key)
                if before != after, let change = EntityChange(key: key, before: before, after: after) { blockChanges.append(change) }
            }
            if !blockChanges.isEmpty, let set = ChangeSet(changes: blockChanges) {
                changes.append(BlockChanges(blockNumber: block, blockHash: logs[start].position.blockHash, changes: set))
            }
            start = end
        }
        return (changes, issues)
    }
}
