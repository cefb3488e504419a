import Database
import DatabaseTestSupport
import EthereumKit
@testable import Kalypso
@testable import Mirror
import Testing

/// Ranges reduced with `RangeReducer.reduce(_:clock:mergingThrough:state:)` (one merged entry for the blocks at or below
/// the journal floor) must leave the store exactly as ranges with one change set per block: the same entity tables,
/// the same undo journal, the same rewinds.
@Suite struct MergedBlocksCommitTests {
    /// Every row of `table`, ordered by all its columns.
    private func rows(_ table: String, _ store: SQLMirrorStore) throws -> [[DatabaseValue]] {
        try store.pool.read { db in
            let rows = try db.query("SELECT * FROM \(unsafeRaw: table)")
            return rows.map(\.values).sorted { "\($0)" < "\($1)" }
        }
    }

    /// The entity tables, the undo journal and the block window.
    private func tables(_ store: SQLMirrorStore) throws -> [String: [[DatabaseValue]]] {
        var out: [String: [[DatabaseValue]]] = [:]
        for table in EntityRows.all.map(\.name) + ["undo_journal", "block_window"] { out[table] = try rows(table, store) }
        return out
    }

    @Test(arguments: [31, 32, 33] as [UInt64])
    func mergedRangesStoreAndRewindLikePerBlockRanges(seed: UInt64) throws {
        let reorgWindow = 12
        try StoreFixture.with(.sqlite, "merged-per-block") { perBlock, _ in
            try StoreFixture.with(.sqlite, "merged") { merged, _ in
                var chain = RandomChain(seed: seed)
                // Each side's in-memory state, as the sync keeps it. Both reduce with `RangeReducer` (one journal per
                // block: its change sets may order entities differently from `RandomChain`'s merged transactions).
                var state = KalypsoState(), perBlockState = KalypsoState()
                var sawMergedEntry = false, rewinds = 0
                for step in 0..<40 {
                    var range = chain.range(blocks: chain.rng.int(1...30))
                    range.changesByBlock = RangeReducer.reduce(range.logs, clock: { UInt256($0) }, state: &perBlockState).changes
                    try perBlock.commit(range, reorgWindow: reorgWindow)
                    let floor = RangeReducer.journalFloor(toBlock: range.toBlock, reorgWindow: reorgWindow)
                    let before = state
                    let (changes, _) = RangeReducer.reduce(range.logs, clock: { UInt256($0) }, mergingThrough: floor, state: &state)
                    #expect(state == chain.state && perBlockState == chain.state, "step \(step): the reduced state")
                    // Blocks above the floor keep their own change sets, identical to the per-block ones.
                    func merges(_ block: BlockChanges) -> Bool { floor.map { block.blockNumber <= $0 } ?? false }
                    let above = range.changesByBlock.filter { !merges($0) && !$0.changes.isEmpty }
                    let mergedEntries = changes.filter(merges)
                    #expect(mergedEntries.count <= 1 && changes.dropFirst(mergedEntries.count).map(\.blockNumber) == above.map(\.blockNumber))
                    #expect(zip(changes.dropFirst(mergedEntries.count), above).allSatisfy { $0.changes == $1.changes && $0.blockHash == $1.blockHash })
                    sawMergedEntry = sawMergedEntry || (mergedEntries.first.map { $0.blockNumber > range.fromBlock } ?? false)
                    // The entries undo the range exactly (what the sync does when a commit fails).
                    var undone = state
                    for block in changes.reversed() { undone.undo(block.changes) }
                    #expect(undone == before)
                    // The same entity writes as per-block change sets.
                    let finals = Dictionary(uniqueKeysWithValues: SQLMirrorStore.finalValues(changes).map { ($0.key, $0.value) })
                    let expected = Dictionary(uniqueKeysWithValues: SQLMirrorStore.finalValues(range.changesByBlock).map { ($0.key, $0.value) })
                    #expect(finals == expected)

                    range.changesByBlock = changes
                    try merged.commit(range, reorgWindow: reorgWindow)
                    #expect(try tables(merged) == tables(perBlock), "step \(step): stored tables")

                    guard step % 4 == 3 else { continue }
                    let status = try SQLMirrorReader(pool: merged.pool).status().value
                    let lowest = try #require(status.undoFloor)
                    let target = max(range.toBlock - UInt64(chain.rng.int(1...reorgWindow)), lowest, chain.startBlock)
                    guard target < range.toBlock else { continue }
                    let undonePerBlock = try perBlock.rewind(to: target, reason: "test")
                    let undoneMerged = try merged.rewind(to: target, reason: "test")
                    rewinds += 1
                    #expect(undoneMerged == undonePerBlock)
                    for set in undoneMerged { state.undo(set) }
                    for set in undonePerBlock { perBlockState.undo(set) }
                    #expect(state == chain.states[target], "step \(step): rewind to \(target)")
                    #expect(try merged.loadState().state == state)
                    #expect(try tables(merged) == tables(perBlock), "step \(step): stored tables after the rewind")
                    chain.fork(at: target)
                }
                #expect(sawMergedEntry && rewinds > 5)
            }
        }
    }
}
