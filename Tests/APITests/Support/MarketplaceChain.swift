import EthereumKit
import JSONRPC
import Kalypso
import Mirror

/// A deterministic, mostly valid marketplace history reduced with `KalypsoReducer` into `RangeCommit`s, the way the
/// sync produces them: markets (public, private, one whose data could not be enriched), generators registering,
/// joining, keys, asks created, assigned (with their locks), proved or slashed, cancelled, exits and stake intents,
/// admin signature checks, and now and then an unknown or quarantined log. The clock is the block number.
/// `state` is the in-memory state after the last produced block: what every API answer must agree with.
struct MarketplaceChain {
    private(set) var state = KalypsoState()
    private(set) var nextBlock: UInt64
    /// The last admin signature check recorded for each address (what `/v1/generators/{address}` shows).
    private(set) var lastAdminCheck: [Address: SignatureCheck] = [:]
    /// Every event produced, in chain order (what `/v1/transactions/{hash}/events` shows).
    private(set) var logs: [KalypsoLog] = []
    /// The raw logs committed with ranges produced with `raw: true`, by position.
    private(set) var rawLogs: [LogPosition: Log] = [:]
    /// Every signature check produced, in chain order (what `/v1/signature-checks` lists).
    private(set) var checks: [SignatureCheck] = []
    private var rng: SplitMix64
    private var askCount: UInt64 = 0

    static let generators: [Address] = (1...8).map { Address(hi: 0x6e, mid: 0, lo: UInt64($0)) }
    static let privateImage = Hash32(w0: 0xe1, w1: 0, w2: 0, w3: 1)
    static let registry = Address(hi: 0xc1, mid: 0, lo: 1), marketplace = Address(hi: 0xc1, mid: 0, lo: 2)

    init(seed: UInt64, startBlock: UInt64 = 100) {
        rng = SplitMix64(seed: seed)
        nextBlock = startBlock
    }

    static func blockHash(_ n: UInt64) -> Hash32 { Hash32(w0: 0xb10c, w1: 0, w2: n, w3: 0x5eed) }

    /// The clock of the last produced block.
    var clock: UInt256 { UInt256(nextBlock - 1) }

    /// Produces `count` blocks (each with up to `perBlock` transactions) as one range; with `raw`, each event comes
    /// with a raw log (its topic0, a second topic holding the log index, and two data bytes), as the sync keeps them.
    mutating func range(blocks count: Int, perBlock: Int = 4, raw: Bool = false) -> RangeCommit {
        let from = nextBlock
        var blocks: [BlockRecord] = [], logs: [KalypsoLog] = [], unknown: [UnknownLog] = [], quarantined: [QuarantinedLog] = []
        var checks: [SignatureCheck] = [], issues: [InconsistencyError] = [], changes: [BlockChanges] = []
        for _ in 0..<count {
            let number = nextBlock
            let hash = Self.blockHash(number)
            blocks.append(BlockRecord(number: number, hash: hash, parentHash: Self.blockHash(number - 1)))
            var blockChanges = ChangeSet()
            var logIndex: UInt64 = 0
            let transactions = number == from && state.markets.isEmpty ? 3 : Int(rng.uniform(UInt64(perBlock) + 1))
            for txIndex in 0..<UInt64(transactions) {
                let txHash = Hash32(w0: 0x7, w1: 0, w2: number, w3: txIndex)
                let (sender, events) = transaction(clock: UInt256(number))
                var txLogs: [KalypsoLog] = []
                for (emitter, event) in events {
                    let position = LogPosition(blockNumber: number, blockHash: hash, transactionIndex: txIndex, transactionHash: txHash, logIndex: logIndex)
                    txLogs.append(KalypsoLog(position: position, emitter: emitter, event: event))
                    logIndex += 1
                }
                let reduction = KalypsoReducer.apply(TransactionLogs(logs: txLogs, clock: UInt256(number)), to: &state)
                blockChanges = blockChanges.merged(with: reduction.changeSet)
                issues += reduction.issues
                logs += txLogs
                if let sender, let first = txLogs.first {
                    let matches = rng.uniform(10) > 0
                    let check = SignatureCheck(kind: .admin, position: first.position, expected: sender,
                                               recovered: matches ? sender : Address(hi: 0xbad, mid: 0, lo: 1), matches: matches,
                                               note: matches ? "" : "sender is a contract wallet")
                    checks.append(check)
                    lastAdminCheck[sender] = check
                }
                if rng.uniform(12) == 0 {
                    let position = LogPosition(blockNumber: number, blockHash: hash, transactionIndex: txIndex, transactionHash: txHash, logIndex: logIndex)
                    logIndex += 1
                    if rng.uniform(2) == 0 {
                        unknown.append(UnknownLog(position: position, address: Self.registry, topics: [Hash32(w0: 1, w1: 2, w2: 3, w3: rng.uniform(2))],
                                                  data: [1, 2], otherGeneration: rng.uniform(2) == 0 ? "G1.5 RegisteredGenerator" : nil))
                    } else {
                        quarantined.append(QuarantinedLog(position: position, address: Self.marketplace, topics: [Hash32(w0: 9, w1: 9, w2: 9, w3: 9)],
                                                          data: [7], eventName: "AskCreated", error: "data too short at offset 64"))
                    }
                }
            }
            changes.append(BlockChanges(blockNumber: number, blockHash: hash, changes: blockChanges))
            nextBlock += 1
        }
        let to = nextBlock - 1
        let rangeRaw = raw ? logs.map { log in
            Log(address: log.emitter == .proofMarketplace ? Self.marketplace : Self.registry,
                topics: [log.event.entry.topic0, Hash32(w0: 0, w1: 0, w2: 0, w3: log.position.logIndex)], data: [0xde, UInt8(truncatingIfNeeded: log.position.blockNumber)],
                blockNumber: log.position.blockNumber, blockHash: log.position.blockHash, transactionHash: log.position.transactionHash,
                transactionIndex: log.position.transactionIndex, logIndex: log.position.logIndex)
        } : []
        for (log, r) in zip(logs, rangeRaw) { rawLogs[log.position] = r }
        self.logs += logs
        self.checks += checks
        return RangeCommit(fromBlock: from, toBlock: to, cursor: Checkpoint(blockNumber: to, blockHash: Self.blockHash(to)), blocks: blocks,
                           logs: logs, unknown: unknown, quarantined: quarantined, signatureChecks: checks, issues: issues,
                           changesByBlock: changes, rawLogs: rangeRaw, clock: UInt256(to))
    }

    // MARK: Transactions

    private typealias E = KalypsoEvent
    private typealias Logs = (sender: Address?, events: [(KalypsoContract, KalypsoEvent)])

    private mutating func small(_ range: ClosedRange<UInt64>) -> UInt256 {
        UInt256(range.lowerBound + rng.uniform(range.upperBound - range.lowerBound + 1))
    }

    /// One transaction whose preconditions mostly hold in `state` (the first ones create the markets).
    private mutating func transaction(clock: UInt256) -> Logs {
        if state.markets.count < 3 { return createMarket(clock: clock) }
        let registered = Self.generators.filter { state.generators[$0] != nil }
        if registered.count < 3 || (registered.count < Self.generators.count && rng.uniform(8) == 0) {
            guard let g = Self.generators.first(where: { state.generators[$0] == nil }) else { return createAsk(clock: clock) }
            let registration: Enrichment<GeneratorRegistration> = g == Self.generators[5]
                ? .unavailable("no archive node")
                : .calldata(GeneratorRegistration(rewardAddress: Address(hi: 0x4e, mid: 0, lo: g.lo), generatorData: Array(#"{"name":"gen-\#(g.lo)"}"#.utf8)))
            return (g, [(.generatorRegistry, .registeredGenerator(E.RegisteredGenerator(generator: g, initialCompute: small(60...200),
                                                                                       initialStake: small(200...2000), registration: registration)))])
        }
        switch rng.uniform(12) {
        case 0, 1: return join(registered)
        case 2, 3, 4: return createAsk(clock: clock)
        case 5, 6: return assign(clock: clock)
        case 7, 8: return complete()
        case 9:
            let g = rng.pick(registered)
            return (g, [(.entityKeyRegistry, .updateKey(E.UpdateKey(user: g, keyIndex: .one, key: .calldata(rng.uniform(4) == 0 ? [1, 2] : [UInt8](repeating: UInt8(g.lo), count: 64)))))])
        case 10:
            guard let row = state.generatorMarkets.values.sorted(by: { $0.key < $1.key }).last(where: { $0.state == .joined && $0.activeRequests.isZero }),
                  rng.uniform(3) == 0 else { return createAsk(clock: clock) }
            return (row.generator, [(.generatorRegistry, .requestExitMarketplace(E.RequestExitMarketplace(generator: row.generator, marketId: row.marketId)))])
        default:
            let g = rng.pick(registered)
            return rng.uniform(2) == 0
                ? (g, [(.generatorRegistry, .addedStake(E.AddedStake(generator: g, amount: small(1...100))))])
                : (g, [(.generatorRegistry, .requestStakeDecrease(E.RequestStakeDecrease(generator: g, intendedUtilization: ContractMath.exponent / UInt256(2))))])
        }
    }

    private mutating func createMarket(clock: UInt256) -> Logs {
        let id = UInt256(UInt64(state.markets.count))
        let creator = Address(hi: 0xcc, mid: 0, lo: 1)
        let image = id == .one ? Self.privateImage : .zero
        let data = MarketData(verifier: Address(hi: 0x5e, mid: 0, lo: 1), proverImageId: image, slashingPenalty: small(5...40),
                              activationBlock: clock, ivsImageId: image, creator: creator, metadata: Array("market \(id)".utf8))
        let market: Enrichment<MarketData> = id == UInt256(2) ? .unavailable("reverted") : .calldata(data)
        return (nil, [(.proofMarketplace, .marketplaceCreated(E.MarketplaceCreated(marketId: id, market: market)))])
    }

    private mutating func join(_ registered: [Address]) -> Logs {
        let g = rng.pick(registered)
        let market = UInt256(rng.uniform(2))
        guard state.row(g, market) == nil else { return (g, [(.generatorRegistry, .addedStake(E.AddedStake(generator: g, amount: small(1...50))))]) }
        let terms = MarketplaceJoinTerms(proofGenerationCost: small(1...20), proposedTime: small(20...60))
        return (g, [(.generatorRegistry, .joinedMarketplace(E.JoinedMarketplace(generator: g, marketId: market, computeAllocation: small(5...30), terms: .calldata(terms))))])
    }

    private mutating func createAsk(clock: UInt256) -> Logs {
        let id = UInt256(askCount)
        askCount += 1
        let market = UInt256(rng.uniform(3))
        let body = AskBody(marketId: market, reward: small(10...40), expiry: clock + small(5...120), timeTakenForProofGeneration: small(5...40),
                           deadline: clock + small(100...200), refundAddress: Address(hi: 0x7e, mid: 0, lo: 1), proverData: [0xab, UInt8(askCount & 0xff)])
        let details: Enrichment<AskDetails> = rng.uniform(15) == 0 ? .unavailable("no calldata")
            : .calldata(AskDetails(body: body, requester: Address(hi: 0x7e, mid: 0, lo: 2), secretType: .calldata))
        return (nil, [(.proofMarketplace, .askCreated(E.AskCreated(askId: id, hasPrivateInputs: market == .one, secretData: market == .one ? [5, 5] : [],
                                                                   acl: [], details: details)))])
    }

    private mutating func assign(clock: UInt256) -> Logs {
        let open = state.asks.values.filter { $0.storedState == .create && ($0.body.map { $0.expiry > clock } ?? false) }.sorted { $0.id < $1.id }
        guard let ask = open.first, let market = ask.marketId,
              let row = state.generatorMarkets.values.sorted(by: { $0.key < $1.key }).first(where: { $0.marketId == market && $0.state == .joined }),
              let penalty = state.markets[market]?.data?.slashingPenalty else { return createAsk(clock: clock) }
        let deadline = clock + (ask.body?.timeTakenForProofGeneration ?? .one)
        return (nil, [(.generatorRegistry, .stakeLockImposed(E.StakeLockImposed(generator: row.generator, stake: penalty))),
                      (.generatorRegistry, .computeLockImposed(E.ComputeLockImposed(generator: row.generator, compute: row.computePerRequestRequired))),
                      (.proofMarketplace, .taskCreated(E.TaskCreated(askId: ask.id, generator: row.generator, newAcl: [], deadline: .calldata(deadline))))])
    }

    private mutating func complete() -> Logs {
        let assigned = state.asks.values.filter { $0.storedState == .assigned }.sorted { $0.id < $1.id }
        guard let ask = assigned.first, let g = ask.generator, let market = ask.marketId,
              let row = state.row(g, market), let penalty = state.markets[market]?.data?.slashingPenalty else {
            let created = state.asks.values.filter { $0.storedState == .create }.sorted { $0.id < $1.id }
            guard let stale = created.first else { return (nil, []) }
            return (nil, [(.proofMarketplace, .askCancelled(E.AskCancelled(askId: stale.id)))])
        }
        let ending: KalypsoEvent = rng.uniform(4) == 0 ? .proofNotGenerated(E.ProofNotGenerated(askId: ask.id))
            : .proofCreated(E.ProofCreated(askId: ask.id, proof: [0x9f, UInt8(truncatingIfNeeded: rng.uniform(256))]))
        return (nil, [(.generatorRegistry, .computeLockReleased(E.ComputeLockReleased(generator: g, compute: row.computePerRequestRequired))),
                      (.generatorRegistry, .stakeLockReleased(E.StakeLockReleased(generator: g, stake: penalty))),
                      (.proofMarketplace, ending)])
    }
}

extension SplitMix64 {
    mutating func uniform(_ n: UInt64) -> UInt64 { n == 0 ? 0 : next() % n }
    mutating func pick<T>(_ list: [T]) -> T { list[Int(uniform(UInt64(list.count)))] }
}
