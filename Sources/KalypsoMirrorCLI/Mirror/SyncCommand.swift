import Database
import Dispatch
import Foundation
import JSONRPC
import MatchRunner
import Mirror
import Synchronization
import Telemetry

/// `kalypso-mirror sync`: backfill from the start block, then follow the head.
enum SyncCommand: CLICommand {
    static let name = "sync"
    static let summary = "Mirror the Kalypso contracts into the database (backfill, then follow the head)"
    static var help: String {
        """
        Usage: kalypso-mirror sync [--once | --until N] [--no-progress] [--wait-for-writer-lock] [--serve [API options]]
                                   [--match [matching options]] [configuration]

        Syncs the three Kalypso G1 contracts into the database: one eth_getLogs per block range over all of them,
        decoded, enriched (calldata, or eth_call pinned to the log's block hash — never latest), reduced and
        committed in ONE database transaction per range together with the cursor and the reorg window.

          --once          catch up with head − confirmations, then exit (default: keep following the head)
          --until N       sync up to block N (waits for it to be confirmed), then exit
          --no-progress   no progress line even on a terminal
          --wait-for-writer-lock
                          if another sync is writing this database, wait until it stops, then take over from its
                          checkpoint (default: exit at once with code 1, naming the running writer)
          --match         run the matching engine in-process: one round on the new state after each committed range
                          near the head (dry run unless --relay; see `kalypso-mirror match --help` for its options
                          and the output). The sync never waits for it, nor for receipts.
          --serve         also serve the HTTP API from this process (as `kalypso-mirror serve`; prints
                          `listening http://HOST:PORT` first on standard output; /metrics adds the sync's and the
                          JSON-RPC client's metrics; /readyz allows a lag of --confirmations + 3 by default)

        On a terminal, a progress line shows blocks/s, logs/s and the ETA during the backfill; logs go to standard
        error as logfmt (or JSON with --log-format json). SIGINT / SIGTERM stop it after the current commit.
        Restarting resumes from the committed cursor; kill -9 at any moment loses at most the uncommitted range.

        Reorgs within --reorg-window blocks are detected (block-hash linkage every poll) and undone exactly from the
        undo journal; a deeper reorg stops the sync with exit code 1 and a message that says what to do.
        The node's eth_chainId must equal the configured chain id, and every contract address must hold code.

        Exactly one sync writes a database: it holds the writer lock for its whole life (SQLite: a flock on
        <file>-writer.lock; PostgreSQL: a session advisory lock per database and schema, released by the server
        when the process or its connection dies). Any number of readers (status, generators, markets, serve, match)
        may run at the same time, on any host, each reading one consistent snapshot. A lost PostgreSQL connection
        is re-established with backoff and the range is retried; if another sync took the lock meanwhile, this one
        stops with exit code 1 without writing.

        Exit codes: 0 caught up or stopped, 1 run-time failure (deep reorg, database, another writer),
        2 configuration error.

        \(MirrorOptions.helpText)

        With --serve:
        \(APIOptions.helpText)
        """
    }

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        let once = arguments.flag("--once")
        let untilText = try arguments.option("--until")
        let noProgress = arguments.flag("--no-progress")
        let waitForWriterLock = arguments.flag("--wait-for-writer-lock")
        let matchOptions = arguments.flag("--match") ? try MatchOptions.parse(&arguments) : nil
        let serve = arguments.flag("--serve")
        let configuration = try MirrorOptions.load(&arguments, scope: .chain)
        guard let chain = configuration.chain else { throw CLIError.usage("sync needs the chain settings") }
        let apiConfiguration = serve ? try APIOptions.parse(&arguments, confirmations: chain.confirmations) : nil
        try arguments.finish()
        var mode: SyncStateMachine.Mode = once ? .once : .follow
        if let untilText {
            guard !once, let n = UInt64(untilText) else { throw CLIError.usage("--until takes a block number (and not together with --once)") }
            mode = .until(n)
        }

        let progress = (!noProgress && Console.stderrIsTerminal) ? ProgressLine(format: configuration.logFormat) : nil
        let logger = MirrorOptions.logger(configuration, label: "mirror.sync", sink: progress?.sink)
        let metrics = MetricsRegistry()
        logger.info("starting", configuration.summary + [("mode", "\(mode)")])

        let client: JSONRPCClient
        do { client = try await MirrorRuntime.connect(chain, logger: logger, metrics: metrics) } catch let e as ConfigurationError {
            throw CLIError.usage(e.message)
        }
        defer { client.shutdown() }
        let store: SQLMirrorStore
        do {
            store = try MirrorRuntime.openStore(configuration.database, waitForWriterLock: waitForWriterLock, logger: logger)
        } catch let error as DatabaseError where error.code == .writerLockHeld {
            throw CLIError.failure("another sync is already writing this database: \(error.message). Start this one with --wait-for-writer-lock to take over from the checkpoint when that one stops; queries (status, generators, markets, serve, match) may run at any time")
        } catch {
            throw CLIError.failure("cannot open the database \(configuration.database): \(error)")
        }
        // `--serve`: the API reads the same database through its own read-only pool (after the store migrated it).
        let api = try apiConfiguration.map { try APIServiceStarter.start(configuration.database, $0, metrics: metrics, logger: logger.labeled("api")) }
        defer { api?.shutdown() }
        if let api { Console.out("listening \(api.baseURL)") }
        // The store moves into the sync actor; its pool closes (and the writer lock is released) when the actor goes.
        let pipeline = try MirrorRuntime.pipeline(chain.deployment, client: client, logger: logger)
        let sync = try MirrorSync(deployment: chain.deployment, settings: MirrorSync.Settings(chain, mode: mode),
                                  source: JSONRPCChainSource(client: client), pipeline: pipeline, store: store,
                                  logger: logger, metrics: metrics)
        let resumeFrom = await sync.cursor
        logger.notice("holding the writer lock; resuming from the checkpoint",
                      [("db", configuration.database.description), ("cursor", resumeFrom.map { String($0.blockNumber) } ?? "none")])

        let signals = SignalHandlers { signal in
            logger.notice("stopping after the current commit", [("signal", signal == SIGINT ? "SIGINT" : "SIGTERM")])
            sync.requestStop()
        }
        defer { signals.cancel() }

        // The matching engine follows its own subscription; a round never holds up the sync.
        var matching: (runner: MatchRunner, task: Task<Void, Never>)?
        if let matchOptions {
            let printer = MatchPrinter(json: matchOptions.json, details: matchOptions.details)
            let runner = try await matchOptions.runner(chain: chain, client: client, logger: logger, metrics: metrics, printer: printer)
            let matchEvents = sync.events()
            matching = (runner, Task { await runner.follow(matchEvents, confirmations: chain.confirmations) })
        }

        let events = sync.events()
        let watcher = Task {
            var log = ProgressLog(logger: logger)
            for await event in events {
                guard case .committed(let range) = event else { continue }
                let target = max(range.head > chain.confirmations ? range.head - chain.confirmations : range.head, range.cursor.blockNumber)
                if let progress, !progress.isDone {
                    progress.committed(range, target: target)
                    if progress.isDone { log.caughtUp = true }
                } else {
                    log.committed(range, target: target)
                }
            }
        }
        do {
            let outcome = try await sync.run()
            await watcher.value
            if let matching {
                await matching.task.value
                if outcome == .finished { await matching.runner.relayer.waitForReceipts() } else { await matching.runner.relayer.cancelReceipts() }
                MatchSummary.log(metrics, logger: logger)
            }
            progress?.finish()
            let cursor = await sync.cursor
            let reorgs = await sync.reorgsUndone
            logger.info(outcome == .finished ? "caught up" : "stopped",
                        [("cursor", cursor.map { String($0.blockNumber) } ?? "-"), ("cursor_hash", cursor.map { "\($0.blockHash)" } ?? "-"),
                         ("reorgs", String(reorgs)), ("logs", String(Int(metrics.value(MirrorMetrics.logs) ?? 0)))])
            return 0
        } catch let error as DeepReorgError {
            await watcher.value
            progress?.finish()
            Console.err("error: \(error.message)")
            return 1
        } catch let error as SyncError where error.code == .deepReorg || error.code == .writerLost {
            await watcher.value
            progress?.finish()
            Console.err("error: \(error.message)")
            return 1
        }
    }
}

/// Without a terminal: an info line at most every 5 s during the backfill, one when caught up, and one per
/// committed range with events while following.
struct ProgressLog {
    let logger: Logger
    var start = ContinuousClock.now
    var last = ContinuousClock.now
    var firstBlock: UInt64?
    var logs = 0
    var caughtUp = false

    init(logger: Logger) { self.logger = logger }

    mutating func committed(_ range: CommittedRange, target: UInt64) {
        let now = ContinuousClock.now
        if firstBlock == nil { firstBlock = range.range.lowerBound; start = now }
        logs += range.logCount
        let atHead = range.cursor.blockNumber >= target
        if caughtUp {
            if range.logCount > 0 {
                logger.info("synced", [("blocks", "\(range.range.lowerBound)-\(range.range.upperBound)"), ("events", String(range.logCount)),
                                       ("cursor", String(range.cursor.blockNumber))])
            }
            return
        }
        if atHead {
            caughtUp = true
            logger.info("caught up with the head", [("cursor", String(range.cursor.blockNumber)), ("hash", "\(range.cursor.blockHash)"), ("events", String(logs))])
            return
        }
        guard last.duration(to: now) >= .seconds(5) else { return }
        last = now
        let elapsed = max(0.001, Double(start.duration(to: now).components.seconds) + Double(start.duration(to: now).components.attoseconds) / 1e18)
        let blocks = Double(range.cursor.blockNumber - (firstBlock ?? range.range.lowerBound) + 1)
        let rate = blocks / elapsed
        logger.info("backfilling", [("cursor", String(range.cursor.blockNumber)), ("target", String(target)),
                                    ("blocks_per_s", String(Int(rate))), ("logs_per_s", String(Int(Double(logs) / elapsed))),
                                    ("eta_s", String(rate > 0 ? Int(Double(target - range.cursor.blockNumber) / rate) : 0))])
    }
}

/// SIGINT and SIGTERM handlers for the duration of a command (the default action is restored by `cancel`).
/// The first signal asks for a clean stop; a second one exits at once (130).
final class SignalHandlers: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private let count = Mutex(0)

    init(_ handler: @escaping @Sendable (Int32) -> Void) {
        // A parent may have started us with these signals blocked (the mask is inherited across exec): unblock them
        // here, or a SIGTERM would wait forever.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self] in
                let n = count.withLock { c -> Int in c += 1; return c }
                if n > 1 { exit(130) }
                handler(sig)
            }
            source.resume()
            sources.append(source)
        }
    }

    func cancel() {
        for s in sources { s.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
