import CMicroHTTPD
import Foundation
import Synchronization
import Telemetry

/// An HTTP/1.1 server over libmicrohttpd serving a `Router`'s routes plus `/healthz`, `/readyz`, `/metrics` and
/// `/openapi.json`.
///
/// libmicrohttpd runs `configuration.threads` worker threads, each with its own epoll loop accepting from the
/// shared listening socket; handlers run synchronously on those threads. The server starts in `init` and
/// stops in `shutdown()` (or when released): the daemon joins every thread and closes every socket.
/// The four standard paths are reserved: registering one of them in the `Router` stops the process at start
/// (a programming error, like any other duplicate route).
///
/// ```swift
/// var router = Router()
/// router.get("/v1/markets/{id}", OpenAPIOperation(summary: "One market", responses: [.json(200, "the market", .ref("Market"))])) { req in
///     let id = try req.pathParameter("id", as: UInt64.self)
///     return .jsonObject { w in w.field("id", id) }
/// }
/// let server = try HTTPServer(router: router, document: OpenAPIDocument(title: "kalypso-mirror", version: "1"),
///                             metrics: registry, logger: logger, readiness: { .ready })
/// print("listening on \(server.listen)")
/// ```
public final class HTTPServer: Sendable {
    /// What `/readyz` reports.
    public enum Readiness: Sendable, Equatable {
        /// Serving current data: 200.
        case ready
        /// Not serving current data yet, with the reason (for example "12 blocks behind the head"): 503.
        case notReady(String)
    }

    /// The configuration the server runs with.
    public let configuration: HTTPServerConfiguration
    /// The bound port (the OS-assigned one when `configuration.port` is 0).
    public let port: UInt16

    private struct Daemon {
        var handle: OpaquePointer
        var settings: UnsafeMutablePointer<kalypso_mhd_settings>
        var address: UnsafeMutablePointer<SocketAddress>
        var core: Unmanaged<ServerCore>
    }
    private let daemon: Mutex<Daemon?>
    private let logger: Logger
    private let core: ServerCore
    private let registry: MetricsRegistry

    /// Starts serving `router`'s routes and the standard endpoints.
    ///
    /// - Parameters:
    ///   - document: title, version and named schemas of `/openapi.json`; the paths come from the routes.
    ///   - metrics: the process's registry; `/metrics` renders it followed by the server's own
    ///     `http_requests_total{route,status}` and `http_request_duration_seconds{route}` (see `metricsText()`).
    ///   - readiness: called on every `/readyz` request (on a server thread; keep it cheap).
    ///   - beforeMetrics: called on every `/metrics` request before the registry is rendered, to refresh gauges that
    ///     are read on demand (for example from a database); on a server thread, keep it cheap.
    /// - Throws: `HTTPServerError` if the configuration is invalid, the document references an undefined schema,
    ///   or the socket cannot be bound.
    public init(configuration: HTTPServerConfiguration = HTTPServerConfiguration(), router: Router,
                document: OpenAPIDocument, metrics: MetricsRegistry, logger: Logger,
                readiness: @escaping @Sendable () -> Readiness = { .ready },
                beforeMetrics: @escaping @Sendable () -> Void = {}) throws(HTTPServerError) {
        try configuration.validate()
        guard let address = SocketAddress(host: configuration.host, port: configuration.port) else {
            throw HTTPServerError(.invalidConfiguration, "host \(configuration.host) is not an IP address literal")
        }
        var all = router
        var patterns: [String] = []
        for pattern in all.routes.map(\.pattern) + StandardEndpoints.patterns where !patterns.contains(pattern) {
            patterns.append(pattern)
        }
        let httpMetrics = HTTPMetrics(patterns: patterns)
        StandardEndpoints.register(into: &all, registry: metrics, httpMetrics: httpMetrics, readiness: readiness,
                                   beforeMetrics: beforeMetrics)
        // The document lists /openapi.json too: render it from the routes with that route in place.
        var documented = all
        StandardEndpoints.registerOpenAPI(into: &documented, body: [])
        let undefined = document.undefinedReferences(routes: documented.routes)
        guard undefined.isEmpty else {
            throw HTTPServerError(.invalidConfiguration, "the OpenAPI document references undefined schemas \(undefined.joined(separator: ", ")); add them to OpenAPIDocument.schemas")
        }
        StandardEndpoints.registerOpenAPI(into: &all, body: document.render(routes: documented.routes))
        let core = ServerCore(configuration: configuration, table: RouteTable(all.routes), logger: logger,
                              metrics: httpMetrics)
        let retained = Unmanaged.passRetained(core)

        let addressPointer = UnsafeMutablePointer<SocketAddress>.allocate(capacity: 1)
        addressPointer.initialize(to: address)
        let settings = UnsafeMutablePointer<kalypso_mhd_settings>.allocate(capacity: 1)
        settings.initialize(to: kalypso_mhd_settings())
        let sockaddrPointer = UnsafeMutableRawPointer(addressPointer).assumingMemoryBound(to: sockaddr.self)
        settings.pointee.flags = kalypso_mhd_flags(address.isIPv6 ? 1 : 0, 1)
        settings.pointee.address = UnsafePointer(sockaddrPointer)
        settings.pointee.thread_pool_size = configuration.threads > 1 ? UInt32(configuration.threads) : 0
        settings.pointee.connection_limit = UInt32(configuration.maxConnections)
        settings.pointee.per_ip_connection_limit = UInt32(configuration.maxConnectionsPerIP)
        settings.pointee.connection_timeout = configuration.connectionTimeoutSeconds
        settings.pointee.connection_memory_limit = configuration.connectionMemoryLimit
        settings.pointee.listen_backlog = UInt32(configuration.listenBacklog)
        settings.pointee.strict_for_client = 0
        let cls = retained.toOpaque()
        settings.pointee.handler = { cls, connection, url, method, _, uploadData, uploadSize, requestState in
            guard let cls, let connection, let url, let method, let uploadSize, let requestState else { return kalypso_mhd_no() }
            return Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
                .handle(connection: connection, url: url, method: method, uploadData: uploadData,
                        uploadSize: uploadSize, requestState: requestState)
        }
        settings.pointee.handler_cls = cls
        settings.pointee.completed = { cls, _, requestState, _ in
            guard let cls, let requestState else { return }
            Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue().completed(requestState: requestState)
        }
        settings.pointee.completed_cls = cls
        settings.pointee.uri_log = { cls, uri, _ in
            guard let cls, let uri else { return nil }
            let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
            return strlen(uri) > core.configuration.maxURLLength ? ServerCore.uriTooLongMarker : nil
        }
        settings.pointee.uri_log_cls = cls
        settings.pointee.message = { cls, message in
            guard let cls, let message else { return }
            Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue().logger
                .warning("libmicrohttpd: \(String(cString: message))")
        }
        settings.pointee.message_cls = cls

        guard let handle = kalypso_mhd_start(settings) else {
            settings.deinitialize(count: 1)
            settings.deallocate()
            addressPointer.deinitialize(count: 1)
            addressPointer.deallocate()
            retained.release()
            throw HTTPServerError(.startFailed, "cannot listen on \(configuration.listen) (address in use, not local, or no permission?); choose another --listen address or port 0")
        }
        self.configuration = configuration
        self.port = kalypso_mhd_bound_port(handle)
        self.logger = logger
        self.core = core
        self.registry = metrics
        self.daemon = Mutex(Daemon(handle: handle, settings: settings, address: addressPointer, core: retained))
        logger.info("HTTP server listening", [("listen", listen), ("threads", String(configuration.threads))])
    }

    deinit { shutdown() }

    /// `host:port` with the bound port, for example `127.0.0.1:43127`.
    public var listen: String {
        var c = configuration
        c.port = port
        return c.listen
    }

    /// The base URL, for example `http://127.0.0.1:43127`.
    public var baseURL: String { "http://\(listen)" }

    /// The number of open client connections.
    public var openConnections: Int {
        daemon.withLock { d in d.map { Int(kalypso_mhd_current_connections($0.handle)) } ?? 0 }
    }

    /// The Prometheus text `/metrics` answers: the registry's metrics followed by the server's HTTP metrics.
    public func metricsText() -> String { StandardEndpoints.metricsText(registry: registry, httpMetrics: core.metrics) }

    /// Requests answered so far for a route pattern (`unmatched` for requests that matched none) with `status`.
    public func requestCount(route: String, status: Int) -> UInt64 { core.metrics.count(route: route, status: status) }

    /// Latency observations so far for a route pattern.
    public func latencyObservationCount(route: String) -> UInt64 { core.metrics.observations(route: route) }

    /// Whether the server is still serving.
    public var isRunning: Bool { daemon.withLock { $0 != nil } }

    /// Stops accepting, closes every connection and joins every server thread. Idempotent.
    /// Must not be called from a handler (it would wait for its own thread).
    public func shutdown() {
        guard let d = daemon.withLock({ d -> Daemon? in
            let current = d
            d = nil
            return current
        }) else { return }
        MHD_stop_daemon(d.handle)
        d.settings.deinitialize(count: 1)
        d.settings.deallocate()
        d.address.deinitialize(count: 1)
        d.address.deallocate()
        d.core.release()
        logger.info("HTTP server stopped", [("listen", listen)])
    }
}
