import API
import Database
import Dispatch
import Foundation
import HTTPServer
import Mirror
import Telemetry

/// `kalypso-mirror serve`: the HTTP API over a mirror database, alone (a `sync` may write it from another process).
enum ServeCommand: CLICommand {
    static let name = "serve"
    static let summary = "Serve the mirrored state over HTTP (JSON API, /healthz, /readyz, /metrics, /openapi.json)"
    static var help: String {
        """
        Usage: kalypso-mirror serve [--db PATH|URL] [--listen HOST:PORT] [limits] [configuration]

        Serves the mirror database read-only over HTTP/1.1 (libmicrohttpd). Reads are database snapshots: they never
        block the sync writing the same database from another process (SQLite WAL, PostgreSQL MVCC), and every answer
        names the block number and hash it reflects. Prints `listening http://HOST:PORT` as its first line on standard
        output; SIGINT / SIGTERM stop it cleanly (open requests finish, connections close).

          --db PATH|URL   the mirror database `sync` writes (SQLite file or postgres:// URL; or $KALYPSO_MIRROR_DB)

        Routes (GET; HEAD too): /v1/status, /v1/generators?market=&state=&limit=&cursor=, /v1/generators/{address},
        /v1/generators/{address}/markets, /v1/markets?limit=&cursor=, /v1/markets/{id}, /v1/markets/{id}/generators
        ?filter=listed|eligible, /v1/markets/{id}/stats, /v1/asks/{id}, /healthz, /readyz, /metrics, /openapi.json.
        Bad input → 400 with a JSON error that says what is wrong (unknown query parameters too); unknown → 404;
        other methods → 405.

        \(APIOptions.helpText)

        \(MirrorOptions.helpText)

        Example:
          kalypso-mirror serve --db mirror.sqlite --listen 127.0.0.1:8080 &
          curl -s http://127.0.0.1:8080/v1/status
        """
    }

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        let apiConfiguration = try APIOptions.parse(&arguments)
        let configuration = try MirrorOptions.load(&arguments, scope: .databaseOnly)
        try arguments.finish()
        if case .sqlite(let path) = configuration.database, !FileManager.default.fileExists(atPath: path) {
            throw CLIError.usage("no database at \(path); run `kalypso-mirror sync --db \(path)` first (or give --db the database it writes)")
        }
        let logger = MirrorOptions.logger(configuration, label: "api")
        let service = try APIServiceStarter.start(configuration.database, apiConfiguration, metrics: MetricsRegistry(), logger: logger)
        let (signals, stop) = AsyncStream<Int32>.makeStream()
        let handlers = SignalHandlers { stop.yield($0) }
        defer { handlers.cancel() }
        Console.out("listening \(service.baseURL)")
        var iterator = signals.makeAsyncIterator()
        let signal = await iterator.next()
        logger.notice("stopping", [("signal", signal == SIGINT ? "SIGINT" : "SIGTERM")])
        service.shutdown()
        return 0
    }
}

/// Starts an `APIService` for a command, with errors as CLI failures.
enum APIServiceStarter {
    static func start(_ database: DatabaseLocation, _ configuration: APIService.Configuration, metrics: MetricsRegistry,
                      logger: Logger) throws -> APIService {
        do {
            return try APIService.open(database: database, configuration: configuration, metrics: metrics, logger: logger)
        } catch let e as HTTPServerError {
            throw CLIError.failure(e.message)
        } catch let e as MirrorStoreError {
            throw CLIError.failure(e.message)
        } catch let e as DatabaseError {
            throw CLIError.failure(e.message)
        } catch {
            throw CLIError.failure("cannot serve \(database): \(error)")
        }
    }
}
