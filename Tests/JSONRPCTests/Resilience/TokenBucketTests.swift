import EthereumKit
import Testing
@testable import JSONRPC

@Suite struct TokenBucketTests {
    @Test func burstThenPacedAtTheRate() {
        var b = TokenBucket(rate: 10, burst: 3, now: .zero)
        #expect(b.reserve(now: .zero) == .zero)
        #expect(b.reserve(now: .zero) == .zero)
        #expect(b.reserve(now: .zero) == .zero)
        #expect(b.reserve(now: .zero) == .milliseconds(100))
        #expect(b.reserve(now: .zero) == .milliseconds(200))  // queued behind the previous reservation
        #expect(b.available(now: .milliseconds(200)) == 0)
    }

    @Test func refillsContinuouslyUpToBurst() {
        var b = TokenBucket(rate: 2, burst: 4, now: .zero)
        _ = b.reserve(4, now: .zero)
        #expect(b.available(now: .milliseconds(500)) == 1)
        #expect(b.available(now: .seconds(100)) == 4)
        #expect(b.reserve(now: .milliseconds(500)) == .zero)
        #expect(b.reserve(now: .milliseconds(500)) == .milliseconds(500))
    }

    /// Whatever the request pattern, tokens granted over [0, T] never exceed burst + rate · T.
    @Test func longRunRateNeverExceeded() {
        var rng = SplitMix64(seed: 77)
        var b = TokenBucket(rate: 5, burst: 2, now: .zero)
        var now = Duration.zero
        var lastStart = Duration.zero
        for _ in 0..<1_000 {
            now += .milliseconds(Int64(rng.next() % 50))
            let wait = b.reserve(Double(1 + rng.next() % 3), now: now)
            lastStart = max(lastStart, now + wait)
        }
        var total = 0.0
        var replay = SplitMix64(seed: 77)
        for _ in 0..<1_000 { _ = replay.next(); total += Double(1 + replay.next() % 3) }
        #expect(total <= 2 + 5 * lastStart.seconds + 1e-6)
    }

    @Test func batchesTakeSeveralTokens() {
        var b = TokenBucket(rate: 100, burst: 100, now: .zero)
        #expect(b.reserve(100, now: .zero) == .zero)
        #expect(b.reserve(50, now: .zero) == .milliseconds(500))
    }
}
