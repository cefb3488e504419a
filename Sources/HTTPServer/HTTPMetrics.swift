import Foundation
import Synchronization

/// Lock-free request metrics: `http_requests_total{route,status}` and `http_request_duration_seconds{route}`.
///
/// `route` is the matched pattern (`/v1/markets/{id}`), never the raw path, so label cardinality is bounded by
/// the route table; requests that match no route are counted under `route="unmatched"`.
///
/// Recording is a few relaxed atomic adds into slots fixed at start (no lock, no dictionary, no allocation):
/// recording through `MetricsRegistry` (one process-wide mutex) made both worker threads stall whenever the
/// lock holder was preempted, which showed as tail latency under CPU contention. `/metrics` renders the registry
/// followed by these families.
final class HTTPMetrics: Sendable {
    static let requests = "http_requests_total"
    static let duration = "http_request_duration_seconds"
    static let unmatched = "unmatched"
    /// Upper bounds in seconds: 50 µs … 2.5 s (`+Inf` is the count).
    static let buckets: [Double] = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5]
    static let statuses = 100...599

    /// The label value of each series index; the last is `unmatched`.
    let routes: [String]
    private let slots: AtomicSlots

    // Per route: one slot per status, one per bucket (non-cumulative, the last for > 2.5 s), count, sum in ns.
    private static let statusSlots = statuses.count
    private static let bucketBase = statusSlots
    private static let countSlot = bucketBase + buckets.count + 1
    private static let sumSlot = countSlot + 1
    private static let perRoute = sumSlot + 1

    /// Series for `patterns` (in route-table entry order) plus `unmatched`.
    init(patterns: [String]) {
        routes = patterns + [Self.unmatched]
        slots = AtomicSlots(count: routes.count * Self.perRoute)
    }

    /// The series index of requests that matched no route.
    var unmatchedIndex: Int { routes.count - 1 }

    /// Records one answered request of series `route` (an entry index or `unmatchedIndex`).
    func record(route: Int, status: Int, seconds: Double) {
        let base = route * Self.perRoute
        if Self.statuses.contains(status) { slots.add(base + status - Self.statuses.lowerBound, 1) }
        let bucket = Self.buckets.firstIndex { seconds <= $0 } ?? Self.buckets.count
        slots.add(base + Self.bucketBase + bucket, 1)
        slots.add(base + Self.countSlot, 1)
        slots.add(base + Self.sumSlot, UInt64(max(0, seconds * 1e9)))
    }

    /// Requests answered for `route` (a pattern or `unmatched`) with `status`.
    func count(route: String, status: Int) -> UInt64 {
        guard let r = routes.firstIndex(of: route), Self.statuses.contains(status) else { return 0 }
        return slots.load(r * Self.perRoute + status - Self.statuses.lowerBound)
    }

    /// Latency observations for `route`.
    func observations(route: String) -> UInt64 {
        guard let r = routes.firstIndex(of: route) else { return 0 }
        return slots.load(r * Self.perRoute + Self.countSlot)
    }

    /// The two families in Prometheus text format (0.0.4); series never hit are omitted.
    func render() -> String {
        var counters = "# HELP \(Self.requests) HTTP requests answered, by route pattern and status\n# TYPE \(Self.requests) counter\n"
        var histograms = "# HELP \(Self.duration) Time from the complete request to its response being ready, by route pattern\n# TYPE \(Self.duration) histogram\n"
        for (r, route) in routes.enumerated() {
            let base = r * Self.perRoute
            let label = "route=\"\(Self.escape(route))\""
            for status in Self.statuses {
                let n = slots.load(base + status - Self.statuses.lowerBound)
                if n > 0 { counters += "\(Self.requests){\(label),status=\"\(status)\"} \(n)\n" }
            }
            let count = slots.load(base + Self.countSlot)
            guard count > 0 else { continue }
            var cumulative: UInt64 = 0
            for (i, bound) in Self.buckets.enumerated() {
                cumulative += slots.load(base + Self.bucketBase + i)
                histograms += "\(Self.duration)_bucket{\(label),le=\"\(bound)\"} \(cumulative)\n"
            }
            histograms += "\(Self.duration)_bucket{\(label),le=\"+Inf\"} \(count)\n"
            histograms += "\(Self.duration)_sum{\(label)} \(Double(slots.load(base + Self.sumSlot)) / 1e9)\n"
            histograms += "\(Self.duration)_count{\(label)} \(count)\n"
        }
        return counters + histograms
    }

    /// A Prometheus label value: backslash, double quote and newline escaped.
    private static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}

/// A fixed array of atomic 64-bit counters.
private final class AtomicSlots: @unchecked Sendable {
    // @unchecked: the buffer is allocated once, only touched through atomic operations, and freed in deinit.
    private let base: UnsafeMutablePointer<Atomic<UInt64>>
    private let count: Int

    init(count: Int) {
        self.count = count
        base = .allocate(capacity: count)
        for i in 0..<count { (base + i).initialize(to: Atomic(0)) }
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    func add(_ index: Int, _ amount: UInt64) { base[index].wrappingAdd(amount, ordering: .relaxed) }
    func load(_ index: Int) -> UInt64 { base[index].load(ordering: .relaxed) }
}
