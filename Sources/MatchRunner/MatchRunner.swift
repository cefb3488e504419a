import EthereumKit
import Foundation
import Kalypso
import Matching
import Mirror
import Synchronization
import Telemetry

/// The newest mirrored snapshot, shared between the code that receives snapshots and the relayer's re-checks.
public final class SnapshotBox: Sendable {
    private let value = Mutex<MatchSnapshot?>(nil)

    /// An empty box.
    public init() {}

    /// The newest snapshot, if any.
    public var latest: MatchSnapshot? { value.withLock { $0 } }

    /// Stores `snapshot` as the newest.
    public func store(_ snapshot: MatchSnapshot) { value.withLock { $0 = snapshot } }

    /// Stores `snapshot` unless the box holds one at a later block (a round given a snapshot directly must not
    /// re-check its assignments on an older one).
    public func storeIfNotOlder(_ snapshot: MatchSnapshot) {
        value.withLock { current in
            if (current?.cursor?.blockNumber ?? 0) <= (snapshot.cursor?.blockNumber ?? 0) { current = snapshot }
        }
    }

    /// After a rewind: the state at the new cursor, keeping the last clock (a rewind carries none; the next
    /// committed range brings it).
    public func rewound(state: KalypsoState, cursor: Checkpoint?) {
        value.withLock { current in
            current = MatchSnapshot(state: state, clock: current?.clock ?? UInt256(cursor?.blockNumber ?? 0), cursor: cursor, head: current?.head)
        }
    }
}

/// Runs matching rounds on mirrored snapshots and hands them to the `Relayer`: in-process with `sync` (`follow`,
/// one round per committed range near the head) or beside it (`poll`, reading the database).
///
/// A round runs the engine on the snapshot with the in-flight assignments applied (so an ask is never sent twice
/// and capacity is not offered twice), then relays; the sync never waits for it (it only publishes snapshots) and
/// the relayer never waits for receipts.
public actor MatchRunner {
    /// The engine.
    public nonisolated let engine: MatchingEngine
    /// The relayer.
    public nonisolated let relayer: Relayer
    /// The newest snapshot seen.
    public nonisolated let snapshots = SnapshotBox()
    private let logger: Logger
    private let metrics: MetricsRegistry?
    private let onEvent: @Sendable (MatchEvent) -> Void
    private var rounds = 0

    /// Creates a runner; `onEvent` receives each round report (the relayer reports receipts to its own callback).
    public init(engine: MatchingEngine, relayer: Relayer, logger: Logger, metrics: MetricsRegistry?,
                onEvent: @escaping @Sendable (MatchEvent) -> Void = { _ in }) {
        self.engine = engine
        self.relayer = relayer
        self.logger = logger
        self.metrics = metrics
        self.onEvent = onEvent
        if let metrics { MatchMetrics.describe(metrics) }
    }

    /// Rounds run so far.
    public var roundsRun: Int { rounds }

    /// Runs one round on `snapshot` and relays it; `latest` gives the newest snapshot before each batch (default:
    /// the box, or `snapshot`).
    @discardableResult
    public func round(_ snapshot: MatchSnapshot, latest: (@Sendable () async -> MatchSnapshot)? = nil) async -> RoundReport {
        let start = ContinuousClock.now
        snapshots.storeIfNotOlder(snapshot)
        rounds += 1
        let reconciliation = await relayer.reconcile(snapshot)
        _ = await relayer.takeReleased()
        let work = await relayer.optimisticState(snapshot)
        let round = engine.round(state: work, now: snapshot.clock)
        let box = snapshots
        let newest = latest ?? { box.latest ?? snapshot }
        let relay = await relayer.relay(round, latest: newest)
        let report = RoundReport(number: rounds, mode: relayer.configuration.mode, cursor: snapshot.cursor, clock: snapshot.clock,
                                 head: snapshot.head, round: round, relay: relay, reconciliation: reconciliation,
                                 inFlight: await relayer.inFlightCount, asks: AskTotals(snapshot.state))
        record(report, seconds: start.duration(to: .now))
        onEvent(.round(report))
        return report
    }

    private func record(_ report: RoundReport, seconds: Duration) {
        guard let metrics else { return }
        let s = report.round.summary
        metrics.increment(MatchMetrics.rounds)
        metrics.observe(MatchMetrics.roundSeconds, Double(seconds.components.seconds) + Double(seconds.components.attoseconds) / 1e18,
                        buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30])
        metrics.increment(MatchMetrics.proposed, by: Double(s.assigned))
        metrics.set(MatchMetrics.lastRoundAsks, Double(s.assigned), labels: [("outcome", "assigned"), ("reason", "")])
        for kind in SkipReason.Kind.allCases {
            metrics.set(MatchMetrics.lastRoundAsks, Double(s.skipped[kind] ?? 0), labels: [("outcome", "skipped"), ("reason", kind.rawValue)])
        }
        for reason in UnmatchedReason.allCases {
            metrics.set(MatchMetrics.lastRoundAsks, Double(s.unmatched[reason] ?? 0), labels: [("outcome", "unmatched"), ("reason", reason.rawValue)])
        }
    }

    // MARK: - In-process with sync

    /// Follows a `MirrorSync`'s events until the stream ends: every committed range updates the newest snapshot,
    /// and a committed range near the head (`cursor ≥ head − confirmations`) triggers a round. Rounds never queue
    /// up: while one runs, newer ranges only replace the snapshot the next round will use.
    public func follow(_ events: AsyncStream<MirrorEvent>, confirmations: UInt64) async {
        let (signals, trigger) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let box = snapshots
        let feeder = Task {
            for await event in events {
                switch event {
                case .committed(let range):
                    box.store(MatchSnapshot(range))
                    if range.cursor.blockNumber + confirmations >= range.head { trigger.yield() }
                case .rewound(_, let cursor, let state):
                    box.rewound(state: state, cursor: cursor)
                }
            }
            trigger.finish()
        }
        for await _ in signals {
            guard let snapshot = box.latest else { continue }
            await round(snapshot)
        }
        await feeder.value
    }

    // MARK: - Beside sync (reading the database)

    /// Polls the database every `interval`: a round whenever the cursor moved or a failed transaction released asks.
    /// `once` runs one round and returns. Stops when `shouldStop` says so (checked every 50 ms while waiting).
    public func poll(_ reader: SQLMirrorReader, interval: Duration, once: Bool, shouldStop: @escaping @Sendable () -> Bool) async throws {
        var first = true
        var last: Checkpoint?
        let box = snapshots
        let newest: @Sendable () async -> MatchSnapshot = {
            // Before each batch: the database's newest state if the cursor moved (else what the box holds).
            if let cursor = try? reader.cursor(), cursor != box.latest?.cursor, let fresh = try? reader.state() {
                box.store(MatchSnapshot(fresh))
            }
            return box.latest ?? MatchSnapshot(state: KalypsoState(), clock: .zero, cursor: nil, head: nil)
        }
        while !shouldStop() {
            let cursor = try reader.cursor()
            let released = await relayer.takeReleased()
            if once || first || cursor != last || released > 0 {
                first = false
                let snapshot = MatchSnapshot(try reader.state())
                last = snapshot.cursor
                snapshots.store(snapshot)
                if snapshot.cursor == nil {
                    logger.notice("the database has no synced block yet; waiting for sync")
                } else {
                    await round(snapshot, latest: newest)
                }
                if once { return }
            }
            let deadline = ContinuousClock.now + interval
            while !shouldStop(), ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        }
    }
}
