import EthereumKit
import Kalypso
@testable import Matching
import Telemetry

/// Deterministic test values.
enum T {
    /// A distinct non-zero address per `n`; addresses order as `n` does.
    static func address(_ n: UInt64) -> Address { Address(hi: 0xA0, mid: 0, lo: n) }
    /// The clock used by most tests.
    static let now = UInt256(10_000)
    /// `x · 1e18 / 1000`: a utilisation in per mille.
    static func perMille(_ x: UInt64) -> UInt256 { UInt256(x) * UInt256(1_000_000_000_000_000) }
    /// An engine with a silent logger.
    static func engine(_ configuration: MatchingConfiguration = MatchingConfiguration()) -> MatchingEngine {
        MatchingEngine(configuration: configuration, logger: .disabled)
    }
    /// A 64-byte key derived from `n`.
    static func key(_ n: UInt64) -> [UInt8] { (0..<64).map { UInt8(truncatingIfNeeded: n &* 31 &+ UInt64($0)) } }
}

/// Builds `KalypsoState` values directly (not through events), keeping the contract's invariants: per-row active
/// requests add to the generator's `computeConsumed` and `stakeLocked`, rows add to the allocations.
struct StateBuilder {
    var state = KalypsoState()

    @discardableResult
    mutating func market(_ id: UInt64, penalty: UInt64 = 10, isPrivate: Bool = false) -> UInt256 {
        let image = isPrivate ? Hash32(w0: 0xE0, w1: 0, w2: 0, w3: id) : MarketData.noEnclaveId
        let data = MarketData(verifier: T.address(900 + id), proverImageId: image, slashingPenalty: UInt256(penalty),
                              activationBlock: .zero, ivsImageId: Hash32(w0: 1, w1: 0, w2: 0, w3: id),
                              creator: T.address(950 + id), metadata: [1])
        state.markets[UInt256(id)] = Market(id: UInt256(id), data: data, createdInBlock: 1)
        return UInt256(id)
    }

    /// A registered generator with `declared` compute and `stake` (before locks), ICU/ISU in per mille (1000 = none pending).
    @discardableResult
    mutating func generator(_ n: UInt64, declared: UInt64 = 100, stake: UInt64 = 1_000, icu: UInt64 = 1000, isu: UInt64 = 1000) -> Address {
        let a = T.address(n)
        var g = Generator.registered(address: a, rewardAddress: T.address(500 + n), declaredCompute: UInt256(declared),
                                     initialStake: UInt256(stake), generatorData: [1], block: 1)
        g.intendedComputeUtilization = T.perMille(icu)
        g.intendedStakeUtilization = T.perMille(isu)
        if icu != 1000 { g.pendingComputeReduction = PendingIntent(requestedInBlock: 1, executableFromClock: T.now) }
        if isu != 1000 { g.pendingStakeReduction = PendingIntent(requestedInBlock: 1, executableFromClock: T.now) }
        state.generators[a] = g
        return a
    }

    /// Joins generator `g` to `market` with `active` requests already running (their locks are added).
    mutating func join(_ g: Address, _ market: UInt256, cpr: UInt64 = 10, cost: UInt64? = 5, time: UInt64? = 50,
                       active: UInt64 = 0, state rowState: StoredMarketState = .joined) {
        let row = GeneratorMarket(generator: g, marketId: market, state: rowState, computePerRequestRequired: UInt256(cpr),
                                  proofGenerationCost: cost.map { UInt256($0) }, proposedTime: time.map { UInt256($0) },
                                  activeRequests: UInt256(active), joinedInBlock: 1)
        state.generatorMarkets[row.key] = row
        let penalty = state.markets[market]?.data?.slashingPenalty ?? .zero
        state.generators[g]?.sumOfComputeAllocations += UInt256(cpr)
        state.generators[g]?.activeMarketplaces += .one
        state.generators[g]?.computeConsumed += UInt256(cpr * active)
        state.generators[g]?.stakeLocked += penalty * UInt256(active)
        state.generators[g]?.totalStake += penalty * UInt256(active)
    }

    /// A 64-byte key for `(g, market)`; `usable: false` stores an entry without a key (an `UpdateKey` whose key
    /// could not be read), which is "no key" for matching.
    mutating func key(_ g: Address, _ market: UInt256, usable: Bool = true) {
        state.keys[KeyID(owner: g, keyIndex: market)] = EnclaveKey(owner: g, keyIndex: market, publicKey: usable ? T.key(g.lo) : nil,
                                                                   updatedInBlock: 1)
    }

    @discardableResult
    mutating func ask(_ id: UInt64, market: UInt256, reward: UInt64 = 100, expiry: UInt256? = nil, time: UInt64 = 100,
                      privateInputs: Bool? = nil) -> UInt256 {
        let isPrivate = privateInputs ?? (state.markets[market]?.data?.isPrivate ?? false)
        let body = AskBody(marketId: market, reward: UInt256(reward), expiry: expiry ?? (T.now + 1_000), timeTakenForProofGeneration: UInt256(time),
                           deadline: .zero, refundAddress: T.address(700 + id), proverData: [0xAB])
        state.asks[UInt256(id)] = Ask(id: UInt256(id), body: body, storedState: .create, requester: T.address(800 + id),
                                      hasPrivateInputs: isPrivate, secretData: isPrivate ? [1] : [], acl: isPrivate ? [2] : [],
                                      extraData: [], secretType: .calldata, createdInBlock: 1)
        return UInt256(id)
    }
}

/// A test double for the future ECIES re-encryption: a deterministic function of the ask and the key, so tests can
/// check which key was used; fails for the asks it is told to.
struct RecordingReencryptor: AclReencryptor {
    struct Refused: Error, CustomStringConvertible {
        let askId: UInt256
        var description: String { "refused ask \(askId)" }
    }
    var failFor: Set<UInt256> = []

    func reencrypt(ask: Ask, for generator: Address, generatorKey: [UInt8]) throws -> [UInt8] {
        if failFor.contains(ask.id) { throw Refused(askId: ask.id) }
        return Array(Keccak256.hash(ask.id.bigEndianBytes + generator.bytes + generatorKey).bytes.prefix(8))
    }
}

extension MatchingRound {
    /// The assigned generator per ask id.
    var assignedTo: [UInt256: Address] {
        Dictionary(uniqueKeysWithValues: assignments.map { ($0.askId, $0.generator) })
    }
}
