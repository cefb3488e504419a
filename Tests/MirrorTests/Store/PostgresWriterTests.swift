import Database
import DatabaseTestSupport
import EthereumKit
import Foundation
@testable import Mirror
import Testing

/// Exactly one writer per PostgreSQL mirror: the writer lock is per database and schema, a second writer is refused
/// with the holder's name, and a writer whose session was re-established never writes over another writer's work.
/// Runs only when the test run has a PostgreSQL server (`make test` provides one).
@Suite(.enabled(if: TestPostgres.url != nil, Comment(rawValue: TestPostgres.skipReason)))
struct PostgresWriterTests {
    static func open(_ schema: ScratchSchema, as application: String, wait: Bool = false) throws -> SQLMirrorStore {
        try SQLMirrorStore.open(location: .postgres(url: schema.url), waitForWriterLock: wait, applicationName: application, logger: .disabled)
    }

    static func writerPID(_ store: SQLMirrorStore) throws -> Int32 {
        try store.pool.withWriter { db in (db as? PostgresConnection)?.backendPID ?? 0 }
    }

    static func cursor(_ schema: ScratchSchema) throws -> Checkpoint? {
        let reader = SQLMirrorReader(pool: DatabasePool(location: .postgres(url: schema.url), mode: .readOnly, maximumReaders: 1, logger: .disabled))
        defer { reader.pool.close() }
        return try reader.status().checkpoint
    }

    @Test func theWriterLockIsPerSchemaAndASecondWriterIsToldWhoHoldsIt() throws {
        let one = try ScratchSchema(), two = try ScratchSchema()
        defer { one.drop(); two.drop() }
        let first = try Self.open(one, as: "first-writer")
        defer { first.pool.close() }
        // Another mirror in another schema of the same database is not blocked.
        let other = try Self.open(two, as: "other-writer")
        other.pool.close()

        let error = #expect(throws: DatabaseError.self) { try Self.open(one, as: "second-writer") }
        #expect(error?.code == .writerLockHeld)
        let message = error?.message ?? ""
        let name = try Self.lockName(one)
        let pid = try Self.writerPID(first)
        #expect(message.contains("first-writer") && message.contains("backend pid \(pid)"), "\(message)")
        #expect(message.contains("'\(name)'") && name.hasSuffix("/\(one.name)"), "\(message)")

        // The lock is the named advisory lock of this schema, held by the first writer's session.
        #expect(try one.advisoryLockHolders(PostgresConnection.advisoryLockKey(for: name)) == [pid])
    }

    static func lockName(_ schema: ScratchSchema) throws -> String {
        let admin = try PostgresConnection(url: schema.url, logger: .disabled)
        defer { admin.close() }
        return SQLMirrorStore.writerLockName(database: try admin.queryValue("SELECT current_database()"), schema: schema.name)
    }

    /// A writer opened with `waitForWriterLock` on another thread, once it queues for the lock.
    final class Waiter: @unchecked Sendable {
        private let result = Locked<Result<SQLMirrorStore, any Error>?>(nil)
        private let done = DispatchSemaphore(value: 0)

        init(_ schema: ScratchSchema, as application: String) throws {
            let result = self.result, done = self.done
            Thread {
                // Opened outside the lock: `hasOpened` reads it while the open waits for the writer lock.
                let opened = Result(catching: { try PostgresWriterTests.open(schema, as: application, wait: true) })
                result.update { $0 = opened }
                done.signal()
            }.start()
            // It waits inside pg_advisory_lock until the holder's session ends.
            guard try Self.queued(schema, application) else { throw CheckFailure("\(application) never queued for the writer lock") }
        }

        var hasOpened: Bool { result.value != nil }

        func store() throws -> SQLMirrorStore {
            done.wait()
            guard let r = result.value else { throw CheckFailure("no result") }
            return try r.get()
        }

        static func queued(_ schema: ScratchSchema, _ application: String) throws -> Bool {
            let admin = try PostgresConnection(url: schema.url, logger: .disabled)
            defer { admin.close() }
            for _ in 0..<1000 {
                let waiting: Int = try admin.queryValue("""
                    SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                    WHERE l.locktype = 'advisory' AND NOT l.granted AND a.application_name = \(application)
                    """)
                if waiting > 0 { return true }
                Thread.sleep(forTimeInterval: 0.01)
            }
            return false
        }
    }

    @Test func aWaitingWriterTakesOverWhenTheHolderEnds() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        var chain = RandomChain(seed: 31)
        let first = try Self.open(schema, as: "first-writer")
        try first.commit(chain.range(blocks: 4), reorgWindow: 64)
        let waiter = try Waiter(schema, as: "second-writer")
        #expect(!waiter.hasOpened, "it waits while the first one holds the lock")
        first.pool.close()
        let store = try waiter.store()
        defer { store.pool.close() }
        let range = chain.range(blocks: 4)
        try store.commit(range, reorgWindow: 64)
        #expect(try store.loadState().state == chain.state)
        #expect(try Self.cursor(schema) == range.cursor)
    }

    @Test func aWriterThatReconnectsInTimeGoesOn() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        var chain = RandomChain(seed: 32)
        let store = try Self.open(schema, as: "writer")
        defer { store.pool.close() }
        try store.commit(chain.range(blocks: 5), reorgWindow: 64)
        try schema.terminate(try Self.writerPID(store))
        let range = chain.range(blocks: 5)
        try store.commit(range, reorgWindow: 64)   // reconnects, re-takes the lock, finds its own checkpoint
        try store.recordHead(200)
        #expect(try store.loadState().state == chain.state)
        #expect(try Self.cursor(schema) == range.cursor)
    }

    @Test func aWriterWhoseLockWasTakenStopsWithoutWriting() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        var chain = RandomChain(seed: 33)
        let old = try Self.open(schema, as: "old-writer")
        defer { old.pool.close() }
        let committed = chain.range(blocks: 5)
        try old.commit(committed, reorgWindow: 64)
        try schema.terminate(try Self.writerPID(old))
        let successor = try Self.open(schema, as: "new-writer")   // the lock is free: the server ended the old session
        defer { successor.pool.close() }

        let range = chain.range(blocks: 5)
        let error = #expect(throws: DatabaseError.self) { try old.commit(range, reorgWindow: 64) }
        #expect(error?.code == .writerLockLost)
        #expect(MirrorSync.writerLoss(try #require(error))?.code == .writerLost)
        #expect(throws: DatabaseError.self, "every later write refuses too") { try old.recordHead(500) }
        #expect(try Self.cursor(schema) == committed.cursor, "nothing was written")
        try successor.commit(range, reorgWindow: 64)
        #expect(try Self.cursor(schema) == range.cursor)
    }

    @Test func aWriterReplacedWhileItWasReconnectingStopsWithoutWriting() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        var chain = RandomChain(seed: 34)
        let old = try Self.open(schema, as: "old-writer")
        defer { old.pool.close() }
        try old.commit(chain.range(blocks: 5), reorgWindow: 64)
        try schema.terminate(try Self.writerPID(old))
        // Another writer takes over, commits and ends — all before the old one reconnects: the lock is free again.
        var successorChain = chain
        let successor = try Self.open(schema, as: "new-writer")
        let theirs = successorChain.range(blocks: 5)
        try successor.commit(theirs, reorgWindow: 64)
        successor.pool.close()

        let error = #expect(throws: MirrorStoreError.self) { try old.commit(chain.range(blocks: 3), reorgWindow: 64) }
        #expect(error?.code == .writerReplaced)
        #expect(error?.message.contains("cursor \(theirs.cursor.blockNumber)") == true, "\(error?.message ?? "")")
        #expect(throws: MirrorStoreError.self) { _ = try old.rewind(to: theirs.fromBlock, reason: "test") }
        #expect(try Self.cursor(schema) == theirs.cursor, "nothing was written by the replaced writer")
    }

    /// A following sync whose session is ended while another `sync` waits for the lock: the waiting one gets the
    /// lock, the old one reconnects, finds it taken, and its run ends with `.writerLost` — nothing more written.
    @Test func aFollowingSyncThatLosesTheWriterLockStops() async throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let chain = SimulatedChain()
        chain.mine(40)
        let store = try Self.open(schema, as: "old-writer")
        let pool = store.pool, pid = try Self.writerPID(store)
        defer { pool.close() }
        let sync = try MirrorSync(deployment: SimulatedChain.deployment, settings: MirrorSyncTests.settings(.follow), source: chain,
                                  pipeline: SimulatedChain.pipeline, store: store, logger: .disabled)
        let events = sync.events()
        let run = Task { try await sync.run() }
        for await event in events {
            if case .committed(let c) = event, c.cursor.blockNumber == 40 { break }
        }
        let waiter = try Waiter(schema, as: "new-writer")
        try schema.terminate(pid)
        let successor = try waiter.store()
        defer { successor.pool.close() }
        chain.mine(10)
        let outcome = await run.result
        #expect(throws: SyncError.self) { try outcome.get() }
        if case .failure(let error as SyncError) = outcome {
            #expect(error.code == .writerLost)
            #expect(error.message.contains("writer lock"), "\(error.message)")
        }
        #expect(try Self.cursor(schema)?.blockNumber == 40, "the old writer wrote nothing after losing the lock")
    }
}
