import EthereumKit

/// Reads an event's parameters one by one in **declaration order** (indexed ones from the topics and the others
/// from the data, interleaved as declared). An ABI decoder adapts its value list to this protocol; each typed event
/// reads exactly its own parameters with it.
///
/// Integer enums (`SecretType`) and small integers (`uint8`, `uint64`) are read with `uint()`; the event checks their
/// range. An indexed `bytes` parameter is a 32-byte hash in the log and is read with `bytes32()`.
///
/// The adapter for an ABI decoder that yields `[ABIValue]` in declaration order is a cursor:
/// ```swift
/// struct ABIValueReader: EventFieldReader {
///     var values: [ABIValue], index = 0
///     mutating func next() throws -> ABIValue { /* bounds check */ defer { index += 1 }; return values[index] }
///     mutating func uint() throws -> UInt256 { guard case .uint(let v) = try next() else { throw … }; return v }
///     mutating func address() throws -> Address { guard case .address(let v) = try next() else { throw … }; return v }
///     mutating func bool() throws -> Bool { guard case .bool(let v) = try next() else { throw … }; return v }
///     mutating func bytes32() throws -> Hash32 { guard case .fixedBytes(let b) = try next(), b.count == 32 else { throw … }
///                                                return try Hash32(bytes: b) }
///     mutating func bytes() throws -> [UInt8] { guard case .bytes(let v) = try next() else { throw … }; return v }
/// }
/// var reader = ABIValueReader(values: decoded)
/// let event = try KalypsoEvent.decode(topic0: log.topics[0], fields: &reader) // nil: unknown topic0
/// ```
public protocol EventFieldReader {
    /// The next `uintN` parameter.
    mutating func uint() throws -> UInt256
    /// The next `address` parameter.
    mutating func address() throws -> Address
    /// The next `bool` parameter.
    mutating func bool() throws -> Bool
    /// The next `bytes32` parameter (or the hash of an indexed dynamic parameter).
    mutating func bytes32() throws -> Hash32
    /// The next `bytes` parameter.
    mutating func bytes() throws -> [UInt8]
}

/// A decoded log whose values do not fit the typed event (e.g. a `SecretType` of 7). The log is quarantined.
public struct EventDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case valueOutOfRange = "value out of range"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// A value is outside the range of its declared type or enum.
        public static let valueOutOfRange = Code(.valueOutOfRange)
        public var description: String { base.rawValue }
    }
    /// The kind of failure.
    public let code: Code
    /// The event, the field, the value, and what to do.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// Every event a G1 mirror handles: the 42 G1 events of the three contracts (both `AskCreated` variants share a
/// case) and the inherited OpenZeppelin events. Each case carries the typed event struct of the same name.
public enum KalypsoEvent: Hashable, Sendable {
    // GeneratorRegistry
    case registeredGenerator(RegisteredGenerator)
    case deregisteredGenerator(DeregisteredGenerator)
    case changedGeneratorRewardAddress(ChangedGeneratorRewardAddress)
    case joinedMarketplace(JoinedMarketplace)
    case requestExitMarketplace(RequestExitMarketplace)
    case leftMarketplace(LeftMarketplace)
    case addIvsKey(AddIvsKey)
    case addedStake(AddedStake)
    case requestStakeDecrease(RequestStakeDecrease)
    case removedStake(RemovedStake)
    case increasedCompute(IncreasedCompute)
    case requestComputeDecrease(RequestComputeDecrease)
    case decreaseCompute(DecreaseCompute)
    case stakeLockImposed(StakeLockImposed)
    case computeLockImposed(ComputeLockImposed)
    case stakeLockReleased(StakeLockReleased)
    case computeLockReleased(ComputeLockReleased)
    case stakeSlashed(StakeSlashed)
    // ProofMarketplace
    case askCreated(AskCreated)
    case taskCreated(TaskCreated)
    case proofCreated(ProofCreated)
    case proofNotGenerated(ProofNotGenerated)
    case invalidInputsDetected(InvalidInputsDetected)
    case marketplaceCreated(MarketplaceCreated)
    case askCancelled(AskCancelled)
    case updateCostPerBytes(UpdateCostPerBytes)
    case updateMinProvingTime(UpdateMinProvingTime)
    case addExtraProverImage(AddExtraProverImage)
    case addExtraIVSImage(AddExtraIVSImage)
    case removeExtraProverImage(RemoveExtraProverImage)
    case removeExtraIVSImage(RemoveExtraIVSImage)
    // EntityKeyRegistry
    case updateKey(UpdateKey)
    case removeKey(RemoveKey)
    case imageBlacklisted(ImageBlacklisted)
    case enclaveImageWhitelisted(EnclaveImageWhitelisted)
    case enclaveImageRevoked(EnclaveImageRevoked)
    case enclaveImageAddedToFamily(EnclaveImageAddedToFamily)
    case enclaveImageRemovedFromFamily(EnclaveImageRemovedFromFamily)
    case enclaveKeyWhitelisted(EnclaveKeyWhitelisted)
    case enclaveKeyRevoked(EnclaveKeyRevoked)
    case enclaveKeyVerified(EnclaveKeyVerified)
    // Inherited (OpenZeppelin)
    case initialized(Initialized)
    case upgraded(Upgraded)
    case roleGranted(RoleGranted)
    case roleRevoked(RoleRevoked)
    case roleAdminChanged(RoleAdminChanged)
    case paused(Paused)
    case unpaused(Unpaused)

    /// Decodes the parameters of the event with this topic0; nil if the topic0 is not a handled G1 or inherited event
    /// (count it; alert if `KalypsoTopics.otherGeneration(topic0)` knows it).
    public static func decode(topic0: Hash32, fields r: inout some EventFieldReader) throws -> KalypsoEvent? {
        typealias T = KalypsoTopics
        switch topic0 {
        case T.registeredGenerator.topic0: return .registeredGenerator(try .init(fields: &r))
        case T.deregisteredGenerator.topic0: return .deregisteredGenerator(try .init(fields: &r))
        case T.changedGeneratorRewardAddress.topic0: return .changedGeneratorRewardAddress(try .init(fields: &r))
        case T.joinedMarketplace.topic0: return .joinedMarketplace(try .init(fields: &r))
        case T.requestExitMarketplace.topic0: return .requestExitMarketplace(try .init(fields: &r))
        case T.leftMarketplace.topic0: return .leftMarketplace(try .init(fields: &r))
        case T.addIvsKey.topic0: return .addIvsKey(try .init(fields: &r))
        case T.addedStake.topic0: return .addedStake(try .init(fields: &r))
        case T.requestStakeDecrease.topic0: return .requestStakeDecrease(try .init(fields: &r))
        case T.removedStake.topic0: return .removedStake(try .init(fields: &r))
        case T.increasedCompute.topic0: return .increasedCompute(try .init(fields: &r))
        case T.requestComputeDecrease.topic0: return .requestComputeDecrease(try .init(fields: &r))
        case T.decreaseCompute.topic0: return .decreaseCompute(try .init(fields: &r))
        case T.stakeLockImposed.topic0: return .stakeLockImposed(try .init(fields: &r))
        case T.computeLockImposed.topic0: return .computeLockImposed(try .init(fields: &r))
        case T.stakeLockReleased.topic0: return .stakeLockReleased(try .init(fields: &r))
        case T.computeLockReleased.topic0: return .computeLockReleased(try .init(fields: &r))
        case T.stakeSlashed.topic0: return .stakeSlashed(try .init(fields: &r))
        case T.askCreated.topic0: return .askCreated(try .init(variant: .current, fields: &r))
        case T.askCreatedLegacy.topic0: return .askCreated(try .init(variant: .legacy, fields: &r))
        case T.taskCreated.topic0: return .taskCreated(try .init(fields: &r))
        case T.proofCreated.topic0: return .proofCreated(try .init(fields: &r))
        case T.proofNotGenerated.topic0: return .proofNotGenerated(try .init(fields: &r))
        case T.invalidInputsDetected.topic0: return .invalidInputsDetected(try .init(fields: &r))
        case T.marketplaceCreated.topic0: return .marketplaceCreated(try .init(fields: &r))
        case T.askCancelled.topic0: return .askCancelled(try .init(fields: &r))
        case T.updateCostPerBytes.topic0: return .updateCostPerBytes(try .init(fields: &r))
        case T.updateMinProvingTime.topic0: return .updateMinProvingTime(try .init(fields: &r))
        case T.addExtraProverImage.topic0: return .addExtraProverImage(try .init(fields: &r))
        case T.addExtraIVSImage.topic0: return .addExtraIVSImage(try .init(fields: &r))
        case T.removeExtraProverImage.topic0: return .removeExtraProverImage(try .init(fields: &r))
        case T.removeExtraIVSImage.topic0: return .removeExtraIVSImage(try .init(fields: &r))
        case T.updateKey.topic0: return .updateKey(try .init(fields: &r))
        case T.removeKey.topic0: return .removeKey(try .init(fields: &r))
        case T.imageBlacklisted.topic0: return .imageBlacklisted(try .init(fields: &r))
        case T.enclaveImageWhitelisted.topic0: return .enclaveImageWhitelisted(try .init(fields: &r))
        case T.enclaveImageRevoked.topic0: return .enclaveImageRevoked(try .init(fields: &r))
        case T.enclaveImageAddedToFamily.topic0: return .enclaveImageAddedToFamily(try .init(fields: &r))
        case T.enclaveImageRemovedFromFamily.topic0: return .enclaveImageRemovedFromFamily(try .init(fields: &r))
        case T.enclaveKeyWhitelisted.topic0: return .enclaveKeyWhitelisted(try .init(fields: &r))
        case T.enclaveKeyRevoked.topic0: return .enclaveKeyRevoked(try .init(fields: &r))
        case T.enclaveKeyVerified.topic0: return .enclaveKeyVerified(try .init(fields: &r))
        case T.initialized.topic0: return .initialized(try .init(variant: .uint64, fields: &r))
        case T.initializedLegacy.topic0: return .initialized(try .init(variant: .uint8, fields: &r))
        case T.upgraded.topic0: return .upgraded(try .init(fields: &r))
        case T.roleGranted.topic0: return .roleGranted(try .init(fields: &r))
        case T.roleRevoked.topic0: return .roleRevoked(try .init(fields: &r))
        case T.roleAdminChanged.topic0: return .roleAdminChanged(try .init(fields: &r))
        case T.paused.topic0: return .paused(try .init(fields: &r))
        case T.unpaused.topic0: return .unpaused(try .init(fields: &r))
        default: return nil
        }
    }

    /// The declaration this event was decoded from (the variant's, for `AskCreated` and `Initialized`).
    public var entry: EventEntry {
        typealias T = KalypsoTopics
        switch self {
        case .registeredGenerator: return T.registeredGenerator
        case .deregisteredGenerator: return T.deregisteredGenerator
        case .changedGeneratorRewardAddress: return T.changedGeneratorRewardAddress
        case .joinedMarketplace: return T.joinedMarketplace
        case .requestExitMarketplace: return T.requestExitMarketplace
        case .leftMarketplace: return T.leftMarketplace
        case .addIvsKey: return T.addIvsKey
        case .addedStake: return T.addedStake
        case .requestStakeDecrease: return T.requestStakeDecrease
        case .removedStake: return T.removedStake
        case .increasedCompute: return T.increasedCompute
        case .requestComputeDecrease: return T.requestComputeDecrease
        case .decreaseCompute: return T.decreaseCompute
        case .stakeLockImposed: return T.stakeLockImposed
        case .computeLockImposed: return T.computeLockImposed
        case .stakeLockReleased: return T.stakeLockReleased
        case .computeLockReleased: return T.computeLockReleased
        case .stakeSlashed: return T.stakeSlashed
        case .askCreated(let e): return e.variant == .current ? T.askCreated : T.askCreatedLegacy
        case .taskCreated: return T.taskCreated
        case .proofCreated: return T.proofCreated
        case .proofNotGenerated: return T.proofNotGenerated
        case .invalidInputsDetected: return T.invalidInputsDetected
        case .marketplaceCreated: return T.marketplaceCreated
        case .askCancelled: return T.askCancelled
        case .updateCostPerBytes: return T.updateCostPerBytes
        case .updateMinProvingTime: return T.updateMinProvingTime
        case .addExtraProverImage: return T.addExtraProverImage
        case .addExtraIVSImage: return T.addExtraIVSImage
        case .removeExtraProverImage: return T.removeExtraProverImage
        case .removeExtraIVSImage: return T.removeExtraIVSImage
        case .updateKey: return T.updateKey
        case .removeKey: return T.removeKey
        case .imageBlacklisted: return T.imageBlacklisted
        case .enclaveImageWhitelisted: return T.enclaveImageWhitelisted
        case .enclaveImageRevoked: return T.enclaveImageRevoked
        case .enclaveImageAddedToFamily: return T.enclaveImageAddedToFamily
        case .enclaveImageRemovedFromFamily: return T.enclaveImageRemovedFromFamily
        case .enclaveKeyWhitelisted: return T.enclaveKeyWhitelisted
        case .enclaveKeyRevoked: return T.enclaveKeyRevoked
        case .enclaveKeyVerified: return T.enclaveKeyVerified
        case .initialized(let e): return e.variant == .uint64 ? T.initialized : T.initializedLegacy
        case .upgraded: return T.upgraded
        case .roleGranted: return T.roleGranted
        case .roleRevoked: return T.roleRevoked
        case .roleAdminChanged: return T.roleAdminChanged
        case .paused: return T.paused
        case .unpaused: return T.unpaused
        }
    }

    /// The event name, e.g. `RegisteredGenerator`.
    public var name: String { entry.name }

    /// The read that fills this event's missing fields (§7.3); nil for events that carry everything.
    public var enrichmentNeed: EnrichmentNeed? {
        switch self {
        case .registeredGenerator(let e): return .generatorRegistration(generator: e.generator)
        case .joinedMarketplace(let e): return .joinTerms(generator: e.generator, marketId: e.marketId)
        case .marketplaceCreated(let e): return .market(marketId: e.marketId)
        case .askCreated(let e): return .ask(askId: e.askId)
        case .taskCreated(let e): return .taskDeadline(askId: e.askId)
        case .updateKey(let e): return .publicKey(owner: e.user, keyIndex: e.keyIndex)
        default: return nil
        }
    }

    /// The source of this event's enrichment; nil for events that carry everything.
    public var enrichmentSource: EnrichmentSource? {
        switch self {
        case .registeredGenerator(let e): return e.registration.source
        case .joinedMarketplace(let e): return e.terms.source
        case .marketplaceCreated(let e): return e.market.source
        case .askCreated(let e): return e.details.source
        case .taskCreated(let e): return e.deadline.source
        case .updateKey(let e): return e.key.source
        default: return nil
        }
    }
}
