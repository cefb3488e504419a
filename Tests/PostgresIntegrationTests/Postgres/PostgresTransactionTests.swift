import Testing
import Database
import DatabaseTestSupport
import EthereumKit

@Suite(PostgresTestServer.available) struct PostgresTransactionTests {
    @Test func commitRollbackAndSavepoints() throws {
        try PostgresSchema.with { schema throws in try TransactionChecks.commitAndRollback(try schema.connect()) }
    }

    @Test func readersSeeARepeatableReadSnapshotAndDoNotBlockTheWriter() throws {
        try PostgresSchema.with { schema throws in
            try TransactionChecks.snapshotIsolation(writer: try schema.connect(), reader: try schema.connect())
        }
    }

    @Test func aCaughtErrorInsideATransactionPreventsTheCommit() throws {
        try PostgresSchema.with { schema throws in
            let db = try schema.connect()
            try db.executeScript("CREATE TABLE t (x BIGINT PRIMARY KEY)")
            let error = #expect(throws: DatabaseError.self) {
                try db.transaction {
                    try db.execute("INSERT INTO t VALUES (\(1))")
                    _ = try? db.execute("INSERT INTO t VALUES (\(1))") // fails; the error is swallowed
                    do {
                        try db.execute("INSERT INTO t VALUES (\(2))")
                        Issue.record("a statement after a failed one inside a transaction should fail")
                    } catch let next as DatabaseError {
                        #expect(next.code == .transactionAborted)
                    }
                }
            }
            #expect(error?.code == .transactionAborted)
            #expect(try db.queryValue("SELECT count(*) FROM t", as: Int.self) == 0)
        }
    }

    @Test func migrationsApplyOnceAndRefuseChanges() throws {
        try PostgresSchema.with { schema throws in
            try MigrationChecks.lifecycle(try schema.connect(), files: EmbeddedFixtures.files)
        }
    }

    @Test func poolWritesAndReadsSnapshots() throws {
        try PostgresSchema.with { schema throws in
            let pool = DatabasePool(location: try DatabaseLocation(schema.url), maximumReaders: 2, logger: .disabled)
            defer { pool.close() }
            try pool.migrate(try MigrationSet(files: EmbeddedFixtures.files, folder: "postgres"))
            try pool.write { db in try db.execute("INSERT INTO example_items VALUES (\(2), \("two"), \(UInt256.max))") }
            let total = try pool.read { db in try db.queryValue("SELECT count(*) FROM example_items", as: Int.self) }
            #expect(total == 2)
            let readOnly = DatabasePool(location: try DatabaseLocation(schema.url), mode: .readOnly, logger: .disabled)
            defer { readOnly.close() }
            #expect(try readOnly.read { db in try db.queryValue("SELECT max(amount) FROM example_items", as: UInt256.self) } == .max)
            #expect(throws: DatabaseError.self) { try readOnly.read { db in try db.execute("DELETE FROM example_items") } }
        }
    }
}

