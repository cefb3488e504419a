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

        The mirror state at the block:
          default          the synced cursor (a consistent snapshot copy of the database; a running sync is not
                           disturbed)
          --block N        N below the cursor but within the reorg window: the snapshot copy is rewound to N with
                           the undo journal (exact, no RPC);
                           N further back: a fresh temporary database is synced from the start block up to N
                           (exact, costs a resync). N above the cursor is an error: sync first.
        SQLite databases only for now.

        \(MirrorOptions.helpText)
        """
    }

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        let json = arguments.flag("--json")
        let blockText = try arguments.option("--block")
        let configuration = try MirrorOptions.load(&arguments, scope: .chain)
        try arguments.finish()
        guard let chain = configuration.chain else { throw CLIError.usage("verify needs the chain settings") }
        guard case .sqlite(let path) = configuration.database else {
            throw CLIError.usage("verify reads SQLite databases only for now (PostgreSQL follows with its store)")
        }
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
        let (state, checkpoint, how) = try await stateAt(requested, path: path, chain: chain, client: client, work: work, logger: logger)

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

    /// The mirror's state at `requested` (default: the cursor), its checkpoint, and how it was obtained.
    static func stateAt(_ requested: UInt64?, path: String, chain: ChainConfiguration, client: JSONRPCClient, work: URL,
                        logger: Logger) async throws -> (KalypsoState, Checkpoint, String) {
        let copy = work.appendingPathComponent("snapshot.sqlite").path
        do {
            // VACUUM INTO reads the source in one snapshot (a running sync is not disturbed); SQLite wants a
            // read-write connection for it, so this one only refuses to create a missing file.
            var settings = SQLiteConfiguration()
            settings.create = false
            let source = try SQLiteConnection(path: path, configuration: settings, logger: logger)
            defer { source.close() }
            _ = try source.execute("VACUUM INTO \(copy)")
        } catch {
            throw CLIError.failure("cannot read the database \(path): \(error); run `kalypso-mirror sync` first")
        }
        let store = try MirrorRuntime.openStore(.sqlite(path: copy), logger: logger)
        defer { store.pool.close() }
        let loaded = try store.loadState()
        guard let cursor = loaded.cursor else { throw CLIError.failure("the database \(path) has nothing synced yet; run `kalypso-mirror sync` first") }
        guard let n = requested, n != cursor.blockNumber else { return (loaded.state, cursor, "the synced cursor") }
        guard n < cursor.blockNumber else {
            throw CLIError.usage("--block \(n) is above the synced cursor \(cursor.blockNumber); sync further first")
        }
        guard n >= chain.deployment.startBlock else { throw CLIError.usage("--block \(n) is below the start block \(chain.deployment.startBlock)") }
        if let record = loaded.window.first(where: { $0.number == n }) {
            _ = try store.rewind(to: n, reason: "verify --block \(n)")
            let rewound = try store.loadState()
            return (rewound.state, Checkpoint(blockNumber: n, blockHash: record.hash), "the undo journal (rewound a snapshot copy to block \(n))")
        }
        // Beyond the window: sync a fresh database up to N.
        let fresh = try MirrorRuntime.openStore(.sqlite(path: work.appendingPathComponent("resync.sqlite").path), logger: logger)
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
