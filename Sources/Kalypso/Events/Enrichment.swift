import EthereumKit

/// Where the fields an event lacks came from (§7.3). Recorded with the event so that every mirrored value can be
/// traced to calldata, to a pinned `eth_call`, or to nothing.
public enum EnrichmentSource: Hashable, Sendable, CustomStringConvertible {
    /// Decoded but not enriched yet. The sync layer replaces it before reducing; the reducer treats it like
    /// `unavailable` and records an inconsistency.
    case pending
    /// Decoded from the transaction's calldata (a direct call to the contract with the matching selector), after
    /// cross-checking the calldata arguments against the event's own fields.
    case calldata
    /// Read with `eth_call` pinned to this block hash (EIP-1898, `requireCanonical: true`). Never `latest`.
    /// It sees the state at the **end** of the block (§7.3).
    case pinnedCall(blockHash: Hash32)
    /// Neither source worked (a call through a contract wallet on a node without archive state, for example).
    case unavailable(reason: String)

    public var description: String {
        switch self {
        case .pending: return "pending"
        case .calldata: return "calldata"
        case .pinnedCall(let hash): return "eth_call at \(hash)"
        case .unavailable(let reason): return "unavailable (\(reason))"
        }
    }
}

/// The fields an event lacks, with their source. `payload` is non-nil exactly when the source is `calldata` or
/// `pinnedCall`.
public struct Enrichment<Payload: Hashable & Sendable>: Hashable, Sendable {
    /// Where the payload came from.
    public let source: EnrichmentSource
    /// The missing fields; nil when `source` is `pending` or `unavailable`.
    public let payload: Payload?

    private init(source: EnrichmentSource, payload: Payload?) {
        self.source = source
        self.payload = payload
    }

    /// Not enriched yet (what a decoder produces).
    public static var pending: Enrichment { Enrichment(source: .pending, payload: nil) }
    /// Decoded from calldata.
    public static func calldata(_ payload: Payload) -> Enrichment { Enrichment(source: .calldata, payload: payload) }
    /// Read with an `eth_call` pinned to `blockHash`.
    public static func pinnedCall(_ payload: Payload, blockHash: Hash32) -> Enrichment {
        Enrichment(source: .pinnedCall(blockHash: blockHash), payload: payload)
    }
    /// No source worked; `reason` says why.
    public static func unavailable(_ reason: String) -> Enrichment { Enrichment(source: .unavailable(reason: reason), payload: nil) }
}

/// What `RegisteredGenerator` lacks: `register` args 0 and 3, or `generatorRegistry(g)` fields 0 and 9.
public struct GeneratorRegistration: Hashable, Sendable {
    /// `Generator.rewardAddress`.
    public var rewardAddress: Address
    /// `Generator.generatorData` (free-form bytes, usually UTF-8 JSON).
    public var generatorData: [UInt8]

    public init(rewardAddress: Address, generatorData: [UInt8]) {
        self.rewardAddress = rewardAddress
        self.generatorData = generatorData
    }
}

/// What `JoinedMarketplace` lacks: `joinMarketplace` args 2 and 3, or `generatorInfoPerMarket(g, m)` fields 2 and 3.
public struct MarketplaceJoinTerms: Hashable, Sendable {
    /// `GeneratorInfoPerMarket.proofGenerationCost` (the seed's PricePerProof). May be 0.
    public var proofGenerationCost: UInt256
    /// `GeneratorInfoPerMarket.proposedTime` in G1 clock blocks (the seed's MaxProofTime).
    public var proposedTime: UInt256

    public init(proofGenerationCost: UInt256, proposedTime: UInt256) {
        self.proofGenerationCost = proofGenerationCost
        self.proposedTime = proposedTime
    }
}

/// What `AskCreated` lacks: the `Ask` tuple, the requester and the secret type.
public struct AskDetails: Hashable, Sendable {
    /// The `Ask` struct as stored at creation (`deadline` is the requester's value; assignment overwrites it).
    public var body: AskBody
    /// `msg.sender` of `createAsk` (`tx.from` for a direct call; `listOfAsk(askId).requester` otherwise).
    public var requester: Address
    /// The `secretType` argument of `createAsk`. Not stored on chain, so nil when the details came from `listOfAsk`.
    public var secretType: SecretType?

    public init(body: AskBody, requester: Address, secretType: SecretType?) {
        self.body = body
        self.requester = requester
        self.secretType = secretType
    }
}

/// The read the sync layer must make to enrich an event (§7.3), with the getter's arguments.
public enum EnrichmentNeed: Hashable, Sendable {
    /// `RegisteredGenerator`: `register` calldata, or `generatorRegistry(generator)`.
    case generatorRegistration(generator: Address)
    /// `JoinedMarketplace`: `joinMarketplace` calldata, or `generatorInfoPerMarket(generator, marketId)`.
    case joinTerms(generator: Address, marketId: UInt256)
    /// `MarketplaceCreated`: `marketData(marketId)` (preferred; `activationBlock` needs the EVM clock otherwise).
    case market(marketId: UInt256)
    /// `AskCreated`: `createAsk` calldata (either selector), or `listOfAsk(askId)`.
    case ask(askId: UInt256)
    /// `TaskCreated`: `listOfAsk(askId).ask.deadline` (or the block's G1 clock + `timeTakenForProofGeneration`).
    case taskDeadline(askId: UInt256)
    /// `UpdateKey`: the attestation's public key in calldata, or `pub_key(owner, keyIndex)`.
    case publicKey(owner: Address, keyIndex: UInt256)
}
