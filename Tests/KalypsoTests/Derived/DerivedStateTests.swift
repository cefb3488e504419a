import Testing
import EthereumKit
@testable import Kalypso

@Suite struct DerivedStateTests {
    static let one = ContractMath.exponent

    static func generator(declared: UInt256 = 100, consumed: UInt256 = 0, icu: UInt256 = one,
                          stake: UInt256 = 1000, locked: UInt256 = 0, isu: UInt256 = one) -> Generator {
        var g = Generator.registered(address: F.g1, rewardAddress: F.reward1, declaredCompute: declared, initialStake: stake,
                                     generatorData: [1], block: 1)
        g.computeConsumed = consumed
        g.intendedComputeUtilization = icu
        g.stakeLocked = locked
        g.intendedStakeUtilization = isu
        return g
    }

    static func row(_ state: StoredMarketState = .joined, cpr: UInt256 = 10) -> GeneratorMarket {
        GeneratorMarket(generator: F.g1, marketId: 0, state: state, computePerRequestRequired: cpr, proofGenerationCost: 1,
                        proposedTime: 1, activeRequests: 0, joinedInBlock: 1)
    }

    /// The §3.7 formulas, rounding down, with the floor at 0.
    @Test func capacityFormulas() {
        #expect(Self.generator(declared: 100, icu: Self.one / 3).maxUsableCompute == 33)
        #expect(Self.generator(declared: 100, consumed: 40, icu: Self.one / 3).idleCapacity == 0, "33 − 40 floors at 0")
        #expect(Self.generator(declared: 100, consumed: 20, icu: Self.one / 3).idleCapacity == 13)
        #expect(Self.generator(stake: 999, isu: Self.one / 2).maxUsableStake == 499)
        #expect(Self.generator(stake: 999, locked: 500, isu: Self.one / 2).maxReducibleStake == 0)
        #expect(Self.generator(stake: 999, locked: 99, isu: Self.one / 2).maxReducibleStake == 400)
        let huge = Self.generator(declared: .max, stake: .max)
        #expect(huge.maxUsableCompute == nil && huge.idleCapacity == nil, "declaredCompute · ICU overflows: the contract panics")
        #expect(huge.maxReducibleStake == nil)
        #expect(Generator.zero(F.g1).idleCapacity == 0 && Generator.zero(F.g1).maxReducibleStake == 0)
    }

    /// The §3.7 `getGeneratorState` table, rule by rule.
    @Test func generatorStateTable() {
        typealias R = GeneratorStateReading
        let g = Self.generator()
        #expect(DerivedState.generatorState(row: nil, generator: g) == R(state: .null, idleCapacity: 0), "rule 1")
        #expect(DerivedState.generatorState(row: Self.row(.requestedForExit), generator: g) == R(state: .requestedForExit, idleCapacity: 0), "rule 2")
        #expect(DerivedState.generatorState(row: Self.row(), generator: Self.generator(consumed: 100)) == R(state: .noComputeAvailable, idleCapacity: 0), "rule 3")
        #expect(DerivedState.generatorState(row: Self.row(), generator: Self.generator(consumed: 200)) == R(state: .noComputeAvailable, idleCapacity: 0), "rule 3, over-consumed")
        #expect(DerivedState.generatorState(row: Self.row(), generator: g) == R(state: .joined, idleCapacity: 100), "rule 4")
        #expect(DerivedState.generatorState(row: Self.row(), generator: Self.generator(consumed: 1)) == R(state: .wip, idleCapacity: 99), "rule 5")
        #expect(DerivedState.generatorState(row: Self.row(), generator: Self.generator(icu: Self.one - 1)) == R(state: .wip, idleCapacity: 99), "rule 5: pending reduction")
        #expect(DerivedState.generatorState(row: Self.row(), generator: Self.generator(icu: Self.one * 2)) == R(state: .null, idleCapacity: 0), "rule 6: idle > declared")
        #expect(DerivedState.generatorState(row: Self.row(), generator: .zero(F.g1)) == R(state: .noComputeAvailable, idleCapacity: 0), "a row without a generator reads zeros")
        #expect(DerivedState.generatorState(row: Self.row(), generator: Self.generator(declared: .max)) == nil, "panic")
        #expect(DerivedState.generatorState(row: Self.row(.requestedForExit), generator: Self.generator(declared: .max)) != nil, "rule 2 precedes the math")
    }

    /// Work in one market makes the generator WIP in every market (idle capacity is per generator).
    @Test func idleCapacityIsPerGenerator() {
        var c = GeneratorRegistryTransitionTests.joined()
        c.tx(E.market(1, penalty: 10))
        c.tx(E.join(F.g1, 1, cpr: 10, cost: 5, time: 20))
        c.tx(E.ask(0, market: 0, reward: 50, expiry: 5000, time: 30))
        c.tx(E.assign(0, F.g1, penalty: 10, cpr: 10))
        #expect(c.state.getGeneratorState(F.g1, 1) == GeneratorStateReading(state: .wip, idleCapacity: 90))
        #expect(c.state.getGeneratorState(F.g2, 1) == GeneratorStateReading(state: .null, idleCapacity: 0))
    }

    /// The §4.5 `getAskState` table, including both boundaries.
    @Test func askStateTable() {
        var ask = Ask(id: 0, body: AskBody(marketId: 0, reward: 1, expiry: 100, timeTakenForProofGeneration: 10, deadline: 200,
                                           refundAddress: F.refund, proverData: []),
                      storedState: .create, requester: nil, hasPrivateInputs: false, secretData: [], acl: [], extraData: [],
                      secretType: nil, createdInBlock: 1)
        #expect(ask.state(at: 99) == .create)
        #expect(ask.state(at: 100) == .unassigned, "expiry ≤ now")
        ask.storedState = .assigned
        #expect(ask.state(at: 200) == .assigned, "deadline ≥ now")
        #expect(ask.state(at: 201) == .deadlineCrossed)
        ask.storedState = .complete
        #expect(ask.state(at: 0) == .complete && ask.state(at: 10_000) == .complete)
        ask.storedState = .create
        ask.body = nil
        #expect(ask.state(at: 0) == nil, "unknown body")
        #expect(KalypsoState().getAskState(3, now: 0) == nil, "unknown ask")
    }

    /// The seed's AvailableCompute as an exact fraction, and ComputePerProof.
    @Test func availableCompute() throws {
        var c = GeneratorRegistryTransitionTests.joined() // declared 100, cpr 10 in market 0
        c.tx(E.market(1, penalty: 10))
        c.tx(E.join(F.g1, 1, cpr: 30, cost: 5, time: 20))
        c.tx([E.ask(0, market: 0, reward: 50, expiry: 5000, time: 30), E.ask(1, market: 1, reward: 50, expiry: 5000, time: 30)])
        #expect(c.state.availableCompute(of: F.g1) == ComputeFraction.one)
        c.tx(E.assign(0, F.g1, penalty: 10, cpr: 10) + E.assign(1, F.g1, penalty: 10, cpr: 30))
        let available = try #require(c.state.availableCompute(of: F.g1))
        #expect(available == ComputeFraction(60, over: 100) && available == ComputeFraction(3, over: 5))
        #expect(available.scaled1e18 == ContractMath.exponent * 3 / 5)
        let row1 = try #require(c.state.row(F.g1, 1))
        let perProof = try #require(AvailableCompute.computePerProof(row: row1, generator: c.g(F.g1)))
        #expect(perProof == ComputeFraction(3, over: 10))
        #expect(c.state.availableCompute(of: F.g2) == nil)
        // A third of 1 in 1e18 fixed point rounds down.
        #expect(ComputeFraction(1, over: 3)?.scaled1e18 == UInt256(333_333_333_333_333_333))
        let third = try #require(ComputeFraction(1, over: 3))
        let above = try #require(ComputeFraction(333_333_333_333_333_334, over: 1_000_000_000_000_000_000))
        #expect(third < above)
        #expect(ComputeFraction(1, over: 0) == nil)
        #expect(Set([ComputeFraction(1, over: 2), ComputeFraction(2, over: 4)]).count == 1, "hash agrees with ==")
    }

    /// Exact fractions with 256-bit numerators and denominators.
    @Test func fractionsAndMulDivAtFullWidth() throws {
        let big = UInt256.max - 1
        let a = try #require(ComputeFraction(big, over: .max)), b = try #require(ComputeFraction(big - 1, over: big))
        #expect(b < a) // (m−2)/(m−1) < (m−1)/m
        #expect(a.scaled1e18 == ContractMath.exponent - 1)
        #expect(ContractMath.mulDivFloor(.max, .max, .max) == .max)
        #expect(ContractMath.mulDivFloor(.max, 2, 4) == UInt256.max >> 1)
        #expect(ContractMath.mulDivFloor(.max, 2, 1) == nil, "quotient beyond 256 bits")
        #expect(ContractMath.mulDivFloor(5, 5, 0) == nil)
        var rng = SplitMix64(seed: 7)
        for _ in 0..<200 {
            let x = UInt256(rng.next() >> 1), y = UInt256(rng.next() >> 1), z = UInt256(rng.next() | 1)
            #expect(ContractMath.mulDivFloor(x, y, z) == (x * y) / z)
        }
    }
}
