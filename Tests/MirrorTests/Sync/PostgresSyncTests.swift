import Database
import DatabaseTestSupport
import EthereumKit
import Foundation
import JSONRPC
@testable import Mirror
import Synchronization
import Testing

/// `MirrorSync` on a PostgreSQL store: no transaction is open while the node is asked anything, and a writer whose
/// session drops reconnects (with backoff) and goes on — no crash, no lost or doubled range. Runs only when the test
/// run has a PostgreSQL server (`make test` provides one).
@Suite(.enabled(if: TestPostgres.url != nil, Comment(rawValue: TestPostgres.skipReason)))
struct PostgresSyncTests {
    /// A chain source that, before every call to the node, looks at the server for sessions of the store that are
    /// inside a transaction (`idle in transaction`) and stay there: a transaction held open across the call.
    final class Probe: SyncChainSource, @unchecked Sendable {
        let inner: SimulatedChain
        private let admin: Mutex<PostgresConnection>
        private let application: String
        let calls = Mutex(0)
        let openTransactions = Mutex<[String]>([])

        init(_ inner: SimulatedChain, schema: ScratchSchema, application: String) throws {
            self.inner = inner
            self.application = application
            admin = Mutex(try PostgresConnection(url: schema.url, applicationName: "probe", logger: .disabled))
        }

        /// A commit of the previous range may run beside this call (the sync fetches the next range meanwhile) and
        /// be between two statements (`idle in transaction`) right now; a transaction held open ACROSS the call
        /// cannot end before the call returns. So the call first waits (up to 10 s, polling) for the writer's
        /// sessions to leave their transactions: only a transaction that never does is recorded.
        func check(_ call: String) async throws {
            calls.withLock { $0 += 1 }
            let deadline = ContinuousClock.now.advanced(by: .seconds(10))
            while true {
                let states: [String] = try admin.withLock { db in
                    try db.query("SELECT state FROM pg_stat_activity WHERE application_name = \(application) AND state LIKE 'idle in transaction%'")
                        .map { try $0.decode(String.self, at: 0) }
                }
                if states.isEmpty { return }
                if ContinuousClock.now >= deadline {
                    openTransactions.withLock { $0.append("\(call): \(states)") }
                    return
                }
                try await Task.sleep(for: .milliseconds(2))
            }
        }

        func headNumber() async throws -> UInt64 { try await check("head"); return try await inner.headNumber() }
        func logs(in range: ClosedRange<UInt64>, addresses: [Address]) async throws -> [Log] {
            try await check("logs \(range)")
            return try await inner.logs(in: range, addresses: addresses)
        }
        func headers(_ numbers: [UInt64]) async throws -> [UInt64: BlockHeader?] {
            try await check("headers")
            return try await inner.headers(numbers)
        }
        func close() { admin.withLock { $0.close() } }
    }

    static func mirrored(_ schema: ScratchSchema) throws -> MirroredStateAtBlock? {
        let reader = try SQLMirrorReader.open(location: .postgres(url: schema.url), maximumReaders: 1, logger: .disabled)
        defer { reader.pool.close() }
        return try reader.mirroredState()
    }

    @Test func noTransactionIsOpenWhileTheNodeIsAsked() async throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let chain = SimulatedChain()
        chain.mine(120)
        chain.reorg(depth: 3, replacement: 4)
        let probe = try Probe(chain, schema: schema, application: "probed-writer")
        defer { probe.close() }
        let store = try SQLMirrorStore.open(location: .postgres(url: schema.url), applicationName: "probed-writer", logger: .disabled)
        let pool = store.pool
        defer { pool.close() }
        let sync = try MirrorSync(deployment: SimulatedChain.deployment, settings: MirrorSyncTests.settings(.once, span: 7), source: probe,
                                  pipeline: SimulatedChain.pipeline, store: store, logger: .disabled)
        #expect(try await sync.run() == .finished)
        #expect(probe.calls.withLock { $0 } > 20, "the sync asked the node many times")
        #expect(probe.openTransactions.withLock { $0 } == [])
        let mirrored = try #require(try Self.mirrored(schema))
        #expect(mirrored.state == (try await chain.referenceState()))
        #expect(mirrored.checkpoint.blockNumber == chain.head)
    }

    @Test func aFollowingSyncWhoseSessionDropsReconnectsAndGoesOn() async throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let chain = SimulatedChain()
        chain.mine(40)
        let store = try SQLMirrorStore.open(location: .postgres(url: schema.url), applicationName: "writer", logger: .disabled)
        let pool = store.pool, pid = try PostgresWriterTests.writerPID(store)
        defer { pool.close() }
        let sync = try MirrorSync(deployment: SimulatedChain.deployment, settings: MirrorSyncTests.settings(.follow), source: chain,
                                  pipeline: SimulatedChain.pipeline, store: store, logger: .disabled)
        let run = Task { try await sync.run() }
        try await MirrorSyncTests.waitForCursor(sync, 40)
        try schema.terminate(pid)   // as a server restart or a network failure would
        chain.mine(25)
        try await MirrorSyncTests.waitForCursor(sync, 65)
        sync.requestStop()
        #expect(try await run.value == .stopped)
        let newPID = try pool.withWriter { db in (db as? PostgresConnection)?.backendPID ?? 0 }
        #expect(newPID != pid && newPID != 0, "a new session")
        #expect(try schema.advisoryLockHolders(PostgresConnection.advisoryLockKey(for: try PostgresWriterTests.lockName(schema))) == [newPID],
                "the new session holds the writer lock again")
        let mirrored = try #require(try Self.mirrored(schema))
        #expect(mirrored.state == (try await chain.referenceState()))
        #expect(mirrored.checkpoint.blockNumber == 65)
    }
}
