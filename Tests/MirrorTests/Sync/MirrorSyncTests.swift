import EthereumKit
import Kalypso
@testable import Mirror
import Telemetry
import Testing

@Suite struct MirrorSyncTests {
    static func settings(_ mode: SyncStateMachine.Mode, span: UInt64 = 10, window: Int = 16, prefetch: Bool = true) -> MirrorSync.Settings {
        MirrorSync.Settings(mode: mode, confirmations: 0, reorgWindow: window, pollInterval: .milliseconds(5),
                            range: .init(initial: span, maximum: span * 8), prefetch: prefetch)
    }

    static func sync(_ chain: SimulatedChain, _ store: InMemoryMirrorStore, _ settings: MirrorSync.Settings,
                     metrics: MetricsRegistry? = nil) throws -> MirrorSync {
        try MirrorSync(deployment: SimulatedChain.deployment, settings: settings, source: chain, pipeline: SimulatedChain.pipeline,
                       store: store, logger: .disabled, metrics: metrics)
    }

    @Test(arguments: [true, false])
    func aOnceSyncReachesTheHeadWithTheReferenceState(prefetch: Bool) async throws {
        let chain = SimulatedChain()
        chain.mine(300)
        let store = InMemoryMirrorStore()
        let metrics = MetricsRegistry()
        let sync = try Self.sync(chain, store, Self.settings(.once, prefetch: prefetch), metrics: metrics)
        #expect(try await sync.run() == .finished)
        let reference = try await chain.referenceState()
        #expect(await sync.currentState == reference)
        #expect(store.state == reference)
        #expect(store.cursor?.blockNumber == 300)
        #expect(store.duplicateEvents == 0)
        #expect(store.window.count <= 17)
        #expect(metrics.value(MirrorMetrics.synced) == 300)
        #expect(metrics.value(MirrorMetrics.logs) == Double(chain.canonicalLogs.count))
    }

    @Test func aFailedCommitIsUndoneInMemoryAndRetried() async throws {
        let chain = SimulatedChain()
        chain.mine(120)
        let store = InMemoryMirrorStore()
        store.failNextCommits = 3
        let sync = try Self.sync(chain, store, Self.settings(.once))
        let events = sync.events()
        let watcher = Task { () -> [Bool] in
            var consistent: [Bool] = []
            for await event in events {
                // At every published point, memory equals the database.
                if case .committed(let c) = event {
                    consistent.append(c.state == store.history.withLock { $0[c.cursor.blockNumber] })
                }
            }
            return consistent
        }
        #expect(try await sync.run() == .finished)
        let reference = try await chain.referenceState()
        #expect(await sync.currentState == reference)
        #expect(store.state == reference)
        #expect(store.duplicateEvents == 0)
        let seen = await watcher.value
        #expect(!seen.isEmpty && seen.allSatisfy { $0 })
    }

    @Test func transientFetchFailuresAndProviderLimitsDoNotChangeTheResult() async throws {
        let chain = SimulatedChain()
        chain.mine(200)
        chain.limitSpan(7)
        chain.failNextLogs(3)
        let store = InMemoryMirrorStore()
        let sync = try Self.sync(chain, store, Self.settings(.once, span: 40))
        #expect(try await sync.run() == .finished)
        #expect(store.state == (try await chain.referenceState()))
        #expect(await sync.rangeSpan <= 7)
    }

    @Test(arguments: [1, 3, 10])
    func reorgsWhileFollowingEndInTheStateOfACleanSync(depth: Int) async throws {
        let chain = SimulatedChain()
        chain.mine(60)
        let store = InMemoryMirrorStore()
        let sync = try Self.sync(chain, store, Self.settings(.follow, window: 16))
        let run = Task { try await sync.run() }
        try await Self.waitForCursor(sync, chain.head)
        chain.reorg(depth: depth, replacement: depth + 2)
        try await Self.waitForCursor(sync, chain.head)
        chain.reorg(depth: depth, replacement: depth + 1)
        chain.mine(3)
        try await Self.waitForCursor(sync, chain.head)
        sync.requestStop()
        #expect(try await run.value == .stopped)
        #expect(store.rewinds.count >= 1)
        let reference = try await chain.referenceState()
        #expect(await sync.currentState == reference)
        #expect(store.state == reference)
        #expect(store.duplicateEvents == 0)
        let clean = InMemoryMirrorStore()
        _ = try await Self.sync(chain, clean, Self.settings(.once)).run()
        #expect(clean.state == store.state)
    }

    /// A replacement branch of the same length (or shorter) never moves the head past the cursor: the per-poll
    /// linkage check must see it.
    @Test(arguments: [0, 2])
    func aReorgThatDoesNotLengthenTheChainIsUndone(shorter: Int) async throws {
        let chain = SimulatedChain()
        chain.mine(50)
        let store = InMemoryMirrorStore()
        let sync = try Self.sync(chain, store, Self.settings(.follow, window: 16))
        let run = Task { try await sync.run() }
        try await Self.waitForCursor(sync, 50)
        chain.reorg(depth: 3, replacement: 3 - shorter)
        for _ in 0..<2_000 where store.rewinds.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        try await Self.waitForCursor(sync, chain.head)
        sync.requestStop()
        _ = try await run.value
        #expect(store.rewinds == [47])
        #expect(store.state == (try await chain.referenceState()))
        #expect(store.cursor?.blockHash == SimulatedChain.hash(chain.head, branch: shorter == 0 ? 1 : 0) || shorter > 0)
    }

    @Test func aReorgDeeperThanTheWindowStopsTheSync() async throws {
        let chain = SimulatedChain()
        chain.mine(80)
        let store = InMemoryMirrorStore()
        let sync = try Self.sync(chain, store, Self.settings(.follow, window: 4))
        let run = Task { try await sync.run() }
        try await Self.waitForCursor(sync, chain.head)
        chain.reorg(depth: 10, replacement: 12)
        do {
            _ = try await run.value
            Issue.record("the sync went on after a deep reorg")
        } catch let error as DeepReorgError {
            #expect(error.depth == 4)
        }
        // The database still holds the state at the old cursor.
        #expect(store.cursor?.blockNumber == 80)
    }

    @Test func subscribersSeeEveryCommitAndRewind() async throws {
        let chain = SimulatedChain()
        chain.mine(30)
        let store = InMemoryMirrorStore()
        let sync = try Self.sync(chain, store, Self.settings(.follow, span: 10))
        let events = sync.events()
        let run = Task { try await sync.run() }
        try await Self.waitForCursor(sync, 30)
        chain.reorg(depth: 2, replacement: 3)
        try await Self.waitForCursor(sync, 31)
        sync.requestStop()
        _ = try await run.value
        var covered: Set<UInt64> = []
        var rewoundTo: [UInt64] = []
        var lastClock: UInt64 = 0
        for await event in events {
            switch event {
            case .committed(let c):
                covered.formUnion(c.range)
                lastClock = c.clock
                #expect(c.cursor.blockNumber == c.range.upperBound)
            case .rewound(let to, _, _):
                rewoundTo.append(to)
                covered = covered.filter { $0 <= to }
            }
        }
        #expect(covered == Set(1...31))
        #expect(rewoundTo == [28])
        #expect(lastClock == 1_031)  // the G1 clock (l1BlockNumber) of the cursor block
    }

    static func waitForCursor(_ sync: MirrorSync, _ block: UInt64) async throws {
        for _ in 0..<2_000 {
            if let c = await sync.cursor, c.blockNumber >= block { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("the cursor did not reach block \(block)")
    }
}
