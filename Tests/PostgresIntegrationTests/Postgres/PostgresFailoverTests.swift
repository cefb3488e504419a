import Testing
import Database
import DatabaseTestSupport
import Foundation

/// Connection loss, reconnection and the single-writer advisory lock, against a real server.
@Suite(PostgresTestServer.available) struct PostgresFailoverTests {
    @Test func aTerminatedSessionIsReconnectedAndTheCallSucceeds() throws {
        try PostgresSchema.with { schema throws in
            let db = try schema.connect()
            try db.executeScript("CREATE TABLE t (x BIGINT)")
            try db.execute("INSERT INTO t VALUES (\(1))") // prepared and cached in the first session
            let first = db.backendPID
            try schema.terminate(first)
            #expect(try db.queryValue("SELECT count(*) FROM t WHERE x = \(1)", as: Int.self) == 1)
            #expect(db.backendPID != first)
            #expect(db.reconnectCount == 1)
            try db.execute("INSERT INTO t VALUES (\(2))") // the statement cache was reset with the session
            #expect(try db.queryValue("SELECT count(*) FROM t", as: Int.self) == 2)
        }
    }

    @Test func aLossInsideATransactionFailsItAndTheNextCallReconnects() throws {
        try PostgresSchema.with { schema throws in
            let db = try schema.connect()
            try db.executeScript("CREATE TABLE t (x BIGINT)")
            let error = #expect(throws: DatabaseError.self) {
                try db.transaction {
                    try db.execute("INSERT INTO t VALUES (\(1))")
                    try schema.terminate(db.backendPID)
                    // Must fail, never run in autocommit on a new session.
                    try db.execute("INSERT INTO t VALUES (\(2))")
                }
            }
            #expect(error?.code == .connectionLost)
            #expect(error?.isTransient == true)
            #expect(!db.isInTransaction)
            #expect(try db.queryValue("SELECT count(*) FROM t", as: Int.self) == 0, "nothing of the lost transaction")
            #expect(db.reconnectCount == 1)
        }
    }

    @Test func onlyOneSessionHoldsTheWriterLockUntilItDies() throws {
        try PostgresSchema.with { schema throws in
            let key = PostgresConnection.advisoryLockKey(for: "writer-" + schema.name)
            let first = try schema.connect(applicationName: "first-writer")
            let second = try schema.connect(applicationName: "second-writer")
            #expect(try first.tryAcquireAdvisoryLock(key))
            #expect(try first.tryAcquireAdvisoryLock(key), "re-acquiring a held lock is a no-op")
            #expect(try !second.tryAcquireAdvisoryLock(key))
            let holder = try #require(try second.advisoryLockHolder(key))
            #expect(holder.contains("pid \(first.backendPID)") && holder.contains("first-writer"), "\(holder)")

            // The writer dies; the second session waits for the lock (bounded by lock_timeout) and gets it.
            let deadPID = first.backendPID
            try schema.terminate(deadPID)
            try second.acquireAdvisoryLock(key)
            #expect(second.holdsAdvisoryLock(key))
            #expect(try !schema.isAlive(deadPID))

            // The old writer's next call reconnects, finds the lock taken over and refuses to go on.
            let lost = #expect(throws: DatabaseError.self) { try first.execute("SELECT 1") }
            #expect(lost?.code == .writerLockLost)
            #expect(throws: DatabaseError.self, "every call refuses until the lock is dealt with") { try first.execute("SELECT 1") }
            #expect(try !first.tryAcquireAdvisoryLock(key), "still held by the second session")
            #expect(try first.queryValue("SELECT 1", as: Int.self) == 1, "usable again once it stopped claiming the lock")

            // Released by the second, the first can take it again.
            #expect(try second.releaseAdvisoryLock(key))
            #expect(try first.tryAcquireAdvisoryLock(key))
        }
    }

    @Test func aWriterThatReconnectsInTimeKeepsItsLock() throws {
        try PostgresSchema.with { schema throws in
            let key = PostgresConnection.advisoryLockKey(for: "writer-" + schema.name)
            let writer = try schema.connect()
            let other = try schema.connect()
            #expect(try writer.tryAcquireAdvisoryLock(key))
            try schema.terminate(writer.backendPID)
            #expect(try writer.queryValue("SELECT 1", as: Int.self) == 1, "reconnected and re-took the lock")
            #expect(try !other.tryAcquireAdvisoryLock(key))
            let holder = try #require(try other.advisoryLockHolder(key))
            #expect(holder.contains("pid \(writer.backendPID)"))
        }
    }

    @Test func aSecondPoolCannotBecomeWriter() throws {
        try PostgresSchema.with { schema throws in
            let lockName = "pool-writer-" + schema.name
            let location = try DatabaseLocation(schema.url)
            let first = DatabasePool(location: location, applicationName: "sync-1", logger: .disabled)
            let second = DatabasePool(location: location, applicationName: "sync-2", logger: .disabled)
            defer { first.close(); second.close() }
            try first.acquireWriterLock(name: lockName, wait: false)
            let error = #expect(throws: DatabaseError.self) { try second.acquireWriterLock(name: lockName, wait: false) }
            #expect(error?.code == .writerLockHeld)
            #expect(error?.message.contains("sync-1") == true, "names the holder: \(error?.message ?? "")")
            first.close() // the first writer stops: its session and lock end
            try second.acquireWriterLock(name: lockName, wait: true)
            try second.write { db in try db.executeScript("CREATE TABLE after_failover (x BIGINT)") }
        }
    }
}
