import EthereumKit
import Kalypso
@testable import Mirror
import Synchronization

/// A `MirrorStore` in memory with the same transaction semantics (a commit or rewind applies fully or not at all),
/// a uniqueness check on (block number, log index), and injectable commit failures. For orchestration tests only;
/// the SQL store has its own tests and the integration tests use it.
final class InMemoryMirrorStore: MirrorStore, @unchecked Sendable {
    private(set) var state = KalypsoState()
    private(set) var cursor: Checkpoint?
    private(set) var window: [BlockRecord] = []
    private(set) var journal: [BlockChanges] = []
    private(set) var events: Set<[UInt64]> = []
    private(set) var duplicateEvents = 0
    private(set) var commits = 0
    private(set) var rewinds: [UInt64] = []
    private(set) var head: UInt64?
    /// The state after each commit, by cursor block (guarded: subscribers read it from other tasks).
    let history = Mutex<[UInt64: KalypsoState]>([:])
    var failNextCommits = 0

    func loadState() throws -> (state: KalypsoState, cursor: Checkpoint?, window: [BlockRecord]) { (state, cursor, window) }

    func commit(_ range: RangeCommit, reorgWindow: Int) throws {
        if failNextCommits > 0 {
            failNextCommits -= 1
            throw SyncError(.inconsistentNode, "simulated database failure")
        }
        if let cursor, range.fromBlock != cursor.blockNumber + 1 {
            throw SyncError(.inconsistentNode, "range \(range.fromBlock) does not follow the cursor \(cursor.blockNumber)")
        }
        for log in range.logs where !events.insert([log.position.blockNumber, log.position.logIndex]).inserted { duplicateEvents += 1 }
        for block in range.changesByBlock { state.apply(block.changes) }
        journal += range.changesByBlock
        let fresh = Set(range.blocks.map(\.number))
        window = (window.filter { !fresh.contains($0.number) } + range.blocks).sorted { $0.number < $1.number }
        cursor = range.cursor
        let floor = range.cursor.blockNumber >= UInt64(reorgWindow) ? range.cursor.blockNumber - UInt64(reorgWindow) : 0
        window.removeAll { $0.number < floor }
        journal.removeAll { $0.blockNumber < floor }
        commits += 1
        let snapshot = state
        history.withLock { $0[range.cursor.blockNumber] = snapshot }
    }

    func rewind(to blockNumber: UInt64, reason: String) throws -> [ChangeSet] {
        let undone = journal.filter { $0.blockNumber > blockNumber }.reversed().map(\.changes)
        for changes in undone { state.undo(changes) }
        journal.removeAll { $0.blockNumber > blockNumber }
        window.removeAll { $0.number > blockNumber }
        events = events.filter { $0[0] <= blockNumber }
        cursor = window.last { $0.number == blockNumber }.map { Checkpoint(blockNumber: $0.number, blockHash: $0.hash) }
        rewinds.append(blockNumber)
        return Array(undone)
    }

    func recordHead(_ head: UInt64) throws { self.head = head }
}
