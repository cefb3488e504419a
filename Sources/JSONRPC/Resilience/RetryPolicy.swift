import EthereumKit


/// How often and how patiently a failed request is retried.
///
/// Exponential backoff with **full jitter**. Before retry `n` (n = 0 after the first failure):
///
///     ceiling(n) = min(maxDelay, baseDelay · 2ⁿ)
///     delay(n)   = uniform random in [0, ceiling(n)]
///     if the server sent Retry-After r (HTTP 429/503):  delay(n) = max(delay(n), r)
///
/// The request gives up when the error is not retryable, when `maxAttempts` attempts (the first included) have
/// failed, when `elapsed + delay(n)` would exceed `maxElapsed`, or when a Retry-After exceeds `maxRetryAfter`
/// (a provider asking for minutes means the quota is gone: fail over or surface the error instead of stalling).
public struct RetryPolicy: Sendable, Hashable {
    /// Total attempts including the first (1 = no retries).
    public var maxAttempts: Int
    /// The backoff ceiling of the first retry.
    public var baseDelay: Duration
    /// The largest backoff ceiling.
    public var maxDelay: Duration
    /// The longest a request may keep retrying, measured from its first attempt.
    public var maxElapsed: Duration
    /// The longest Retry-After honoured; longer requests give up.
    public var maxRetryAfter: Duration

    /// Creates a policy.
    public init(maxAttempts: Int = 6, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(10),
                maxElapsed: Duration = .seconds(60), maxRetryAfter: Duration = .seconds(120)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxElapsed = maxElapsed
        self.maxRetryAfter = maxRetryAfter
    }

    /// Six attempts, 200 ms base, 10 s cap, 60 s budget.
    public static let `default` = RetryPolicy()
    /// One attempt, no retries.
    public static let never = RetryPolicy(maxAttempts: 1)

    /// The ceiling of retry `n`: min(maxDelay, baseDelay · 2ⁿ), without overflow.
    public func ceiling(retry n: Int) -> Duration {
        let base = baseDelay.nanoseconds, cap = maxDelay.nanoseconds
        guard n < 62, base > 0 else { return n >= 62 ? maxDelay : .zero }
        let (scaled, overflow) = base.multipliedReportingOverflow(by: Int64(1) << Int64(n))
        return overflow || scaled > cap ? maxDelay : .nanoseconds(scaled)
    }
}

/// The retry state of one request: feed it each failure, it answers retry-after-delay or give-up. Pure.
public struct BackoffStateMachine: Sendable {
    /// What to do after a failure.
    public enum Decision: Sendable, Hashable {
        /// Send again after this delay.
        case retry(after: Duration)
        /// Stop; the reason explains why (for the final error message).
        case giveUp(reason: String)
    }

    /// The policy in force.
    public let policy: RetryPolicy
    /// Failures recorded so far.
    public private(set) var failures: Int = 0
    private var rng: SplitMix64

    /// Creates a state machine; `seed` makes the jitter reproducible.
    public init(policy: RetryPolicy, seed: UInt64) {
        self.policy = policy
        self.rng = SplitMix64(seed: seed)
    }

    /// Records a failure of attempt `failures + 1`.
    ///
    /// - Parameters:
    ///   - retryable: whether the error allows a retry at all.
    ///   - retryAfter: the server's Retry-After, if any.
    ///   - elapsed: time since the first attempt started.
    public mutating func recordFailure(retryable: Bool, retryAfter: Duration?, elapsed: Duration) -> Decision {
        failures += 1
        guard retryable else { return .giveUp(reason: "the error is not retryable") }
        guard failures < policy.maxAttempts else { return .giveUp(reason: "gave up after \(failures) attempts") }
        if let r = retryAfter, r > policy.maxRetryAfter {
            return .giveUp(reason: "the server asked to wait \(r.secondsText), more than the \(policy.maxRetryAfter.secondsText) allowed")
        }
        let ceiling = policy.ceiling(retry: failures - 1).nanoseconds
        var delay = Duration.nanoseconds(ceiling > 0 ? Int64.random(in: 0...ceiling, using: &rng) : 0)
        if let r = retryAfter, r > delay { delay = r }
        guard elapsed + delay <= policy.maxElapsed else {
            return .giveUp(reason: "retrying would exceed the \(policy.maxElapsed.secondsText) budget")
        }
        return .retry(after: delay)
    }

    /// Records a failure described by a `JSONRPCError`.
    public mutating func recordFailure(_ error: JSONRPCError, elapsed: Duration) -> Decision {
        recordFailure(retryable: error.isRetryable, retryAfter: error.retryAfter, elapsed: elapsed)
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    public var nanoseconds: Int64 {
        let (s, atto) = components
        let (ns, o1) = s.multipliedReportingOverflow(by: 1_000_000_000)
        let (sum, o2) = ns.addingReportingOverflow(atto / 1_000_000_000)
        return o1 || o2 ? (s < 0 ? .min : .max) : sum
    }

    /// The duration in seconds as a double.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }

    /// A short text such as `1.5 s` or `250 ms`.
    var secondsText: String {
        let s = seconds
        if s < 1 { return "\(Int((s * 1000).rounded())) ms" }
        return s == s.rounded() ? "\(Int(s)) s" : "\((s * 10).rounded() / 10) s"
    }
}
