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

    @Test func oneChangeSetPerBlockThatUndoesExactly() async throws {
        let chain = SimulatedChain()
        chain.mine(120)
        let events = try await Self.events(chain)
        var state = KalypsoState()
        let half = events.count / 2
        _ = RangeReducer.reduce(Array(events[..<half]), clock: { UInt256($0) }, state: &state)
        let before = state
        let (changes, _) = RangeReducer.reduce(Array(events[half...]), clock: { UInt256($0) }, state: &state)
        #expect(state == (try await chain.referenceState()))
        // One entry per block, blocks ascending, each entity once per block.
        #expect(zip(changes, changes.dropFirst()).allSatisfy { $0.blockNumber < $1.blockNumber })
        for block in changes { #expect(Set(block.changes.changes.map(\.key)).count == block.changes.changes.count) }
        #expect(changes.contains { block in events.filter { $0.position.blockNumber == block.blockNumber }.map(\.position.transactionHash).count > 1 })
        // Undoing newest first restores the state before the second half.
        for block in changes.reversed() { state.undo(block.changes) }
        #expect(state == before)
    }
}
