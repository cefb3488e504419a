import EthereumKit
import JSONRPC
@testable import Mirror
import Testing

@Suite struct SyncStateMachineTests {
    static func machine(mode: SyncStateMachine.Mode = .follow, confirmations: UInt64 = 0, span: UInt64 = 100, depth: Int = 8,
                        start: UInt64 = 10, cursor: UInt64? = nil) -> SyncStateMachine {
        let window = cursor.map { ForkChain.blocks(start...$0) } ?? []
        let checkpoint = cursor.map { Checkpoint(blockNumber: $0, blockHash: ForkChain.hash($0, branch: 0)) }
        return SyncStateMachine(configuration: .init(mode: mode, confirmations: confirmations, pollInterval: .seconds(1)),
                                sizer: RangeSizer(.init(initial: span, maximum: span * 4, successesBeforeGrowth: 100)),
                                detector: ReorgDetector(window: window, cursor: checkpoint, depth: depth, startBlock: start))
    }

    static func commit(_ m: inout SyncStateMachine, _ request: RangeRequest, branch: UInt64 = 0) -> SyncAction {
        let blocks = ForkChain.blocks(request.range, branch: branch).filter { request.headers.contains($0.number) }
        let cursor = Checkpoint(blockNumber: request.range.upperBound, blockHash: ForkChain.hash(request.range.upperBound, branch: branch))
        return m.rangeCommitted(request, blocks: blocks, cursor: cursor, logCount: 0)
    }

    @Test func backfillsFromTheStartBlockInRangesThenPolls() {
        var m = Self.machine(span: 100, depth: 8)
        #expect(m.start() == .fetchHead)
        guard case .fetchRange(let r1) = m.headFetched(300) else { Issue.record("expected a range"); return }
        #expect(r1.range == 10...109)
        #expect(r1.headers == [109])  // far below the head: only the new cursor's header (+ log blocks, by the fetcher)
        #expect(m.rangeFetched(r1, verdict: .linked) == .applyRange(r1))
        guard case .fetchRange(let r2) = Self.commit(&m, r1) else { Issue.record("expected a range"); return }
        #expect(r2.range == 110...209)
        #expect(r2.headers == [109, 209])  // the cursor's block is re-checked
        guard case .fetchRange(let r3) = Self.commit(&m, r2) else { Issue.record("expected a range"); return }
        #expect(r3.range == 210...300)
        #expect(r3.headers == [209] + Array(293...300))  // every header within the window of the head
        #expect(Self.commit(&m, r3) == .fetchHead)
        #expect(m.headFetched(300) == .checkLinkage(300))  // every poll checks the cursor's block, even with nothing new
        #expect(m.linkageChecked(300, nodeHash: ForkChain.hash(300, branch: 0)) == .sleep(.seconds(1), reason: "caught up"))
        #expect(m.wokeUp() == .fetchHead)
        guard case .fetchRange(let r4) = m.headFetched(302) else { Issue.record("expected a range"); return }
        #expect(r4.range == 301...302)
        #expect(r4.headers == [300, 301, 302])
    }

    @Test func confirmationsKeepTheTargetBehindTheHead() {
        var m = Self.machine(confirmations: 5, span: 1000)
        guard case .fetchRange(let r) = m.headFetched(100) else { Issue.record("expected a range"); return }
        #expect(r.range == 10...95)
        #expect(Self.commit(&m, r) == .fetchHead)
        #expect(m.headFetched(100) == .checkLinkage(95))
        #expect(m.headFetched(3) == .sleep(.seconds(1), reason: "caught up"))  // no recorded block at or below head 3
    }

    @Test func onceModeFinishesWhenAHeadPollFindsNothingNew() {
        var m = Self.machine(mode: .once, span: 1000)
        guard case .fetchRange(let r) = m.headFetched(50) else { Issue.record("expected a range"); return }
        #expect(Self.commit(&m, r) == .fetchHead)
        guard case .fetchRange(let r2) = m.headFetched(52) else { Issue.record("expected the new blocks"); return }
        #expect(r2.range == 51...52)
        #expect(Self.commit(&m, r2) == .fetchHead)
        #expect(m.headFetched(52) == .finished)
    }

    @Test func untilModeStopsAtItsBlock() {
        var m = Self.machine(mode: .until(60), span: 1000)
        guard case .fetchRange(let r) = m.headFetched(200) else { Issue.record("expected a range"); return }
        #expect(r.range == 10...60)
        #expect(Self.commit(&m, r) == .finished)
        var waiting = Self.machine(mode: .until(60), span: 1000)
        guard case .fetchRange(let partial) = waiting.headFetched(40) else { Issue.record("expected a range"); return }
        #expect(partial.range == 10...40)
        #expect(Self.commit(&waiting, partial) == .fetchHead)
        #expect(waiting.headFetched(40) == .checkLinkage(40))  // waits for block 60, checking the cursor meanwhile
    }

    @Test func aHeadThatMovesBackwardsDoesNotLowerTheTarget() {
        var m = Self.machine(mode: .once, span: 1000)
        guard case .fetchRange = m.headFetched(100) else { Issue.record("expected a range"); return }
        #expect(m.rangeFailed(RangeRequest(range: 10...100, headers: []), .transient("reset")) != .finished)
        guard case .fetchRange(let r) = m.headFetched(40) else { Issue.record("expected the old target"); return }
        #expect(r.range == 10...100)
    }

    @Test func aProviderLimitRetriesASmallerRangeAtOnce() {
        var m = Self.machine(span: 1000)
        guard case .fetchRange(let r) = m.headFetched(5000) else { Issue.record("expected a range"); return }
        let next = m.rangeFailed(r, .providerLimit(RangeLimitHint(reason: .blockRangeTooWide, maxBlockRange: 300)))
        guard case .fetchRange(let smaller) = next else { Issue.record("expected a smaller range"); return }
        #expect(smaller.range == 10...309)
        #expect(m.sizer.ceiling == 300)
    }

    @Test func failuresBackOffExponentiallyAndASuccessResets() {
        var m = Self.machine(span: 1000)
        guard case .fetchRange(let r) = m.headFetched(5000) else { Issue.record("expected a range"); return }
        var delays: [Duration] = []
        for _ in 0..<10 {
            guard case .sleep(let d, _) = m.rangeFailed(r, .transient("HTTP 500")) else { Issue.record("expected a pause"); return }
            delays.append(d)
        }
        #expect(delays.prefix(4) == [.milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2)])
        #expect(delays.last == .seconds(30))
        _ = Self.commit(&m, r)
        guard case .sleep(let d, _) = m.rangeFailed(r, .transient("again")) else { Issue.record("expected a pause"); return }
        #expect(d == .milliseconds(250))
    }

    @Test func aReorgedCursorLeadsToAForkSearchAndARewind() {
        var m = Self.machine(span: 100, depth: 8, cursor: 40)
        guard case .fetchRange(let r) = m.headFetched(45) else { Issue.record("expected a range"); return }
        #expect(r.headers == Array(40...45))
        let search = m.rangeFetched(r, verdict: .cursorReorged(nodeHash: ForkChain.hash(40, branch: 1)))
        #expect(search == .findForkPoint(Array((32...40).reversed())))
        let node = ForkChain.blocks(30...46, branch: 1, forkAt: 38)
        let action = m.forkHashesFetched(Dictionary(uniqueKeysWithValues: node.map { ($0.number, $0.hash) }))
        guard case .rewind(let to, let reason) = action else { Issue.record("expected a rewind"); return }
        #expect(to == 37)
        #expect(reason.contains("3 recorded block(s)"))
        #expect(m.rewound(to: 37, cursor: Checkpoint(blockNumber: 37, blockHash: ForkChain.hash(37, branch: 0))) == .fetchHead)
        #expect(m.reorgs == 1)
        guard case .fetchRange(let again) = m.headFetched(46) else { Issue.record("expected a range"); return }
        #expect(again.range == 38...46)
    }

    @Test func aReorgThatDoesNotLengthenTheChainIsSeenByTheLinkageCheck() {
        var m = Self.machine(span: 100, depth: 8, cursor: 40)
        #expect(m.headFetched(40) == .checkLinkage(40))
        #expect(m.linkageChecked(40, nodeHash: ForkChain.hash(40, branch: 7)) == .findForkPoint(Array((32...40).reversed())))
        // A head that moved back below the cursor: the newest recorded block at or below it is checked.
        var back = Self.machine(span: 100, depth: 8, cursor: 40)
        #expect(back.headFetched(40) == .checkLinkage(40))
        #expect(back.headFetched(36) == .checkLinkage(36))
        #expect(back.linkageChecked(36, nodeHash: ForkChain.hash(36, branch: 0)) == .sleep(.seconds(1), reason: "caught up"))
        #expect(back.linkageChecked(36, nodeHash: nil) == .sleep(.seconds(1), reason: "caught up"))
        // A lagging node that agrees with what it has proves nothing: no rewind.
        let lagging = ForkChain.blocks(30...36)
        #expect(back.forkHashesFetched(Dictionary(uniqueKeysWithValues: lagging.map { ($0.number, $0.hash) })) == .sleep(.seconds(1), reason: "caught up"))
    }

    @Test func aDeepReorgFails() {
        var m = Self.machine(span: 100, depth: 4, cursor: 40)
        let node = ForkChain.blocks(0...46, branch: 1, forkAt: 20)
        guard case .fail(let error) = m.forkHashesFetched(Dictionary(uniqueKeysWithValues: node.map { ($0.number, $0.hash) })) else {
            Issue.record("expected a failure"); return
        }
        #expect(error.depth == 4)
    }

    @Test func aChainChangeDuringTheFetchRefetchesAfterAShortPause() {
        var m = Self.machine(span: 100)
        guard case .fetchRange(let r) = m.headFetched(50) else { Issue.record("expected a range"); return }
        guard case .sleep(let d, _) = m.rangeFetched(r, verdict: .changedDuringFetch("x")) else { Issue.record("expected a pause"); return }
        #expect(d == .milliseconds(100))
        #expect(m.wokeUp() == .fetchHead)
    }

    @Test func speculativeNextOnlyFarBelowTheHead() {
        var m = Self.machine(span: 100, depth: 8)
        guard case .fetchRange(let r1) = m.headFetched(1000) else { Issue.record("expected a range"); return }
        let ahead = m.speculativeNext(after: r1)
        #expect(ahead?.range == 110...209)
        #expect(ahead?.headers == [109, 209])
        guard case .fetchRange(let r2) = Self.commit(&m, r1) else { Issue.record("expected a range"); return }
        #expect(r2 == ahead)  // the prefetched range is exactly the one asked for next
        let nearHead = RangeRequest(range: 800...899, headers: [])
        #expect(m.speculativeNext(after: nearHead) == nil)  // 900…999 ends within the window of head 1000
    }
}
