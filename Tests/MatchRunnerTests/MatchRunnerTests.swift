import EthereumKit
import Kalypso
import Matching
@testable import MatchRunner
import Mirror
import Testing

@Suite struct MatchRunnerTests {
    func range(_ state: KalypsoState, block: UInt64, head: UInt64) -> MirrorEvent {
        .committed(CommittedRange(range: block...block, cursor: Checkpoint(blockNumber: block, blockHash: Hash32(w0: 0, w1: 0, w2: 0, w3: block)),
                                  clock: block, head: head, logCount: 1, changes: [], state: state))
    }

    /// In-process with sync: ranges far below the head (backfill) run no round; a range near the head runs one on
    /// the newest snapshot; the stream's end ends `follow`.
    @Test func followRunsRoundsOnlyNearTheHead() async throws {
        let state = Fixture.state(asks: 4)
        let relayer = try Fixture.relayer(nil, mode: .dryRun)
        let rounds = EventLog()
        let runner = MatchRunner(engine: Fixture.engine(), relayer: relayer, logger: .disabled, metrics: nil, onEvent: { rounds.append($0) })
        let (events, feed) = AsyncStream.makeStream(of: MirrorEvent.self)
        feed.yield(range(state, block: 900, head: 1_000))
        feed.yield(range(state, block: 950, head: 1_000))
        feed.yield(range(state, block: 998, head: 1_000))  // within 2 confirmations of the head
        feed.finish()
        await runner.follow(events, confirmations: 2)
        let reports = rounds.all.compactMap { e -> RoundReport? in if case .round(let r) = e { return r } else { return nil } }
        #expect(reports.count == 1)
        #expect(reports.first?.cursor?.blockNumber == 998)
        #expect(reports.first?.round.assignments.count == 4)
        #expect(await runner.roundsRun == 1)
    }

    /// A rewind replaces the newest state (keeping the clock); it does not run a round by itself.
    @Test func rewindReplacesTheSnapshot() async throws {
        let state = Fixture.state(asks: 4)
        let relayer = try Fixture.relayer(nil, mode: .dryRun)
        let runner = MatchRunner(engine: Fixture.engine(), relayer: relayer, logger: .disabled, metrics: nil)
        let (events, feed) = AsyncStream.makeStream(of: MirrorEvent.self)
        feed.yield(range(state, block: 1_000, head: 1_000))
        feed.yield(.rewound(to: 990, cursor: Checkpoint(blockNumber: 990, blockHash: Hash32(w0: 9, w1: 0, w2: 0, w3: 0)), state: KalypsoState()))
        feed.finish()
        await runner.follow(events, confirmations: 0)
        #expect(runner.snapshots.latest?.cursor?.blockNumber == 990)
        #expect(runner.snapshots.latest?.clock == 1_000)
        #expect(runner.snapshots.latest?.state.asks.isEmpty == true)
    }
}
