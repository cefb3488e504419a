import EthereumKit
import Foundation
import JSONRPC
import Kalypso
import Synchronization
import Telemetry

/// Runs the sync: `SyncStateMachine` decides, this actor performs — fetch (`SyncChainSource`), decode and enrich
/// (`SyncPipeline`), reduce (`KalypsoReducer` over the in-memory `KalypsoState`), commit (`MirrorStore`, one
/// transaction per range with the cursor and the reorg window), notify subscribers.
///
/// **Memory never gets ahead of the database**: a range is reduced in memory, then committed; if the commit throws,
/// its change sets are undone in memory (newest block first) before the failure is reported, and the range is retried
/// after a backoff. A rewind is done in the store first, then undone in memory with the change sets the store returns.
///
/// During a backfill (ranges more than the reorg window below the head) the next range is fetched, decoded and
/// enriched while the current one is reduced and committed. A prefetched range is used only if the state machine
/// asks for exactly that range next, and it is verified against the cursor like any other.
public actor MirrorSync {
    /// The deployment followed.
    public nonisolated let deployment: KalypsoDeployment
    private let source: any SyncChainSource
    private let pipeline: SyncPipeline
    private let store: any MirrorStore
    private let logger: Logger
    private let metrics: MetricsRegistry?
    private let reorgWindow: Int
    private var machine: SyncStateMachine
    private var state: KalypsoState
    private var head: UInt64?
    /// The store's bulk-load mode as last set (nil: not set in this run).
    private var backfilling: Bool?
    private var fetched: FetchedRange?
    private var prefetch: (request: RangeRequest, task: Task<FetchedRange, any Error>)?
    private let stopFlag = Atomic<Bool>(false)
    /// The fetch in flight, cancelled by `requestStop` (a stop never waits for a slow node; a commit is never cut).
    private let inflight = Mutex<Task<FetchedRange, any Error>?>(nil)
    private let subscribers = Mutex<[UUID: AsyncStream<MirrorEvent>.Continuation]>([:])
    /// Set when the store says this process is no longer the only writer; the run stops with it.
    private var writerLost: SyncError?

    /// Settings of a run.
    public struct Settings: Sendable {
        /// How the run ends.
        public var mode: SyncStateMachine.Mode
        /// Sync up to `head − confirmations`.
        public var confirmations: UInt64
        /// Blocks kept for reorg detection and undo.
        public var reorgWindow: Int
        /// Pause between head polls when caught up.
        public var pollInterval: Duration
        /// `eth_getLogs` span tuning.
        public var range: RangeSizer.Configuration
        /// Fetch the next range while committing the current one (backfill only).
        public var prefetch: Bool

        /// Settings from a chain configuration.
        public init(_ chain: ChainConfiguration, mode: SyncStateMachine.Mode, prefetch: Bool = true) {
            self.mode = mode
            confirmations = chain.confirmations
            reorgWindow = chain.reorgWindow
            pollInterval = chain.pollInterval
            range = RangeSizer.Configuration(initial: chain.getLogsRange, maximum: chain.getLogsMaxRange)
            self.prefetch = prefetch
        }

        /// Settings from their parts.
        public init(mode: SyncStateMachine.Mode, confirmations: UInt64, reorgWindow: Int, pollInterval: Duration,
                    range: RangeSizer.Configuration, prefetch: Bool = true) {
            self.mode = mode; self.confirmations = confirmations; self.reorgWindow = reorgWindow
            self.pollInterval = pollInterval; self.range = range; self.prefetch = prefetch
        }
    }

    private let settings: Settings

    /// Loads the state, cursor and window from `store` and prepares a run.
    public init(deployment: KalypsoDeployment, settings: Settings, source: any SyncChainSource, pipeline: SyncPipeline,
                store: any MirrorStore, logger: Logger, metrics: MetricsRegistry? = nil) throws {
        let loaded = try store.loadState()
        if let cursor = loaded.cursor, cursor.blockNumber + 1 < deployment.startBlock {
            throw SyncError(.chainMismatch, "the database's cursor (block \(cursor.blockNumber)) is below the start block \(deployment.startBlock); it was synced with another configuration — use another --db")
        }
        self.deployment = deployment
        self.settings = settings
        self.source = source
        self.pipeline = pipeline
        self.store = store
        self.logger = logger
        self.metrics = metrics
        self.reorgWindow = settings.reorgWindow
        self.state = loaded.state
        let detector = ReorgDetector(window: loaded.window, cursor: loaded.cursor, depth: settings.reorgWindow, startBlock: deployment.startBlock)
        machine = SyncStateMachine(configuration: .init(mode: settings.mode, confirmations: settings.confirmations, pollInterval: settings.pollInterval),
                                   sizer: RangeSizer(settings.range), detector: detector)
        if let metrics { MirrorMetrics.describe(metrics) }
    }

    /// The mirrored state as last committed.
    public var currentState: KalypsoState { state }
    /// The cursor as last committed.
    public var cursor: Checkpoint? { machine.cursor }
    /// The current `eth_getLogs` span.
    public var rangeSpan: UInt64 { machine.sizer.span }
    /// Reorgs undone in this run.
    public var reorgsUndone: Int { machine.reorgs }

    /// A stream of every committed range and rewind from now on. It ends when the run ends.
    public nonisolated func events() -> AsyncStream<MirrorEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: MirrorEvent.self, bufferingPolicy: .unbounded)
        let id = UUID()
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in self?.subscribers.withLock { _ = $0.removeValue(forKey: id) } }
        return stream
    }

    /// Asks the run to stop after the current step (a commit in progress completes). Safe from any thread.
    public nonisolated func requestStop() {
        stopFlag.store(true, ordering: .relaxed)
        inflight.withLock { $0?.cancel() }
    }

    private var stopRequested: Bool { stopFlag.load(ordering: .relaxed) }

    /// How a run ended.
    public enum Outcome: Sendable, Hashable {
        /// Caught up (`once`) or reached the requested block.
        case finished
        /// `requestStop()` was called.
        case stopped
    }

    /// Runs until finished, stopped, or a deep reorg (thrown as `DeepReorgError`).
    public func run() async throws -> Outcome {
        defer {
            prefetch?.task.cancel()
            prefetch = nil
            // Finish outside the lock: `finish()` runs `onTermination`, which takes the lock.
            let subs = subscribers.withLock { subs in defer { subs.removeAll() }; return Array(subs.values) }
            for c in subs { c.finish() }
        }
        var action = machine.start()
        while true {
            if let writerLost {
                logger.critical("sync stopped: \(writerLost.message)")
                throw writerLost
            }
            if stopRequested { leaveBackfill(); return .stopped }
            switch action {
            case .fetchHead:
                action = await fetchHead()
            case .fetchRange(let request):
                action = await fetchRange(request)
            case .applyRange(let request):
                action = await applyRange(request)
            case .checkLinkage(let block):
                action = await checkLinkage(block)
            case .findForkPoint(let numbers):
                action = await findForkPoint(numbers)
            case .rewind(let block, let reason):
                action = try rewind(to: block, reason: reason)
            case .sleep(let duration, let reason):
                if reason != "caught up" { logger.debug("sync pausing", [("for", DurationText.format(duration)), ("reason", reason)]) }
                await sleep(duration)
                action = machine.wokeUp()
            case .finished:
                leaveBackfill()
                return .finished
            case .fail(let error):
                metrics?.increment(MirrorMetrics.deepReorgs)
                logger.critical("sync stopped: \(error.message)")
                throw error
            }
        }
    }

    // MARK: - Steps

    private func fetchHead() async -> SyncAction {
        do {
            let h = try await source.headNumber()
            head = h
            metrics?.set(MirrorMetrics.head, Double(h))
            if let c = machine.cursor { metrics?.set(MirrorMetrics.lag, Double(h > c.blockNumber ? h - c.blockNumber : 0)) }
            do { try store.recordHead(h) } catch {
                if let lost = Self.writerLoss(error) { writerLost = lost; return .sleep(.zero, reason: "writer lock lost") }
                logger.warning("could not record the head", [("error", "\(error)")])
            }
            return machine.headFetched(h)
        } catch {
            metrics?.increment(MirrorMetrics.failures, labels: [("kind", "head")])
            logger.warning("head poll failed", [("error", "\(error)")])
            return machine.headFailed("eth_blockNumber failed: \(error)")
        }
    }

    private func fetchRange(_ request: RangeRequest) async -> SyncAction {
        let data: FetchedRange
        do {
            let key = matchingEngineKey
            if let p = prefetch, p.request == request, let ahead = try? await p.task.value, ahead.matchingEngineKey == key {
                prefetch = nil
                data = ahead
            } else {
                // No prefetch, another range, a failed prefetch, or one enriched with a matching-engine key the
                // previous range changed: fetch it now.
                prefetch?.task.cancel()
                prefetch = nil
                let (source, pipeline, addresses, metrics) = (self.source, self.pipeline, deployment.addresses, self.metrics)
                let task = Task { try await Self.fetch(request, source: source, pipeline: pipeline, addresses: addresses, matchingEngineKey: key, metrics: metrics) }
                inflight.withLock { $0 = task }
                if stopRequested { task.cancel() }
                defer { inflight.withLock { $0 = nil } }
                data = try await task.value
            }
        } catch {
            if stopRequested { return .sleep(.zero, reason: "stopping") }
            return failed(request, error)
        }
        let verdict = machine.detector.verify(range: request.range, headers: data.headers.mapValues { $0.map(Self.record) },
                                              logs: data.references)
        let next = machine.rangeFetched(request, verdict: verdict)
        if case .applyRange = next {
            fetched = data
            if settings.prefetch, let ahead = machine.speculativeNext(after: request) {
                let (source, pipeline, addresses, key, metrics) = (self.source, self.pipeline, deployment.addresses, matchingEngineKey, self.metrics)
                prefetch = (ahead, Task { try await Self.fetch(ahead, source: source, pipeline: pipeline, addresses: addresses, matchingEngineKey: key, metrics: metrics) })
            }
        } else if case .cursorReorged(let nodeHash) = verdict {
            logger.notice("reorg detected: the cursor block is no longer canonical",
                          [("cursor", machine.cursor.map { "\($0.blockNumber)" } ?? "-"), ("node_hash", "\(nodeHash)")])
        }
        return next
    }

    /// Ends the store's bulk-load mode when a run ends in it (a run to a block far below the head, a stop).
    private func leaveBackfill() {
        guard backfilling == true else { return }
        do {
            try store.setBackfilling(false)
            backfilling = false
        } catch {
            logger.warning("could not end the store's backfill mode; the next run ends it", [("error", "\(error)")])
        }
    }

    /// The matching-engine key the mirror knows now (enrichment checks relay signatures against it).
    private var matchingEngineKey: [UInt8]? { state.matchingEngineKey(proofMarketplace: deployment.proofMarketplace)?.publicKey }

    private func failed(_ request: RangeRequest, _ error: any Error) -> SyncAction {
        if let limit = error as? ProviderLimitError {
            metrics?.increment(MirrorMetrics.failures, labels: [("kind", "provider_limit")])
            logger.info("provider limit; shrinking the eth_getLogs range",
                        [("range", "\(request.range.lowerBound)-\(request.range.upperBound)"), ("reason", limit.hint.reason.rawValue)])
            let next = machine.rangeFailed(request, .providerLimit(limit.hint))
            metrics?.set(MirrorMetrics.span, Double(machine.sizer.span))
            return next
        }
        metrics?.increment(MirrorMetrics.failures, labels: [("kind", "fetch")])
        logger.warning("range fetch failed; will retry", [("range", "\(request.range.lowerBound)-\(request.range.upperBound)"), ("error", "\(error)")])
        return machine.rangeFailed(request, .transient("\(error)"))
    }

    private func applyRange(_ request: RangeRequest) async -> SyncAction {
        guard let data = fetched, data.request == request else {
            return machine.rangeFailed(request, .transient("internal: no fetched data for the range"))
        }
        fetched = nil
        guard let toHeader = data.headers[request.range.upperBound] ?? nil else {
            return machine.rangeFailed(request, .transient("the header of block \(request.range.upperBound) is missing"))
        }
        let cursor = Checkpoint(blockNumber: toHeader.number, blockHash: toHeader.hash)
        var stages = StageClock(metrics)
        let (changes, reduceIssues) = reduce(data)
        stages.lap("reduce")
        let issues = data.issues + reduceIssues
        let blocks = data.headers.values.compactMap { $0 }.filter { request.range.contains($0.number) }
            .sorted { $0.number < $1.number }.map(Self.record)
        let commit = RangeCommit(fromBlock: request.range.lowerBound, toBlock: request.range.upperBound, cursor: cursor,
                                 blocks: blocks, logs: data.enriched, unknown: data.unknown, quarantined: data.quarantined,
                                 signatureChecks: data.signatureChecks, issues: issues, changesByBlock: changes,
                                 rawLogs: data.eventLogs, clock: UInt256(toHeader.l1BlockNumber ?? toHeader.number))
        do {
            // Bulk loading while more than one more range (and ≥ 1,000 blocks) lies between this range and the head.
            let far = head.map { $0 - min($0, request.range.upperBound) > max(machine.sizer.span, 1_000) } ?? false
            if far != backfilling {
                try store.setBackfilling(far)
                backfilling = far
            }
            try store.commit(commit, reorgWindow: reorgWindow)
            stages.lap("commit")
        } catch {
            for block in changes.reversed() { state.undo(block.changes) }
            if let lost = Self.writerLoss(error) { writerLost = lost; return .sleep(.zero, reason: "writer lock lost") }
            metrics?.increment(MirrorMetrics.failures, labels: [("kind", "commit")])
            logger.error("commit failed; the range was undone in memory and will be retried",
                         [("range", "\(request.range.lowerBound)-\(request.range.upperBound)"), ("error", "\(error)")])
            return machine.rangeFailed(request, .transient("commit failed: \(error)"))
        }
        record(commit, issues: issues)
        let next = machine.rangeCommitted(request, blocks: blocks, cursor: cursor, logCount: data.logs.count)
        let clock = toHeader.l1BlockNumber ?? toHeader.number
        publish(.committed(CommittedRange(range: request.range, cursor: cursor, clock: clock, head: head ?? cursor.blockNumber,
                                          logCount: data.enriched.count, changes: changes, state: state)))
        return next
    }

    /// Applies the range's events block by block; returns each block's merged change set (one entry for the blocks the
    /// store will not journal) and every issue.
    private func reduce(_ data: FetchedRange) -> ([BlockChanges], [InconsistencyError]) {
        RangeReducer.reduce(data.enriched, clock: { block in UInt256((data.headers[block] ?? nil)?.l1BlockNumber ?? block) },
                            mergingThrough: RangeReducer.journalFloor(toBlock: data.request.range.upperBound, reorgWindow: reorgWindow),
                            state: &state)
    }

    private func record(_ commit: RangeCommit, issues: [InconsistencyError]) {
        metrics?.set(MirrorMetrics.synced, Double(commit.cursor.blockNumber))
        metrics?.set(MirrorMetrics.span, Double(machine.sizer.span))
        if let head { metrics?.set(MirrorMetrics.lag, Double(head > commit.toBlock ? head - commit.toBlock : 0)) }
        metrics?.increment(MirrorMetrics.ranges)
        metrics?.increment(MirrorMetrics.logs, by: Double(commit.logs.count))
        if !commit.quarantined.isEmpty { metrics?.increment(MirrorMetrics.quarantined, by: Double(commit.quarantined.count)) }
        if !commit.unknown.isEmpty { metrics?.increment(MirrorMetrics.unknown, by: Double(commit.unknown.count)) }
        if !issues.isEmpty { metrics?.increment(MirrorMetrics.issues, by: Double(issues.count)) }
        for q in commit.quarantined {
            logger.warning("log quarantined: it could not be decoded", [("position", "\(q.position)"), ("event", q.eventName ?? "?"), ("error", q.error)])
        }
        for u in commit.unknown where u.otherGeneration != nil {
            logger.error("a log of another contract generation was seen at a watched address: the configuration may point at the wrong deployment",
                         [("position", "\(u.position)"), ("event", u.otherGeneration ?? "")])
        }
        logger.debug("range committed", [("from", String(commit.fromBlock)), ("to", String(commit.toBlock)), ("logs", String(commit.logs.count))])
    }

    private func checkLinkage(_ block: UInt64) async -> SyncAction {
        do {
            let header = try await source.headers([block])[block] ?? nil
            if let header, machine.detector.window.contains(where: { $0.number == block && $0.hash != header.hash }) {
                logger.notice("reorg detected: a recorded block is no longer canonical", [("block", String(block)), ("node_hash", "\(header.hash)")])
            }
            return machine.linkageChecked(block, nodeHash: header?.hash)
        } catch {
            logger.warning("linkage check failed; will retry", [("error", "\(error)")])
            return machine.headFailed("linkage check: \(error)")
        }
    }

    private func findForkPoint(_ numbers: [UInt64]) async -> SyncAction {
        do {
            let headers = try await source.headers(numbers)
            var hashes: [UInt64: Hash32] = [:]
            for (n, h) in headers { if let h { hashes[n] = h.hash } }
            return machine.forkHashesFetched(hashes)
        } catch {
            logger.warning("fork-point search failed; will retry", [("error", "\(error)")])
            return machine.rangeFailed(RangeRequest(range: machine.nextBlock...machine.nextBlock, headers: []), .transient("fork search: \(error)"))
        }
    }

    private func rewind(to block: UInt64, reason: String) throws -> SyncAction {
        prefetch?.task.cancel()
        prefetch = nil
        let undone: [ChangeSet]
        do {
            undone = try store.rewind(to: block, reason: reason)
        } catch let error as MirrorStoreError where error.code == .reorgTooDeep {
            // The store's journal does not reach the fork point: as deep as a reorg below the window.
            metrics?.increment(MirrorMetrics.deepReorgs)
            logger.critical("sync stopped: \(error.message)")
            throw SyncError(.deepReorg, error.message)
        } catch {
            if let lost = Self.writerLoss(error) { writerLost = lost; return .sleep(.zero, reason: "writer lock lost") }
            logger.error("rewind failed; will retry", [("to", String(block)), ("error", "\(error)")])
            return machine.rangeFailed(RangeRequest(range: machine.nextBlock...machine.nextBlock, headers: []), .transient("rewind failed: \(error)"))
        }
        for changeSet in undone { state.undo(changeSet) }
        let newCursor = machine.detector.window.last { $0.number == block }.map { Checkpoint(blockNumber: $0.number, blockHash: $0.hash) }
        let next = machine.rewound(to: block, cursor: block < deployment.startBlock ? nil : newCursor)
        metrics?.increment(MirrorMetrics.reorgs)
        metrics?.set(MirrorMetrics.synced, Double(block))
        logger.notice("reorg undone", [("rewound_to", String(block)), ("reason", reason), ("blocks_with_changes", String(undone.count))])
        publish(.rewound(to: block, cursor: machine.cursor, state: state))
        return next
    }

    private func sleep(_ duration: Duration) async {
        let deadline = ContinuousClock.now + duration
        while !stopRequested, ContinuousClock.now < deadline {
            let left = ContinuousClock.now.duration(to: deadline)
            try? await Task.sleep(for: min(left, .milliseconds(50)))
        }
    }

    private func publish(_ event: MirrorEvent) {
        let subs = subscribers.withLock { Array($0.values) }
        for s in subs { s.yield(event) }
    }

    // MARK: - Fetching (off the actor)

    static func record(_ h: BlockHeader) -> BlockRecord { BlockRecord(number: h.number, hash: h.hash, parentHash: h.parentHash) }

    /// Fetches logs and headers, decodes, and enriches (unless the logs and headers already disagree).
    static func fetch(_ request: RangeRequest, source: any SyncChainSource, pipeline: SyncPipeline, addresses: [Address],
                      matchingEngineKey: [UInt8]?, metrics: MetricsRegistry?) async throws -> FetchedRange {
        var stages = StageClock(metrics)
        async let logsTask = source.logs(in: request.range, addresses: addresses)
        async let baseHeaders = source.headers(request.headers)
        var logs = try await logsTask
        var headers = try await baseHeaders
        logs.sort { ($0.blockNumber, $0.logIndex) < ($1.blockNumber, $1.logIndex) }
        var extra: [UInt64] = []
        for log in logs where headers[log.blockNumber] == nil && extra.last != log.blockNumber { extra.append(log.blockNumber) }
        if !extra.isEmpty {
            for (n, h) in try await source.headers(extra) { headers[n] = h }
        }
        stages.lap("fetch")
        var data = FetchedRange(request: request, logs: logs, headers: headers, matchingEngineKey: matchingEngineKey)
        let consistent = logs.allSatisfy { log in !log.removed && (headers[log.blockNumber] ?? nil)?.hash == log.blockHash }
        guard consistent else { return data }  // verify() will reject it; don't spend enrichment calls on it
        var events: [KalypsoLog] = []
        for log in logs {
            switch pipeline.decode(log) {
            case .event(let e):
                events.append(e)
                data.eventLogs.append(log)
            case .unknown(let u): data.unknown.append(u)
            case .quarantined(let q): data.quarantined.append(q)
            }
        }
        stages.lap("decode")
        try Task.checkCancellation()
        let enriched = try await pipeline.enrich(events, matchingEngineKey)
        stages.lap("enrich")
        data.enriched = enriched.logs
        data.signatureChecks = enriched.signatureChecks
        data.issues = enriched.issues
        return data
    }
}

/// A fetched, decoded and enriched range.
struct FetchedRange: Sendable {
    var request: RangeRequest
    var logs: [Log]
    var headers: [UInt64: BlockHeader?]
    /// The key `enrich` checked relay signatures against.
    var matchingEngineKey: [UInt8]?
    /// The RPC logs of the events, in the order of `enriched`.
    var eventLogs: [Log] = []
    var enriched: [KalypsoLog] = []
    var issues: [InconsistencyError] = []
    var unknown: [UnknownLog] = []
    var quarantined: [QuarantinedLog] = []
    var signatureChecks: [SignatureCheck] = []

    var references: [ReorgDetector.LogReference] {
        logs.map { ReorgDetector.LogReference(blockNumber: $0.blockNumber, blockHash: $0.blockHash, removed: $0.removed, logIndex: $0.logIndex) }
    }
}

/// Wall time per sync stage into `mirror_stage_seconds{stage}` (fetch, decode, enrich, reduce, commit).
struct StageClock {
    let metrics: MetricsRegistry?
    var last = ContinuousClock.now
    static let buckets: [Double] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    init(_ metrics: MetricsRegistry?) { self.metrics = metrics }

    mutating func lap(_ stage: String) {
        let now = ContinuousClock.now
        let d = last.duration(to: now)
        last = now
        metrics?.observe(MirrorMetrics.stageSeconds, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18,
                         buckets: Self.buckets, labels: [("stage", stage)])
    }
}
