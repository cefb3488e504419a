import EthereumKit

/// The whole mirrored G1 state: every entity of §7.1 in dictionaries keyed as the contracts key them.
///
/// A value type: copying it is cheap (copy-on-write dictionaries), so the matching engine can take a working copy
/// and apply tentative assignments to it. The reducer is the only writer in the mirror.
public struct KalypsoState: Hashable, Sendable {
    /// Generators by admin address.
    public var generators: [Address: Generator]
    /// Per-market rows by `(generator, marketId)`.
    public var generatorMarkets: [GeneratorMarketKey: GeneratorMarket]
    /// Markets by id.
    public var markets: [UInt256: Market]
    /// Asks by id.
    public var asks: [UInt256: Ask]
    /// Enclave public keys by `(owner, keyIndex)`.
    public var keys: [KeyID: EnclaveKey]
    /// Pricing by secret type (absent = zeros, as the contract reads it).
    public var pricing: [SecretType: Pricing]
    /// Per-contract flags (absent = not paused, nothing seen).
    public var contracts: [KalypsoContract: ContractFlags]
    /// IVS signers by `(marketId, signer)`.
    public var ivsSigners: [IvsSignerKey: IvsSigner]
    /// Enclave images by image id.
    public var enclaveImages: [Hash32: EnclaveImage]
    /// Verified enclave keys by the hash of the public key.
    public var verifiedEnclaveKeys: [Hash32: VerifiedEnclaveKey]

    /// An empty state (before the deployment block).
    public init() {
        generators = [:]
        generatorMarkets = [:]
        markets = [:]
        asks = [:]
        keys = [:]
        pricing = [:]
        contracts = [:]
        ivsSigners = [:]
        enclaveImages = [:]
        verifiedEnclaveKeys = [:]
    }

    /// The per-market row of `(generator, marketId)`, if any.
    public func row(_ generator: Address, _ marketId: UInt256) -> GeneratorMarket? {
        generatorMarkets[GeneratorMarketKey(generator: generator, marketId: marketId)]
    }

    /// Every per-market row of `generator`, by market id. O(rows); callers that need it often keep an index.
    public func rows(of generator: Address) -> [GeneratorMarket] {
        generatorMarkets.values.filter { $0.generator == generator }.sorted { $0.marketId < $1.marketId }
    }

    /// The pricing of a secret type as the contract reads it (zeros if never set).
    public func pricing(for secretType: SecretType) -> Pricing {
        pricing[secretType] ?? Pricing(secretType: secretType)
    }

    /// The flags of a contract as the mirror knows them (defaults if nothing was seen).
    public func flags(of contract: KalypsoContract) -> ContractFlags {
        contracts[contract] ?? ContractFlags(contract: contract)
    }

    /// The matching-engine key: `pub_key(proofMarketplace, 0)` (§5.1).
    public func matchingEngineKey(proofMarketplace: Address) -> EnclaveKey? {
        keys[KeyID(owner: proofMarketplace, keyIndex: .zero)]
    }

    /// Whether `generator` has a usable (64-byte) key for `marketId`: the off-chain rule for private asks (§3.9).
    public func hasUsableKey(_ generator: Address, forMarket marketId: UInt256) -> Bool {
        keys[KeyID(owner: generator, keyIndex: marketId)]?.isUsable ?? false
    }
}

/// Identifies one mirrored entity: the unit of the change set and of the store's tables.
public enum EntityKey: Hashable, Sendable, CustomStringConvertible {
    case generator(Address)
    case generatorMarket(GeneratorMarketKey)
    case market(UInt256)
    case ask(UInt256)
    case key(KeyID)
    case pricing(SecretType)
    case contract(KalypsoContract)
    case ivsSigner(IvsSignerKey)
    case enclaveImage(Hash32)
    case verifiedEnclaveKey(Hash32)

    public var description: String {
        switch self {
        case .generator(let a): return "generator \(a)"
        case .generatorMarket(let k): return "generator-market \(k)"
        case .market(let id): return "market \(id)"
        case .ask(let id): return "ask \(id)"
        case .key(let k): return "key \(k)"
        case .pricing(let t): return "pricing \(t)"
        case .contract(let c): return "contract \(c.rawValue)"
        case .ivsSigner(let k): return "IVS signer \(k)"
        case .enclaveImage(let h): return "enclave image \(h)"
        case .verifiedEnclaveKey(let h): return "verified enclave key \(h)"
        }
    }
}

/// The value of one mirrored entity. Every value knows its own key.
public enum EntityValue: Hashable, Sendable {
    case generator(Generator)
    case generatorMarket(GeneratorMarket)
    case market(Market)
    case ask(Ask)
    case key(EnclaveKey)
    case pricing(Pricing)
    case contract(ContractFlags)
    case ivsSigner(IvsSigner)
    case enclaveImage(EnclaveImage)
    case verifiedEnclaveKey(VerifiedEnclaveKey)

    /// The key this value is stored under.
    public var key: EntityKey {
        switch self {
        case .generator(let v): return .generator(v.address)
        case .generatorMarket(let v): return .generatorMarket(v.key)
        case .market(let v): return .market(v.id)
        case .ask(let v): return .ask(v.id)
        case .key(let v): return .key(v.id)
        case .pricing(let v): return .pricing(v.secretType)
        case .contract(let v): return .contract(v.contract)
        case .ivsSigner(let v): return .ivsSigner(v.key)
        case .enclaveImage(let v): return .enclaveImage(v.imageId)
        case .verifiedEnclaveKey(let v): return .verifiedEnclaveKey(v.publicKeyHash)
        }
    }
}

extension KalypsoState {
    /// The current value of an entity, nil if it does not exist.
    public func value(for key: EntityKey) -> EntityValue? {
        switch key {
        case .generator(let k): return generators[k].map(EntityValue.generator)
        case .generatorMarket(let k): return generatorMarkets[k].map(EntityValue.generatorMarket)
        case .market(let k): return markets[k].map(EntityValue.market)
        case .ask(let k): return asks[k].map(EntityValue.ask)
        case .key(let k): return keys[k].map(EntityValue.key)
        case .pricing(let k): return pricing[k].map(EntityValue.pricing)
        case .contract(let k): return contracts[k].map(EntityValue.contract)
        case .ivsSigner(let k): return ivsSigners[k].map(EntityValue.ivsSigner)
        case .enclaveImage(let k): return enclaveImages[k].map(EntityValue.enclaveImage)
        case .verifiedEnclaveKey(let k): return verifiedEnclaveKeys[k].map(EntityValue.verifiedEnclaveKey)
        }
    }

    /// Stores `value` under `key`, or deletes the entity when `value` is nil. Callers guarantee that `value?.key == key`
    /// (`EntityChange` validates it); a value of another kind is ignored.
    mutating func set(_ value: EntityValue?, for key: EntityKey) {
        switch (key, value) {
        case (.generator(let k), nil): generators[k] = nil
        case (.generator(let k), .generator(let v)?): generators[k] = v
        case (.generatorMarket(let k), nil): generatorMarkets[k] = nil
        case (.generatorMarket(let k), .generatorMarket(let v)?): generatorMarkets[k] = v
        case (.market(let k), nil): markets[k] = nil
        case (.market(let k), .market(let v)?): markets[k] = v
        case (.ask(let k), nil): asks[k] = nil
        case (.ask(let k), .ask(let v)?): asks[k] = v
        case (.key(let k), nil): keys[k] = nil
        case (.key(let k), .key(let v)?): keys[k] = v
        case (.pricing(let k), nil): pricing[k] = nil
        case (.pricing(let k), .pricing(let v)?): pricing[k] = v
        case (.contract(let k), nil): contracts[k] = nil
        case (.contract(let k), .contract(let v)?): contracts[k] = v
        case (.ivsSigner(let k), nil): ivsSigners[k] = nil
        case (.ivsSigner(let k), .ivsSigner(let v)?): ivsSigners[k] = v
        case (.enclaveImage(let k), nil): enclaveImages[k] = nil
        case (.enclaveImage(let k), .enclaveImage(let v)?): enclaveImages[k] = v
        case (.verifiedEnclaveKey(let k), nil): verifiedEnclaveKeys[k] = nil
        case (.verifiedEnclaveKey(let k), .verifiedEnclaveKey(let v)?): verifiedEnclaveKeys[k] = v
        default: break
        }
    }

    /// The number of entities of every kind, for status output.
    public var entityCount: Int {
        generators.count + generatorMarkets.count + markets.count + asks.count + keys.count + pricing.count
            + contracts.count + ivsSigners.count + enclaveImages.count + verifiedEnclaveKeys.count
    }
}
