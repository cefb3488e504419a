import Database
import Foundation
import Mirror

/// The offline ingest of `ingest` (parse, decode, reduce, commit one transaction per range) into PostgreSQL next to
/// SQLite, in the same run, alternating: each sample is one full ingest of the recorded chain into a fresh database
/// (PostgreSQL: a new schema, dropped afterwards). Timed by the wall clock, not CPU time: on PostgreSQL much of the
/// work is the server's, in other processes. "ours" is PostgreSQL, the "peer" is the same code into SQLite, so the
/// ratio is PostgreSQL's throughput relative to SQLite's.
///
/// The server is `KALYPSO_BENCH_POSTGRES_URL`, else `KALYPSO_TEST_POSTGRES_URL` (`make bench` runs the benchmarks
/// under `Scripts/pg-test-server`: a local server with fsync off — durability is not measured, on either side).
enum IngestPostgresBenchmark {
    static let entry = Benchmark(name: "ingest-postgres", summary: "Offline ingest of the recorded chain into PostgreSQL vs the same into SQLite (wall clock, same run)") { context in
        var result = BenchResult(name: "ingest-logs-postgres", unit: .operations("logs"), goal: Goal(),
                                 peerLabel: "same ingest into SQLite (wall clock)")
        let env = ProcessInfo.processInfo.environment
        guard let url = [env["KALYPSO_BENCH_POSTGRES_URL"], env["KALYPSO_TEST_POSTGRES_URL"]].compactMap({ $0 }).first(where: { !$0.isEmpty }) else {
            result.skipReason = "no PostgreSQL server: set KALYPSO_BENCH_POSTGRES_URL, or run under Scripts/pg-test-server (make bench does)"
            return result
        }
        guard context.runOursOnly == nil, !context.countInstructions else {
            result.skipReason = "wall-clock only (the server's work is in other processes)"
            return result
        }
        let directory = "\(context.outputDirectory)/ingest/chain"
        let chain: RecordedChain
        switch RecordedChain.load(directory) {
        case .success(let c): chain = c
        case .failure(let e): result.skipReason = e.message; return result
        }
        let prepared: IngestBenchmark.Prepared
        do { prepared = try IngestBenchmark.prepare(chain) } catch { result.skipReason = "preparing the chain failed: \(error)"; return result }
        let logs = Double(chain.logCount)
        do {
            for _ in 0..<context.repeats {
                let sqlite = try wallSeconds { try IngestBenchmark.ingestOnce(prepared) }
                let postgres = try wallSeconds { try ingestIntoPostgres(prepared, server: url) }
                result.ours.add(logs / postgres)
                result.peer.add(logs / sqlite)
                result.pairRatios.add(sqlite / postgres)
            }
        } catch {
            result.skipReason = "ingest failed: \(error)"
        }
        return result
    }

    /// One full ingest into a new schema on `server` (dropped afterwards; creating and dropping it is not timed
    /// separately — it is a small part of a run).
    static func ingestIntoPostgres(_ p: IngestBenchmark.Prepared, server: String) throws {
        let schema = "bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try PostgresConnection(url: server, applicationName: "kalypso-bench-admin", logger: .disabled)
        defer { admin.close() }
        try admin.execute("CREATE SCHEMA \(identifier: schema)")
        defer { _ = try? admin.execute("DROP SCHEMA \(identifier: schema) CASCADE") }
        let url = server + (server.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
        let store = try SQLMirrorStore.open(location: .postgres(url: url), applicationName: "kalypso-bench", logger: .disabled)
        defer { store.pool.close() }
        try IngestBenchmark.ingest(p, into: store)
    }

    static func wallSeconds(_ body: () throws -> Void) throws -> Double {
        let clock = ContinuousClock()
        var failure: (any Error)?
        let d = clock.measure { do { try body() } catch { failure = error } }
        if let failure { throw failure }
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
