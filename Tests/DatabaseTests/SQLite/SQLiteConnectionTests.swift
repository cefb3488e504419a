import Testing
import Database
import DatabaseTestSupport
import EthereumKit

@Suite struct SQLiteConnectionTests {
    @Test func everyTypeRoundTrips() throws {
        try SQLiteFixture.with("roundtrip") { db, _ in try BindingChecks.roundTrip(db) }
    }

    @Test func injectionAttemptsStayData() throws {
        try SQLiteFixture.with("injection") { db, _ in try BindingChecks.injectionStaysData(db) }
    }

    @Test func uint256SortsNumerically() throws {
        try SQLiteFixture.with("uint256") { db, _ in try BindingChecks.uint256Ordering(db) }
    }

    @Test func decodingErrorsAreClear() throws {
        try SQLiteFixture.with("decoding") { db, _ in try BindingChecks.decodingErrors(db) }
    }

    @Test func opensInWALWithTheDocumentedPragmas() throws {
        try SQLiteFixture.with("pragmas") { db, _ throws in
            #expect(try db.queryValue("PRAGMA journal_mode", as: String.self) == "wal")
            #expect(try db.queryValue("PRAGMA synchronous", as: Int.self) == 1) // NORMAL
            #expect(try db.queryValue("PRAGMA foreign_keys", as: Int.self) == 1)
            #expect(try db.queryValue("PRAGMA busy_timeout", as: Int.self) == 5_000)
        }
        var full = SQLiteConfiguration()
        full.synchronous = .full
        try SQLiteFixture.with("pragmas-full", configuration: full) { db, _ throws in
            #expect(try db.queryValue("PRAGMA synchronous", as: Int.self) == 2) // FULL
        }
    }

    @Test func foreignKeysAreEnforced() throws {
        try SQLiteFixture.with("fk") { db, _ throws in
            try db.executeScript("CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (p INTEGER REFERENCES parent(id))")
            let error = #expect(throws: DatabaseError.self) { try db.execute("INSERT INTO child VALUES (\(42))") }
            #expect(error?.code == .constraintViolation)
        }
    }

    @Test func refusesSeveralStatementsInOneQuery() throws {
        try SQLiteFixture.with("multi") { db, _ throws in
            try db.executeScript("CREATE TABLE t (x INTEGER)")
            let error = #expect(throws: DatabaseError.self) { try db.execute("INSERT INTO t VALUES (1); DROP TABLE t") }
            #expect(error?.code == .misuse)
            #expect(try db.queryValue("SELECT count(*) FROM t", as: Int.self) == 0, "nothing of the refused text ran")
            try db.execute("INSERT INTO t VALUES (\(1)); -- a trailing comment is fine")
            #expect(try db.queryValue("SELECT count(*) FROM t", as: Int.self) == 1)
        }
    }

    @Test func cachedStatementsSurviveSchemaChangesAndEviction() throws {
        var small = SQLiteConfiguration()
        small.statementCacheCapacity = 2
        try SQLiteFixture.with("cache", configuration: small) { db, _ throws in
            try db.executeScript("CREATE TABLE t (a INTEGER)")
            try db.execute("INSERT INTO t VALUES (\(1))")
            #expect(try db.queryOne("SELECT * FROM t").values.count == 1)
            try db.executeScript("ALTER TABLE t ADD COLUMN b TEXT")
            #expect(try db.queryOne("SELECT * FROM t").values.count == 2, "the cached SELECT * sees the new column")
            for i in 0..<10 { #expect(try db.queryValue("SELECT \(i) + \(unsafeRaw: String(i))", as: Int.self) == 2 * i) }
        }
    }

    @Test func readerConnectionsRefuseWrites() throws {
        try SQLiteFixture.with("readonly") { db, path throws in
            try db.executeScript("CREATE TABLE t (x INTEGER)")
            let reader = try SQLiteConnection(path: path, configuration: SQLiteConfiguration().reader, logger: .disabled)
            #expect(throws: DatabaseError.self) { try reader.execute("INSERT INTO t VALUES (\(1))") }
            #expect(try reader.queryValue("SELECT count(*) FROM t", as: Int.self) == 0)
        }
        let missing = #expect(throws: DatabaseError.self) {
            _ = try SQLiteConnection(path: "/nonexistent-dir/x.sqlite", logger: .disabled)
        }
        #expect(missing?.code == .connectionFailed)
        #expect(missing?.message.contains("/nonexistent-dir/x.sqlite") == true)
    }
}
