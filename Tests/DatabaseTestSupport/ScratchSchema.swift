import Database
import Foundation

/// The PostgreSQL server of the test run (`Scripts/pg-test-server run -- …` exports `KALYPSO_TEST_POSTGRES_URL`;
/// `make test` runs every Swift test under it), and fresh schemas on it for tests of code above the `Database`
/// layer (the mirror's store, its CLI): each test gets its own schema, so tests run in parallel on one database.
public enum TestPostgres {
    /// `KALYPSO_TEST_POSTGRES_URL`, or nil when the run has no server.
    public static let url: String? = ProcessInfo.processInfo.environment["KALYPSO_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// Why PostgreSQL variants are skipped when `url` is nil.
    public static let skipReason = "KALYPSO_TEST_POSTGRES_URL is not set; run the tests under Scripts/pg-test-server (make test does)"
}

/// A fresh schema on the test server, dropped by `drop()`. `url` selects it through the URL's `options`
/// (`search_path`), so every session of a pool — also one re-established after a connection loss — uses it.
public final class ScratchSchema: @unchecked Sendable {
    /// The schema's name, `t_<32 hex digits>`.
    public let name: String
    /// The server URL with `options=-csearch_path=<name>`.
    public let url: String
    private let admin: PostgresConnection

    /// Creates a schema on `base` (default: the test server).
    public init(base: String? = TestPostgres.url) throws {
        guard let base else { throw DatabaseError(.invalidLocation, TestPostgres.skipReason) }
        name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        admin = try PostgresConnection(url: base, applicationName: "kalypso-test-admin", logger: .disabled)
        try admin.execute("CREATE SCHEMA \(identifier: name)")
        url = base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(name)"
    }

    /// The backend pids of the sessions holding an advisory lock with this key (the writer of a mirror).
    public func advisoryLockHolders(_ key: Int64) throws -> [Int32] {
        let high = Int64(UInt32(truncatingIfNeeded: UInt64(bitPattern: key) >> 32))
        let low = Int64(UInt32(truncatingIfNeeded: UInt64(bitPattern: key)))
        return try admin.query("""
            SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid::bigint = \(high)
              AND objid::bigint = \(low) AND objsubid = 1
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """).map { try $0.decode(Int32.self, at: 0) }
    }

    /// Ends a session from outside (`pg_terminate_backend`), as an operator or a network failure would, and waits
    /// until its process is gone (the server signals it; the exit is asynchronous).
    public func terminate(_ pid: Int32) throws {
        let done: Bool = try admin.queryValue("SELECT pg_terminate_backend(\(pid))")
        guard done else { throw DatabaseError(.misuse, "backend \(pid) was not found") }
        for _ in 0..<2_000 where try isAlive(pid) { Thread.sleep(forTimeInterval: 0.005) }
        guard try !isAlive(pid) else { throw DatabaseError(.misuse, "backend \(pid) still runs 10 s after pg_terminate_backend") }
    }

    private func isAlive(_ pid: Int32) throws -> Bool {
        try admin.queryValue("SELECT count(*) FROM pg_stat_activity WHERE pid = \(pid)", as: Int.self) > 0
    }

    /// Drops the schema with everything in it and closes the admin session.
    public func drop() {
        _ = try? admin.execute("DROP SCHEMA \(identifier: name) CASCADE")
        admin.close()
    }
}
