import EthereumKit

/// Applies consecutive blocks and records ONE change set for all of them: each entity's value before the first block
/// touched it and after the last, in first-touch order, entities that ended where they started left out.
///
/// `KalypsoReducer.applyBlock` is a span of one block. A longer span is for blocks that are never undone one by one —
/// those at or below a store's undo floor, where no rewind can stop: one before-image per entity for the whole span
/// instead of one per block, and no per-block change sets to build and merge. Undoing the span's change set still
/// restores the state before its first block exactly.
///
/// Between `applyBlock` calls and `changeSet(from:)` nothing else may change the state (the change set compares the
/// recorded before-images with the state it is given).
public struct BlockSpanReducer {
    private var journal = Journal()

    /// An empty span.
    public init() {}

    /// Applies the transactions of the span's next block, in order (as `KalypsoReducer.apply` does for each); returns
    /// the issues met, in log order.
    public mutating func applyBlock(_ transactions: [TransactionLogs], to state: inout KalypsoState) -> [InconsistencyError] {
        var issues: [InconsistencyError] = []
        for transaction in transactions {
            apply(TransactionApplier(transaction, generatorOf: { state.asks[$0]?.generator }), to: &state, &issues)
        }
        return issues
    }

    /// Applies the span's next block given as its logs in chain order: split into transactions as
    /// `TransactionLogs.group` does, all with the block's G1 `clock`, without copying the logs into transactions.
    public mutating func applyBlock(logs: ArraySlice<KalypsoLog>, clock: UInt256?, to state: inout KalypsoState) -> [InconsistencyError] {
        var issues: [InconsistencyError] = []
        for range in TransactionLogs.transactionRanges(logs) {
            apply(TransactionApplier(logs[range], clock: clock, generatorOf: { state.asks[$0]?.generator }), to: &state, &issues)
        }
        return issues
    }

    private mutating func apply(_ transaction: TransactionApplier, to state: inout KalypsoState, _ issues: inout [InconsistencyError]) {
        var applier = transaction
        // The applier owns the dictionaries and the journal uniquely while it runs: no copy-on-write copies.
        swap(&applier.state, &state)
        swap(&applier.journal, &journal)
        applier.run()
        swap(&applier.journal, &journal)
        swap(&applier.state, &state)
        issues += applier.issues
    }

    /// Whether no entity was touched yet.
    public var isEmpty: Bool { journal.isEmpty }

    /// The span's change set: from the recorded before-images to `state`, the state after the span's last block.
    public func changeSet(from state: KalypsoState) -> ChangeSet {
        journal.changeSet(from: state)
    }
}
