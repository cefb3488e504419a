import Testing
import EthereumKit
@testable import Kalypso

/// One test per GeneratorRegistry row of the §7.4 transition table.
@Suite struct GeneratorRegistryTransitionTests {
    static let one = ContractMath.exponent

    /// A chain with market 0 (penalty 10) and generator g1 (compute 100, stake 1000) joined with cpr 10.
    static func joined() -> Chain {
        var c = Chain()
        c.tx(E.market(0, penalty: 10))
        c.tx(E.register(F.g1, compute: 100, stake: 1000))
        c.tx(E.join(F.g1, 0, cpr: 10, cost: 5, time: 20))
        return c
    }

    @Test func registeredGeneratorCreates() {
        var c = Chain()
        let r = c.tx(E.register(F.g1, compute: 100, stake: 1000, reward: F.reward2, data: [1, 2]))
        let g = c.g(F.g1)
        #expect(g.rewardAddress == F.reward2 && g.generatorData == [1, 2])
        #expect(g.totalStake == 1000 && g.declaredCompute == 100)
        #expect(g.sumOfComputeAllocations == 0 && g.computeConsumed == 0 && g.stakeLocked == 0 && g.activeMarketplaces == 0)
        #expect(g.intendedStakeUtilization == Self.one && g.intendedComputeUtilization == Self.one)
        #expect(r.issues.isEmpty)
        #expect(r.changeSet.changes.map(\.key) == [.generator(F.g1)] && r.changeSet.changes[0].isInsert)
    }

    @Test func registeredGeneratorWithoutEnrichmentStoresUnknown() {
        var c = Chain()
        let r = c.tx(E.gr(.registeredGenerator(.init(generator: F.g1, initialCompute: 1, initialStake: 0,
                                                      registration: .unavailable("no archive node")))))
        #expect(c.g(F.g1).rewardAddress == nil && c.g(F.g1).generatorData == nil && c.g(F.g1).declaredCompute == 1)
        #expect(r.issues.map(\.code) == [.missingEnrichment])
        #expect(r.issues[0].message.contains("no archive node"))
    }

    @Test func deregisteredGeneratorDeletes() {
        var c = Chain()
        c.tx(E.register(F.g1, compute: 100, stake: 1000))
        let r = c.tx(E.gr(.deregisteredGenerator(.init(generator: F.g1))))
        #expect(c.state.generators[F.g1] == nil)
        #expect(r.issues.isEmpty && r.changeSet.changes.count == 1 && r.changeSet.changes[0].isDelete)
    }

    @Test func deregisteredWithAllocationsIsRecorded() {
        var c = Self.joined()
        let r = c.tx(E.gr(.deregisteredGenerator(.init(generator: F.g1))))
        #expect(c.state.generators[F.g1] == nil)
        #expect(r.issues.map(\.code) == [.unexpectedState, .unexpectedState])
    }

    @Test func changedRewardAddress() {
        var c = Chain()
        c.tx(E.register(F.g1, compute: 100, stake: 1000))
        c.tx(E.gr(.changedGeneratorRewardAddress(.init(generator: F.g1, newRewardAddress: F.reward2))))
        #expect(c.g(F.g1).rewardAddress == F.reward2)
    }

    @Test func increasedCompute() {
        var c = Chain()
        c.tx(E.register(F.g1, compute: 100, stake: 1000))
        c.tx(E.gr(.increasedCompute(.init(generator: F.g1, compute: 50))))
        c.tx(E.gr(.increasedCompute(.init(generator: F.g1, compute: 0))))
        #expect(c.g(F.g1).declaredCompute == 150)
    }

    @Test func requestComputeDecreaseSetsICUAndMarker() {
        var c = Chain()
        c.tx(E.register(F.g1, compute: 100, stake: 1000))
        let clock = c.clock
        c.tx(E.gr(.requestComputeDecrease(.init(generator: F.g1, intendedUtilization: F.e18(1) / 2))))
        let g = c.g(F.g1)
        #expect(g.intendedComputeUtilization == F.e18(1) / 2)
        #expect(g.pendingComputeReduction == PendingIntent(requestedInBlock: c.block - 1, executableFromClock: clock.map { $0 + .one }))
    }

    @Test func decreaseComputeTakesEventAmountAndResetsICU() {
        var c = Chain()
        c.tx(E.register(F.g1, compute: 100, stake: 1000))
        c.tx(E.gr(.requestComputeDecrease(.init(generator: F.g1, intendedUtilization: F.e18(1) / 2))))
        let r = c.tx(E.gr(.decreaseCompute(.init(generator: F.g1, compute: 50))))
        #expect(c.g(F.g1).declaredCompute == 50 && c.g(F.g1).intendedComputeUtilization == Self.one)
        #expect(c.g(F.g1).pendingComputeReduction == nil && r.issues.isEmpty)
    }

    @Test func addedStake() {
        var c = Chain()
        c.tx(E.register(F.g1, compute: 100, stake: 0))
        c.tx(E.gr(.addedStake(.init(generator: F.g1, amount: 70))))
        #expect(c.g(F.g1).totalStake == 70)
    }

    @Test func requestStakeDecreaseOverwrites() {
        var c = Chain()
        c.tx(E.register(F.g1, compute: 100, stake: 1000))
        c.tx(E.gr(.requestStakeDecrease(.init(generator: F.g1, intendedUtilization: F.e18(1) / 2))))
        c.tx(E.gr(.requestStakeDecrease(.init(generator: F.g1, intendedUtilization: F.e18(1) / 4))))
        #expect(c.g(F.g1).intendedStakeUtilization == F.e18(1) / 4 && c.g(F.g1).pendingStakeReduction != nil)
    }

    @Test func removedStakeTakesEventAmountAndResetsISU() {
        var c = Chain()
        c.tx(E.register(F.g1, compute: 100, stake: 1000))
        c.tx(E.gr(.requestStakeDecrease(.init(generator: F.g1, intendedUtilization: F.e18(1) / 2))))
        c.tx(E.gr(.removedStake(.init(generator: F.g1, amount: 600)))) // stake added meanwhile scales it on chain
        #expect(c.g(F.g1).totalStake == 400 && c.g(F.g1).intendedStakeUtilization == Self.one && c.g(F.g1).pendingStakeReduction == nil)
    }

    @Test func joinedMarketplaceInsertsRowAndCounts() {
        let c = Self.joined()
        let row = c.state.row(F.g1, 0)
        #expect(row == GeneratorMarket(generator: F.g1, marketId: 0, state: .joined, computePerRequestRequired: 10,
                                       proofGenerationCost: 5, proposedTime: 20, activeRequests: 0, joinedInBlock: 102))
        #expect(c.g(F.g1).sumOfComputeAllocations == 10 && c.g(F.g1).activeMarketplaces == 1)
    }

    @Test func joinedWithoutTermsStoresUnknown() {
        var c = Chain()
        c.tx(E.register(F.g1, compute: 100, stake: 1000))
        let r = c.tx(E.gr(.joinedMarketplace(.init(generator: F.g1, marketId: 3, computeAllocation: 7, terms: .pending))))
        #expect(c.state.row(F.g1, 3)?.proofGenerationCost == nil && c.state.row(F.g1, 3)?.proposedTime == nil)
        #expect(r.issues.map(\.code) == [.missingEnrichment])
    }

    @Test func requestExitMarketplace() {
        var c = Self.joined()
        c.tx(E.ask(0, market: 0, reward: 50, expiry: 5000, time: 30))
        c.tx(E.assign(0, F.g1, penalty: 10, cpr: 10))
        c.tx(E.gr(.requestExitMarketplace(.init(generator: F.g1, marketId: 0))))
        #expect(c.state.row(F.g1, 0)?.state == .requestedForExit)
        #expect(c.state.getGeneratorState(F.g1, 0) == GeneratorStateReading(state: .requestedForExit, idleCapacity: 0))
    }

    @Test func leftMarketplaceDeletesRowAndCounts() {
        var c = Self.joined()
        c.tx(E.gr(.leftMarketplace(.init(generator: F.g1, marketId: 0))))
        #expect(c.state.row(F.g1, 0) == nil)
        #expect(c.g(F.g1).sumOfComputeAllocations == 0 && c.g(F.g1).activeMarketplaces == 0)
    }

    @Test func addIvsKey() {
        var c = Self.joined()
        c.tx(E.gr(.addIvsKey(.init(marketId: 0, signer: F.address(44)))))
        #expect(c.state.ivsSigners[IvsSignerKey(marketId: 0, signer: F.address(44))]?.addedInBlock == c.block - 1)
    }

    @Test func lockEventsAdjustCounters() {
        var c = Self.joined()
        c.tx([E.gr(.stakeLockImposed(.init(generator: F.g1, stake: 10))), E.gr(.computeLockImposed(.init(generator: F.g1, compute: 10)))])
        #expect(c.g(F.g1).stakeLocked == 10 && c.g(F.g1).computeConsumed == 10)
        c.tx([E.gr(.stakeLockReleased(.init(generator: F.g1, stake: 4))), E.gr(.computeLockReleased(.init(generator: F.g1, compute: 3)))])
        #expect(c.g(F.g1).stakeLocked == 6 && c.g(F.g1).computeConsumed == 7)
    }

    @Test func stakeSlashedLowersTotalAndLocked() {
        var c = Self.joined()
        c.tx(E.gr(.stakeLockImposed(.init(generator: F.g1, stake: 10))))
        c.tx(E.gr(.stakeSlashed(.init(generator: F.g1, stake: 10))))
        #expect(c.g(F.g1).totalStake == 990 && c.g(F.g1).stakeLocked == 0)
    }

    /// Unknown generators and underflows are recorded with a clear message; the reducer clamps and continues.
    @Test func inconsistenciesAreRecordedNotFatal() {
        var c = Chain()
        let unknown = c.tx(E.gr(.addedStake(.init(generator: F.g2, amount: 5))))
        #expect(unknown.issues.map(\.code) == [.unknownGenerator] && unknown.changeSet.isEmpty)
        #expect(unknown.issues[0].message.contains(F.g2.description))
        c.tx(E.register(F.g1, compute: 100, stake: 3))
        let under = c.tx(E.gr(.removedStake(.init(generator: F.g1, amount: 5))))
        #expect(c.g(F.g1).totalStake == 0)
        #expect(under.issues.map(\.code) == [.unexpectedState, .arithmeticUnderflow])
        #expect(under.issues[1].message.contains("3 − 5") && under.issues[1].position?.blockNumber == c.block - 1)
        let over = c.tx(E.gr(.addedStake(.init(generator: F.g1, amount: .max))))
        let over2 = c.tx(E.gr(.addedStake(.init(generator: F.g1, amount: 1))))
        #expect(over.issues.isEmpty && over2.issues.map(\.code) == [.arithmeticOverflow] && c.g(F.g1).totalStake == .max)
    }
}
