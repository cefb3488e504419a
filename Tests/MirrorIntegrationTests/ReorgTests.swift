import EthereumKit
import Foundation
import Mirror
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension MirrorIntegrationTests {
    /// 2. Reorgs of depth 1…10 while a `sync` follows the head (devnode_snapshot → branch A of d blocks of Kalypso
    /// transactions → the follower syncs it → devnode_revert → branch B of d + 1 other blocks), then two branches
    /// that do not lengthen the chain (4 → 4 and 5 → 2 blocks): the follower ends in exactly the state of a clean
    /// resync. Then a follower with a 4-block window meets a 6-block reorg and
    /// stops with exit code 1 and the deep-reorg message. On each backend (the clean resync is SQLite's).
    @Test(arguments: Backend.available)
    func reorgsWhileFollowingEndInTheStateOfACleanResync(backend: Backend) async throws {
        let dir = try Project.temporaryDirectory("reorg")
        try await using(try await Devnode(directory: dir)) { devnode in
        try await withDatabase(backend, in: dir, name: "follower") { db in
        try await withDatabase(backend, in: dir, name: "shallow") { shallow in
            let ops = try await ChainOps(devnode)
            do {
                try await ops.setup()
                let follower = try MirrorCLI.spawn(["sync"] + devnodeArguments(devnode, db: db, extra: ["--poll-interval", "50ms"]),
                                                   in: dir, label: "follower")
                try await waitForSync(db, devnode, follower)
                for depth in 1...10 {
                    let snapshot = try await ops.snapshot()
                    try await ops.branch(blocks: depth, tag: 2 * depth)
                    try await waitForSync(db, devnode, follower)
                    try await ops.revert(snapshot)
                    try await ops.branch(blocks: depth + 1, tag: 2 * depth + 1)
                    try await waitForSync(db, devnode, follower)
                }
                // Branches that do not lengthen the chain (same length, shorter): only the per-poll linkage check
                // can see them, since the head never passes the cursor.
                for (a, b) in [(4, 4), (5, 2)] {
                    let snapshot = try await ops.snapshot()
                    try await ops.branch(blocks: a, tag: 50 + a)
                    try await waitForSync(db, devnode, follower)
                    try await ops.revert(snapshot)
                    try await ops.branch(blocks: b, tag: 60 + b)
                    try await waitForSync(db, devnode, follower)
                }
                follower.send(SIGTERM)
                #expect(await follower.wait() == 0, "the follower: \(follower.stderr.suffix(3000))")
                #expect(follower.stderr.contains("reorg undone"))

                let clean = dir.appendingPathComponent("clean.sqlite")
                let resync = try await MirrorCLI.run(["sync", "--once"] + devnodeArguments(devnode, db: clean), in: dir, label: "resync")
                #expect(resync.status == 0, "\(resync.stderr.suffix(3000))")
                let followed = try MirrorSnapshot.read(db), reference = try MirrorSnapshot.read(clean)
                #expect(followed.sameContent(as: reference))
                #expect(followed.state == reference.state)
                #expect(followed.cursor == reference.cursor)
                #expect(followed.reorgsSeen >= 12)
                #expect(reference.reorgsSeen == 0)

                // A reorg deeper than the window.
                let watcher = try MirrorCLI.spawn(["sync"] + devnodeArguments(devnode, db: shallow, extra: ["--poll-interval", "50ms", "--reorg-window", "4"]),
                                                  in: dir, label: "shallow")
                try await waitForSync(shallow, devnode, watcher)
                let snapshot = try await ops.snapshot()
                try await ops.branch(blocks: 6, tag: 100)
                try await waitForSync(shallow, devnode, watcher)
                try await ops.revert(snapshot)
                try await ops.branch(blocks: 7, tag: 101)
                try await waitUntil("the shallow follower stops") { !watcher.isRunning }
                #expect(await watcher.wait() == 1)
                #expect(watcher.stderr.contains("reorg deeper than the reorg window (4 blocks)"), "\(watcher.stderr.suffix(3000))")
                #expect(watcher.stderr.contains("fresh database"))
            } catch {
                await ops.stop()
                throw error
            }
            await ops.stop()
        }
        }
        }
    }

    /// Waits until the database's cursor is the node's head block (same hash) — or the follower died.
    func waitForSync(_ db: TestDatabase, _ devnode: Devnode, _ follower: ChildProcess) async throws {
        try await waitUntil("the follower reaches the head") {
            guard follower.isRunning else {
                Issue.record("the follower exited: \(follower.stderr.suffix(3000))")
                return true
            }
            let head = try await devnode.head()
            guard let cursor = MirrorSnapshot.cursor(db), cursor.blockNumber == head else { return false }
            return try await devnode.blockHash(head) == cursor.blockHash
        }
    }
}
