import Foundation

/// How a `PostgresConnection` restores a lost connection: capped exponential backoff with jitter.
///
/// Attempt 1 reconnects at once (a terminated backend or a restarted server usually accepts immediately).
/// Before attempt n ≥ 2 it sleeps `d/2 + random(0…d/2)` where `d = min(maximumDelay, initialDelay · 2^(n−2))`
/// ("equal jitter": at least half the backoff, so retries spread out without ever hammering the server).
/// After `maximumAttempts` failed attempts the call throws `DatabaseError` `.connectionLost`; the connection stays
/// usable and tries again on the next call. Nothing ever traps.
public struct ReconnectPolicy: Sendable {
    /// Reconnection attempts per failed call, at least 1.
    public var maximumAttempts: Int
    /// The first backoff, in seconds.
    public var initialDelay: Double
    /// The largest backoff, in seconds.
    public var maximumDelay: Double

    /// The defaults: 8 attempts, 0.1 s doubling up to 5 s: about 15 s of backoff before a call gives up, plus the
    /// time each attempt may take to connect (`connect_timeout`, 10 s unless the URL says otherwise).
    public init(maximumAttempts: Int = 8, initialDelay: Double = 0.1, maximumDelay: Double = 5) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.initialDelay = max(0, initialDelay)
        self.maximumDelay = max(self.initialDelay, maximumDelay)
    }

    /// The upper bound of the sleep before `attempt` (1-based): 0 for the first attempt.
    public func backoffCeiling(beforeAttempt attempt: Int) -> Double {
        guard attempt >= 2 else { return 0 }
        let exponent = Double(min(attempt - 2, 30))
        return min(maximumDelay, initialDelay * pow(2, exponent))
    }

    /// The sleep before `attempt`: half the ceiling plus a random part of the other half.
    public func delay(beforeAttempt attempt: Int) -> Double {
        let ceiling = backoffCeiling(beforeAttempt: attempt)
        return ceiling / 2 + Double.random(in: 0...(ceiling / 2))
    }
}

/// Helpers for `postgres://` URLs.
public enum PostgresURL {
    /// True for `postgres://…` and `postgresql://…`.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// The URL with its password hidden (`postgres://user:***@host/db`, `?password=***`), for logs and errors.
    public static func redacted(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        var text = url
        let authorityStart = scheme.upperBound
        let rest = text[authorityStart...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? text.endIndex
        if let at = text[authorityStart..<authorityEnd].lastIndex(of: "@"),
           let colon = text[authorityStart..<at].firstIndex(of: ":") {
            text.replaceSubrange(text.index(after: colon)..<at, with: "***")
        }
        // password=… in the query string
        var out = ""
        var remainder = Substring(text)
        while let r = remainder.range(of: "password=") {
            out += remainder[..<r.upperBound] + "***"
            remainder = remainder[r.upperBound...]
            remainder = remainder.drop(while: { $0 != "&" })
        }
        return out + remainder
    }
}
