import API
import Database
import Dispatch
import Foundation
import HTTPServer
import Telemetry

/// `kalypso-mirror serve`: the HTTP API over a mirror database, alone (a `sync` may write it from another process).
enum ServeCommand: CLICommand {
    static let name = "serve"
    static let summary = "Serve the mirrored state over HTTP (JSON API, /healthz, /readyz, /metrics, /openapi.json)"
    static var help: String {
        """
        Usage: kalypso-mirror serve --db PATH|URL [--listen HOST:PORT] [limits] [--log-format logfmt|json] [--log-level LEVEL]

        Serves the mirror database read-only over HTTP/1.1 (libmicrohttpd). Reads are database snapshots: they never
        block the sync writing the same database from another process (SQLite WAL, PostgreSQL MVCC), and every answer
        names the block number and hash it reflects. Prints `listening http://HOST:PORT` as its first line on standard
        output; SIGINT / SIGTERM stop it cleanly (open requests finish, connections close).

          --db PATH|URL   the mirror database (SQLite file or postgres:// URL; or $KALYPSO_MIRROR_DB), written by `sync`

        Routes (GET; HEAD too): /v1/status, /v1/generators?market=&state=&limit=&cursor=, /v1/generators/{address},
        /v1/generators/{address}/markets, /v1/markets?limit=&cursor=, /v1/markets/{id}, /v1/markets/{id}/generators
        ?filter=listed|eligible, /v1/markets/{id}/stats, /v1/asks/{id}, /healthz, /readyz, /metrics, /openapi.json.
        Bad input → 400 with a JSON error that says what is wrong (unknown query parameters too); unknown → 404;
        other methods → 405.

        \(APIOptions.helpText)

        Example:
          kalypso-mirror serve --db mirror.sqlite --listen 127.0.0.1:8080 &
          curl -s http://127.0.0.1:8080/v1/status
        """
    }

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        let dbText = try arguments.option("--db") ?? ProcessInfo.processInfo.environment["KALYPSO_MIRROR_DB"]
        let formatText = try arguments.option("--log-format") ?? "logfmt"
        let levelText = try arguments.option("--log-level") ?? "info"
        let configuration = try APIOptions.parse(&arguments)
        try arguments.finish()
        guard let dbText, !dbText.isEmpty else {
            throw CLIError.usage("serve needs --db PATH|URL (or $KALYPSO_MIRROR_DB): the database `kalypso-mirror sync` writes")
        }
        guard let format = LogFormat(rawValue: formatText) else { throw CLIError.usage("--log-format takes logfmt or json, not '\(formatText)'") }
        guard let level = Logger.Level(name: levelText) else {
            throw CLIError.usage("--log-level takes one of \(Logger.Level.allCases.map(\.description).joined(separator: ", ")), not '\(levelText)'")
        }
        let location: DatabaseLocation
        do { location = try DatabaseLocation(dbText) } catch let e as DatabaseError { throw CLIError.usage(e.message) }
        if case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) {
            throw CLIError.usage("no database at \(path); run `kalypso-mirror sync --db \(path)` first (or give --db the file it writes)")
        }
        let logger = Logger(label: "api", level: level, sink: StreamLogSink(format: format))
        let service: APIService
        do {
            service = try APIService.open(database: location, configuration: configuration, metrics: MetricsRegistry(), logger: logger)
        } catch let e as HTTPServerError {
            throw CLIError.failure(e.message)
        } catch {
            throw CLIError.failure("cannot serve \(location): \(error)")
        }
        Console.out("listening \(service.baseURL)")
        let signal = await StopSignal.wait()
        logger.notice("stopping", [("signal", signal)])
        service.shutdown()
        return 0
    }
}

/// Waits for SIGINT or SIGTERM (the default actions are restored afterwards).
enum StopSignal {
    /// Suspends until SIGINT or SIGTERM arrives; returns its name.
    static func wait() async -> String {
        // A parent may have started us with these signals blocked (the mask is inherited across exec).
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        let box = SourceBox()
        let name = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            let once = OnceFlag()
            for (sig, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { if once.claim() { continuation.resume(returning: name) } }
                source.resume()
                box.sources.append(source)
            }
        }
        for s in box.sources { s.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        return name
    }

    private final class SourceBox: @unchecked Sendable {
        // @unchecked: appended before any handler runs, read after the continuation resumed.
        var sources: [any DispatchSourceSignal] = []
    }

    private final class OnceFlag: @unchecked Sendable {
        // @unchecked: guarded by the lock.
        private let lock = NSLock()
        private var claimed = false
        func claim() -> Bool {
            lock.lock()
            defer { lock.unlock() }
            if claimed { return false }
            claimed = true
            return true
        }
    }
}
