import Database
import EthereumKit
import Foundation
import JSONRPC
import Kalypso
import Mirror
import Telemetry

/// `kalypso-mirror verify [--block N]`: the mirrored state against the contracts' getters at one block.
enum VerifyCommand: CLICommand {
    static let name = "verify"
    static let summary = "Check every mirrored generator and generator-market row against the contracts' getters"
    static var help: String {
        """
        Usage: kalypso-mirror verify [--block N] [--json] [configuration]

        Reads every mirrored generator, generator-market pair (also pairs WITHOUT a row: the chain must say NULL),
        derived generator state, market, ask, key and pricing entry back from the contracts' getters
        (generatorRegistry, generatorInfoPerMarket, getGeneratorState, marketData, marketCounter, listOfAsk,
        getAskState, askCounter, pub_key, costPerInputBytes, minProvingTime) with eth_call pinned to the block's
        hash (EIP-1898, requireCanonical), and prints each field that differs. Exit code 1 if any does.

        The mirror state at the block, read without writing anything (a running sync is not disturbed; SQLite
        and PostgreSQL alike):
          default          the synced cursor: every entity read in ONE database snapshot
          --block N        N below the cursor but within the reorg window: the same snapshot, with the undo
                           journal of the blocks above N applied in memory (exact, no RPC);
                           N further back: a fresh temporary SQLite database is synced from the start block up
                           to N (exact, costs a resync). N above the cursor is an error: sync first.

        \(MirrorOptions.helpText)
        """
    }

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        let json = arguments.flag("--json")
        let blockText = try arguments.option("--block")
        let configuration = try MirrorOptions.load(&arguments, scope: .chain)
        try arguments.finish()
        guard let chain = configuration.chain else { throw CLIError.usage("verify needs the chain settings") }
        var requested: UInt64?
        if let blockText {
            guard let n = UInt64(blockText) else { throw CLIError.usage("--block takes a block number") }
            requested = n
        }
        let logger = MirrorOptions.logger(configuration, label: "mirror.verify")
        let client: JSONRPCClient
        do { client = try await MirrorRuntime.connect(chain, logger: logger, metrics: nil) } catch let e as ConfigurationError {
            throw CLIError.usage(e.message)
        }
        defer { client.shutdown() }

        let work = FileManager.default.temporaryDirectory.appendingPathComponent("kalypso-mirror-verify-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let (state, checkpoint, how) = try await stateAt(requested, database: configuration.database, chain: chain, client: client, work: work, logger: logger)

        guard let header = try await client.getBlockHeader(.number(checkpoint.blockNumber)), header.hash == checkpoint.blockHash else {
            throw CLIError.failure("block \(checkpoint.blockNumber) on the node is not the mirrored \(checkpoint.blockHash) (a reorg since the sync?); sync again, then verify")
        }
        let clock = UInt256(header.l1BlockNumber ?? header.number)
        let report = try await StateVerifier(deployment: chain.deployment).verify(state, at: checkpoint, clock: clock, call: MirrorRuntime.callBatch(client))
        if json {
            Console.out(MirrorJSON.document(checkpoint, [
                ("stateFrom", .string(how)),
                ("checked", .object(report.checked.map { ($0.kind, MirrorJSON.n($0.count)) })),
                ("calls", MirrorJSON.n(report.calls)),
                ("mismatches", .array(report.mismatches.map(MirrorJSON.mismatch))),
            ]))
        } else {
            Console.out("verify at block \(checkpoint.blockNumber) (\(checkpoint.blockHash)), state from \(how)")
            Console.out("checked " + report.checked.map { "\($0.count) \($0.kind)" }.joined(separator: ", ") + " with \(report.calls) pinned eth_calls")
            for m in report.mismatches { Console.out("MISMATCH \(m)") }
            Console.out("\(report.mismatches.count) mismatches")
        }
        return report.mismatches.isEmpty ? 0 : 1
    }

    static func nothingSynced(_ database: DatabaseLocation) -> CLIError {
        CLIError.failure("the database \(database) has nothing synced yet; run `kalypso-mirror sync` first")
    }

    /// The mirror's state at `requested` (default: the cursor), its checkpoint, and how it was obtained.
    static func stateAt(_ requested: UInt64?, database: DatabaseLocation, chain: ChainConfiguration, client: JSONRPCClient, work: URL,
                        logger: Logger) async throws -> (KalypsoState, Checkpoint, String) {
        let reader: SQLMirrorReader
        do { reader = try SQLMirrorReader.open(location: database, maximumReaders: 1, logger: logger) } catch {
            throw CLIError.failure("cannot read the database \(database): \((error as? MirrorStoreError)?.message ?? (error as? DatabaseError)?.message ?? "\(error)"); run `kalypso-mirror sync` first")
        }
        defer { reader.pool.close() }
        if let n = requested, n < chain.deployment.startBlock {
            throw CLIError.usage("--block \(n) is below the start block \(chain.deployment.startBlock)")
        }
        guard let n = requested else {
            guard let m = try reader.mirroredState() else { throw nothingSynced(database) }
            return (m.state, m.checkpoint, "the synced cursor")
        }
        do {
            // One snapshot: the state at the cursor with the journal of the blocks above N undone in memory.
            guard let m = try reader.mirroredState(at: n) else { throw nothingSynced(database) }
            if m.checkpoint == m.cursor { return (m.state, m.checkpoint, "the synced cursor") }
            return (m.state, m.checkpoint, "the undo journal (\(m.blocksUndone) blocks with changes undone in memory from the cursor \(m.cursor.blockNumber))")
        } catch let error as MirrorStoreError where error.code == .invalidArgument {
            throw CLIError.usage("--block \(n): \(error.message)")
        } catch let error as MirrorStoreError where error.code == .reorgTooDeep {
            // Beyond the journal's reach: resync below.
        }
        // Beyond the window: sync a fresh database up to N.
        let fresh = try MirrorRuntime.openStore(.sqlite(path: work.appendingPathComponent("resync.sqlite").path), role: "verify", logger: logger)
        let quiet = logger.with([("resync", "verify")])
        let sync = try MirrorSync(deployment: chain.deployment, settings: MirrorSync.Settings(chain, mode: .until(n)),
                                  source: JSONRPCChainSource(client: client),
                                  pipeline: try MirrorRuntime.pipeline(chain.deployment, client: client, logger: quiet),
                                  store: fresh, logger: quiet, metrics: nil)
        _ = try await sync.run()
        guard let reached = await sync.cursor, reached.blockNumber == n else {
            throw CLIError.failure("the resync to block \(n) stopped early; try again")
        }
        return (await sync.currentState, reached, "a fresh sync from block \(chain.deployment.startBlock) to \(n)")
    }
}
