import EthereumKit
import JSONRPC
import Kalypso
import Matching
@testable import MatchRunner
import Testing

/// On random synthetic states, with the chain diverging from the mirror between the round and the send (asks
/// assigned elsewhere, generators leaving, prices raised — the mirror does not know), the relayer never sends a
/// transaction the chain reverts, and everything it did not drop lands.
@Suite struct RelayPropertyTests {
    @Test(arguments: 1...12) func noRelayedTransactionReverts(seed: UInt64) async throws {
        var state = try SyntheticMarketplace.state(seed: seed, shape: SyntheticShape(generators: 40, markets: 4, asks: 120))
        let me = Fixture.engineKey.publicKey.x.bigEndianBytes + Fixture.engineKey.publicKey.y.bigEndianBytes
        state.keys[KeyID(owner: Fixture.proofMarketplace, keyIndex: .zero)] = EnclaveKey(owner: Fixture.proofMarketplace, keyIndex: .zero,
                                                                                            publicKey: me, updatedInBlock: 1)
        let now = SyntheticMarketplace.now
        let round = Fixture.engine().round(state: state, now: now)
        #expect(round.assignments.count > 10)
        var chainState = state
        var rng = SplitMix64(seed: seed)
        var diverged = 0
        for a in round.assignments where rng.next() % 5 == 0 {
            diverged += 1
            switch rng.next() % 3 {
            case 0: chainState.asks[a.askId]?.storedState = .complete
            case 1: chainState.generatorMarkets[GeneratorMarketKey(generator: a.generator, marketId: a.marketId)]?.state = .requestedForExit
            default: chainState.generatorMarkets[GeneratorMarketKey(generator: a.generator, marketId: a.marketId)]?.proofGenerationCost = a.reward + 1
            }
        }
        let chain = try FakeChain(state: chainState, clock: now - 1, key: Fixture.relayerKey, matchingEngine: Fixture.engineKey.address,
                                  proofMarketplace: Fixture.proofMarketplace)
        let relayer = try Fixture.relayer(chain, configure: { $0.maxBatchSize = 10 })
        let snapshot = Fixture.snapshot(state, clock: now)
        let outcome = await relayer.relay(round, latest: { snapshot })
        await relayer.waitForReceipts()
        #expect(chain.with { $0.reverted } == 0)
        #expect(outcome.stopReason == nil)
        #expect(outcome.relayed + outcome.droppedBySimulation.count == round.assignments.count)
        #expect(outcome.droppedBySimulation.count >= 1 || diverged == 0)
        let landed = chain.with { w in w.sent.flatMap(\.askIds).filter { w.state.asks[$0]?.storedState == .assigned } }
        #expect(landed.count == outcome.relayed)
    }
}
