import Testing
@testable import JSONRPC

@Suite struct EndpointSelectorTests {
    let config = EndpointSelector.Configuration(failureThreshold: 3, baseCooldown: .seconds(10), maxCooldown: .seconds(60), smoothing: 0.5, switchRatio: 0.7)

    @Test func prefersLowerIndexWhenEqualAndMeasuresUnknownEndpoints() {
        var s = EndpointSelector(count: 3, configuration: config)
        #expect(s.choose(now: .zero) == 0)
        s.recordSuccess(0, latency: .milliseconds(50))
        #expect(s.choose(now: .zero) == 1)  // unmeasured scores 0: measure it
        s.recordSuccess(1, latency: .milliseconds(200))
        #expect(s.choose(now: .zero) == 2)
        s.recordSuccess(2, latency: .milliseconds(300))
        #expect(s.choose(now: .zero) == 0)  // fastest
    }

    @Test func hysteresisKeepsTheCurrentEndpointUnlessClearlyWorse() {
        var s = EndpointSelector(count: 2, configuration: config)
        s.recordSuccess(0, latency: .milliseconds(100))
        s.recordSuccess(1, latency: .milliseconds(90))
        _ = s.choose(now: .zero, excluding: [1])
        #expect(s.current == 0)
        #expect(s.choose(now: .zero) == 0)  // 90 ms is not below 0.7 × 100 ms
        s.recordSuccess(1, latency: .milliseconds(10))
        #expect(s.choose(now: .zero) == 1)  // (90+10)/2 = 50 ms < 70 ms
    }

    @Test func breakerOpensAfterThresholdAndCooldownGrows() {
        var s = EndpointSelector(count: 2, configuration: config)
        s.recordSuccess(0, latency: .milliseconds(10))
        s.recordSuccess(1, latency: .milliseconds(100))
        for _ in 0..<2 { s.recordFailure(0, now: .seconds(1)) }
        #expect(s.health[0].state == .closed)
        s.recordFailure(0, now: .seconds(1))
        #expect(s.health[0].state == .open(until: .seconds(11)))
        #expect(s.choose(now: .seconds(5)) == 1)
        // Cooldown over: endpoint 0 becomes the half-open probe; a failure reopens it for twice as long.
        #expect(s.choose(now: .seconds(11)) == 0)
        #expect(s.health[0].state == .halfOpen)
        #expect(s.choose(now: .seconds(11)) == 1)  // only one probe at a time
        s.recordFailure(0, now: .seconds(12))
        #expect(s.health[0].state == .open(until: .seconds(32)))
        #expect(s.cooldown(trips: 3) == .seconds(40))
        #expect(s.cooldown(trips: 10) == .seconds(60))
        // A successful probe closes it and resets the trips.
        #expect(s.choose(now: .seconds(32)) == 0)
        s.recordSuccess(0, latency: .milliseconds(10))
        #expect(s.health[0].state == .closed)
        #expect(s.health[0].trips == 0 && s.health[0].consecutiveFailures == 0)
    }

    @Test func neverRefusesWhenEverythingIsOpen() {
        var s = EndpointSelector(count: 2, configuration: EndpointSelector.Configuration(failureThreshold: 1, baseCooldown: .seconds(10)))
        s.recordFailure(0, now: .seconds(0))
        s.recordFailure(1, now: .seconds(3))
        #expect(s.choose(now: .seconds(4)) == 0)  // reopens first (t=10 vs t=13)
        #expect(s.health[0].state == .halfOpen)
    }

    @Test func exclusionSkipsFailedEndpointsWhenPossible() {
        var s = EndpointSelector(count: 3, configuration: config)
        #expect(s.choose(now: .zero, excluding: [0]) == 1)
        #expect(s.choose(now: .zero, excluding: [0, 1]) == 2)
        #expect(s.choose(now: .zero, excluding: [0, 1, 2]) == 0)
    }

    @Test func failuresRaiseTheScore() {
        var s = EndpointSelector(count: 2, configuration: config)
        s.recordSuccess(0, latency: .milliseconds(100))
        s.recordSuccess(1, latency: .milliseconds(100))
        s.recordFailure(0, now: .zero)
        #expect(s.score(0) > s.score(1))
        #expect(s.choose(now: .zero) == 1)
    }

    @Test func releaseEndsAProbeWithoutAVerdict() {
        var s = EndpointSelector(count: 1, configuration: EndpointSelector.Configuration(failureThreshold: 1, baseCooldown: .seconds(1)))
        s.recordFailure(0, now: .zero)
        #expect(s.choose(now: .seconds(2)) == 0)
        s.release(0, now: .seconds(2))
        #expect(s.health[0].state == .open(until: .seconds(2)))
        #expect(s.health[0].trips == 1)
    }

    @Test func retryAfterKeepsTheEndpointOpen() {
        var s = EndpointSelector(count: 2, configuration: config)
        s.recordFailure(0, now: .seconds(1), retryAfter: .seconds(30))
        #expect(s.health[0].state == .open(until: .seconds(31)))
        #expect(s.health[0].consecutiveFailures == 1)
        #expect(s.choose(now: .seconds(30)) == 1)
        #expect(s.choose(now: .seconds(31)) == 0)  // the probe after the wait
    }
}
