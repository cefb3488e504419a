import EthereumKit
import Testing
@testable import JSONRPC

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 6, baseDelay: .milliseconds(100), maxDelay: .seconds(1), maxElapsed: .seconds(30), maxRetryAfter: .seconds(10))

    @Test func ceilingDoublesUpToTheCap() {
        #expect((0..<6).map { policy.ceiling(retry: $0) } == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
        #expect(policy.ceiling(retry: 200) == .seconds(1))
    }

    /// Every delay lies in [0, ceiling(n)] (full jitter) and the same seed gives the same delays.
    @Test func fullJitterIsBoundedAndReproducible() {
        func delays(seed: UInt64) -> [Duration] {
            var m = BackoffStateMachine(policy: policy, seed: seed)
            return (0..<5).compactMap { _ in
                if case .retry(let d) = m.recordFailure(retryable: true, retryAfter: nil, elapsed: .zero) { return d }
                return nil
            }
        }
        let a = delays(seed: 42)
        #expect(a.count == 5)
        for (n, d) in a.enumerated() { #expect(d >= .zero && d <= policy.ceiling(retry: n)) }
        #expect(a == delays(seed: 42))
        #expect(a != delays(seed: 43))
    }

    /// Over many seeds the jitter covers the interval (not a constant, not always the cap).
    @Test func jitterSpreadsOverTheInterval() {
        var low = 0, high = 0
        for seed in 0..<400 as Range<UInt64> {
            var m = BackoffStateMachine(policy: policy, seed: seed)
            guard case .retry(let d) = m.recordFailure(retryable: true, retryAfter: nil, elapsed: .zero) else { continue }
            if d < .milliseconds(25) { low += 1 }
            if d > .milliseconds(75) { high += 1 }
        }
        #expect(low > 50 && high > 50)
    }

    @Test func givesUpAfterMaxAttemptsOrWhenNotRetryable() {
        var m = BackoffStateMachine(policy: policy, seed: 1)
        for _ in 0..<5 {
            guard case .retry = m.recordFailure(retryable: true, retryAfter: nil, elapsed: .zero) else { Issue.record("expected retry"); return }
        }
        guard case .giveUp(let reason) = m.recordFailure(retryable: true, retryAfter: nil, elapsed: .zero) else { Issue.record("expected give-up"); return }
        #expect(reason.contains("6 attempts"))
        var n = BackoffStateMachine(policy: policy, seed: 1)
        #expect(n.recordFailure(retryable: false, retryAfter: nil, elapsed: .zero) == .giveUp(reason: "the error is not retryable"))
        var never = BackoffStateMachine(policy: .never, seed: 1)
        guard case .giveUp = never.recordFailure(retryable: true, retryAfter: nil, elapsed: .zero) else { Issue.record("never retries"); return }
    }

    @Test func retryAfterRaisesTheDelayAndTooLongGivesUp() {
        var m = BackoffStateMachine(policy: policy, seed: 9)
        #expect(m.recordFailure(retryable: true, retryAfter: .seconds(5), elapsed: .zero) == .retry(after: .seconds(5)))
        guard case .giveUp(let reason) = m.recordFailure(retryable: true, retryAfter: .seconds(11), elapsed: .zero) else {
            Issue.record("expected give-up"); return
        }
        #expect(reason.contains("11 s"))
        // Retry-After below the jittered delay does not shorten it.
        var k = BackoffStateMachine(policy: RetryPolicy(baseDelay: .seconds(1), maxDelay: .seconds(1)), seed: 3)
        guard case .retry(let d) = k.recordFailure(retryable: true, retryAfter: .nanoseconds(1), elapsed: .zero) else { Issue.record("expected retry"); return }
        var plain = BackoffStateMachine(policy: RetryPolicy(baseDelay: .seconds(1), maxDelay: .seconds(1)), seed: 3)
        #expect(plain.recordFailure(retryable: true, retryAfter: nil, elapsed: .zero) == .retry(after: max(d, .nanoseconds(1))))
    }

    @Test func elapsedBudgetStopsRetries() {
        var m = BackoffStateMachine(policy: policy, seed: 2)
        guard case .giveUp(let reason) = m.recordFailure(retryable: true, retryAfter: .seconds(2), elapsed: .seconds(29)) else {
            Issue.record("expected give-up"); return
        }
        #expect(reason.contains("30 s budget"))
    }

    @Test func splitMixMatchesReferenceValues() {
        // Reference outputs of SplitMix64 seeded with 1234567 (Vigna's splitmix64.c).
        var g = SplitMix64(seed: 1_234_567)
        #expect(g.next() == 6_457_827_717_110_365_317)
        #expect(g.next() == 3_203_168_211_198_807_973)
    }
}
