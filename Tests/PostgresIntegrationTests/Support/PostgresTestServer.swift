import Database
import Foundation
import Testing

/// The server `make test-postgres` starts (Scripts/pg-test-server exports its URL).
enum PostgresTestServer {
    /// `KALYPSO_TEST_POSTGRES_URL`, or nil when no server was provided.
    static let url: String? = {
        let url = ProcessInfo.processInfo.environment["KALYPSO_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
        if url == nil {
            print("PostgresIntegrationTests skipped: KALYPSO_TEST_POSTGRES_URL is not set; run `make test-postgres` (starts a throw-away PostgreSQL) to run them")
        }
        return url
    }()

    /// The suite trait: run only with a server, and say why otherwise.
    static let available: ConditionTrait = .enabled(
        if: url != nil,
        "KALYPSO_TEST_POSTGRES_URL is not set; run `make test-postgres` (starts a throw-away PostgreSQL server)")
}

/// A private schema for one test, so tests run in parallel on one database; dropped by `drop()`.
///
/// Connections get `search_path` and a 5 s `lock_timeout` through the URL's `options`, so they survive
/// reconnects and a test that would block fails instead of hanging.
final class PostgresSchema {
    let name: String
    let url: String
    private let admin: PostgresConnection

    init() throws {
        guard let base = PostgresTestServer.url else { throw DatabaseError(.invalidLocation, "no test server") }
        name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        admin = try PostgresConnection(url: base, logger: .disabled)
        try admin.execute("CREATE SCHEMA \(identifier: name)")
        url = base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(name)%20-clock_timeout%3D5s"
    }

    /// A new session in the schema.
    func connect(policy: ReconnectPolicy = ReconnectPolicy(maximumAttempts: 5, initialDelay: 0.05, maximumDelay: 0.5),
                 applicationName: String = "kalypso-test") throws -> PostgresConnection {
        try PostgresConnection(url: url, applicationName: applicationName, reconnectPolicy: policy, logger: .disabled)
    }

    /// Ends a session from outside, as an operator or a failover would (`pg_terminate_backend`), and waits
    /// until its process is gone (the server signals it; the exit is asynchronous).
    func terminate(_ pid: Int32) throws {
        let done: Bool = try admin.queryValue("SELECT pg_terminate_backend(\(pid))")
        guard done else { throw DatabaseError(.misuse, "backend \(pid) was not found") }
        for _ in 0..<2_000 where try isAlive(pid) { Thread.sleep(forTimeInterval: 0.005) }
        guard try !isAlive(pid) else { throw DatabaseError(.misuse, "backend \(pid) still runs 10 s after pg_terminate_backend") }
    }

    /// Whether a backend process still exists.
    func isAlive(_ pid: Int32) throws -> Bool {
        try admin.queryValue("SELECT count(*) FROM pg_stat_activity WHERE pid = \(pid)", as: Int.self) > 0
    }

    /// Calls `body` with a fresh schema and drops it afterwards.
    static func with<T>(_ body: (PostgresSchema) throws -> T) throws -> T {
        let schema = try PostgresSchema()
        defer { schema.drop() }
        return try body(schema)
    }

    func drop() {
        _ = try? admin.execute("DROP SCHEMA \(identifier: name) CASCADE")
        admin.close()
    }
}
