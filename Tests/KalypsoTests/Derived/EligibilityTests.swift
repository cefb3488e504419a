import Testing
import EthereumKit
@testable import Kalypso

/// The §3.9 predicate: each revert, the check order, equality boundaries, and sequential batch semantics.
@Suite struct EligibilityTests {
    /// Market 0 (penalty 10); g1 (compute 100, stake 1000) joined with cpr 10, cost 5, time 20; ask 0 (reward 50,
    /// expiry 5000, time 30). The chain's clock is about 1006.
    static func chain() -> Chain { MarketplaceTransitionTests.withAsk() }
    static func now(_ c: Chain) -> UInt256 { c.clock ?? 0 }

    @Test func eligibleWithEqualityAllowed() {
        var c = Self.chain()
        c.tx(E.ask(1, market: 0, reward: 5, expiry: 5000, time: 20)) // reward == cost, time == proposedTime
        #expect(c.state.checkAssignment(askId: 0, to: F.g1, now: Self.now(c)) == .eligible)
        #expect(c.state.checkAssignment(askId: 1, to: F.g1, now: Self.now(c)) == .eligible)
    }

    @Test func shouldBeInCreateState() {
        var c = Self.chain()
        let expired = c.state.checkAssignment(askId: 0, to: F.g1, now: 5000)
        #expect(expired.revert?.code == .shouldBeInCreateState)
        #expect(expired.revert?.revertData == KalypsoErrors.shouldBeInCreateState.selectorBytes)
        c.tx(E.assign(0, F.g1, penalty: 10, cpr: 10))
        #expect(c.state.checkAssignment(askId: 0, to: F.g1, now: Self.now(c)).revert?.code == .shouldBeInCreateState)
        let missing = c.state.checkAssignment(askId: 9, to: F.g1, now: Self.now(c)).revert
        #expect(missing?.code == .panic && missing?.revertData == KalypsoErrors.panic.selectorBytes + UInt256(0x32).bigEndianBytes)
    }

    @Test func proofPriceMismatch() {
        var c = Self.chain()
        c.tx(E.ask(1, market: 0, reward: 4, expiry: 5000, time: 30))
        let r = c.state.checkAssignment(askId: 1, to: F.g1, now: Self.now(c)).revert
        #expect(r?.code == .proofPriceMismatch)
        #expect(r?.revertData == KalypsoErrors.proofPriceMismatch.selectorBytes + UInt256(1).bigEndianBytes, "carries the askId")
        #expect(r?.selector == 0xc4bb553a)
    }

    @Test func proofTimeMismatch() {
        var c = Self.chain()
        c.tx(E.ask(1, market: 0, reward: 50, expiry: 5000, time: 19))
        let r = c.state.checkAssignment(askId: 1, to: F.g1, now: Self.now(c)).revert
        #expect(r?.code == .proofTimeMismatch && r?.revertData.count == 36)
    }

    @Test func assignOnlyToIdleGenerators() {
        var c = Self.chain()
        #expect(c.state.checkAssignment(askId: 0, to: F.g2, now: Self.now(c)).revert?.code == .assignOnlyToIdleGenerators,
                "no row: cost and time read 0, then the state is NULL")
        c.tx(E.gr(.requestExitMarketplace(.init(generator: F.g1, marketId: 0))))
        #expect(c.state.checkAssignment(askId: 0, to: F.g1, now: Self.now(c)).revert?.code == .assignOnlyToIdleGenerators)
        var d = Self.chain()
        d.tx([E.gr(.computeLockImposed(.init(generator: F.g1, compute: 100)))]) // NO_COMPUTE_AVAILABLE
        #expect(d.state.checkAssignment(askId: 0, to: F.g1, now: Self.now(d)).revert?.code == .assignOnlyToIdleGenerators)
    }

    @Test func insufficientGeneratorComputeAvailable() {
        var c = Self.chain()
        c.tx(E.gr(.requestComputeDecrease(.init(generator: F.g1, intendedUtilization: ContractMath.exponent / 20)))) // idle 5 < cpr 10
        #expect(c.state.getGeneratorState(F.g1, 0)?.state == .wip)
        #expect(c.state.checkAssignment(askId: 0, to: F.g1, now: Self.now(c)).revert?.code == .insufficientGeneratorComputeAvailable)
    }

    @Test func maxParallelRequestsPerMarketExceeded() {
        var c = Self.chain()
        let key = GeneratorMarketKey(generator: F.g1, marketId: 0)
        c.state.generatorMarkets[key]?.activeRequests = 100
        #expect(c.state.checkAssignment(askId: 0, to: F.g1, now: Self.now(c)) == .eligible, "100 active: the 101st is accepted")
        c.state.generatorMarkets[key]?.activeRequests = 101
        #expect(c.state.checkAssignment(askId: 0, to: F.g1, now: Self.now(c)).revert?.code == .maxParallelRequestsPerMarketExceeded)
    }

    @Test func insufficientStakeToLock() {
        var c = Self.chain()
        c.tx(E.gr(.requestStakeDecrease(.init(generator: F.g1, intendedUtilization: ContractMath.exponent / 1000)))) // usable 1 < 10
        #expect(c.state.checkAssignment(askId: 0, to: F.g1, now: Self.now(c)).revert?.code == .insufficientStakeToLock)
        var d = Self.chain()
        d.tx(E.register(F.g2, compute: 100, stake: 9))
        d.tx(E.join(F.g2, 0, cpr: 10, cost: 5, time: 20))
        #expect(d.state.checkAssignment(askId: 0, to: F.g2, now: Self.now(d)).revert?.code == .insufficientStakeToLock)
    }

    /// When several checks fail, the contract's first one wins.
    @Test func checkOrder() {
        var c = Self.chain()
        c.tx(E.ask(1, market: 0, reward: 1, expiry: 5000, time: 1)) // price and time both fail
        c.tx(E.gr(.requestExitMarketplace(.init(generator: F.g1, marketId: 0))))
        #expect(c.state.checkAssignment(askId: 1, to: F.g1, now: Self.now(c)).revert?.code == .proofPriceMismatch)
        #expect(c.state.checkAssignment(askId: 1, to: F.g1, now: 5000).revert?.code == .shouldBeInCreateState)
        var d = Self.chain() // state fails (exit) and stake fails: idle check first
        d.tx([E.gr(.requestStakeDecrease(.init(generator: F.g1, intendedUtilization: 1))),
              E.gr(.requestExitMarketplace(.init(generator: F.g1, marketId: 0)))])
        #expect(d.state.checkAssignment(askId: 0, to: F.g1, now: Self.now(d)).revert?.code == .assignOnlyToIdleGenerators)
        var e = Self.chain() // compute and parallel and stake fail: compute first
        e.state.generatorMarkets[GeneratorMarketKey(generator: F.g1, marketId: 0)]?.activeRequests = 200
        e.tx([E.gr(.requestStakeDecrease(.init(generator: F.g1, intendedUtilization: 1))),
              E.gr(.requestComputeDecrease(.init(generator: F.g1, intendedUtilization: ContractMath.exponent / 20)))])
        #expect(e.state.checkAssignment(askId: 0, to: F.g1, now: Self.now(e)).revert?.code == .insufficientGeneratorComputeAvailable)
        e.tx(E.gr(.decreaseCompute(.init(generator: F.g1, compute: 0))))
        #expect(e.state.checkAssignment(askId: 0, to: F.g1, now: Self.now(e)).revert?.code == .maxParallelRequestsPerMarketExceeded)
    }

    /// Unknown data the contract reads is never guessed.
    @Test func indeterminate() {
        var c = Self.chain()
        c.tx(E.gr(.joinedMarketplace(.init(generator: F.g1, marketId: 1, computeAllocation: 1, terms: .unavailable("x")))))
        c.tx(E.pmp(.askCreated(.init(askId: 1, hasPrivateInputs: false, secretData: [], acl: [], details: .unavailable("x")))))
        c.tx(E.pmp(.marketplaceCreated(.init(marketId: 1, market: .unavailable("x")))))
        c.tx(E.ask(2, market: 1, reward: 50, expiry: 5000, time: 30))
        if case .indeterminate = c.state.checkAssignment(askId: 1, to: F.g1, now: Self.now(c)) {} else { Issue.record("unknown ask body") }
        if case .indeterminate = c.state.checkAssignment(askId: 2, to: F.g1, now: Self.now(c)) {} else { Issue.record("unknown terms") }
        c.state.generatorMarkets[GeneratorMarketKey(generator: F.g1, marketId: 1)]?.proofGenerationCost = 0
        c.state.generatorMarkets[GeneratorMarketKey(generator: F.g1, marketId: 1)]?.proposedTime = 0
        if case .indeterminate = c.state.checkAssignment(askId: 2, to: F.g1, now: Self.now(c)) {} else { Issue.record("unknown penalty") }
    }

    /// A batch is sequential: the same generator twice consumes compute and stake twice; the same ask twice fails.
    @Test func sequentialBatchOnWorkingCopy() {
        var c = Chain()
        c.tx(E.market(0, penalty: 10))
        c.tx(E.register(F.g1, compute: 25, stake: 25))
        c.tx(E.join(F.g1, 0, cpr: 10, cost: 5, time: 20))
        c.tx((UInt64(0)..<4).map { E.ask(UInt256($0), market: 0, reward: 50, expiry: 5000, time: 30) })
        var work = c.state
        let now = Self.now(c)
        #expect(work.tentativelyAssign(askId: 0, to: F.g1, now: now) == .eligible)
        #expect(work.tentativelyAssign(askId: 0, to: F.g1, now: now).revert?.code == .shouldBeInCreateState, "same ask twice")
        #expect(work.tentativelyAssign(askId: 1, to: F.g1, now: now) == .eligible)
        #expect(work.tentativelyAssign(askId: 2, to: F.g1, now: now).revert?.code == .insufficientGeneratorComputeAvailable, "idle 5 < 10")
        #expect(work.g(F.g1).stakeLocked == 20 && work.g(F.g1).computeConsumed == 20 && work.row(F.g1, 0)?.activeRequests == 2)
        #expect(work.asks[0]?.body?.deadline == now + 30 && work.asks[0]?.generator == F.g1)
        #expect(c.state.g(F.g1).stakeLocked == 0, "the mirrored state is untouched")
        // The working copy after two assignments equals the mirror after the chain's two TaskCreated transactions.
        var chain = c
        chain.clock = now
        chain.tx(E.assign(0, F.g1, penalty: 10, cpr: 10, deadline: now + 30) + E.assign(1, F.g1, penalty: 10, cpr: 10, deadline: now + 30))
        #expect(chain.state.generators == work.generators && chain.state.generatorMarkets == work.generatorMarkets)
        #expect(chain.state.asks[0]?.body == work.asks[0]?.body && chain.state.asks[0]?.storedState == work.asks[0]?.storedState)
    }
}

extension KalypsoState {
    func g(_ a: Address) -> Generator { generators[a] ?? .zero(a) }
}
