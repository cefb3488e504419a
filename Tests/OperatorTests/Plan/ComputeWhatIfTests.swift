import EthereumKit
import Kalypso
import Mirror
import Operator
import Testing

@Suite struct ComputeWhatIfTests {
    static let market = MarketData(verifier: .zero, proverImageId: .zero, slashingPenalty: UInt256(5), activationBlock: .zero,
                                   ivsImageId: .zero, creator: .zero, metadata: [])

    static func generator(stake: UInt64, locked: UInt64 = 0, allocated: UInt64 = 0) -> Generator {
        Generator(address: Address(hi: 0, mid: 0, lo: 1), rewardAddress: Address(hi: 0, mid: 0, lo: 2), totalStake: UInt256(stake),
                  sumOfComputeAllocations: UInt256(allocated), computeConsumed: .zero, stakeLocked: UInt256(locked), activeMarketplaces: .zero,
                  declaredCompute: UInt256(8), intendedStakeUtilization: ContractMath.exponent, intendedComputeUtilization: ContractMath.exponent,
                  generatorData: [1], registeredInBlock: 0)
    }

    @Test func fractionAndParallelProofs() {
        let w = ComputeWhatIf.compute(declaredCompute: UInt256(8), computePerProof: UInt256(3), market: Self.market, generator: nil, currentRow: nil)
        #expect(w.parallelByCompute == UInt256(2))
        #expect(w.parallelProofs == UInt256(2))
        #expect(w.parallelByStake == nil)
        #expect(w.percentOfAvailableCompute == "37.50 %")
        #expect(w.fractionOfAvailableCompute == ComputeFraction(UInt256(3), over: UInt256(8)))
        #expect(w.fitsDeclaredCompute)
    }

    @Test func stakeAndTheMarketCapBound() {
        let tiny = ComputeWhatIf.compute(declaredCompute: UInt256(1000), computePerProof: .one, market: Self.market,
                                         generator: Self.generator(stake: 17, locked: 2), currentRow: nil)
        #expect(tiny.parallelByCompute == UInt256(1000))
        #expect(tiny.parallelByStake == UInt256(3))      // ⌊(17 − 2) / 5⌋
        #expect(tiny.parallelProofs == UInt256(3))
        let rich = ComputeWhatIf.compute(declaredCompute: UInt256(1000), computePerProof: .one, market: Self.market,
                                         generator: Self.generator(stake: 10_000), currentRow: nil)
        #expect(rich.parallelProofs == UInt256(101))
        #expect(rich.percentOfAvailableCompute == "0.10 %")
    }

    @Test func otherMarketsCount() {
        let g = Self.generator(stake: 100, allocated: 6)
        let w = ComputeWhatIf.compute(declaredCompute: UInt256(8), computePerProof: UInt256(3), market: Self.market, generator: g, currentRow: nil)
        #expect(!w.fitsDeclaredCompute && w.allocatedElsewhere == UInt256(6))
        // Re-planning a market the generator is in: its own allocation is not "elsewhere".
        let row = GeneratorMarket(generator: g.address, marketId: .zero, state: .joined, computePerRequestRequired: UInt256(2),
                                  proofGenerationCost: .zero, proposedTime: .one, activeRequests: .zero, joinedInBlock: 0)
        let again = ComputeWhatIf.compute(declaredCompute: UInt256(8), computePerProof: UInt256(3), market: Self.market, generator: g, currentRow: row)
        #expect(again.fitsDeclaredCompute && again.allocatedElsewhere == UInt256(4))
    }

    @Test func spreads() {
        // The plan's statistics use the mirror's ValueSpread: an even count's median is the mean of the middle two.
        #expect(ValueSpread([]) == nil)
        let even = ValueSpread([UInt256(5), UInt256(1), UInt256(3), UInt256(9)])
        #expect(even?.min == UInt256(1) && even?.median == UInt256(4) && even?.max == UInt256(9) && even?.count == 4)
        let odd = ValueSpread([UInt256(7), UInt256(2), UInt256(4)])
        #expect(odd?.median == UInt256(4))
    }
}
