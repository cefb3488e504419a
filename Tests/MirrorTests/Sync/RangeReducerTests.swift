import EthereumKit
import Kalypso
@testable import Mirror
import Testing

@Suite struct RangeReducerTests {
    /// The simulated chain's events, decoded and enriched.
    static func events(_ chain: SimulatedChain) async throws -> [KalypsoLog] {
        var events: [KalypsoLog] = []
        for log in chain.canonicalLogs { if case .event(let e) = SimulatedChain.pipeline.decode(log) { events.append(e) } }
        return try await SimulatedChain.pipeline.enrich(events, nil).logs
    }

    /// A simulated chain of 120 blocks: the state after its first `1 / parts` of events, and the other events.
    static func split(_ chain: SimulatedChain, parts: Int) async throws -> (state: KalypsoState, rest: [KalypsoLog]) {
        chain.mine(120)
        let events = try await Self.events(chain)
        var state = KalypsoState()
        let first = events.count / parts
        _ = RangeReducer.reduce(Array(events[..<first]), clock: { UInt256($0) }, state: &state)
        return (state, Array(events[first...]))
    }

    @Test func oneChangeSetPerBlockThatUndoesExactly() async throws {
        let chain = SimulatedChain()
        let (before, rest) = try await Self.split(chain, parts: 2)
        var state = before
        let (changes, _) = RangeReducer.reduce(rest, clock: { UInt256($0) }, state: &state)
        #expect(state == (try await chain.referenceState()))
        // One entry per block, blocks ascending, each entity once per block.
        #expect(zip(changes, changes.dropFirst()).allSatisfy { $0.blockNumber < $1.blockNumber })
        for block in changes { #expect(Set(block.changes.changes.map(\.key)).count == block.changes.changes.count) }
        #expect(changes.contains { block in rest.filter { $0.position.blockNumber == block.blockNumber }.map(\.position.transactionHash).count > 1 })
        // Undoing newest first restores the state before the second half.
        for block in changes.reversed() { state.undo(block.changes) }
        #expect(state == before)
    }

    @Test func blocksAtOrBelowTheFloorMergeIntoOneEntryThatUndoesExactly() async throws {
        let (start, range) = try await Self.split(SimulatedChain(), parts: 3)
        var perBlock = start
        let (expected, expectedIssues) = RangeReducer.reduce(range, clock: { UInt256($0) }, state: &perBlock)
        let blocks = range.map(\.position.blockNumber)
        let floor = blocks[blocks.count / 2]
        var merged = start
        let (changes, issues) = RangeReducer.reduce(range, clock: { UInt256($0) }, mergingThrough: floor, state: &merged)
        #expect(merged == perBlock)
        #expect(issues == expectedIssues)
        // One entry for the blocks up to the floor (numbered and hashed as the last of them with events), then the
        // per-block change sets of the blocks above it, unchanged.
        let above = expected.filter { $0.blockNumber > floor }
        #expect(changes.count == above.count + 1)
        let last = try #require(range.last { $0.position.blockNumber <= floor }?.position)
        #expect(changes[0].blockNumber == last.blockNumber && changes[0].blockHash == last.blockHash)
        #expect(changes.dropFirst().map(\.blockNumber) == above.map(\.blockNumber))
        #expect(zip(changes.dropFirst(), above).allSatisfy { $0.changes == $1.changes && $0.blockHash == $1.blockHash })
        // The merged entry is the per-block change sets up to the floor merged in order.
        let mergedExpected = expected.filter { $0.blockNumber <= floor }.map(\.changes).reduce(ChangeSet()) { $0.merged(with: $1) }
        #expect(Set(changes[0].changes.changes) == Set(mergedExpected.changes))
        var undone = merged
        for block in changes.reversed() { undone.undo(block.changes) }
        #expect(undone == start)
        // A floor below the range changes nothing; one at or above its last block leaves one entry.
        var low = start
        #expect(RangeReducer.reduce(range, clock: { UInt256($0) }, mergingThrough: blocks[0] - 1, state: &low).changes.map(\.changes) == expected.map(\.changes))
        var high = start
        let all = RangeReducer.reduce(range, clock: { UInt256($0) }, mergingThrough: blocks[blocks.count - 1], state: &high).changes
        #expect(all.count == 1 && high == perBlock)
    }

    @Test func journalFloorIsTheRangeEndMinusTheWindow() {
        #expect(RangeReducer.journalFloor(toBlock: 100, reorgWindow: 64) == 36)
        #expect(RangeReducer.journalFloor(toBlock: 64, reorgWindow: 64) == 0)
        #expect(RangeReducer.journalFloor(toBlock: 63, reorgWindow: 64) == nil)
        #expect(RangeReducer.journalFloor(toBlock: 10, reorgWindow: 0) == 10)
        #expect(RangeReducer.journalFloor(toBlock: 10, reorgWindow: -1) == nil)
    }
}
