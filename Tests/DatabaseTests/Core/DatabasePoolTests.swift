import Testing
import Database
import DatabaseTestSupport
import Foundation

@Suite struct DatabasePoolTests {
    @Test func writesAndSnapshotReadsFromManyThreads() throws {
        let dir = try TemporaryDirectory("pool")
        defer { dir.remove() }
        let pool = DatabasePool(location: .sqlite(path: dir.file("p.sqlite")), maximumReaders: 3, logger: .disabled)
        defer { pool.close() }
        try pool.migrate(try MigrationSet(files: EmbeddedFixtures.files, folder: "sqlite"))
        try pool.write { db in try db.executeScript("CREATE TABLE counter (n INTEGER NOT NULL)") }
        // Each writer transaction inserts two rows; every snapshot must see an even count.
        let failures = Failures()
        let group = DispatchGroup()
        for t in 0..<6 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                do {
                    for i in 0..<20 {
                        if t % 2 == 0 {
                            try pool.write { db in
                                try db.execute("INSERT INTO counter VALUES (\(i))")
                                try db.execute("INSERT INTO counter VALUES (\(i))")
                            }
                        } else {
                            let n = try pool.read { db in try db.queryValue("SELECT count(*) FROM counter", as: Int.self) }
                            if n % 2 != 0 { failures.add("odd count \(n): a reader saw half a transaction") }
                        }
                    }
                } catch {
                    failures.add("thread \(t): \(error)")
                }
            }
        }
        group.wait()
        #expect(failures.all.isEmpty, "\(failures.all)")
        #expect(try pool.read { db in try db.queryValue("SELECT count(*) FROM counter", as: Int.self) } == 120)
        #expect(try pool.read { db in db.isInTransaction } == true, "reads run inside a snapshot transaction")
    }

    @Test func readOnlyPoolsRefuseToWrite() throws {
        let dir = try TemporaryDirectory("pool-ro")
        defer { dir.remove() }
        let location = DatabaseLocation.sqlite(path: dir.file("p.sqlite"))
        let writer = DatabasePool(location: location, logger: .disabled)
        defer { writer.close() }
        try writer.write { db in try db.executeScript("CREATE TABLE t (x INTEGER)") }
        let reader = DatabasePool(location: location, mode: .readOnly, logger: .disabled)
        defer { reader.close() }
        #expect(try reader.read { db in try db.queryValue("SELECT count(*) FROM t", as: Int.self) } == 0)
        let error = #expect(throws: DatabaseError.self) { try reader.write { db in try db.execute("INSERT INTO t VALUES (\(1))") } }
        #expect(error?.code == .misuse)
    }

    @Test func onlyOneWriterHoldsTheFileLock() throws {
        let dir = try TemporaryDirectory("pool-lock")
        defer { dir.remove() }
        let location = DatabaseLocation.sqlite(path: dir.file("p.sqlite"))
        let first = DatabasePool(location: location, logger: .disabled)
        let second = DatabasePool(location: location, logger: .disabled)
        defer { first.close(); second.close() }
        try first.acquireWriterLock(wait: false)
        let error = #expect(throws: DatabaseError.self) { try second.acquireWriterLock(wait: false) }
        #expect(error?.code == .writerLockHeld)
        #expect(error?.message.contains("process \(getpid())") == true, "names the holder: \(error?.message ?? "")")
        try first.releaseWriterLock()
        try second.acquireWriterLock(wait: false)
        first.close()
        #expect(throws: DatabaseError.self) { try first.acquireWriterLock(wait: false) }
    }
}

/// Failure messages collected from several threads.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []
    func add(_ m: String) { lock.lock(); messages.append(m); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return messages }
}
