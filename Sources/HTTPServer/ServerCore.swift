import CMicroHTTPD
import Foundation
import Telemetry

/// The state libmicrohttpd's callbacks reach through their closure pointer: immutable after start, shared by
/// every worker thread.
final class ServerCore: Sendable {
    let configuration: HTTPServerConfiguration
    let table: RouteTable
    let logger: Logger
    let metrics: HTTPMetrics
    /// The metrics series of each route-table entry.
    let series: [Int]

    /// `*req_cls` of a request whose target exceeded `maxURLLength` (set by the URI callback). Never dereferenced.
    static var uriTooLongMarker: UnsafeMutableRawPointer? { UnsafeMutableRawPointer(bitPattern: 1) }
    /// `*req_cls` of a request without a body after its first (headers-only) call. Never dereferenced.
    /// Answering in the first call would make libmicrohttpd close the connection (it cannot know that no body
    /// follows), so bodyless requests are answered in the second call and keep-alive survives.
    static var noBodyMarker: UnsafeMutableRawPointer? { UnsafeMutableRawPointer(bitPattern: 2) }

    init(configuration: HTTPServerConfiguration, table: RouteTable, logger: Logger, metrics: HTTPMetrics) {
        self.configuration = configuration
        self.table = table
        self.logger = logger
        self.metrics = metrics
        series = table.entries.map { entry in metrics.routes.firstIndex(of: entry.pattern) ?? metrics.unmatchedIndex }
    }

    /// A request body being received (only when `maxBodyBytes` > 0). Lives on one connection's thread.
    final class BodyState {
        var bytes: [UInt8] = []
    }

    // MARK: Access handler

    /// MHD's access handler: called once with the headers, then (if a body is accepted) once per body chunk
    /// and once more with an empty chunk.
    func handle(connection: OpaquePointer, url: UnsafePointer<CChar>, method: UnsafePointer<CChar>,
                uploadData: UnsafePointer<CChar>?, uploadSize: UnsafeMutablePointer<Int>,
                requestState: UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> MHD_Result {
        let start = ContinuousClock.now
        let state = requestState.pointee
        if state == Self.uriTooLongMarker {
            let error = HTTPError(.uriTooLong, "the request target is longer than \(configuration.maxURLLength) bytes; shorten the path or query string")
            return finish(connection, error.response, route: metrics.unmatchedIndex, start: start)
        }
        if state == Self.noBodyMarker {
            return route(connection, url: url, method: method, body: [], start: start)
        }
        if let state {
            let body = Unmanaged<BodyState>.fromOpaque(state).takeUnretainedValue()
            let n = uploadSize.pointee
            if n > 0 {
                guard body.bytes.count + n <= configuration.maxBodyBytes, let uploadData else {
                    logger.notice("closing a connection whose request body exceeds maxBodyBytes", [("limit", String(configuration.maxBodyBytes))])
                    return kalypso_mhd_no()
                }
                uploadData.withMemoryRebound(to: UInt8.self, capacity: n) {
                    body.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: n))
                }
                uploadSize.pointee = 0
                return kalypso_mhd_yes()
            }
            return route(connection, url: url, method: method, body: body.bytes, start: start)
        }
        // First call: headers only. Decide about a body before routing.
        if let announced = Self.announcedBody(connection) {
            if configuration.maxBodyBytes == 0 || (announced ?? 0) > configuration.maxBodyBytes {
                let message = configuration.maxBodyBytes == 0
                    ? "this API takes no request body; send the request without one (parameters go in the path or query string)"
                    : "the request body is larger than \(configuration.maxBodyBytes) bytes"
                return finish(connection, HTTPError(.payloadTooLarge, message).response, route: metrics.unmatchedIndex, start: start)
            }
            requestState.pointee = Unmanaged.passRetained(BodyState()).toOpaque()
            return kalypso_mhd_yes()
        }
        requestState.pointee = Self.noBodyMarker
        return kalypso_mhd_yes()
    }

    /// MHD's request-completed callback: releases a body state.
    func completed(requestState: UnsafeMutablePointer<UnsafeMutableRawPointer?>) {
        guard let state = requestState.pointee, state != Self.uriTooLongMarker, state != Self.noBodyMarker else { return }
        Unmanaged<BodyState>.fromOpaque(state).release()
        requestState.pointee = nil
    }

    /// Whether the request announces a body: nil if not, `.some(length)` if it does (`.some(nil)` if chunked).
    private static func announcedBody(_ connection: OpaquePointer) -> Int?? {
        if MHD_lookup_connection_value(connection, kalypso_mhd_header_kind(), "Transfer-Encoding") != nil { return .some(nil) }
        guard let cl = MHD_lookup_connection_value(connection, kalypso_mhd_header_kind(), "Content-Length") else { return nil }
        let text = String(cString: cl)
        guard let length = Int(text) else { return .some(nil) }
        return length > 0 ? .some(length) : nil
    }

    // MARK: Routing

    private func route(_ connection: OpaquePointer, url: UnsafePointer<CChar>, method: UnsafePointer<CChar>,
                       body: [UInt8], start: ContinuousClock.Instant) -> MHD_Result {
        let method = HTTPMethod(String(cString: method))
        let pathLength = strlen(url)
        return url.withMemoryRebound(to: UInt8.self, capacity: pathLength) { urlBytes in
            let pathBytes = UnsafeBufferPointer(start: urlBytes, count: pathLength)
            let match = table.match(method: method, path: pathBytes)
            let label: Int = switch match {
            case .found(_, let entry, _), .methodNotAllowed(let entry, _): series[entry]
            case .notFound: metrics.unmatchedIndex
            }
            var headers = Collected(limit: configuration.maxHeaderBytes)
            headers.collect(connection, kalypso_mhd_header_kind())
            if headers.exceeded {
                let error = HTTPError(.headersTooLarge, "the request headers exceed \(configuration.maxHeaderBytes) bytes; send fewer or shorter headers")
                return finish(connection, error.response, route: label, start: start)
            }
            let queryCount = Int(MHD_get_connection_values_n(connection, kalypso_mhd_get_argument_kind(), nil, nil))
            if queryCount > configuration.maxQueryParameters {
                let error = HTTPError(.tooManyQueryParameters, "the request has \(queryCount) query parameters; at most \(configuration.maxQueryParameters) are accepted")
                return finish(connection, error.response, route: label, start: start)
            }
            let path = String(decoding: pathBytes, as: UTF8.self)
            switch match {
            case .notFound:
                let error = HTTPError(.notFound, "no route matches \(method) \(JSONWriter.quoted(String(path.prefix(200)))); GET /openapi.json lists the routes")
                return finish(connection, error.response, route: label, start: start)
            case .methodNotAllowed(let entry, let allow):
                let pattern = table.entries[entry].pattern
                let error = HTTPError(.methodNotAllowed, "\(pattern) does not accept \(method); use \(allow)", headers: [("Allow", allow)])
                return finish(connection, error.response, route: label, start: start)
            case .found(let index, _, let parameters):
                var query = Collected(limit: Int.max)
                if queryCount > 0 { query.collect(connection, kalypso_mhd_get_argument_kind()) }
                let route = table.routes[index]
                let request = Request(method: method, path: path, route: route.pattern, pathParameters: parameters,
                                      queryParameters: query.pairs, headers: headers.pairs.map { ($0.name, $0.value ?? "") }, body: body)
                return finish(connection, invoke(route, request), route: label, start: start)
            }
        }
    }

    /// Runs a handler; client errors become their JSON answer, anything else a logged 500.
    private func invoke(_ route: Route, _ request: Request) -> Response {
        do {
            return try route.handler(request)
        } catch let error as HTTPError {
            if error.status >= 500 {
                logger.error("handler failed", [("route", route.pattern), ("path", request.path), ("error", error.description)])
            }
            return error.response
        } catch {
            logger.error("handler threw an unexpected error", [("route", route.pattern), ("path", request.path), ("error", String(describing: error))])
            return HTTPError(.internalError, "the server failed to answer \(route.method) \(route.pattern); the failure is logged, retry later or report it").response
        }
    }

    // MARK: Answering

    private func finish(_ connection: OpaquePointer, _ response: Response, route: Int, start: ContinuousClock.Instant) -> MHD_Result {
        // Recorded before queueing, so a client that has its response always finds it counted.
        let elapsed = start.duration(to: .now).components
        metrics.record(route: route, status: response.status,
                       seconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18)
        return Self.queue(connection, response)
    }

    /// Hands `response` to MHD (copied into MHD's memory).
    static func queue(_ connection: OpaquePointer, _ response: Response) -> MHD_Result {
        let handle: OpaquePointer? = response.body.withUnsafeBytes { raw in
            MHD_create_response_from_buffer(raw.count, UnsafeMutableRawPointer(mutating: raw.baseAddress), kalypso_mhd_respmem_must_copy())
        }
        guard let handle else { return kalypso_mhd_no() }
        defer { MHD_destroy_response(handle) }
        _ = MHD_add_response_header(handle, "Content-Type", response.contentType)
        var cacheControlGiven = false
        for (name, value) in response.headers {
            if Request.asciiCaseInsensitiveEqual(name, "Cache-Control") { cacheControlGiven = true }
            _ = MHD_add_response_header(handle, name, value)
        }
        if !cacheControlGiven { _ = MHD_add_response_header(handle, "Cache-Control", "no-store") }
        _ = MHD_add_response_header(handle, "X-Content-Type-Options", "nosniff")
        return MHD_queue_response(connection, UInt32(clamping: response.status), handle)
    }
}

/// Key-value pairs (headers or query arguments) collected from MHD's iterator, within a byte budget.
struct Collected {
    let limit: Int
    var bytes = 0
    var exceeded = false
    /// Values are nil for query arguments given without `=`.
    var pairs: [(name: String, value: String?)] = []

    init(limit: Int) { self.limit = limit }

    /// Collects every value of `kind`, stopping once the budget is exceeded.
    mutating func collect(_ connection: OpaquePointer, _ kind: MHD_ValueKind) {
        _ = withUnsafeMutablePointer(to: &self) { me in
            MHD_get_connection_values_n(connection, kind, { cls, _, key, keySize, value, valueSize in
                guard let cls else { return kalypso_mhd_no() }
                let c = cls.assumingMemoryBound(to: Collected.self)
                return c.pointee.add(key, keySize, value, valueSize) ? kalypso_mhd_yes() : kalypso_mhd_no()
            }, me)
        }
    }

    /// Adds one pair; false (stop iterating) when the budget is exceeded.
    mutating func add(_ key: UnsafePointer<CChar>?, _ keySize: Int, _ value: UnsafePointer<CChar>?, _ valueSize: Int) -> Bool {
        bytes += keySize + valueSize
        if bytes > limit {
            exceeded = true
            return false
        }
        pairs.append((Self.string(key, keySize) ?? "", Self.string(value, valueSize)))
        return true
    }

    private static func string(_ p: UnsafePointer<CChar>?, _ n: Int) -> String? {
        guard let p else { return nil }
        return p.withMemoryRebound(to: UInt8.self, capacity: n) { String(decoding: UnsafeBufferPointer(start: $0, count: n), as: UTF8.self) }
    }
}
