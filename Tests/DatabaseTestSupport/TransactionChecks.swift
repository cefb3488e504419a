import Database

/// Scenarios about transactions and snapshots, shared by both backends.
public enum TransactionChecks {
    struct Planned: Error {}

    static func count(_ db: any DatabaseConnection, _ table: String) throws -> Int64 {
        try db.queryValue("SELECT count(*) FROM \(identifier: table)")
    }

    /// Commit keeps, rollback discards, a failed savepoint leaves the outer transaction intact.
    public static func commitAndRollback(_ db: any DatabaseConnection) throws {
        try db.executeScript("CREATE TABLE ledger (n BIGINT NOT NULL UNIQUE)")
        try db.transaction {
            try db.execute("INSERT INTO ledger VALUES (\(1))")
            try db.execute("INSERT INTO ledger VALUES (\(2))")
        }
        try Check.equal(try count(db, "ledger"), 2, "rows after a commit")

        do {
            try db.transaction {
                try db.execute("INSERT INTO ledger VALUES (\(3))")
                throw Planned()
            }
            throw CheckFailure("the transaction should have rethrown the body's error")
        } catch is Planned {}
        try Check.equal(try count(db, "ledger"), 2, "rows after a rollback")
        try Check.that(!db.isInTransaction, "no transaction open after the rollback")

        // A constraint violation inside rolls everything back and surfaces as such.
        try Check.fails(with: .constraintViolation, "duplicate key inside a transaction") {
            try db.transaction {
                try db.execute("INSERT INTO ledger VALUES (\(4))")
                try db.execute("INSERT INTO ledger VALUES (\(1))")
            }
        }
        try Check.equal(try count(db, "ledger"), 2, "rows after a failed transaction")

        // Nested: the inner failure rolls back to its savepoint; the outer work commits.
        try db.transaction {
            try db.execute("INSERT INTO ledger VALUES (\(10))")
            do {
                try db.transaction {
                    try db.execute("INSERT INTO ledger VALUES (\(11))")
                    try db.execute("INSERT INTO ledger VALUES (\(10))") // duplicate: fails
                }
            } catch let error as DatabaseError where error.code == .constraintViolation {}
            try db.transaction { try db.execute("INSERT INTO ledger VALUES (\(12))") }
        }
        let kept = try db.query("SELECT n FROM ledger ORDER BY n").map { try $0.decode("n", as: Int64.self) }
        try Check.equal(kept, [1, 2, 10, 12], "rows after a nested rollback")

        // The transaction returns the body's value.
        let value = try db.transaction { try count(db, "ledger") }
        try Check.equal(value, 4, "value returned by transaction")
    }

    /// A reader's snapshot does not move while the writer commits, and the writer is not blocked by it.
    ///
    /// Runs on one thread: a writer blocked by the reader would fail (busy / lock timeout) instead of hanging.
    public static func snapshotIsolation(writer: any DatabaseConnection, reader: any DatabaseConnection) throws {
        try writer.executeScript("CREATE TABLE events (n BIGINT NOT NULL)")
        try writer.execute("INSERT INTO events VALUES (\(1))")
        try reader.readSnapshot {
            try Check.equal(try count(reader, "events"), 1, "reader before the writer commits")
            try writer.transaction {
                try writer.execute("INSERT INTO events VALUES (\(2))")
                try writer.execute("INSERT INTO events VALUES (\(3))")
            }
            try Check.equal(try count(writer, "events"), 3, "writer after its commit")
            try Check.equal(try count(reader, "events"), 1, "reader inside its snapshot after the writer's commit")
            // A second, unrelated table changed too: the snapshot covers the whole database.
            try writer.execute("INSERT INTO events VALUES (\(4))")
            let sum: Int64 = try reader.queryValue("SELECT coalesce(sum(n), 0) FROM events")
            try Check.equal(sum, 1, "sum inside the snapshot")
        }
        try reader.readSnapshot {
            try Check.equal(try count(reader, "events"), 4, "a new snapshot sees every commit")
        }
        // A read-only snapshot refuses writes.
        do {
            try reader.readSnapshot { try reader.execute("INSERT INTO events VALUES (\(5))") }
            throw CheckFailure("a write inside readSnapshot on a reader should fail")
        } catch is DatabaseError {}
        try Check.equal(try count(writer, "events"), 4, "rows after the refused write")
    }
}
