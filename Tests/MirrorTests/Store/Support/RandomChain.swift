import EthereumKit
import JSONRPC
@testable import Kalypso
@testable import Mirror

/// A random chain of Kalypso transactions over a small id space (four generators, a few markets, growing asks),
/// reduced block by block with `KalypsoReducer` into `RangeCommit`s — the change sets the sync layer produces.
/// Event sequences need not be valid: the reducer records issues and goes on, and the store must still mirror exactly
/// what it produced. Keeps the state after every block and can fork (new hashes) from an earlier block.
struct RandomChain {
    var rng: StoreRNG
    private(set) var state = KalypsoState()
    /// The next block to produce.
    private(set) var nextBlock: UInt64
    /// The first block.
    let startBlock: UInt64
    /// Block hashes of the current branch.
    private(set) var hashes: [UInt64: Hash32] = [:]
    /// The state after each block of the current branch (`startBlock - 1` → empty).
    private(set) var states: [UInt64: KalypsoState] = [:]
    private var branch: UInt64 = 0
    private var askCount: UInt64 = 0
    private var marketCount: UInt64 = 0

    static let generators: [Address] = (1...4).map { Address(hi: 0xa0, mid: 0, lo: UInt64($0)) }
    static let registry = Address(hi: 0xc1, mid: 0, lo: 1), marketplace = Address(hi: 0xc1, mid: 0, lo: 2), keyRegistry = Address(hi: 0xc1, mid: 0, lo: 3)

    init(seed: UInt64, startBlock: UInt64 = 100) {
        rng = StoreRNG(seed: seed)
        self.startBlock = startBlock
        nextBlock = startBlock
        states[startBlock - 1] = KalypsoState()
        hashes[startBlock - 1] = hash(of: startBlock - 1)
    }

    private func hash(of block: UInt64) -> Hash32 { Hash32(w0: 0xb10c, w1: branch, w2: block, w3: 0x5eed) }

    /// The hash of a produced block (or of the block before the start).
    func blockHash(_ number: UInt64) -> Hash32 { hashes[number] ?? .zero }

    /// Produces `count` blocks as one range.
    mutating func range(blocks count: Int) -> RangeCommit {
        let from = nextBlock
        var blocks: [BlockRecord] = []
        var logs: [KalypsoLog] = [], raw: [Log] = [], unknown: [UnknownLog] = [], quarantined: [QuarantinedLog] = []
        var checks: [SignatureCheck] = [], issues: [InconsistencyError] = [], changes: [BlockChanges] = []
        for _ in 0..<count {
            let number = nextBlock
            let hash = hash(of: number)
            blocks.append(BlockRecord(number: number, hash: hash, parentHash: hashes[number - 1] ?? .zero))
            hashes[number] = hash
            var blockChanges = ChangeSet()
            var logIndex: UInt64 = 0
            for txIndex in 0..<UInt64(rng.below(4)) {
                let txHash = Hash32(w0: 0x7, w1: branch, w2: number, w3: txIndex)
                let position = { (i: UInt64) in LogPosition(blockNumber: number, blockHash: hash, transactionIndex: txIndex, transactionHash: txHash, logIndex: i) }
                var txLogs: [KalypsoLog] = []
                for (emitter, event) in transaction(clock: UInt256(number)) {
                    let log = KalypsoLog(position: position(logIndex), emitter: emitter, event: event)
                    txLogs.append(log)
                    raw.append(Log(address: address(of: emitter), topics: [event.entry.topic0, rng.hash()], data: rng.bytes(max: 96),
                                   blockNumber: number, blockHash: hash, transactionHash: txHash, transactionIndex: txIndex, logIndex: logIndex))
                    logIndex += 1
                }
                let reduction = KalypsoReducer.apply(TransactionLogs(logs: txLogs, clock: UInt256(number)), to: &state)
                blockChanges = blockChanges.merged(with: reduction.changeSet)
                issues += reduction.issues
                logs += txLogs
                if let first = txLogs.first, rng.chance(40) {
                    checks.append(SignatureCheck(kind: rng.pick(SignatureCheck.Kind.allCases), position: first.position,
                                                 expected: rng.pick(Self.generators), recovered: rng.maybe { $0.pick(Self.generators) },
                                                 matches: rng.chance(70), note: rng.chance(50) ? "" : "contract wallet"))
                }
                if rng.chance(10) {
                    unknown.append(UnknownLog(position: position(logIndex), address: Self.registry, topics: [rng.pick([Hash32(w0: 1, w1: 1, w2: 1, w3: 1), rng.hash()])],
                                              data: rng.bytes(), otherGeneration: rng.chance(50) ? "G1.5 RegisteredGenerator" : nil))
                    logIndex += 1
                }
                if rng.chance(10) {
                    quarantined.append(QuarantinedLog(position: position(logIndex), address: Self.marketplace, topics: [rng.hash()], data: rng.bytes(),
                                                      eventName: rng.chance(50) ? "AskCreated" : nil, error: "data too short at offset 64"))
                    logIndex += 1
                }
            }
            if rng.chance(5) { issues.append(InconsistencyError(.missingEnrichment, .info, "an issue without a log", at: nil)) }
            changes.append(BlockChanges(blockNumber: number, blockHash: hash, changes: blockChanges))
            states[number] = state
            nextBlock += 1
        }
        let to = nextBlock - 1
        return RangeCommit(fromBlock: from, toBlock: to, cursor: Checkpoint(blockNumber: to, blockHash: hash(of: to)), blocks: blocks,
                           logs: logs, unknown: unknown, quarantined: quarantined, signatureChecks: checks, issues: issues,
                           changesByBlock: changes, rawLogs: raw, clock: UInt256(to))
    }

    /// Forgets the blocks above `block` and continues on a new branch (new hashes) from there, like a reorg.
    mutating func fork(at block: UInt64) {
        guard let kept = states[block] else { return }
        state = kept
        for n in (block + 1)..<max(nextBlock, block + 1) {
            states[n] = nil
            hashes[n] = nil
        }
        nextBlock = block + 1
        branch += 1
    }

    private func address(of emitter: KalypsoContract) -> Address {
        switch emitter {
        case .generatorRegistry: Self.registry
        case .proofMarketplace: Self.marketplace
        case .entityKeyRegistry: Self.keyRegistry
        }
    }

    // MARK: Random transactions

    private mutating func small(_ range: ClosedRange<UInt64>) -> UInt256 { UInt256(range.lowerBound + rng.below(range.upperBound - range.lowerBound + 1)) }
    private mutating func anyMarket() -> UInt256 { UInt256(rng.below(marketCount + 1)) }
    private mutating func anyAsk() -> UInt256 { UInt256(rng.below(askCount + 1)) }
    private mutating func generator() -> Address { rng.pick(Self.generators) }

    /// The logs of one random transaction.
    private mutating func transaction(clock: UInt256) -> [(KalypsoContract, KalypsoEvent)] {
        typealias E = KalypsoEvent
        let g = generator()
        switch rng.below(30) {
        case 0, 1:
            let registration: Enrichment<GeneratorRegistration> = rng.chance(90)
                ? .calldata(GeneratorRegistration(rewardAddress: generator(), generatorData: Array(#"{"name":"g"}"#.utf8)))
                : .unavailable("no archive node")
            return [(.generatorRegistry, .registeredGenerator(E.RegisteredGenerator(generator: g, initialCompute: small(40...150), initialStake: small(0...400), registration: registration)))]
        case 2: return [(.generatorRegistry, .deregisteredGenerator(E.DeregisteredGenerator(generator: g)))]
        case 3: return [(.generatorRegistry, .changedGeneratorRewardAddress(E.ChangedGeneratorRewardAddress(generator: g, newRewardAddress: generator())))]
        case 4, 5, 6:
            let terms: Enrichment<MarketplaceJoinTerms> = .calldata(MarketplaceJoinTerms(proofGenerationCost: small(0...12), proposedTime: small(1...18)))
            return [(.generatorRegistry, .joinedMarketplace(E.JoinedMarketplace(generator: g, marketId: anyMarket(), computeAllocation: small(1...15), terms: terms)))]
        case 7: return [(.generatorRegistry, .requestExitMarketplace(E.RequestExitMarketplace(generator: g, marketId: anyMarket())))]
        case 8: return [(.generatorRegistry, .leftMarketplace(E.LeftMarketplace(generator: g, marketId: anyMarket())))]
        case 9: return [(.generatorRegistry, .addedStake(E.AddedStake(generator: g, amount: small(0...50))))]
        case 10: return [(.generatorRegistry, .requestStakeDecrease(E.RequestStakeDecrease(generator: g, intendedUtilization: small(0...1) * ContractMath.exponent / UInt256(2))))]
        case 11: return [(.generatorRegistry, .removedStake(E.RemovedStake(generator: g, amount: small(0...30))))]
        case 12: return [(.generatorRegistry, .increasedCompute(E.IncreasedCompute(generator: g, compute: small(0...40))))]
        case 13: return [(.generatorRegistry, .requestComputeDecrease(E.RequestComputeDecrease(generator: g, intendedUtilization: ContractMath.exponent / UInt256(2))))]
        case 14: return [(.generatorRegistry, .decreaseCompute(E.DecreaseCompute(generator: g, compute: small(0...20))))]
        case 15:
            let id = UInt256(marketCount)
            marketCount += 1
            let data = MarketData(verifier: generator(), proverImageId: rng.chance(50) ? rng.hash() : .zero, slashingPenalty: small(1...80),
                                  activationBlock: clock + UInt256(100), ivsImageId: rng.hash(), creator: g, metadata: rng.bytes(max: 20))
            return [(.proofMarketplace, .marketplaceCreated(E.MarketplaceCreated(marketId: id, market: rng.chance(90) ? .calldata(data) : .unavailable("reverted"))))]
        case 16, 17, 18:
            let id = UInt256(askCount)
            askCount += 1
            let body = AskBody(marketId: anyMarket(), reward: small(0...25), expiry: clock + small(0...300), timeTakenForProofGeneration: small(1...30),
                               deadline: clock + small(0...400), refundAddress: generator(), proverData: rng.bytes(max: 40))
            let details = AskDetails(body: body, requester: generator(), secretType: rng.pick(SecretType.allCases))
            return [(.proofMarketplace, .askCreated(E.AskCreated(askId: id, hasPrivateInputs: rng.chance(30), secretData: rng.bytes(max: 20), acl: [],
                                                                  extraData: rng.bytes(max: 8), variant: rng.chance(70) ? .current : .legacy,
                                                                  details: rng.chance(95) ? .calldata(details) : .unavailable("no calldata"))))]
        case 19, 20, 21:
            let ask = anyAsk()
            return [(.generatorRegistry, .stakeLockImposed(E.StakeLockImposed(generator: g, stake: small(1...80)))),
                    (.generatorRegistry, .computeLockImposed(E.ComputeLockImposed(generator: g, compute: small(1...15)))),
                    (.proofMarketplace, .taskCreated(E.TaskCreated(askId: ask, generator: g, newAcl: rng.bytes(max: 8), deadline: .calldata(clock + small(1...30)))))]
        case 22, 23:
            let ask = anyAsk()
            let ending: KalypsoEvent = switch rng.below(4) {
            case 0: .proofNotGenerated(E.ProofNotGenerated(askId: ask))
            case 1: .invalidInputsDetected(E.InvalidInputsDetected(askId: ask))
            default: .proofCreated(E.ProofCreated(askId: ask, proof: rng.bytes(max: 32)))
            }
            return [(.generatorRegistry, .computeLockReleased(E.ComputeLockReleased(generator: g, compute: small(1...15)))),
                    (.generatorRegistry, .stakeLockReleased(E.StakeLockReleased(generator: g, stake: small(1...80)))),
                    (.proofMarketplace, ending)]
        case 24: return [(.proofMarketplace, .askCancelled(E.AskCancelled(askId: anyAsk())))]
        case 25:
            return rng.chance(70)
                ? [(.entityKeyRegistry, .updateKey(E.UpdateKey(user: g, keyIndex: anyMarket(), key: .calldata(rng.bytes(max: 64).count > 30 ? [UInt8](repeating: 4, count: 64) : [1, 2]))))]
                : [(.entityKeyRegistry, .removeKey(E.RemoveKey(user: g, keyIndex: anyMarket())))]
        case 26:
            let t = rng.pick(SecretType.allCases)
            return rng.chance(50) ? [(.proofMarketplace, .updateCostPerBytes(E.UpdateCostPerBytes(secretType: t, costPerInputBytes: small(0...9))))]
                : [(.proofMarketplace, .updateMinProvingTime(E.UpdateMinProvingTime(secretType: t, newProvingTime: small(0...9))))]
        case 27:
            let image = Hash32(w0: 9, w1: 9, w2: 9, w3: rng.below(3))
            switch rng.below(6) {
            case 0: return [(.entityKeyRegistry, .enclaveImageWhitelisted(E.EnclaveImageWhitelisted(imageId: image, pcr0: [UInt8](repeating: 1, count: 48), pcr1: [UInt8](repeating: 2, count: 48), pcr2: [UInt8](repeating: 3, count: 48))))]
            case 1: return [(.entityKeyRegistry, .enclaveImageRevoked(E.EnclaveImageRevoked(imageId: image)))]
            case 2: return [(.entityKeyRegistry, .enclaveImageAddedToFamily(E.EnclaveImageAddedToFamily(imageId: image, family: Hash32(w0: 0, w1: 0, w2: 0, w3: rng.below(2)))))]
            case 3: return [(.entityKeyRegistry, .imageBlacklisted(E.ImageBlacklisted(imageId: image)))]
            case 4: return [(.entityKeyRegistry, .enclaveKeyVerified(E.EnclaveKeyVerified(enclavePubKeyHash: rng.hash(), imageId: image)))]
            default: return [(.proofMarketplace, .addExtraProverImage(E.AddExtraProverImage(marketId: anyMarket(), imageId: image)))]
            }
        case 28: return [(.generatorRegistry, .addIvsKey(E.AddIvsKey(marketId: anyMarket(), signer: generator())))]
        default:
            let contract = rng.pick(KalypsoContract.allCases)
            switch rng.below(5) {
            case 0: return [(contract, .paused(E.Paused(account: g)))]
            case 1: return [(contract, .unpaused(E.Unpaused(account: g)))]
            case 2: return [(contract, .roleGranted(E.RoleGranted(role: Hash32(w0: 0, w1: 0, w2: 0, w3: rng.below(2)), account: g, sender: generator())))]
            case 3: return [(contract, .upgraded(E.Upgraded(implementation: generator())))]
            default: return [(contract, .initialized(E.Initialized(version: rng.chance(20) ? .max : 1)))]
            }
        }
    }
}
