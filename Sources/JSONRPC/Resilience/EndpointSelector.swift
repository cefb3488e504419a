/// Chooses among several RPC endpoints by health, with a circuit breaker per endpoint. Pure: time is passed in.
///
/// Per endpoint it keeps an EWMA of latency and of the failure rate (weight `smoothing` per sample), the count of
/// consecutive failures, and a breaker state:
/// - **closed**: usable. `failureThreshold` consecutive failures open it.
/// - **open until t**: skipped until `t`; the k-th consecutive opening lasts `min(maxCooldown, baseCooldown · 2^(k−1))`.
/// - **half-open**: after the cooldown the next request probes it (probes take precedence over the scores);
///   success closes it, failure reopens it for longer.
///
/// Choice is deterministic: among usable endpoints not excluded, the lowest score
/// `latencyEWMA · (1 + 4 · failureRateEWMA) + failureRateEWMA · failurePenalty` (seconds) wins (an endpoint with
/// no latency sample yet counts 0 latency, so a fresh endpoint gets measured), ties go to
/// the lower index, and the current endpoint is kept unless another scores below `switchRatio` × its score
/// (hysteresis against flapping). If every endpoint is open, the one whose cooldown ends first is probed early:
/// a request is never refused for lack of an endpoint.
public struct EndpointSelector: Sendable {
    /// Tuning.
    public struct Configuration: Sendable, Hashable {
        /// Consecutive failures that open the breaker.
        public var failureThreshold: Int
        /// The first cooldown.
        public var baseCooldown: Duration
        /// The longest cooldown.
        public var maxCooldown: Duration
        /// EWMA weight of each new sample (0 < smoothing ≤ 1).
        public var smoothing: Double
        /// Another endpoint replaces the current one only if its score is below this fraction of the current score.
        public var switchRatio: Double
        /// The score added per unit of failure rate (so failures count even before any latency is known).
        public var failurePenalty: Duration

        /// Creates a configuration.
        public init(failureThreshold: Int = 3, baseCooldown: Duration = .seconds(5), maxCooldown: Duration = .seconds(300),
                    smoothing: Double = 0.2, switchRatio: Double = 0.7, failurePenalty: Duration = .seconds(1)) {
            self.failureThreshold = max(1, failureThreshold)
            self.baseCooldown = baseCooldown
            self.maxCooldown = maxCooldown
            self.smoothing = min(1, max(0.01, smoothing))
            self.switchRatio = min(1, max(0, switchRatio))
            self.failurePenalty = failurePenalty
        }
    }

    /// The breaker state of one endpoint.
    public enum BreakerState: Sendable, Hashable {
        /// In use.
        case closed
        /// Skipped until the given time.
        case open(until: Duration)
        /// One probe request is in flight.
        case halfOpen
    }

    /// What the selector knows about one endpoint.
    public struct Health: Sendable, Hashable {
        /// Breaker state.
        public var state: BreakerState = .closed
        /// Failures since the last success.
        public var consecutiveFailures = 0
        /// Openings since the last success (drives the cooldown length).
        public var trips = 0
        /// EWMA latency in seconds (nil until the first success).
        public var latency: Double?
        /// EWMA of failures (1) and successes (0).
        public var failureRate: Double = 0
        /// Total successes.
        public var successes = 0
        /// Total failures.
        public var failures = 0
    }

    /// Tuning in force.
    public let configuration: Configuration
    /// Health per endpoint, by index.
    public private(set) var health: [Health]
    /// The endpoint chosen last (the hysteresis anchor).
    public private(set) var current: Int

    /// A selector over `count` endpoints (at least one).
    public init(count: Int, configuration: Configuration = Configuration()) {
        precondition(count >= 1, "EndpointSelector needs at least one endpoint")  // programming error; configs are validated first
        self.configuration = configuration
        self.health = Array(repeating: Health(), count: count)
        self.current = 0
    }

    /// The score used for choice (lower is better).
    public func score(_ i: Int) -> Double {
        let h = health[i]
        return (h.latency ?? 0) * (1 + 4 * h.failureRate) + h.failureRate * configuration.failurePenalty.seconds
    }

    /// Chooses the endpoint for the next request at `now`, skipping `excluded` when possible.
    /// Choosing an open endpoint whose cooldown has ended makes it half-open (the probe).
    public mutating func choose(now: Duration, excluding excluded: Set<Int> = []) -> Int {
        let usable = health.indices.filter { i in
            guard !excluded.contains(i) else { return false }
            switch health[i].state {
            case .closed: return true
            case .open(let until): return until <= now
            case .halfOpen: return false
            }
        }
        let pick: Int
        if usable.isEmpty {
            // Everything is open, probing or excluded: take the non-excluded endpoint that recovers first.
            let pool = health.indices.filter { !excluded.contains($0) }
            let candidates = pool.isEmpty ? Array(health.indices) : pool
            pick = candidates.min { reopen($0) < reopen($1) || (reopen($0) == reopen($1) && $0 < $1) } ?? 0
        } else if let probe = usable.first(where: { if case .open = health[$0].state { return true } else { return false } }) {
            // A cooldown has ended: send this request as the half-open probe, so a recovered endpoint comes back.
            pick = probe
        } else {
            var best = usable[0]
            for i in usable.dropFirst() where score(i) < score(best) { best = i }
            if usable.contains(current), best != current, score(best) >= configuration.switchRatio * score(current) {
                best = current
            }
            pick = best
        }
        if case .open = health[pick].state { health[pick].state = .halfOpen }
        current = pick
        return pick
    }

    private func reopen(_ i: Int) -> Duration {
        if case .open(let until) = health[i].state { return until }
        return .zero
    }

    /// Records a successful request to endpoint `i` that took `latency`.
    public mutating func recordSuccess(_ i: Int, latency: Duration) {
        let a = configuration.smoothing
        var h = health[i]
        h.successes += 1
        h.consecutiveFailures = 0
        h.trips = 0
        h.state = .closed
        h.latency = h.latency.map { (1 - a) * $0 + a * latency.seconds } ?? latency.seconds
        h.failureRate = (1 - a) * h.failureRate
        health[i] = h
    }

    /// Records a failure of endpoint `i` at `now` (a transport error, 5xx, 429 or malformed reply; not an error
    /// about the request itself, such as a revert or a range limit). With `retryAfter` (the server's Retry-After),
    /// the endpoint is also kept open until `now + retryAfter`, whatever the failure count.
    public mutating func recordFailure(_ i: Int, now: Duration, retryAfter: Duration? = nil) {
        recordFailure(i, now: now)
        if let wait = retryAfter, wait > .zero {
            var until = now + wait
            if case .open(let existing) = health[i].state, existing > until { until = existing }
            health[i].state = .open(until: until)
        }
    }

    private mutating func recordFailure(_ i: Int, now: Duration) {
        let a = configuration.smoothing
        var h = health[i]
        h.failures += 1
        h.consecutiveFailures += 1
        h.failureRate = (1 - a) * h.failureRate + a
        let wasProbe = h.state == .halfOpen
        if wasProbe || (h.state == .closed && h.consecutiveFailures >= configuration.failureThreshold) {
            h.trips += 1
            h.state = .open(until: now + cooldown(trips: h.trips))
        }
        health[i] = h
    }

    /// Releases a half-open probe that ended without a verdict on the endpoint (for example a cancelled request).
    public mutating func release(_ i: Int, now: Duration) {
        if health[i].state == .halfOpen { health[i].state = .open(until: now) }
    }

    /// The cooldown of the `trips`-th consecutive opening: min(maxCooldown, baseCooldown · 2^(trips−1)).
    public func cooldown(trips: Int) -> Duration {
        RetryPolicy(baseDelay: configuration.baseCooldown, maxDelay: configuration.maxCooldown).ceiling(retry: max(0, trips - 1))
    }
}
