import EthereumKit
import Foundation
import JSONRPC
import Kalypso
import Matching
import MatchRunner
import Mirror
import Operator
import Synchronization
import Telemetry

/// `kalypso-mirror match`: the matching engine beside a running `sync`, reading the mirror's database.
enum MatchCommand: CLICommand {
    static let name = "match"
    static let summary = "Match open asks to generators from the mirror's database (dry run, or --relay)"
    static var help: String {
        """
        Usage: kalypso-mirror match [--once] [--relay] [options] [configuration]
               kalypso-mirror match --explain ASK [--json] [configuration]

        Runs matching rounds on the mirrored state (the database a `kalypso-mirror sync` keeps up to date; read-only,
        beside it): every time the synced block moves, one round over all open asks at the mirrored G1 clock. Each
        assignment satisfies the contract's assignTask checks on that state; before each batch is sent the
        assignments are checked again on the newest state (dropped if no longer eligible), the batch is signed with
        the matching-engine key and simulated with eth_call on the pending block (a failing item is dropped — by the
        ask id in the error, or by a binary search — and the rest re-signed), then sent with a locally managed nonce.
        Receipts are followed in the background; an ask in flight is never sent again.
        `sync --match` runs the same in-process, one round per committed range near the head.

          --once          one round (waits for the receipts of what it sent), then exit
          --explain ASK   the round's decision for ask ASK with every generator of its market: the first failing
                          contract rule, or its rank under the policy

        Without --relay nothing is sent: each round prints what it would assign and why, with the signed batches.
        Without chain settings (only --db) a dry run reads the database alone and does not simulate.
        Private asks: with the matching-engine key, each ask's ACL (ECIES to pub_key(proofMarketplace, 0)) is
        decrypted and its 32-byte key re-encrypted to the chosen generator's pub_key(generator, market) as new_acl.
        Without the key they are skipped (privateAclReencryptionNotImplemented); with a key that is not the
        registered one, skipped with aclReencryptorUnavailable; an ACL that does not decrypt to 32 bytes skips its
        ask (aclReencryptionFailed). All are counted in every round.
        Exit codes: 0 done or stopped, 1 run-time failure, 2 usage or configuration error.

        \(MatchOptions.help)

        \(MirrorOptions.helpText)
        """
    }

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        let once = arguments.flag("--once")
        let explainText = try arguments.option("--explain")
        let explainAsk = try explainText.map { text in
            try operatorCall { () throws(OperatorError) in try PlainInteger.parse(text, what: "--explain") }
        }
        let options = try MatchOptions.parse(&arguments)
        let configuration = try loadConfiguration(&arguments, needChain: options.relay)
        try arguments.finish()
        let logger = MirrorOptions.logger(configuration, label: "match")
        let reader: SQLMirrorReader
        do { reader = try SQLMirrorReader.open(location: configuration.database, logger: logger) } catch {
            throw CLIError.failure("cannot open the database \(configuration.database): \(error); run `kalypso-mirror sync` first")
        }
        defer { reader.pool.close() }

        if let askId = explainAsk {
            let snapshot = MatchSnapshot(try reader.state())
            let engine = MatchingEngine(configuration: options.matching, logger: logger)
            let x = engine.explain(askId: askId, state: snapshot.state, now: snapshot.clock)
            if options.json {
                Console.out(MatchJSON.explanation(x, checkpoint: snapshot.cursor))
            } else {
                for line in MatchPrinter.explanation(x) { Console.out(line) }
            }
            return 0
        }

        let metrics = MetricsRegistry()
        var client: JSONRPCClient?
        if let chain = configuration.chain {
            do { client = try await MirrorRuntime.connect(chain, logger: logger, metrics: metrics) } catch let e as ConfigurationError {
                throw CLIError.usage(e.message)
            }
        }
        defer { client?.shutdown() }
        let printer = MatchPrinter(json: options.json, details: options.details, collect: once)
        let runner = try await options.runner(chain: configuration.chain, client: client, logger: logger, metrics: metrics, printer: printer)
        let stop = Atomic<Bool>(false)
        let signals = SignalHandlers { _ in
            logger.notice("stopping after the current round")
            stop.store(true, ordering: .relaxed)
        }
        defer { signals.cancel() }
        let interval = configuration.chain?.pollInterval ?? .seconds(2)
        do {
            try await runner.poll(reader, interval: interval, once: once, shouldStop: { stop.load(ordering: .relaxed) })
        } catch {
            throw CLIError.failure("reading the database failed: \(error)")
        }
        if once {
            await runner.relayer.waitForReceipts()
        } else {
            await runner.relayer.cancelReceipts()
        }
        printer.flush()
        MatchSummary.log(metrics, logger: logger)
        return 0
    }

    /// The chain settings when they are given (or `--relay` needs them), else the database alone.
    static func loadConfiguration(_ arguments: inout Arguments, needChain: Bool) throws -> MirrorConfiguration {
        let layer = try MirrorOptions.flags(&arguments)
        let loader = ConfigurationLoader(flags: layer, environment: ProcessInfo.processInfo.environment)
        do {
            return try loader.load(.chain)
        } catch let e where !needChain && e.code == .missing {
            do { return try loader.load(.databaseOnly) } catch { throw CLIError.usage(error.message) }
        } catch {
            throw CLIError.usage(error.message)
        }
    }
}

/// The closing log line of a matching process, from its metrics.
enum MatchSummary {
    static func log(_ m: MetricsRegistry, logger: Logger) {
        func v(_ name: String) -> String { String(Int(m.value(name) ?? 0)) }
        logger.info("matching summary", [("rounds", v(MatchMetrics.rounds)), ("proposed", v(MatchMetrics.proposed)),
                                         ("relayed", v(MatchMetrics.relayed)), ("transactions_sent", v(MatchMetrics.transactionsSent)),
                                         ("confirmed", v(MatchMetrics.transactionsConfirmed)), ("reverted", v(MatchMetrics.transactionsReverted))])
    }
}
