import Telemetry

/// Records every answered request into the shared `MetricsRegistry`:
/// `http_requests_total{route,status}` and `http_request_duration_seconds{route}`.
///
/// `route` is the matched pattern (`/v1/markets/{id}`), never the raw path, so label cardinality is bounded by
/// the route table; requests that match no route are counted under `route="unmatched"`.
struct HTTPMetrics: Sendable {
    static let requests = "http_requests_total"
    static let duration = "http_request_duration_seconds"
    static let unmatched = "unmatched"
    /// Upper bounds in seconds: 50 µs … 2.5 s.
    static let buckets: [Double] = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5]

    let registry: MetricsRegistry

    init(registry: MetricsRegistry) {
        self.registry = registry
        registry.describe(Self.requests, type: "counter", help: "HTTP requests answered, by route pattern and status")
        registry.describe(Self.duration, type: "histogram", help: "Time from the complete request to the queued response, by route pattern")
    }

    func record(route: String, status: Int, seconds: Double) {
        registry.increment(Self.requests, labels: [("route", route), ("status", String(status))])
        registry.observe(Self.duration, seconds, buckets: Self.buckets, labels: [("route", route)])
    }
}
