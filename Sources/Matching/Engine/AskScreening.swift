import EthereumKit
import Kalypso

/// The fields of an ask that matching reads (a small value: an `Ask` holds arrays and is costly to copy).
struct AskEntry {
    let id: UInt256
    /// False when the body is unknown (`AskCreated` not enriched); the numbers below are then 0.
    let bodyKnown: Bool
    let marketId: UInt256
    let reward: UInt256
    let expiry: UInt256
    let time: UInt256
    let hasPrivateInputs: Bool

    init(_ ask: Ask) {
        id = ask.id
        bodyKnown = ask.body != nil
        marketId = ask.body?.marketId ?? .zero
        reward = ask.body?.reward ?? .zero
        expiry = ask.body?.expiry ?? .zero
        time = ask.body?.timeTakenForProofGeneration ?? .zero
        hasPrivateInputs = ask.hasPrivateInputs
    }
}

/// The asks a round decides on, in the policy's order.
struct AskQueue {
    /// The open asks (stored `CREATE`, `expiry > now`) by highest reward, then earliest expiry, then lowest id; then
    /// the asks in stored `CREATE` whose body is unknown, by id (they are skipped).
    let ordered: [AskEntry]
    /// Asks in stored `CREATE` whose expiry has passed (`UNASSIGNED`): not decided on, only counted.
    let expired: Int

    init(state: KalypsoState, now: UInt256) {
        var open: [AskEntry] = []
        var unknown: [AskEntry] = []
        var expired = 0
        let asks = state.asks.values
        var i = asks.startIndex
        while i != asks.endIndex {
            // Read in place through the index: iterating the values would copy every ask.
            if asks[i].storedState == .create {
                let entry = AskEntry(asks[i])
                if !entry.bodyKnown {
                    unknown.append(entry)
                } else if entry.expiry > now {
                    open.append(entry)
                } else {
                    expired += 1
                }
            }
            asks.formIndex(after: &i)
        }
        var order = Array(0..<Int32(open.count))
        order.sort { x, y in
            let (a, b) = (open[Int(x)], open[Int(y)])
            if a.reward != b.reward { return a.reward > b.reward }
            if a.expiry != b.expiry { return a.expiry < b.expiry }
            return a.id < b.id
        }
        unknown.sort { $0.id < $1.id }
        ordered = order.map { open[Int($0)] } + unknown
        self.expired = expired
    }
}

/// A value, or the reason there is none (`Result` without the `Error` requirement).
enum Outcome<Value, Reason> {
    case accepted(Value)
    case rejected(Reason)
}

/// What an ask that passed the ask-level rules needs for matching.
struct AskTerms {
    let ask: AskEntry
    let penalty: UInt256
    /// Private inputs: a generator key is required and the ACL must be re-encrypted.
    let isPrivate: Bool
}

/// What the ask-level rules read of a market.
struct MarketTerms {
    let penalty: UInt256
    /// The prover image is an enclave image.
    let isPrivate: Bool

    init(penalty: UInt256, isPrivate: Bool) {
        self.penalty = penalty
        self.isPrivate = isPrivate
    }

    /// The terms of a mirrored market, nil if its data is unknown.
    init?(_ market: Market?) {
        guard let data = market?.data else { return nil }
        self.init(penalty: data.slashingPenalty, isPrivate: data.isPrivate)
    }
}

/// The ask-level rules of a round, checked before any generator is looked at (shared by the engine, the oracle and
/// `explain`, in this order): body known; `expiry > now + expirySafetyMargin`; market and penalty known;
/// `now + timeTakenForProofGeneration` fits 256 bits; private inputs only in a private market; a re-encryptor for
/// private asks, ready for `state`.
enum AskScreening {
    /// `market` is the ask's market (nil if unknown).
    static func screen(_ ask: AskEntry, market: MarketTerms?, now: UInt256, state: KalypsoState,
                       configuration: MatchingConfiguration) -> Outcome<AskTerms, SkipReason> {
        guard ask.bodyKnown else { return .rejected(.bodyUnknown) }
        guard let horizon = now.adding(configuration.expirySafetyMargin), ask.expiry > horizon else {
            return .rejected(.expiresWithinSafetyMargin(expiry: ask.expiry))
        }
        guard let market else { return .rejected(.marketUnknown) }
        guard now.adding(ask.time) != nil else { return .rejected(.deadlineOverflow) }
        if ask.hasPrivateInputs && !market.isPrivate { return .rejected(.privateInputsInPublicMarket) }
        let isPrivate = market.isPrivate
        if isPrivate {
            guard let reencryptor = configuration.aclReencryptor else { return .rejected(.privateAclReencryptionNotImplemented) }
            if let reason = reencryptor.unavailability(in: state) { return .rejected(.aclReencryptorUnavailable(reason: reason)) }
        }
        return .accepted(AskTerms(ask: ask, penalty: market.penalty, isPrivate: isPrivate))
    }

    /// Re-encrypts a private ask's ACL for `generator`, or says why not. Public asks get an empty `new_acl`.
    static func newAcl(terms: AskTerms, generator: Address, state: KalypsoState,
                       configuration: MatchingConfiguration) -> Outcome<[UInt8], SkipReason> {
        guard terms.isPrivate else { return .accepted([]) }
        guard let reencryptor = configuration.aclReencryptor else { return .rejected(.privateAclReencryptionNotImplemented) }
        let marketId = terms.ask.marketId
        guard let key = state.keys[KeyID(owner: generator, keyIndex: marketId)]?.publicKey, key.count == 64,
              let ask = state.asks[terms.ask.id] else {
            return .rejected(.aclReencryptionFailed(generator: generator, message: "no 64-byte key for market \(marketId)"))
        }
        do {
            return .accepted(try reencryptor.reencrypt(ask: ask, for: generator, generatorKey: key))
        } catch {
            return .rejected(.aclReencryptionFailed(generator: generator, message: "\(error)"))
        }
    }

    /// The assignment record for the ask to the generator of `row`.
    static func assignment(terms: AskTerms, row: GeneratorMarket, newAcl: [UInt8]) -> Assignment {
        Assignment(askId: terms.ask.id, marketId: terms.ask.marketId, generator: row.generator, reward: terms.ask.reward,
                   proofGenerationCost: row.proofGenerationCost ?? .zero, proposedTime: row.proposedTime ?? .zero,
                   timeTakenForProofGeneration: terms.ask.time, computePerRequestRequired: row.computePerRequestRequired,
                   stakeToLock: terms.penalty, isPrivate: terms.isPrivate, newAcl: newAcl)
    }
}

/// The generator ranking of the policy: lowest `proofGenerationCost`, then shortest `proposedTime`, then most idle
/// compute (`idleCapacity`), then lowest address.
enum GeneratorRanking {
    /// Whether candidate `a` ranks before candidate `b`.
    static func precedes(_ a: (cost: UInt256, time: UInt256, idle: UInt256, address: Address),
                         _ b: (cost: UInt256, time: UInt256, idle: UInt256, address: Address)) -> Bool {
        if a.cost != b.cost { return a.cost < b.cost }
        if a.time != b.time { return a.time < b.time }
        if a.idle != b.idle { return a.idle > b.idle }
        return a.address < b.address
    }
}
