import EthereumKit
import Kalypso
import Matching
import Mirror
@testable import MatchRunner
import Operator
import Synchronization
import Telemetry

/// Deterministic keys, addresses and small states for the relayer tests.
enum Fixture {
    static let proofMarketplace = Address(hi: 0xFEED, mid: 0, lo: 1)
    static let clock = UInt256(1_000)

    static func key(_ n: UInt8) -> PrivateKey {
        // 32 bytes, non-zero and below the curve order.
        (try? PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [n])) ?? { preconditionFailure("test key") }()
    }

    /// The verified matching-engine key.
    static let engineKey = key(7)
    /// A relayer account.
    static let relayerKey = key(9)

    static func generator(_ n: UInt64) -> Address { Address(hi: 0xA0, mid: 0, lo: n) }

    /// `markets` public markets (penalty 10); `generators` generators each joined to every market (price `n`,
    /// time 50, 10 compute per request, declared `compute`, stake 1000); `asks` asks round-robin over the markets
    /// (reward 100, time 100, expiry clock + 500); the ME key verified for the ProofMarketplace.
    static func state(markets: Int = 2, generators: Int = 3, compute: UInt64 = 100, asks: Int = 10) -> KalypsoState {
        var s = KalypsoState()
        for m in 0..<markets {
            let id = UInt256(UInt64(m))
            s.markets[id] = Market(id: id, data: MarketData(verifier: generator(900), proverImageId: MarketData.noEnclaveId, slashingPenalty: 10,
                                                          activationBlock: .zero, ivsImageId: Hash32(w0: 1, w1: 0, w2: 0, w3: UInt64(m)),
                                                          creator: generator(950), metadata: [1]), createdInBlock: 1)
        }
        for n in 1...UInt64(generators) {
            let a = generator(n)
            var g = Generator.registered(address: a, rewardAddress: a, declaredCompute: UInt256(compute), initialStake: 1_000, generatorData: [1], block: 1)
            for m in 0..<markets {
                let row = GeneratorMarket(generator: a, marketId: UInt256(UInt64(m)), state: .joined, computePerRequestRequired: 10,
                                          proofGenerationCost: UInt256(n), proposedTime: 50, activeRequests: .zero, joinedInBlock: 1)
                s.generatorMarkets[row.key] = row
                g.sumOfComputeAllocations += 10
                g.activeMarketplaces += .one
            }
            s.generators[a] = g
        }
        for k in 0..<asks { addAsk(&s, UInt64(k), market: UInt256(UInt64(k % markets))) }
        let me = engineKey.publicKey.x.bigEndianBytes + engineKey.publicKey.y.bigEndianBytes
        s.keys[KeyID(owner: proofMarketplace, keyIndex: .zero)] = EnclaveKey(owner: proofMarketplace, keyIndex: .zero, publicKey: me, updatedInBlock: 1)
        return s
    }

    static func addAsk(_ s: inout KalypsoState, _ id: UInt64, market: UInt256, reward: UInt64 = 100) {
        let body = AskBody(marketId: market, reward: UInt256(reward), expiry: clock + 500, timeTakenForProofGeneration: 100, deadline: .zero,
                           refundAddress: generator(700), proverData: [0xAB])
        s.asks[UInt256(id)] = Ask(id: UInt256(id), body: body, storedState: .create, requester: generator(800), hasPrivateInputs: false,
                                  secretData: [], acl: [], extraData: [], secretType: .calldata, createdInBlock: 1)
    }

    static func snapshot(_ state: KalypsoState, clock: UInt256 = Fixture.clock, block: UInt64 = 1_000) -> MatchSnapshot {
        MatchSnapshot(state: state, clock: clock, cursor: Checkpoint(blockNumber: block, blockHash: Hash32(w0: 0, w1: 0, w2: 0, w3: block)), head: block)
    }

    static func engine(_ configuration: MatchingConfiguration = MatchingConfiguration()) -> MatchingEngine {
        MatchingEngine(configuration: configuration, logger: .disabled)
    }

    static func chain(_ state: KalypsoState, sender: PrivateKey = relayerKey) throws -> FakeChain {
        try FakeChain(state: state, clock: clock, key: sender, matchingEngine: engineKey.address, proofMarketplace: proofMarketplace)
    }

    static func relayer(_ chain: FakeChain?, mode: RelayConfiguration.Mode = .send, entry: RelayEntryPoint = .relayBatch(matchingEngineKey: engineKey),
                        configure: (inout RelayConfiguration) -> Void = { _ in }, metrics: MetricsRegistry? = nil,
                        events: EventLog? = nil) throws -> Relayer {
        var c = RelayConfiguration(mode: mode, maxBatchSize: 4)
        configure(&c)
        let calls = try RelayCalls(proofMarketplace: proofMarketplace, entryPoint: entry, abis: try OperatorABIs.embedded())
        return try Relayer(chain: chain, calls: calls, configuration: c, logger: .disabled, metrics: metrics, onEvent: { e in events?.append(e) })
    }
}

/// Collects events from `@Sendable` callbacks.
final class EventLog: Sendable {
    private let events = Mutex<[MatchEvent]>([])
    func append(_ e: MatchEvent) { events.withLock { $0.append(e) } }
    var all: [MatchEvent] { events.withLock { $0 } }
}
