import EthereumKit
import Synchronization
import Telemetry
#if canImport(Glibc)
import Glibc
#endif

/// One RPC endpoint and its optional request-rate limit.
public struct RPCEndpoint: Sendable {
    /// The URL (masked everywhere it is shown).
    public var url: RedactedURL
    /// Requests per second allowed to this endpoint (nil: unlimited). A batch counts as one request per call.
    public var requestsPerSecond: Double?
    /// The largest burst sent without waiting (default: one second's worth, at least 1).
    public var burst: Double?

    /// Creates an endpoint.
    public init(_ url: String, requestsPerSecond: Double? = nil, burst: Double? = nil) {
        self.url = RedactedURL(url)
        self.requestsPerSecond = requestsPerSecond
        self.burst = burst
    }
}

/// Settings of a `JSONRPCClient`.
public struct JSONRPCClientConfiguration: Sendable {
    /// Endpoints, in order of preference for ties.
    public var endpoints: [RPCEndpoint]
    /// Retry and backoff policy per request.
    public var retry: RetryPolicy
    /// Endpoint health and circuit-breaker tuning.
    public var breaker: EndpointSelector.Configuration
    /// Connect timeout per attempt.
    public var connectTimeout: Duration
    /// Total timeout per attempt.
    public var requestTimeout: Duration
    /// The largest response body accepted.
    public var maxResponseBytes: Int
    /// Batches with more calls are split into several requests.
    public var maxBatchSize: Int
    /// Seed of the backoff jitter (nil: random). Fix it for reproducible tests.
    public var jitterSeed: UInt64?
    /// Extra HTTP headers on every request.
    public var headers: [(String, String)]

    /// Creates a configuration.
    public init(endpoints: [RPCEndpoint], retry: RetryPolicy = .default, breaker: EndpointSelector.Configuration = .init(),
                connectTimeout: Duration = .seconds(5), requestTimeout: Duration = .seconds(30), maxResponseBytes: Int = 512 << 20,
                maxBatchSize: Int = 100, jitterSeed: UInt64? = nil, headers: [(String, String)] = []) {
        self.endpoints = endpoints; self.retry = retry; self.breaker = breaker; self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout; self.maxResponseBytes = maxResponseBytes; self.maxBatchSize = maxBatchSize
        self.jitterSeed = jitterSeed; self.headers = headers
    }

    /// One endpoint with default settings.
    public init(url: String) { self.init(endpoints: [RPCEndpoint(url)]) }
}

/// A JSON-RPC 2.0 client over HTTP with retries, failover between endpoints, rate limits and typed `eth_` calls.
///
/// Every request runs: choose an endpoint (`EndpointSelector`) → wait for its rate limit (`TokenBucket`) → POST
/// (`HTTPTransport`, libcurl by default) → classify (`JSONRPCError`) → on a retryable failure, fail over at once to
/// an endpoint not yet tried for this request, or back off (`BackoffStateMachine`) once all have failed.
/// It logs retries with masked URLs, and records into `metrics` (if given):
/// `jsonrpc_request_duration_seconds{method}` (histogram per attempt), `jsonrpc_requests_total{method,outcome}`,
/// `jsonrpc_errors_total{method,kind}` and `jsonrpc_retries_total{method}`.
public final class JSONRPCClient: Sendable {
    /// The configuration in force.
    public let configuration: JSONRPCClientConfiguration
    let logger: Logger
    let metrics: MetricsRegistry?
    let transport: any HTTPTransport
    private let ownedTransport: CurlTransport?
    private let state: Mutex<State>
    private let nextID = Atomic<UInt64>(1)
    private let origin = ContinuousClock.now

    struct State {
        var selector: EndpointSelector
        var buckets: [TokenBucket?]
        var rng: SplitMix64
    }

    static let durationBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    /// Creates a client; without `transport`, starts a `CurlTransport` (at most 4 connections per endpoint).
    ///
    /// - Throws: `.invalidRequest` for an empty endpoint list or a non-positive rate limit; transport start failures.
    public init(configuration: JSONRPCClientConfiguration, logger: Logger, metrics: MetricsRegistry? = nil,
                transport: (any HTTPTransport)? = nil) throws(JSONRPCError) {
        guard !configuration.endpoints.isEmpty else {
            throw JSONRPCError(.invalidRequest, "no RPC endpoint configured; give at least one URL", retryable: false)
        }
        var buckets: [TokenBucket?] = []
        for e in configuration.endpoints {
            guard let rate = e.requestsPerSecond else { buckets.append(nil); continue }
            guard rate > 0, rate.isFinite, (e.burst ?? 1) >= 1 else {
                throw JSONRPCError(.invalidRequest, "rate limit for \(e.url) must be > 0 requests/s with a burst ≥ 1", retryable: false)
            }
            buckets.append(TokenBucket(rate: rate, burst: e.burst ?? max(1, rate), now: .zero))
        }
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
        if let transport {
            self.transport = transport
            self.ownedTransport = nil
        } else {
            let curl = try CurlTransport(maxConnectionsPerHost: 4)
            self.transport = curl
            self.ownedTransport = curl
        }
        let seed = configuration.jitterSeed ?? UInt64.random(in: .min ... .max)
        state = Mutex(State(selector: EndpointSelector(count: configuration.endpoints.count, configuration: configuration.breaker),
                            buckets: buckets, rng: SplitMix64(seed: seed)))
        if let metrics {
            metrics.describe("jsonrpc_request_duration_seconds", type: "histogram", help: "JSON-RPC attempt latency by method")
            metrics.describe("jsonrpc_requests_total", type: "counter", help: "JSON-RPC attempts by method and outcome")
            metrics.describe("jsonrpc_errors_total", type: "counter", help: "Failed JSON-RPC attempts by method and error kind")
            metrics.describe("jsonrpc_retries_total", type: "counter", help: "JSON-RPC retries by method")
        }
    }

    /// Stops the client's own transport threads (a no-op with an injected transport).
    public func shutdown() { ownedTransport?.shutdown() }

    /// A snapshot of the endpoints' health, by configuration index.
    public var endpointHealth: [EndpointSelector.Health] { state.withLock { $0.selector.health } }

    var now: Duration { origin.duration(to: .now) }

    func allocateIDs(_ count: Int) -> UInt64 { nextID.add(UInt64(count), ordering: .relaxed).oldValue }

    // MARK: - Single calls

    /// Sends one call, retrying and failing over as configured, and decodes its result.
    public func send<Value>(_ call: RPCCall<Value>) async throws(JSONRPCError) -> Value {
        let id = allocateIDs(1)
        var body: [UInt8] = []
        call.appendRequest(id: id, to: &body)
        return try await withRetries(label: call.method, cost: 1) { (_: Int, url: RedactedURL, timing: AttemptTiming) async -> AttemptResult<Value> in
            let response: HTTPResponse
            do throws(JSONRPCError) { response = try await self.post(body, to: url, timing: timing) } catch { return .failure(error) }
            if let e = self.httpError(response) { return .failure(e) }
            switch ResponseEnvelope.decodeSingle(response.body, id: id, call.decode) {
            case .value(let v): return .success(v)
            case .failure(let e): return .failure(e)
            }
        }
    }

    // MARK: - Pipeline

    /// The outcome of one attempt.
    enum AttemptResult<T> {
        case success(T)
        case failure(JSONRPCError)
    }

    /// What the transport measured of one attempt.
    final class AttemptTiming {
        /// The exchange's own duration (`HTTPResponse.transferTime`), if the transport reported it.
        var transfer: Duration?
    }

    func post(_ body: [UInt8], to url: RedactedURL, timing: AttemptTiming) async throws(JSONRPCError) -> HTTPResponse {
        let response = try await transport.post(HTTPRequest(endpoint: url, body: body, headers: configuration.headers,
                                                             connectTimeout: configuration.connectTimeout, timeout: configuration.requestTimeout,
                                                             maxResponseBytes: configuration.maxResponseBytes))
        timing.transfer = response.transferTime
        return response
    }

    /// The error for a non-2xx response: a JSON-RPC error object in the body wins (except for 429), else the status.
    func httpError(_ response: HTTPResponse) -> JSONRPCError? {
        guard !(200..<300).contains(response.status) else { return nil }
        let retryAfter = response.header("retry-after").flatMap { RetryAfter.delay($0, now: Int64(time(nil))) }
        if response.status != 429, let v = try? JSONValue.parse(response.body), let e = v["error"],
           let code = e["code"]?.numberValue?.int64, let c = Int(exactly: code) {
            return .rpc(code: c, message: e["message"]?.stringValue ?? "", data: e["data"], httpStatus: response.status, retryAfter: retryAfter)
        }
        let preview = String(decoding: response.body.prefix(200).map { (0x20..<0x7F).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
        return .http(status: response.status, retryAfter: retryAfter, bodyPreview: preview)
    }

    /// Runs `attempt` on chosen endpoints until it succeeds or the retry policy gives up.
    ///
    /// After a failure that counts against the endpoint, the next attempt goes at once to an endpoint not yet tried
    /// for this request (failover); once every endpoint has failed, or for errors that do not count against the
    /// endpoint, the backoff delay applies. `cost` tokens are taken from the endpoint's rate limit per attempt.
    ///
    /// The endpoint's latency sample is the transport's own measure of the exchange when it gives one: the time
    /// around `await attempt` also holds however long this task waited for a thread (a busy process), which says
    /// nothing about the endpoint and would steer the selector away from a healthy one.
    func withRetries<T>(label: String, cost: Int,
                        _ attempt: (Int, RedactedURL, AttemptTiming) async -> AttemptResult<T>) async throws(JSONRPCError) -> T {
        let endpoints = configuration.endpoints
        var backoff = BackoffStateMachine(policy: configuration.retry, seed: state.withLock { $0.rng.next() })
        let start = ContinuousClock.now
        var failed: Set<Int> = []
        while true {
            let (index, wait) = state.withLock { s -> (Int, Duration) in
                let i = s.selector.choose(now: now, excluding: failed)
                return (i, s.buckets[i]?.reserve(Double(cost), now: now) ?? .zero)
            }
            let url = endpoints[index].url
            if wait > .zero {
                do { try await Task.sleep(for: wait) } catch {
                    state.withLock { $0.selector.release(index, now: now) }
                    throw JSONRPCError.cancelled.at(url, method: label)
                }
            }
            let t0 = ContinuousClock.now
            let timing = AttemptTiming()
            let result = await attempt(index, url, timing)
            let latency = t0.duration(to: .now)
            let endpointLatency = timing.transfer ?? latency
            metrics?.observe("jsonrpc_request_duration_seconds", latency.seconds, buckets: Self.durationBuckets, labels: [("method", label)])
            let error: JSONRPCError
            switch result {
            case .success(let value):
                state.withLock { $0.selector.recordSuccess(index, latency: endpointLatency) }
                metrics?.increment("jsonrpc_requests_total", labels: [("method", label), ("outcome", "ok")])
                return value
            case .failure(let e):
                error = e.at(url, method: label)
            }
            metrics?.increment("jsonrpc_requests_total", labels: [("method", label), ("outcome", "error")])
            metrics?.increment("jsonrpc_errors_total", labels: [("method", label), ("kind", error.kind)])
            if error.code == .cancelled {
                state.withLock { $0.selector.release(index, now: now) }
                throw error
            }
            if error.countsAgainstEndpoint {
                state.withLock { $0.selector.recordFailure(index, now: now, retryAfter: error.retryAfter) }
                failed.insert(index)
            } else {
                state.withLock { $0.selector.recordSuccess(index, latency: endpointLatency) }
            }
            // Fail over at once to an endpoint not yet tried; a Retry-After then concerns only the endpoint that sent it.
            let failover = error.countsAgainstEndpoint && failed.count < endpoints.count
            switch backoff.recordFailure(retryable: error.isRetryable, retryAfter: failover ? nil : error.retryAfter,
                                         elapsed: start.duration(to: .now)) {
            case .giveUp(let reason):
                if error.isRetryable {
                    logger.warning("JSON-RPC request failed; giving up", [("method", label), ("endpoint", url.redacted),
                                                                           ("attempts", String(backoff.failures)), ("error", error.message)])
                }
                throw backoff.failures > 1 || error.isRetryable ? error.appending(reason) : error
            case .retry(let delay):
                if failed.count >= endpoints.count { failed.removeAll() }
                let pause = failover ? .zero : delay
                metrics?.increment("jsonrpc_retries_total", labels: [("method", label)])
                logger.warning("JSON-RPC request failed; retrying", [("method", label), ("endpoint", url.redacted),
                                                                      ("attempt", String(backoff.failures)),
                                                                      ("delay_ms", String(pause.nanoseconds / 1_000_000)),
                                                                      ("failover", String(failover)), ("error", error.message)])
                if pause > .zero {
                    do { try await Task.sleep(for: pause) } catch { throw JSONRPCError.cancelled.at(url, method: label) }
                }
            }
        }
    }
}
