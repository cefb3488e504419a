import Testing
import EthereumKit
@testable import Kalypso

@Suite struct InvariantCheckerTests {
    /// g1 with tasks in two markets (assigned asks 0 and 1), consistent.
    static func busy() -> Chain {
        var c = GeneratorRegistryTransitionTests.joined()
        c.tx(E.market(1, penalty: 20))
        c.tx(E.join(F.g1, 1, cpr: 30, cost: 5, time: 20))
        c.tx([E.ask(0, market: 0, reward: 50, expiry: 5000, time: 30), E.ask(1, market: 1, reward: 50, expiry: 5000, time: 30)])
        c.tx(E.assign(0, F.g1, penalty: 10, cpr: 10) + E.assign(1, F.g1, penalty: 20, cpr: 30))
        return c
    }

    @Test func consistentStateHasNoViolations() {
        let report = InvariantChecker.check(Self.busy().state)
        #expect(report.isConsistent && report.uncheckedAsks == 0)
        #expect(InvariantChecker.check(KalypsoState()).isConsistent)
    }

    @Test func eachInvariantIsReported() {
        let base = Self.busy().state
        let g = EntityKey.generator(F.g1)
        func codes(_ edit: (inout KalypsoState) -> Void) -> [InvariantViolation.Code] {
            var s = base
            edit(&s)
            return InvariantChecker.check(s).violations.map(\.code)
        }
        #expect(codes { $0.generators[F.g1]?.computeConsumed = 39 } == [.computeConsumed])
        #expect(codes { $0.generators[F.g1]?.stakeLocked = 31 } == [.stakeLocked])
        #expect(codes { $0.generators[F.g1]?.sumOfComputeAllocations = 41 } == [.sumOfComputeAllocations])
        #expect(codes { $0.generators[F.g1]?.activeMarketplaces = 3 } == [.activeMarketplaces])
        #expect(codes { $0.generators[F.g1]?.declaredCompute = 39 } == [.allocationsWithinDeclaredCompute])
        #expect(codes { $0.generators[F.g1]?.totalStake = 29 } == [.lockedWithinTotalStake])
        #expect(codes { $0.generatorMarkets[GeneratorMarketKey(generator: F.g1, marketId: 0)]?.activeRequests = 2 } == [.computeConsumed, .activeRequests])
        #expect(codes { $0.generators[F.g1] = nil } == [.rowWithoutGenerator, .rowWithoutGenerator])
        #expect(codes { $0.generatorMarkets[GeneratorMarketKey(generator: F.g1, marketId: 1)] = nil }
                == [.computeConsumed, .sumOfComputeAllocations, .activeMarketplaces, .activeRequests])
        var s = base
        s.generators[F.g1]?.computeConsumed = 1
        let v = InvariantChecker.check(s).violations
        #expect(v.first?.entity == g && v.first?.expected == 40 && v.first?.actual == 1)
        #expect(v.first?.message.contains("computeConsumed is 1, expected 40") == true)
    }

    /// Asks whose market penalty is unknown are counted as unchecked, not as violations.
    @Test func uncheckedAsks() {
        var s = Self.busy().state
        s.markets[1]?.data = nil
        let report = InvariantChecker.check(s)
        #expect(report.uncheckedAsks == 1 && report.isConsistent)
    }

    /// The reference engine's slash bug (B1 #4: stakeLocked not lowered) is exactly what the checker catches.
    @Test func catchesTheReferenceSlashBug() {
        var c = Self.busy()
        c.tx(E.slash(0, F.g1, penalty: 10, cpr: 10))
        var buggy = c.state
        buggy.generators[F.g1]?.stakeLocked = 30 // what a mirror that ignores StakeSlashed's stakeLocked would hold
        #expect(InvariantChecker.check(c.state).isConsistent)
        #expect(InvariantChecker.check(buggy).violations.map(\.code) == [.stakeLocked])
    }
}
