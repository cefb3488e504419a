import Database
import EthereumKit
import Foundation
import Kalypso
import Mirror
import Telemetry
import Testing

/// The scenario chain shared by the tests that only read the chain: built once per test process (a devnode, then
/// `devnode scenario` with three seeds, 500 operations in all), saved as a state file; each test restores its own
/// devnode from a copy, so the chain — blocks and hashes — is the same in every test.
actor ScenarioChain {
    static let shared = ScenarioChain()

    /// Seeds and operation counts (500 operations in all).
    static let runs: [(seed: Int, ops: Int)] = [(1, 170), (2, 165), (3, 165)]

    struct Built: Sendable {
        let directory: URL
        let stateFile: URL
        /// The head after each scenario run, in order.
        let heads: [UInt64]
        /// A clean `sync --once` of the whole chain (the reference state).
        let cleanDatabase: URL
        let cleanSnapshot: MirrorSnapshot
    }

    private var built: Built?

    func get() async throws -> Built {
        if let built { return built }
        let directory = try Project.temporaryDirectory("scenario")
        let stateFile = directory.appendingPathComponent("chain.state")
        let devnode = try await Devnode(directory: directory, stateFile: stateFile)
        var heads: [UInt64] = []
        do {
            for run in Self.runs {
                try await devnode.scenario(seed: run.seed, ops: run.ops)
                heads.append(try await devnode.head())
            }
        } catch {
            await devnode.stop()
            throw error
        }
        let clean = directory.appendingPathComponent("clean.sqlite")
        let result = try await MirrorCLI.run(["sync", "--once", "--network", "devnode", "--devnode-info", devnode.infoFile.path,
                                              "--db", clean.path, "--log-level", "warning"], in: directory, label: "clean-sync")
        await devnode.stop()
        guard result.status == 0 else { throw DevnodeError("the clean sync failed (exit \(result.status)): \(result.stderr.suffix(3000))") }
        let snapshot = try MirrorSnapshot.read(clean)
        guard snapshot.cursor?.blockNumber == heads.last else {
            throw DevnodeError("the clean sync stopped at \(snapshot.cursor.map { "\($0.blockNumber)" } ?? "nothing"), the head is \(heads.last ?? 0)")
        }
        let value = Built(directory: directory, stateFile: stateFile, heads: heads, cleanDatabase: clean, cleanSnapshot: snapshot)
        built = value
        return value
    }

    /// A devnode on a copy of the scenario chain, in `directory`.
    func restore(in directory: URL) async throws -> Devnode {
        let built = try await get()
        let copy = directory.appendingPathComponent("chain.state")
        try? FileManager.default.removeItem(at: copy)
        try FileManager.default.copyItem(at: built.stateFile, to: copy)
        let info = URL(fileURLWithPath: built.stateFile.path + ".info.json")
        if FileManager.default.fileExists(atPath: info.path) {
            try? FileManager.default.copyItem(at: info, to: URL(fileURLWithPath: copy.path + ".info.json"))
        }
        return try await Devnode(directory: directory, stateFile: copy)
    }
}

/// What a mirror database holds, for comparisons (read after the syncing process has exited).
struct MirrorSnapshot: Equatable, Sendable {
    var state: KalypsoState
    var cursor: Checkpoint?
    var events: Int
    var quarantined: Int
    var unknown: Int
    var signatureChecks: Int
    var issues: Int
    var reorgsSeen: Int

    static func read(_ database: URL) throws -> MirrorSnapshot { try read(.sqlite(path: database.path)) }

    static func read(_ database: TestDatabase) throws -> MirrorSnapshot { try read(database.location) }

    static func read(_ location: DatabaseLocation) throws -> MirrorSnapshot {
        let store = try SQLMirrorStore.open(location: location, logger: .disabled)
        defer { store.pool.close() }
        let loaded = try store.loadState()
        return try store.pool.read { db in
            func count(_ table: String) throws -> Int { try db.queryValue("SELECT count(*) FROM \(unsafeRaw: table)") }
            return MirrorSnapshot(state: loaded.state, cursor: loaded.cursor, events: try count("events"),
                                  quarantined: try count("quarantined_logs"), unknown: try count("unknown_logs"),
                                  signatureChecks: try count("signature_checks"), issues: try count("inconsistency_issues"),
                                  reorgsSeen: try db.queryValue("SELECT reorgs_seen FROM sync_state WHERE id = 1"))
        }
    }

    /// Everything but the reorg counter (a resync and a follower that undid reorgs differ there by design).
    func sameContent(as other: MirrorSnapshot) -> Bool {
        var a = self, b = other
        a.reorgsSeen = 0
        b.reorgsSeen = 0
        return a == b
    }

    /// The synced block of a database while another process may be writing it (read-only snapshot).
    static func cursor(_ database: URL) -> Checkpoint? {
        guard FileManager.default.fileExists(atPath: database.path) else { return nil }
        return cursor(.sqlite(path: database.path))
    }

    static func cursor(_ database: TestDatabase) -> Checkpoint? {
        if case .sqlite(let path) = database.location { return cursor(URL(fileURLWithPath: path)) }
        return cursor(database.location)
    }

    static func cursor(_ location: DatabaseLocation) -> Checkpoint? {
        guard let reader = try? SQLMirrorReader.open(location: location, maximumReaders: 1, logger: .disabled) else { return nil }
        defer { reader.pool.close() }
        return try? reader.status().value.synced
    }
}

/// The arguments every test passes to `sync` / `verify` for a devnode.
func devnodeArguments(_ devnode: Devnode, db: URL, extra: [String] = []) -> [String] {
    devnodeArguments(devnode, db: db.path, extra: extra)
}

func devnodeArguments(_ devnode: Devnode, db: TestDatabase, extra: [String] = []) -> [String] {
    devnodeArguments(devnode, db: db.argument, extra: extra)
}

func devnodeArguments(_ devnode: Devnode, db: String, extra: [String] = []) -> [String] {
    ["--network", "devnode", "--devnode-info", devnode.infoFile.path, "--db", db, "--log-level", "info"] + extra
}

/// Runs `body` with `devnode` and stops the devnode afterwards, also when `body` throws.
func using<T>(_ devnode: Devnode, _ body: (Devnode) async throws -> T) async throws -> T {
    do {
        let value = try await body(devnode)
        await devnode.stop()
        return value
    } catch {
        await devnode.stop()
        throw error
    }
}
