import Database
import Foundation
import HTTPServer
import Mirror
import Telemetry

/// The HTTP API as a running service: the `/v1` routes over a `MirrorReader`, `/healthz`, `/readyz` (from the sync
/// status), `/metrics` (the process's registry, the database gauges of `StoreMetrics`, HTTP requests by route and
/// status) and `/openapi.json`.
///
/// `kalypso-mirror serve` runs one against a database alone; `kalypso-mirror sync --serve` starts one in the sync
/// process, sharing its `MetricsRegistry` (so `/metrics` also has the sync's `mirror_*` and `jsonrpc_*` families):
///
/// ```swift
/// let api = try APIService.open(database: configuration.database, configuration: APIService.Configuration(),
///                               metrics: metrics, logger: logger)
/// print("listening \(api.baseURL)")
/// defer { api.shutdown() }
/// ```
public final class APIService: Sendable {
    /// Where to listen, the server's limits, and the readiness rule.
    public struct Configuration: Sendable {
        /// Listen address and limits (127.0.0.1 and safe limits by default).
        public var server: HTTPServerConfiguration
        /// When `/readyz` answers 200.
        public var readiness: ReadinessPolicy
        /// Answers of the current version kept in memory, so repeated queries between two commits skip the database
        /// query and the rendering (0: none). Each entry is one rendered body; the cache holds at most 64 MiB.
        public var cacheEntries: Int
        /// How long a read of the current version (cursor + rewind count) is trusted before a request re-reads it: an
        /// answer may reflect a block up to this long after a newer one was committed (it always names its block).
        /// Zero: every request reads the version.
        public var cacheRecheck: Duration

        /// The defaults: 127.0.0.1 on an OS-assigned port, the server's default limits, `ReadinessPolicy()`, a cache of
        /// 4096 answers whose version is re-read at most every 10 ms.
        public init(server: HTTPServerConfiguration = HTTPServerConfiguration(), readiness: ReadinessPolicy = ReadinessPolicy(),
                    cacheEntries: Int = 4096, cacheRecheck: Duration = .milliseconds(10)) {
            self.server = server
            self.readiness = readiness
            self.cacheEntries = cacheEntries
            self.cacheRecheck = cacheRecheck
        }
    }

    /// The running server.
    public let server: HTTPServer
    /// The routes.
    public let api: MirrorAPI
    private let pool: DatabasePool?
    private let logger: Logger

    /// Serves `reader` (the caller keeps its database open until `shutdown()`).
    ///
    /// - Parameter now: the wall clock the recorded head's age is measured against (injectable for tests).
    /// - Throws: `HTTPServerError` if the configuration is invalid or the address cannot be bound.
    public convenience init(reader: any MirrorReader, configuration: Configuration, metrics: MetricsRegistry, logger: Logger,
                            now: @escaping @Sendable () -> Date = { Date() }) throws(HTTPServerError) {
        try self.init(reader: reader, pool: nil, configuration: configuration, metrics: metrics, logger: logger, now: now)
    }

    private init(reader: any MirrorReader, pool: DatabasePool?, configuration: Configuration, metrics: MetricsRegistry,
                 logger: Logger, now: @escaping @Sendable () -> Date) throws(HTTPServerError) {
        let api = MirrorAPI(reader: reader, readiness: configuration.readiness, logger: logger,
                            cacheEntries: configuration.cacheEntries, cacheRecheck: configuration.cacheRecheck, now: now)
        var router = Router()
        api.register(into: &router)
        StoreMetrics.describe(metrics)
        server = try HTTPServer(configuration: configuration.server, router: router, document: MirrorAPI.document,
                                metrics: metrics, logger: logger, readiness: { api.readiness() },
                                beforeMetrics: { StoreMetrics.refresh(metrics, api: api) })
        self.api = api
        self.pool = pool
        self.logger = logger
    }

    /// Opens `database` read-only (its schema must be this build's: run `sync` once to migrate an older one) and
    /// serves it. The service closes the database in `shutdown()`.
    ///
    /// - Throws: `MirrorStoreError` / `DatabaseError` if the database cannot be opened or is not a mirror database;
    ///   `HTTPServerError` if the server cannot start.
    public static func open(database: DatabaseLocation, configuration: Configuration, metrics: MetricsRegistry,
                            logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) throws -> APIService {
        // One reader connection per server thread: a handler holds one for the duration of its snapshot.
        let reader = try SQLMirrorReader.open(location: database, maximumReaders: configuration.server.threads,
                                              logger: logger.labeled("api.db"))
        do {
            return try APIService(reader: reader, pool: reader.pool, configuration: configuration, metrics: metrics,
                                  logger: logger, now: now)
        } catch {
            reader.pool.close()
            throw error
        }
    }

    /// `http://host:port` with the bound port.
    public var baseURL: String { server.baseURL }
    /// The bound port.
    public var port: UInt16 { server.port }

    /// Stops serving (joins every server thread) and closes the database if `open` opened it. Idempotent.
    public func shutdown() {
        server.shutdown()
        pool?.close()
    }
}
