import Testing
import Database
import DatabaseTestSupport
import Foundation

@Suite struct SQLiteTransactionTests {
    @Test func commitRollbackAndSavepoints() throws {
        try SQLiteFixture.with("tx") { db, _ in try TransactionChecks.commitAndRollback(db) }
    }

    @Test func readersSeeASnapshotAndDoNotBlockTheWriter() throws {
        // A 200 ms busy timeout: a writer blocked by the reader would fail quickly instead of waiting.
        var config = SQLiteConfiguration()
        config.busyTimeoutMilliseconds = 200
        try SQLiteFixture.with("snapshot", configuration: config) { writer, path throws in
            let reader = try SQLiteConnection(path: path, configuration: config.reader, logger: .disabled)
            defer { reader.close() }
            try TransactionChecks.snapshotIsolation(writer: writer, reader: reader)
        }
    }

    @Test func aSecondWriterGetsBusyNotCorruption() throws {
        var config = SQLiteConfiguration()
        config.busyTimeoutMilliseconds = 50
        try SQLiteFixture.with("two-writers", configuration: config) { first, path throws in
            try first.executeScript("CREATE TABLE t (x INTEGER)")
            let second = try SQLiteConnection(path: path, configuration: config, logger: .disabled)
            defer { second.close() }
            try first.transaction {
                try first.execute("INSERT INTO t VALUES (\(1))")
                let error = #expect(throws: DatabaseError.self) { try second.transaction { try second.execute("INSERT INTO t VALUES (\(2))") } }
                #expect(error?.code == .busy)
                #expect(error?.isTransient == true)
            }
            #expect(try second.queryValue("SELECT count(*) FROM t", as: Int.self) == 1)
        }
    }

    /// What `kill -9` leaves on disk, without killing anything: the database file and its WAL copied while a large
    /// transaction is open (its pages already spilled into the WAL). Opening the copy shows only committed data.
    @Test func uncommittedWorkLeavesNoTraceAfterACrash() throws {
        var config = SQLiteConfiguration()
        config.cacheSizeKiB = 64 // a small cache forces the open transaction to spill pages into the WAL
        try SQLiteFixture.with("crash", configuration: config) { db, path throws in
            try db.executeScript("CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
            try db.transaction {
                for i in 0..<10 { try db.execute("INSERT INTO t VALUES (\(i), \([UInt8](repeating: 1, count: 100)))") }
            }
            let crashDir = try TemporaryDirectory("crash-copy")
            defer { crashDir.remove() }
            let copy = crashDir.file("copy.sqlite")
            var walDuringTransaction = 0
            try db.transaction {
                for i in 10..<2_010 { try db.execute("INSERT INTO t VALUES (\(i), \([UInt8](repeating: 2, count: 1_000)))") }
                walDuringTransaction = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
                // The "crash": the files as they are now, mid-transaction (no -shm: it is rebuilt from the WAL).
                try FileManager.default.copyItem(atPath: path, toPath: copy)
                try FileManager.default.copyItem(atPath: path + "-wal", toPath: copy + "-wal")
            }
            #expect(walDuringTransaction > 1_000_000, "the open transaction had written into the WAL (\(walDuringTransaction) bytes)")
            let reopened = try SQLiteConnection(path: copy, logger: .disabled)
            defer { reopened.close() }
            #expect(try reopened.queryValue("PRAGMA integrity_check", as: String.self) == "ok")
            #expect(try reopened.queryValue("SELECT count(*) FROM t", as: Int.self) == 10, "only the committed rows")
            #expect(try reopened.queryValue("SELECT count(*) FROM t WHERE id >= 10", as: Int.self) == 0)
            #expect(try db.queryValue("SELECT count(*) FROM t", as: Int.self) == 2_010, "the original committed afterwards")
        }
    }

    @Test func committedWorkSurvivesReopening() throws {
        let dir = try TemporaryDirectory("durable")
        defer { dir.remove() }
        let path = dir.file("d.sqlite")
        do {
            let db = try SQLiteConnection(path: path, logger: .disabled)
            try db.executeScript("CREATE TABLE t (x INTEGER)")
            try db.transaction { try db.execute("INSERT INTO t VALUES (\(1))") }
            try db.executeScript("BEGIN; INSERT INTO t VALUES (2)") // left open: closing rolls it back
            db.close()
        }
        let db = try SQLiteConnection(path: path, logger: .disabled)
        #expect(try db.query("SELECT x FROM t").map { try $0.decode("x", as: Int.self) } == [1])
    }
}
