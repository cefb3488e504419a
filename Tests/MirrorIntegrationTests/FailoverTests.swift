import Database
import EthereumKit
import Foundation
import Mirror
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension MirrorIntegrationTests {
    /// 6. Exactly one writer, and failover, with real processes on each backend: while a following `sync` writes
    /// (one block per range, so it is mid-backfill), a second `sync` exits at once with code 1 and a message naming
    /// the running writer (its pid); a third, started with `--wait-for-writer-lock`, says it waits and writes
    /// nothing. Then the writer is killed with SIGKILL: the server (PostgreSQL: the session's advisory lock) or the
    /// kernel (SQLite: the lock file's flock) releases the lock, the waiting `sync` takes it, resumes from the
    /// killed writer's last checkpoint and ends in exactly the clean sync's state.
    @Test(arguments: Backend.available)
    func aSecondWriterIsRefusedAndAWaitingOneTakesOverWhenTheWriterIsKilled(backend: Backend) async throws {
        let chain = try await ScenarioChain.shared.get()
        let dir = try Project.temporaryDirectory("failover")
        try await using(try await ScenarioChain.shared.restore(in: dir)) { devnode in
        try await withDatabase(backend, in: dir, name: "failover") { db in
            let small = ["--getlogs-range", "1", "--getlogs-max-range", "1"]
            let writer = try MirrorCLI.spawn(["sync"] + devnodeArguments(devnode, db: db, extra: small), in: dir, label: "writer")
            defer { writer.send(SIGKILL) }
            try await waitUntil("the writer commits") {
                guard writer.isRunning else {
                    Issue.record("the writer exited: \(writer.stderr.suffix(3000))")
                    return true
                }
                return MirrorSnapshot.cursor(db) != nil
            }

            let second = try await MirrorCLI.run(["sync", "--once"] + devnodeArguments(devnode, db: db), in: dir, label: "second")
            #expect(second.status == 1, "\(second.stderr.suffix(3000))")
            #expect(second.stderr.contains("another sync is already writing this database"), "\(second.stderr.suffix(3000))")
            let holder = backend == .postgres ? "kalypso-mirror sync pid \(writer.pid) " : "process \(writer.pid) "
            #expect(second.stderr.contains(holder), "the message names the writer: \(second.stderr.suffix(3000))")
            #expect(second.stderr.contains("--wait-for-writer-lock"))

            let waiting = try MirrorCLI.spawn(["sync", "--once", "--wait-for-writer-lock"] + devnodeArguments(devnode, db: db), in: dir, label: "waiting")
            defer { waiting.send(SIGKILL) }
            try await waitUntil("the second sync waits for the writer lock") {
                guard waiting.isRunning else {
                    Issue.record("the waiting sync exited: \(waiting.stderr.suffix(3000))")
                    return true
                }
                return waiting.stderr.contains("waiting for the writer lock")
            }
            #expect(writer.isRunning, "the writer is still mid-backfill: \(writer.stderr.suffix(2000))")
            #expect(!waiting.stderr.contains("holding the writer lock"))

            writer.send(SIGKILL)
            _ = await writer.wait()
            #expect(writer.wasSignalled)
            let atKill = try #require(MirrorSnapshot.cursor(db), "the killed writer committed something")
            #expect(atKill.blockNumber < chain.cleanSnapshot.cursor?.blockNumber ?? 0, "killed before the head")

            #expect(await waiting.wait() == 0, "\(waiting.stderr.suffix(3000))")
            #expect(waiting.stderr.contains("resuming from the checkpoint"), "\(waiting.stderr.suffix(3000))")
            #expect(waiting.stderr.contains("cursor=\(atKill.blockNumber)"), "it resumes from the killed writer's checkpoint: \(waiting.stderr.suffix(3000))")
            let final = try MirrorSnapshot.read(db)
            #expect(final.sameContent(as: chain.cleanSnapshot))
            #expect(final.state == chain.cleanSnapshot.state)
        }
        }
    }
}
