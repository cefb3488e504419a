import EthereumKit
import Foundation
import Kalypso
import Mirror
import Testing

/// The mirror against the devnode, one test at a time (each starts its own devnode; the machine has 2 cores).
/// The files of this folder add their tests to this suite. Skipped, with the reason, only when `.venv` is missing.
@Suite(.serialized, .enabled(if: Project.hasVenv, Project.skipReason))
struct MirrorIntegrationTests {
    /// 1. Differential: the scenario chain (three seeds, 500 operations), synced once, verified against the
    /// contracts' getters at the cursor, at the head after each scenario run (a fresh sync to that block) and a few
    /// blocks back (the undo journal): no mismatches. And `verify` does see a difference: the final state checked at
    /// an earlier block reports mismatches. On PostgreSQL, the chain is first synced into a fresh schema, which must
    /// hold exactly what the clean SQLite sync holds; `verify` then reads it there.
    @Test(arguments: Backend.available)
    func differentialScenarioRunsVerifyWithoutMismatches(backend: Backend) async throws {
        let chain = try await ScenarioChain.shared.get()
        let dir = try Project.temporaryDirectory("differential")
        try await using(try await ScenarioChain.shared.restore(in: dir)) { devnode in
        try await withDatabase(backend, in: dir, name: "differential") { scratch in
        var db = chain.cleanDatabase.path
        if backend == .postgres {
            let sync = try await MirrorCLI.run(["sync", "--once"] + devnodeArguments(devnode, db: scratch, extra: ["--log-level", "warning"]), in: dir, label: "sync")
            #expect(sync.status == 0, "\(sync.stderr.suffix(3000))")
            let synced = try MirrorSnapshot.read(scratch)
            #expect(synced == chain.cleanSnapshot, "the PostgreSQL mirror holds what the SQLite one holds")
            db = scratch.argument
            // The read commands answer alike from both.
            for query in [["generators", "list", "--limit", "1000"], ["markets", "list", "--limit", "1000"]] {
                let fromSQLite = try await MirrorCLI.run(query + ["--json", "--db", chain.cleanDatabase.path], in: dir, label: "sqlite-query")
                let fromPostgres = try await MirrorCLI.run(query + ["--json", "--db", db], in: dir, label: "postgres-query")
                #expect(fromSQLite.status == 0 && fromPostgres.status == 0, "\(query): \(fromSQLite.stderr) \(fromPostgres.stderr)")
                #expect(fromSQLite.stdout.count > 100, "\(query): \(fromSQLite.stdout)")
                #expect(fromPostgres.stdout == fromSQLite.stdout, "\(query)")
            }
        }
        let cursor = try #require(chain.cleanSnapshot.cursor)

        var blocks: [String?] = [nil, String(cursor.blockNumber - 3)]
        blocks += chain.heads.dropLast().map { String($0) }
        for block in blocks {
            let extra = block.map { ["--block", $0] } ?? []
            let result = try await MirrorCLI.run(["verify", "--json"] + devnodeArguments(devnode, db: db, extra: extra), in: dir, label: "verify")
            #expect(result.status == 0, "verify \(block ?? "cursor"): \(result.stdout.suffix(3000)) \(result.stderr.suffix(2000))")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let mismatches = json["mismatches"] as? [Any]
            #expect(mismatches?.count == 0)
            let checked = json["checked"] as? [String: Int]
            #expect((checked?["generators"] ?? 0) > 3, "the scenario registers generators: \(checked ?? [:])")
            #expect((checked?["asks"] ?? 0) > 3)
            let how = json["stateFrom"] as? String ?? ""
            if block == String(cursor.blockNumber - 3) { #expect(how.contains("undo journal")) }
            if let b = block, chain.heads.map(String.init).contains(b) { #expect(how.contains("fresh sync")) }
        }
        // The final state is not the state at the first scenario's head: verify must say so.
        let first = chain.heads[0]
        let hash = try #require(try await devnode.blockHash(first))
        let report = try await StateVerifier(deployment: try deployment(devnode)).verify(
            chain.cleanSnapshot.state, at: Checkpoint(blockNumber: first, blockHash: hash), clock: UInt256(first),
            call: MirrorRuntime.callBatch(devnode.client))
        #expect(!report.mismatches.isEmpty)
        }
        }
    }

    func deployment(_ devnode: Devnode) throws -> KalypsoDeployment {
        let c = try #require(devnode.info["contracts"] as? [String: Any])
        return KalypsoDeployment(chainId: (devnode.info["chainId"] as? NSNumber)?.uint64Value ?? 0, generatorRegistry: try Address(c["generatorRegistry"] as? String ?? ""),
                                 proofMarketplace: try Address(c["proofMarketplace"] as? String ?? ""),
                                 entityKeyRegistry: try Address(c["entityKeyRegistry"] as? String ?? ""), startBlock: devnode.deploymentBlock)
    }
}
