import EthereumKit
import Kalypso

/// Source B of §7.3: a getter called with `eth_call` pinned to the log's block hash. It returns the state at the
/// **end** of that block.
enum PinnedRead: Sendable, Hashable {
    /// `generatorRegistry(g)`: fields 0 (`rewardAddress`) and 9 (`generatorData`).
    case generatorRegistry(Address)
    /// `generatorInfoPerMarket(g, m)`: fields 2 (`proofGenerationCost`) and 3 (`proposedTime`).
    case generatorInfoPerMarket(Address, UInt256)
    /// `marketData(m)`: the 7 `Market` fields.
    case marketData(UInt256)
    /// `listOfAsk(a)`: the `Ask`, the stored state, the requester and the generator.
    case listOfAsk(UInt256)
    /// `pub_key(user, keyIndex)`: the 64-byte key.
    case pubKey(Address, UInt256)

    /// The read that fills `event`, if it needs one.
    init?(for event: KalypsoEvent) {
        switch event.enrichmentNeed {
        case .generatorRegistration(let g)?: self = .generatorRegistry(g)
        case .joinTerms(let g, let m)?: self = .generatorInfoPerMarket(g, m)
        case .market(let m)?: self = .marketData(m)
        case .ask(let a)?, .taskDeadline(let a)?: self = .listOfAsk(a)
        case .publicKey(let owner, let index)?: self = .pubKey(owner, index)
        case nil: return nil
        }
    }

    /// The call, pinned to `blockHash`.
    func call(_ f: KalypsoFunctions, _ deployment: KalypsoDeployment, blockHash: Hash32) throws -> PinnedCall {
        switch self {
        case .generatorRegistry(let g):
            return PinnedCall(to: deployment.generatorRegistry, data: try f.generatorRegistry.encodeCall([.address(g)]), blockHash: blockHash)
        case .generatorInfoPerMarket(let g, let m):
            return PinnedCall(to: deployment.generatorRegistry, data: try f.generatorInfoPerMarket.encodeCall([.address(g), .uint(m)]), blockHash: blockHash)
        case .marketData(let m):
            return PinnedCall(to: deployment.proofMarketplace, data: try f.marketData.encodeCall([.uint(m)]), blockHash: blockHash)
        case .listOfAsk(let a):
            return PinnedCall(to: deployment.proofMarketplace, data: try f.listOfAsk.encodeCall([.uint(a)]), blockHash: blockHash)
        case .pubKey(let owner, let index):
            return PinnedCall(to: deployment.entityKeyRegistry, data: try f.pubKey.encodeCall([.address(owner), .uint(index)]), blockHash: blockHash)
        }
    }

    /// The getter's name with its arguments, for messages.
    var text: String {
        switch self {
        case .generatorRegistry(let g): "generatorRegistry(\(g))"
        case .generatorInfoPerMarket(let g, let m): "generatorInfoPerMarket(\(g), \(m))"
        case .marketData(let m): "marketData(\(m))"
        case .listOfAsk(let a): "listOfAsk(\(a))"
        case .pubKey(let owner, let index): "pub_key(\(owner), \(index))"
        }
    }
}

/// What one pinned read did to an event: filled it, or marked it unavailable; optionally with an issue to record.
struct PinnedOutcome: Sendable {
    var event: KalypsoEvent
    var available: Bool
    var issue: InconsistencyError?
}

/// Decodes pinned getter results into enrichments, cross-checking them against the event where the end-of-block
/// state can contradict it (a later transaction of the same block changed the row).
struct PinnedDecoder: Sendable {
    let functions: KalypsoFunctions

    /// Applies the return data of `read` (called at `position.blockHash`) to `event`.
    func apply(_ output: [UInt8], of read: PinnedRead, to event: KalypsoEvent, at position: LogPosition) -> PinnedOutcome {
        let hash = position.blockHash
        let block = "at the end of block \(position.blockNumber)"
        do {
            switch event {
            case .registeredGenerator(var e):
                let v = try functions.generatorRegistry.decodeOutput(output)
                guard v.count == 10, let reward = v[0].addressValue, let data = v[9].bytesValue else { throw shape(read) }
                guard !reward.isZero, !data.isEmpty else {
                    e.registration = .unavailable("\(read.text) reads an unregistered generator \(block): it deregistered later in the same block; the DeregisteredGenerator that follows removes it")
                    return PinnedOutcome(event: .registeredGenerator(e), available: false, issue: nil)
                }
                e.registration = .pinnedCall(GeneratorRegistration(rewardAddress: reward, generatorData: data), blockHash: hash)
                return PinnedOutcome(event: .registeredGenerator(e), available: true, issue: nil)
            case .joinedMarketplace(var e):
                let v = try functions.generatorInfoPerMarket.decodeOutput(output)
                guard v.count == 5, let state = v[0].uintValue, let compute = v[1].uintValue, let cost = v[2].uintValue,
                      let time = v[3].uintValue else { throw shape(read) }
                guard !state.isZero, compute == e.computeAllocation else {
                    e.terms = .unavailable("\(read.text) \(block) is not this join (state \(state), computePerRequestRequired \(compute) vs the event's \(e.computeAllocation)): a later transaction of the same block left (and maybe re-joined) the market; its events follow")
                    return PinnedOutcome(event: .joinedMarketplace(e), available: false, issue: nil)
                }
                e.terms = .pinnedCall(MarketplaceJoinTerms(proofGenerationCost: cost, proposedTime: time), blockHash: hash)
                return PinnedOutcome(event: .joinedMarketplace(e), available: true, issue: nil)
            case .marketplaceCreated(var e):
                let v = try functions.marketData.decodeOutput(output)
                guard v.count == 7, let verifier = v[0].addressValue, let prover = v[1].hash32Value, let penalty = v[2].uintValue,
                      let activation = v[3].uintValue, let ivs = v[4].hash32Value, let creator = v[5].addressValue,
                      let metadata = v[6].bytesValue else { throw shape(read) }
                guard !verifier.isZero else {
                    e.market = .unavailable("\(read.text) reads an empty market \(block)")
                    return PinnedOutcome(event: .marketplaceCreated(e), available: false, issue: nil)
                }
                e.market = .pinnedCall(MarketData(verifier: verifier, proverImageId: prover, slashingPenalty: penalty, activationBlock: activation,
                                                  ivsImageId: ivs, creator: creator, metadata: metadata), blockHash: hash)
                return PinnedOutcome(event: .marketplaceCreated(e), available: true, issue: nil)
            case .askCreated(var e):
                let (body, state, requester, _) = try askWithState(output, read)
                e.details = .pinnedCall(AskDetails(body: body, requester: requester, secretType: nil), blockHash: hash)
                var issue: InconsistencyError?
                if state != AskStoredState.create {
                    issue = InconsistencyError(.enrichmentMismatch, .info, "ask \(e.askId): \(read.text) \(block) is already assigned or complete (stored state \(state)), so its deadline is the assignment's, not the requester's; the TaskCreated that follows sets it anyway. createAsk calldata (a direct call) would have been exact.", at: position)
                }
                return PinnedOutcome(event: .askCreated(e), available: true, issue: issue)
            case .taskCreated(var e):
                let (body, state, _, generator) = try askWithState(output, read)
                guard generator == e.generator, state == AskStoredState.assigned || state == AskStoredState.complete else {
                    e.deadline = .unavailable("\(read.text) \(block) names generator \(generator) in stored state \(state), not the assignment to \(e.generator) of this TaskCreated")
                    return PinnedOutcome(event: .taskCreated(e), available: false, issue: nil)
                }
                e.deadline = .pinnedCall(body.deadline, blockHash: hash)
                return PinnedOutcome(event: .taskCreated(e), available: true, issue: nil)
            case .updateKey(var e):
                let v = try functions.pubKey.decodeOutput(output)
                guard v.count == 1, let key = v[0].bytesValue else { throw shape(read) }
                // An empty or odd-sized key is passed on: the reducer stores it as unknown and explains why.
                e.key = .pinnedCall(key, blockHash: hash)
                return PinnedOutcome(event: .updateKey(e), available: true, issue: nil)
            default:
                return PinnedOutcome(event: event, available: true, issue: nil)
            }
        } catch {
            return PinnedOutcome(event: Self.unavailable(event, "\(read.text) pinned to block \(position.blockNumber) (\(hash)) returned data that does not decode: \(error)"),
                                 available: false, issue: nil)
        }
    }

    private func askWithState(_ output: [UInt8], _ read: PinnedRead) throws -> (AskBody, UInt256, Address, Address) {
        let v = try functions.listOfAsk.decodeOutput(output)
        guard v.count == 4, let body = CalldataEnricher.askBody(v[0]), let state = v[1].uintValue, let requester = v[2].addressValue,
              let generator = v[3].addressValue else { throw shape(read) }
        return (body, state, requester, generator)
    }

    private func shape(_ read: PinnedRead) -> CalldataProblem {
        CalldataProblem("\(read.text) returned values of another shape than the embedded ABI declares")
    }

    /// `event` with its enrichment marked unavailable for `reason`.
    static func unavailable(_ event: KalypsoEvent, _ reason: String) -> KalypsoEvent {
        switch event {
        case .registeredGenerator(var e): e.registration = .unavailable(reason); return .registeredGenerator(e)
        case .joinedMarketplace(var e): e.terms = .unavailable(reason); return .joinedMarketplace(e)
        case .marketplaceCreated(var e): e.market = .unavailable(reason); return .marketplaceCreated(e)
        case .askCreated(var e): e.details = .unavailable(reason); return .askCreated(e)
        case .taskCreated(var e): e.deadline = .unavailable(reason); return .taskCreated(e)
        case .updateKey(var e): e.key = .unavailable(reason); return .updateKey(e)
        default: return event
        }
    }
}

/// The stored `AskState` values that `listOfAsk` can return (§4.2): `CREATE`, `ASSIGNED`, `COMPLETE`.
enum AskStoredState {
    static let create = UInt256(1)
    static let assigned = UInt256(3)
    static let complete = UInt256(4)
}
