import EthereumKit
import Foundation
import JSONRPC
import Mirror
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension MirrorIntegrationTests {
    /// 3. `kill -9` of `kalypso-mirror sync` at 20 seeded random moments (start-up, migrations, fetches, commits),
    /// each time restarted on the same database; then a final run to the head. The database ends identical to a
    /// clean sync's — entities, cursor, and the counts of events, quarantined and unknown logs, signature checks
    /// and issues (an event applied twice would show in the state or the counts). On each backend; the reference is
    /// a clean sync into SQLite, so the PostgreSQL run also shows both backends end in the same state.
    @Test(arguments: Backend.available)
    func killMinusNineAtTwentyMomentsEndsInTheCleanState(backend: Backend) async throws {
        let chain = try await ScenarioChain.shared.get()
        let dir = try Project.temporaryDirectory("crash")
        try await using(try await ScenarioChain.shared.restore(in: dir)) { devnode in
        try await withDatabase(backend, in: dir, name: "crashed") { db in
            // One block per range: many commits, so the kills land between and inside them.
            let small = ["--getlogs-range", "1", "--getlogs-max-range", "1", "--log-level", "warning"]
            let reference = dir.appendingPathComponent("reference.sqlite")
            let clean = try await MirrorCLI.run(["sync", "--once"] + devnodeArguments(devnode, db: reference) + small, in: dir, label: "reference")
            #expect(clean.status == 0, "\(clean.stderr.suffix(3000))")
            let expected = try MirrorSnapshot.read(reference)
            #expect(expected.sameContent(as: chain.cleanSnapshot), "range sizes must not change the result")

            // Each moment: one in four during start-up (a random delay up to 200 ms: opening, migrations, preflight,
            // the first fetch); otherwise after the cursor moved a random 1–40 blocks, plus up to 15 ms (inside the
            // next fetch or commit).
            var random = SplitMix64(seed: 20_260_427)
            var killed = 0, progress: [UInt64] = []
            for round in 0..<20 {
                let before = MirrorSnapshot.cursor(db)?.blockNumber ?? 0
                let child = try MirrorCLI.spawn(["sync", "--once"] + devnodeArguments(devnode, db: db) + small, in: dir, label: "crash-\(round)")
                if random.next() % 4 == 0 {
                    try await Task.sleep(for: .milliseconds(Int(random.next() % 200)))
                } else {
                    let target = before + 1 + random.next() % 40
                    for _ in 0..<6000 {
                        guard child.isRunning, (MirrorSnapshot.cursor(db)?.blockNumber ?? 0) < target else { break }
                        try await Task.sleep(for: .milliseconds(5))
                    }
                    try await Task.sleep(for: .milliseconds(Int(random.next() % 15)))
                }
                if child.isRunning {
                    child.send(SIGKILL)
                    killed += 1
                }
                _ = await child.wait()
                progress.append(MirrorSnapshot.cursor(db)?.blockNumber ?? 0)
            }
            let final = try await MirrorCLI.run(["sync", "--once"] + devnodeArguments(devnode, db: db) + small, in: dir, label: "final")
            #expect(final.status == 0, "\(final.stderr.suffix(3000))")
            #expect(killed >= 18, "the kills must hit a running sync (killed \(killed), cursor after each round \(progress))")
            let crashed = try MirrorSnapshot.read(db)
            #expect(crashed.sameContent(as: expected), "cursor after each round: \(progress)")
            #expect(crashed.state == expected.state)
            #expect(crashed.events == expected.events)
        }
        }
    }
}
