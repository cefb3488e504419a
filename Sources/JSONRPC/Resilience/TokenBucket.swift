/// A token-bucket request-rate limit. Pure: the caller passes the time.
///
/// Tokens refill continuously at `rate` per second up to `burst`:
///
///     tokens(t) = min(burst, tokens(t₀) + rate · (t − t₀))
///
/// `reserve(n, now:)` always takes the tokens, letting the balance go negative, and returns how long the caller
/// must wait before sending (zero if the balance stayed ≥ 0). Concurrent callers are therefore served in the order
/// they reserved, each waiting for its own share, and the long-run rate never exceeds `rate`.
public struct TokenBucket: Sendable, Hashable {
    /// Tokens added per second.
    public let rate: Double
    /// The most tokens held (the largest burst sent without waiting).
    public let burst: Double
    /// The balance at `updated` (negative: reserved ahead).
    public private(set) var tokens: Double
    private var updated: Duration

    /// A full bucket at time `now`.
    public init(rate: Double, burst: Double, now: Duration) {
        precondition(rate > 0 && burst >= 1, "a token bucket needs rate > 0 and burst ≥ 1")  // programming error
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.updated = now
    }

    /// Takes `count` tokens at `now` and returns the wait before they are covered.
    public mutating func reserve(_ count: Double = 1, now: Duration) -> Duration {
        refill(now: now)
        tokens -= count
        guard tokens < 0 else { return .zero }
        return .nanoseconds(Int64((-tokens / rate * 1e9).rounded(.up)))
    }

    /// The balance the bucket would have at `now`.
    public func available(now: Duration) -> Double {
        var copy = self
        copy.refill(now: now)
        return copy.tokens
    }

    private mutating func refill(now: Duration) {
        if now > updated {
            tokens = min(burst, tokens + rate * (now - updated).seconds)
            updated = now
        }
    }
}
