import Testing
import Database

@Suite struct DatabaseLocationTests {
    @Test func parsesPostgresURLsAndSQLitePaths() throws {
        #expect(try DatabaseLocation("postgres://u:p@h:5432/db") == .postgres(url: "postgres://u:p@h:5432/db"))
        #expect(try DatabaseLocation("postgresql://h/db") == .postgres(url: "postgresql://h/db"))
        #expect(try DatabaseLocation("mirror.sqlite") == .sqlite(path: "mirror.sqlite"))
        #expect(try DatabaseLocation("sqlite:data/m.db") == .sqlite(path: "data/m.db"))
        #expect(try DatabaseLocation("sqlite:///var/lib/m.db") == .sqlite(path: "/var/lib/m.db"))
        #expect(try DatabaseLocation("/abs/m.db").dialect == .sqlite)
        for bad in ["", ":memory:", "mysql://h/db", "sqlite:"] {
            #expect(throws: DatabaseError.self, "\(bad)") { try DatabaseLocation(bad) }
        }
    }

    @Test func redactsPasswords() throws {
        #expect(PostgresURL.redacted("postgres://mirror:s3cret@db.example:5432/k") == "postgres://mirror:***@db.example:5432/k")
        #expect(PostgresURL.redacted("postgres://mirror@db/k?sslmode=require&password=s3cret&x=1") == "postgres://mirror@db/k?sslmode=require&password=***&x=1")
        #expect(PostgresURL.redacted("postgres://db/k") == "postgres://db/k")
        #expect(PostgresURL.redacted("postgres://u:p@ss@h/db") == "postgres://u:***@h/db")
        #expect(!(try DatabaseLocation("postgres://u:hunter2@h/db")).description.contains("hunter2"))
    }

    @Test func backoffDoublesUpToTheCeilingWithEqualJitter() {
        let policy = ReconnectPolicy(maximumAttempts: 10, initialDelay: 0.1, maximumDelay: 1)
        #expect(policy.backoffCeiling(beforeAttempt: 1) == 0)
        #expect(policy.backoffCeiling(beforeAttempt: 2) == 0.1)
        #expect(policy.backoffCeiling(beforeAttempt: 3) == 0.2)
        #expect(policy.backoffCeiling(beforeAttempt: 5) == 0.8)
        #expect(policy.backoffCeiling(beforeAttempt: 6) == 1)
        #expect(policy.backoffCeiling(beforeAttempt: 100) == 1)
        for attempt in 2...8 {
            let ceiling = policy.backoffCeiling(beforeAttempt: attempt)
            let d = policy.delay(beforeAttempt: attempt)
            #expect(d >= ceiling / 2 && d <= ceiling, "attempt \(attempt): \(d) not in [\(ceiling / 2), \(ceiling)]")
        }
        #expect(ReconnectPolicy(maximumAttempts: 0).maximumAttempts == 1)
    }

    @Test func advisoryLockKeysAreStableAndDistinct() {
        let a = PostgresConnection.advisoryLockKey(for: "kalypso-mirror.writer")
        #expect(a == PostgresConnection.advisoryLockKey(for: "kalypso-mirror.writer"))
        #expect(a != PostgresConnection.advisoryLockKey(for: "kalypso-mirror.writer2"))
        // First 8 bytes of SHA-256("abc") = ba7816bf8f01cfea.
        #expect(PostgresConnection.advisoryLockKey(for: "abc") == Int64(bitPattern: 0xba78_16bf_8f01_cfea))
    }
}
