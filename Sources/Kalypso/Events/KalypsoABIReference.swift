import EthereumKit

// The event topic0 table and the custom-error selector table of the G1 contracts, in one place.
//
// Source: kalypso-contracts.md §3.5, §4.3, §5.2 (G1 events), §11.2 (OpenZeppelin), §8.2–8.3 and §9 (other
// generations, for "wrong generation" alerts) and §11.1 (custom errors). Every topic0 is keccak256 of the canonical
// signature and every selector is its first 4 bytes; `KalypsoABIReferenceTests` recomputes all of them, and the ABI
// JSON files in `ABI/` are to be cross-checked against these tables.

/// The contract generation an event or error belongs to (§1).
public enum KalypsoGeneration: String, Hashable, Sendable, CaseIterable {
    /// 2023, `bytes32` market ids; detection only.
    case g0
    /// 2024 → KC `master`: `GeneratorRegistry` + `ProofMarketplace` + `EntityKeyRegistry`. The mirror's target.
    case g1
    /// Nov 2024 `generator-callbacks` branch; detection only.
    case g1_5
    /// Dec 2024 `ProverRegistry`; detection only.
    case g2a
    /// 2025 `ProverManager` + staking (Arbitrum One); detection only for now.
    case g2
}

/// One event declaration with its canonical signature and topic0.
public struct EventEntry: Hashable, Sendable, CustomStringConvertible {
    /// The declaration as written in the contract (parameter names and `indexed` kept).
    public let declaration: String
    /// The canonical signature hashed for topic0 (types only; enums as `uint8`).
    public let signature: String
    /// `keccak256(signature)`.
    public let topic0: Hash32
    /// The emitting G1 contract; nil for inherited OpenZeppelin events (any of the three) and other generations.
    public let contract: KalypsoContract?
    /// The generation that declares it.
    public let generation: KalypsoGeneration
    /// Whether the topic0 occurs in the SDK's compiled G1 build (solc 0.8.24, before 2024-09-09); nil if not stated.
    public let inSDKBuild: Bool?

    init(_ declaration: String, signature: String, topic0: StaticString, contract: KalypsoContract?,
         generation: KalypsoGeneration, inSDKBuild: Bool?) {
        self.declaration = declaration
        self.signature = signature
        self.topic0 = Hash32(referenceHex: topic0)
        self.contract = contract
        self.generation = generation
        self.inSDKBuild = inSDKBuild
    }

    /// The event name (the signature up to the parenthesis).
    public var name: String { String(signature.prefix { $0 != "(" }) }

    public var description: String { "\(signature) \(topic0)" }
}

/// One custom error with its 4-byte selector.
public struct ErrorEntry: Hashable, Sendable, CustomStringConvertible {
    /// Which library declares it.
    public enum Origin: String, Hashable, Sendable {
        /// The G1 `Error` library.
        case g1
        /// `AttestationAutherUpgradeable`.
        case attestationAuther
        /// OpenZeppelin 5 or Solidity built-ins (`Error(string)`, `Panic(uint256)`).
        case openZeppelin
    }
    /// The canonical signature, e.g. `ProofPriceMismatch(uint256)`.
    public let signature: String
    /// The first 4 bytes of `keccak256(signature)`, big-endian.
    public let selector: UInt32
    /// The declaring library.
    public let origin: Origin

    init(_ signature: String, selector: UInt32, origin: Origin) {
        self.signature = signature
        self.selector = selector
        self.origin = origin
    }

    /// The error name (the signature up to the parenthesis).
    public var name: String { String(signature.prefix { $0 != "(" }) }

    /// The selector as 4 big-endian bytes (the start of the revert data).
    public var selectorBytes: [UInt8] {
        [UInt8(truncatingIfNeeded: selector >> 24), UInt8(truncatingIfNeeded: selector >> 16),
         UInt8(truncatingIfNeeded: selector >> 8), UInt8(truncatingIfNeeded: selector)]
    }

    public var description: String { "\(signature) 0x\(String(selector, radix: 16))" }
}

/// The topic0 of every event a G1 mirror handles, plus other generations' topic0s for alerts.
public enum KalypsoTopics {
    /// `RegisteredGenerator(address indexed generator, uint256 initialCompute, uint256 initialStake)`
    public static let registeredGenerator = EventEntry(
        "RegisteredGenerator(address indexed generator, uint256 initialCompute, uint256 initialStake)",
        signature: "RegisteredGenerator(address,uint256,uint256)", topic0: "0x491b0f461d05b79bfc6904a9ba9df523d766503f11046b2b5e6eddaae3a7231c", contract: .generatorRegistry, generation: .g1, inSDKBuild: true)
    /// `DeregisteredGenerator(address indexed generator)`
    public static let deregisteredGenerator = EventEntry(
        "DeregisteredGenerator(address indexed generator)",
        signature: "DeregisteredGenerator(address)", topic0: "0x9f3730ade94be5ce3fad973b888a74866a3a915d008e8cbde21382b931b67c63", contract: .generatorRegistry, generation: .g1, inSDKBuild: true)
    /// `ChangedGeneratorRewardAddress(address indexed generator, address newRewardAddress)`
    public static let changedGeneratorRewardAddress = EventEntry(
        "ChangedGeneratorRewardAddress(address indexed generator, address newRewardAddress)",
        signature: "ChangedGeneratorRewardAddress(address,address)", topic0: "0xb195a94becd388c9a07fe818716833bdf98b755c78c9b438f4c8f06f354fa368", contract: .generatorRegistry, generation: .g1, inSDKBuild: true)
    /// `JoinedMarketplace(address indexed generator, uint256 indexed marketId, uint256 computeAllocation)`
    public static let joinedMarketplace = EventEntry(
        "JoinedMarketplace(address indexed generator, uint256 indexed marketId, uint256 computeAllocation)",
        signature: "JoinedMarketplace(address,uint256,uint256)", topic0: "0x0459ab575508b4a5894f7b1387bf362d03213b3bf831da4526218c33e4a906d8", contract: .generatorRegistry, generation: .g1, inSDKBuild: true)
    /// `RequestExitMarketplace(address indexed generator, uint256 indexed marketId)`
    public static let requestExitMarketplace = EventEntry(
        "RequestExitMarketplace(address indexed generator, uint256 indexed marketId)",
        signature: "RequestExitMarketplace(address,uint256)", topic0: "0xf9e17970df57a6a8457dcbb5c291676b4631d337cf76b0c801f6b8ad6a7c5f92", contract: .generatorRegistry, generation: .g1, inSDKBuild: true)
    /// `LeftMarketplace(address indexed generator, uint256 indexed marketId)`
    public static let leftMarketplace = EventEntry(
        "LeftMarketplace(address indexed generator, uint256 indexed marketId)",
        signature: "LeftMarketplace(address,uint256)", topic0: "0x831cd5b7538380b0a2a31414d634ec427116075684a276828ab4d27574a2dfdf", contract: .generatorRegistry, generation: .g1, inSDKBuild: true)
    /// `AddIvsKey(uint256 indexed marketId, address indexed signer)`
    public static let addIvsKey = EventEntry(
        "AddIvsKey(uint256 indexed marketId, address indexed signer)",
        signature: "AddIvsKey(uint256,address)", topic0: "0xc3fbbdb6aa8d99f6efe24a3a22e9a99ffef24a2f399c0b1e549946f91bf036e4", contract: .generatorRegistry, generation: .g1, inSDKBuild: true)
    /// `AddedStake(address indexed generator, uint256 amount)`
    public static let addedStake = EventEntry(
        "AddedStake(address indexed generator, uint256 amount)",
        signature: "AddedStake(address,uint256)", topic0: "0xb6be23168506a1ce62cc6f93339f6710e0984465170ab52df8ecf7da38b34584", contract: .generatorRegistry, generation: .g1, inSDKBuild: true)
    /// `RequestStakeDecrease(address indexed generator, uint256 intendedUtilization)`
    public static let requestStakeDecrease = EventEntry(
        "RequestStakeDecrease(address indexed generator, uint256 intendedUtilization)",
        signature: "RequestStakeDecrease(address,uint256)", topic0: "0x139ad7a0c3f6c0ad0f0fc52b7678606a71ff081b9926a5646fe53a8e67c68a72", contract: .generatorRegistry, generation: .g1, inSDKBuild: true)
    /// `RemovedStake(address indexed generator, uint256 amount)`
    public static let removedStake = EventEntry(
        "RemovedStake(address indexed generator, uint256 amount)",
        signature: "RemovedStake(address,uint256)", topic0: "0xe52b3c58a116c1f012c99d1120c054e73f51b7a29c457192455fd2c20e03a533", contract: .generatorRegistry, generation: .g1, inSDKBuild: true)
    /// `IncreasedCompute(address indexed generator, uint256 compute)`
    public static let increasedCompute = EventEntry(
        "IncreasedCompute(address indexed generator, uint256 compute)",
        signature: "IncreasedCompute(address,uint256)", topic0: "0x209858cec28c518aea44aa3fa70a932253f8bdf76a1c9a0b08226a13e69735a3", contract: .generatorRegistry, generation: .g1, inSDKBuild: true)
    /// `RequestComputeDecrease(address indexed generator, uint256 intendedUtilization)`
    public static let requestComputeDecrease = EventEntry(
        "RequestComputeDecrease(address indexed generator, uint256 intendedUtilization)",
        signature: "RequestComputeDecrease(address,uint256)", topic0: "0x76122cfd5f3c6800a223e60cc62447c64936037d78d02d919293f655ba7d54cb", contract: .generatorRegistry, generation: .g1, inSDKBuild: true)
    /// `DecreaseCompute(address indexed generator, uint256 compute)`
    public static let decreaseCompute = EventEntry(
        "DecreaseCompute(address indexed generator, uint256 compute)",
        signature: "DecreaseCompute(address,uint256)", topic0: "0x11deae289e7078fce288f4e9734e9c3df67b55eac4ff41b890b6d6381acee762", contract: .generatorRegistry, generation: .g1, inSDKBuild: true)
    /// `StakeLockImposed(address indexed generator, uint256 stake)`
    public static let stakeLockImposed = EventEntry(
        "StakeLockImposed(address indexed generator, uint256 stake)",
        signature: "StakeLockImposed(address,uint256)", topic0: "0xed2edc6e71beb933f1e0c8ccfdf845258f3710d66c3674ac50f390082463f7f0", contract: .generatorRegistry, generation: .g1, inSDKBuild: true)
    /// `ComputeLockImposed(address indexed generator, uint256 compute)`
    public static let computeLockImposed = EventEntry(
        "ComputeLockImposed(address indexed generator, uint256 compute)",
        signature: "ComputeLockImposed(address,uint256)", topic0: "0xd29b9adee32baf11be04000b73639963d2c76e899f6830d3b5c1715df17d82bd", contract: .generatorRegistry, generation: .g1, inSDKBuild: true)
    /// `StakeLockReleased(address indexed generator, uint256 stake)`
    public static let stakeLockReleased = EventEntry(
        "StakeLockReleased(address indexed generator, uint256 stake)",
        signature: "StakeLockReleased(address,uint256)", topic0: "0x385fdc24295416e357127fe271738058411f60f8847c15c558acbc063726a669", contract: .generatorRegistry, generation: .g1, inSDKBuild: true)
    /// `ComputeLockReleased(address indexed generator, uint256 compute)`
    public static let computeLockReleased = EventEntry(
        "ComputeLockReleased(address indexed generator, uint256 compute)",
        signature: "ComputeLockReleased(address,uint256)", topic0: "0x0b6920a169fb889c15549106aee070da98186b7ab406dd9384a0d31899fdf08a", contract: .generatorRegistry, generation: .g1, inSDKBuild: true)
    /// `StakeSlashed(address indexed generator, uint256 stake)`
    public static let stakeSlashed = EventEntry(
        "StakeSlashed(address indexed generator, uint256 stake)",
        signature: "StakeSlashed(address,uint256)", topic0: "0x83f5ea8bea7627d95274e94dd7e9e3d7e82cb55feab513ed49e325232dcc61e0", contract: .generatorRegistry, generation: .g1, inSDKBuild: false)
    /// `AskCreated(uint256 indexed askId, bool indexed hasPrivateInputs, bytes secret_data, bytes acl, bytes extraData)`
    public static let askCreated = EventEntry(
        "AskCreated(uint256 indexed askId, bool indexed hasPrivateInputs, bytes secret_data, bytes acl, bytes extraData)",
        signature: "AskCreated(uint256,bool,bytes,bytes,bytes)", topic0: "0xca872f71caf10cdbbd1dd22412d01d415ef80130c7e50bdb8cd6951a08336241", contract: .proofMarketplace, generation: .g1, inSDKBuild: false)
    /// `AskCreated(uint256 indexed askId, bool indexed hasPrivateInputs, bytes secret_data, bytes acl)`
    public static let askCreatedLegacy = EventEntry(
        "AskCreated(uint256 indexed askId, bool indexed hasPrivateInputs, bytes secret_data, bytes acl)",
        signature: "AskCreated(uint256,bool,bytes,bytes)", topic0: "0x7bbfce65358c44b598a1ee0eef063ce14de02516385794f6b60eea5523a936e4", contract: .proofMarketplace, generation: .g1, inSDKBuild: true)
    /// `TaskCreated(uint256 indexed askId, address indexed generator, bytes new_acl)`
    public static let taskCreated = EventEntry(
        "TaskCreated(uint256 indexed askId, address indexed generator, bytes new_acl)",
        signature: "TaskCreated(uint256,address,bytes)", topic0: "0x7a7cd41cad5f3cccfdce48df720845b6fe8167853b27ba031d9998e205eb1dd9", contract: .proofMarketplace, generation: .g1, inSDKBuild: true)
    /// `ProofCreated(uint256 indexed askId, bytes proof)`
    public static let proofCreated = EventEntry(
        "ProofCreated(uint256 indexed askId, bytes proof)",
        signature: "ProofCreated(uint256,bytes)", topic0: "0x8fdd7861980427960f437910d20b78be375036b31f97ef22a8040f20e45d2ba2", contract: .proofMarketplace, generation: .g1, inSDKBuild: true)
    /// `ProofNotGenerated(uint256 indexed askId)`
    public static let proofNotGenerated = EventEntry(
        "ProofNotGenerated(uint256 indexed askId)",
        signature: "ProofNotGenerated(uint256)", topic0: "0xd6d7f837b68ae96af476f0447bbe4be060b20642ebdf470854f701ca5d8f5efb", contract: .proofMarketplace, generation: .g1, inSDKBuild: true)
    /// `InvalidInputsDetected(uint256 indexed askId)`
    public static let invalidInputsDetected = EventEntry(
        "InvalidInputsDetected(uint256 indexed askId)",
        signature: "InvalidInputsDetected(uint256)", topic0: "0x07c33d4b5606e2fd20fb9adb7006cdc7d4ab0f308090dabcfd64d4979cd77e2a", contract: .proofMarketplace, generation: .g1, inSDKBuild: true)
    /// `MarketplaceCreated(uint256 indexed marketId)`
    public static let marketplaceCreated = EventEntry(
        "MarketplaceCreated(uint256 indexed marketId)",
        signature: "MarketplaceCreated(uint256)", topic0: "0xb85a3e794f475ed5e4037dc5f2d5c328c8d54e0c1a4ca55363829015e6c70c89", contract: .proofMarketplace, generation: .g1, inSDKBuild: true)
    /// `AskCancelled(uint256 indexed askId)`
    public static let askCancelled = EventEntry(
        "AskCancelled(uint256 indexed askId)",
        signature: "AskCancelled(uint256)", topic0: "0x5ab6d218303bd8dc01c2c5e812dcbbadcfc2eb5b1fb91111e0b0ae87888ac568", contract: .proofMarketplace, generation: .g1, inSDKBuild: true)
    /// `UpdateCostPerBytes(SecretType indexed secretType, uint256 costPerInputBytes)`
    public static let updateCostPerBytes = EventEntry(
        "UpdateCostPerBytes(SecretType indexed secretType, uint256 costPerInputBytes)",
        signature: "UpdateCostPerBytes(uint8,uint256)", topic0: "0xc0ca6b6df9b5a3550ed6fdef36bae8a54160c2ccda3de6aac3df984c66d32870", contract: .proofMarketplace, generation: .g1, inSDKBuild: true)
    /// `UpdateMinProvingTime(SecretType indexed secretType, uint256 newProvingTime)`
    public static let updateMinProvingTime = EventEntry(
        "UpdateMinProvingTime(SecretType indexed secretType, uint256 newProvingTime)",
        signature: "UpdateMinProvingTime(uint8,uint256)", topic0: "0xe362340d73644493d74ee10168471fe9d7c40cbf7a88c99807102b9adf1c1ac1", contract: .proofMarketplace, generation: .g1, inSDKBuild: true)
    /// `AddExtraProverImage(uint256 indexed marketId, bytes32 indexed imageId)`
    public static let addExtraProverImage = EventEntry(
        "AddExtraProverImage(uint256 indexed marketId, bytes32 indexed imageId)",
        signature: "AddExtraProverImage(uint256,bytes32)", topic0: "0x38cf5ef7f211d43983af6c03c4638917ebde3b9c52d96866f34725c3928e3a7b", contract: .proofMarketplace, generation: .g1, inSDKBuild: true)
    /// `AddExtraIVSImage(uint256 indexed marketId, bytes32 indexed imageId)`
    public static let addExtraIVSImage = EventEntry(
        "AddExtraIVSImage(uint256 indexed marketId, bytes32 indexed imageId)",
        signature: "AddExtraIVSImage(uint256,bytes32)", topic0: "0xe8f7c02aa8d1f64d245ccf162bc77f171dd836df440ac9a6b63721445ebe5589", contract: .proofMarketplace, generation: .g1, inSDKBuild: true)
    /// `RemoveExtraProverImage(uint256 indexed marketId, bytes32 indexed imageId)`
    public static let removeExtraProverImage = EventEntry(
        "RemoveExtraProverImage(uint256 indexed marketId, bytes32 indexed imageId)",
        signature: "RemoveExtraProverImage(uint256,bytes32)", topic0: "0xdcbeb0a3b1ac22824cf331917112be128049ba6127b2b206a2ee5b0f6ca97c35", contract: .proofMarketplace, generation: .g1, inSDKBuild: true)
    /// `RemoveExtraIVSImage(uint256 indexed marketId, bytes32 indexed imageId)`
    public static let removeExtraIVSImage = EventEntry(
        "RemoveExtraIVSImage(uint256 indexed marketId, bytes32 indexed imageId)",
        signature: "RemoveExtraIVSImage(uint256,bytes32)", topic0: "0x58eec2a6a47e81083322829b339102847c7e1ddd7d64668683a4b996e5a0249d", contract: .proofMarketplace, generation: .g1, inSDKBuild: true)
    /// `UpdateKey(address indexed user, uint256 indexed keyIndex)`
    public static let updateKey = EventEntry(
        "UpdateKey(address indexed user, uint256 indexed keyIndex)",
        signature: "UpdateKey(address,uint256)", topic0: "0x521e3dac83e28e55efb941fd587abab209797cea7141ef50aa32f05c0a3bdb17", contract: .entityKeyRegistry, generation: .g1, inSDKBuild: true)
    /// `RemoveKey(address indexed user, uint256 indexed keyIndex)`
    public static let removeKey = EventEntry(
        "RemoveKey(address indexed user, uint256 indexed keyIndex)",
        signature: "RemoveKey(address,uint256)", topic0: "0xd4084f7b7a079e7cbfee0596a47231ba4b1f9783612cb2720ede7bf38e6710a2", contract: .entityKeyRegistry, generation: .g1, inSDKBuild: true)
    /// `ImageBlacklisted(bytes32 indexed imageId)`
    public static let imageBlacklisted = EventEntry(
        "ImageBlacklisted(bytes32 indexed imageId)",
        signature: "ImageBlacklisted(bytes32)", topic0: "0xa4df617271bdbb6541f35b4789dcea981f12b6b0a893329a2fa74173a7f1f024", contract: .entityKeyRegistry, generation: .g1, inSDKBuild: true)
    /// `EnclaveImageWhitelisted(bytes32 indexed imageId, bytes PCR0, bytes PCR1, bytes PCR2)`
    public static let enclaveImageWhitelisted = EventEntry(
        "EnclaveImageWhitelisted(bytes32 indexed imageId, bytes PCR0, bytes PCR1, bytes PCR2)",
        signature: "EnclaveImageWhitelisted(bytes32,bytes,bytes,bytes)", topic0: "0x52b29bbdd97ab983419f50fa1590e5ab75e9942279e95e10a08607b06c23238b", contract: .entityKeyRegistry, generation: .g1, inSDKBuild: true)
    /// `EnclaveImageRevoked(bytes32 indexed imageId)`
    public static let enclaveImageRevoked = EventEntry(
        "EnclaveImageRevoked(bytes32 indexed imageId)",
        signature: "EnclaveImageRevoked(bytes32)", topic0: "0x4b71bedda4217966eac1aa49e35b1550e5ab87064ae179d1b36b393bd04eb743", contract: .entityKeyRegistry, generation: .g1, inSDKBuild: true)
    /// `EnclaveImageAddedToFamily(bytes32 indexed imageId, bytes32 family)`
    public static let enclaveImageAddedToFamily = EventEntry(
        "EnclaveImageAddedToFamily(bytes32 indexed imageId, bytes32 family)",
        signature: "EnclaveImageAddedToFamily(bytes32,bytes32)", topic0: "0xbfb126e742ce9618b5bf6b54839916926f5c397752be35404c8368ddcf68c10a", contract: .entityKeyRegistry, generation: .g1, inSDKBuild: true)
    /// `EnclaveImageRemovedFromFamily(bytes32 indexed imageId, bytes32 family)`
    public static let enclaveImageRemovedFromFamily = EventEntry(
        "EnclaveImageRemovedFromFamily(bytes32 indexed imageId, bytes32 family)",
        signature: "EnclaveImageRemovedFromFamily(bytes32,bytes32)", topic0: "0x2cfcb795c384058998cd7dc414ddabc7dd8c87ad6b59f4b00da89ecb6f7f1693", contract: .entityKeyRegistry, generation: .g1, inSDKBuild: true)
    /// `EnclaveKeyWhitelisted(bytes indexed enclavePubKey, bytes32 indexed imageId)`
    public static let enclaveKeyWhitelisted = EventEntry(
        "EnclaveKeyWhitelisted(bytes indexed enclavePubKey, bytes32 indexed imageId)",
        signature: "EnclaveKeyWhitelisted(bytes,bytes32)", topic0: "0x03e7f4efa4ebc44ae1b51254c998967937e762b8ef78a5edd1501a2403f6f387", contract: .entityKeyRegistry, generation: .g1, inSDKBuild: false)
    /// `EnclaveKeyRevoked(bytes indexed enclavePubKey)`
    public static let enclaveKeyRevoked = EventEntry(
        "EnclaveKeyRevoked(bytes indexed enclavePubKey)",
        signature: "EnclaveKeyRevoked(bytes)", topic0: "0xf910fd78b98e9574e8b6f0e42bc3a996a6aba3776ec20b9d85515bd74a6c8fe9", contract: .entityKeyRegistry, generation: .g1, inSDKBuild: false)
    /// `EnclaveKeyVerified(bytes indexed enclavePubKey, bytes32 indexed imageId)`
    public static let enclaveKeyVerified = EventEntry(
        "EnclaveKeyVerified(bytes indexed enclavePubKey, bytes32 indexed imageId)",
        signature: "EnclaveKeyVerified(bytes,bytes32)", topic0: "0xf4837f1a66a1e5fbde2c40d0f6eff75183139e79b0fc1eaab280a3a0be38e7b1", contract: .entityKeyRegistry, generation: .g1, inSDKBuild: true)

    // MARK: Inherited OpenZeppelin events (§11.2), emitted by any of the three proxies.

    /// `Initialized(uint64 version)` (OpenZeppelin)
    public static let initialized = EventEntry(
        "Initialized(uint64 version)",
        signature: "Initialized(uint64)", topic0: "0xc7f505b2f371ae2175ee4913f4499e1f2633a7b5936321eed1cdaeb6115181d2", contract: nil, generation: .g1, inSDKBuild: nil)
    /// `Initialized(uint8 version)` (OpenZeppelin)
    public static let initializedLegacy = EventEntry(
        "Initialized(uint8 version)",
        signature: "Initialized(uint8)", topic0: "0x7f26b83ff96e1f2b6a682f133852f6798a09c465da95921460cefb3847402498", contract: nil, generation: .g1, inSDKBuild: nil)
    /// `Upgraded(address indexed implementation)` (OpenZeppelin)
    public static let upgraded = EventEntry(
        "Upgraded(address indexed implementation)",
        signature: "Upgraded(address)", topic0: "0xbc7cd75a20ee27fd9adebab32041f755214dbc6bffa90cc0225b39da2e5c2d3b", contract: nil, generation: .g1, inSDKBuild: nil)
    /// `RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)` (OpenZeppelin)
    public static let roleGranted = EventEntry(
        "RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)",
        signature: "RoleGranted(bytes32,address,address)", topic0: "0x2f8788117e7eff1d82e926ec794901d17c78024a50270940304540a733656f0d", contract: nil, generation: .g1, inSDKBuild: nil)
    /// `RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender)` (OpenZeppelin)
    public static let roleRevoked = EventEntry(
        "RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender)",
        signature: "RoleRevoked(bytes32,address,address)", topic0: "0xf6391f5c32d9c69d2a47ea670b442974b53935d1edc7fd64eb21e047a839171b", contract: nil, generation: .g1, inSDKBuild: nil)
    /// `RoleAdminChanged(bytes32 indexed role, bytes32 indexed previousAdminRole, bytes32 indexed newAdminRole)` (OpenZeppelin)
    public static let roleAdminChanged = EventEntry(
        "RoleAdminChanged(bytes32 indexed role, bytes32 indexed previousAdminRole, bytes32 indexed newAdminRole)",
        signature: "RoleAdminChanged(bytes32,bytes32,bytes32)", topic0: "0xbd79b86ffe0ab8e8776151514217cd7cacd52c909f66475c3af44e129f0b00ff", contract: nil, generation: .g1, inSDKBuild: nil)
    /// `Paused(address account)` (OpenZeppelin)
    public static let paused = EventEntry(
        "Paused(address account)",
        signature: "Paused(address)", topic0: "0x62e78cea01bee320cd4e420270b5ea74000d11b0c9f74754ebdbfc544b05a258", contract: nil, generation: .g1, inSDKBuild: nil)
    /// `Unpaused(address account)` (OpenZeppelin)
    public static let unpaused = EventEntry(
        "Unpaused(address account)",
        signature: "Unpaused(address)", topic0: "0x5db9ee0a495bf2e6ff9c91a7834c1ba4fdd244a5e8aa4e537bd38aeae4b073aa", contract: nil, generation: .g1, inSDKBuild: nil)

    /// Every G1 event of the three contracts (both `AskCreated` variants), in spec order.
    public static let g1: [EventEntry] = [
        registeredGenerator, deregisteredGenerator, changedGeneratorRewardAddress, joinedMarketplace,
        requestExitMarketplace, leftMarketplace, addIvsKey, addedStake, requestStakeDecrease, removedStake,
        increasedCompute, requestComputeDecrease, decreaseCompute, stakeLockImposed, computeLockImposed,
        stakeLockReleased, computeLockReleased, stakeSlashed, askCreated, askCreatedLegacy, taskCreated,
        proofCreated, proofNotGenerated, invalidInputsDetected, marketplaceCreated, askCancelled,
        updateCostPerBytes, updateMinProvingTime, addExtraProverImage, addExtraIVSImage,
        removeExtraProverImage, removeExtraIVSImage, updateKey, removeKey, imageBlacklisted,
        enclaveImageWhitelisted, enclaveImageRevoked, enclaveImageAddedToFamily,
        enclaveImageRemovedFromFamily, enclaveKeyWhitelisted, enclaveKeyRevoked, enclaveKeyVerified
    ]

    /// The inherited OpenZeppelin events (both `Initialized` variants).
    public static let inherited: [EventEntry] = [
        initialized, initializedLegacy, upgraded, roleGranted, roleRevoked, roleAdminChanged, paused, unpaused
    ]

    /// Events of other generations (§8.2, §8.3, §9): seeing one at a watched G1 address means the mirror is pointed
    /// at the wrong generation and must alert. None of them shares a topic0 with a G1 event.
    public static let otherGenerations: [EventEntry] = [
        EventEntry("RegisteredGenerator(address indexed generator, uint256 initialCompute)", signature: "RegisteredGenerator(address,uint256)", topic0: "0x263eec7d3874992daf2e9bab85287c611a40018ac6cd0108f1eed1249182de04", contract: nil, generation: .g1_5, inSDKBuild: nil),
        EventEntry("AddedStake(address indexed generatorAddress, address indexed token, uint256 amount)", signature: "AddedStake(address,address,uint256)", topic0: "0x1e3df74741339afbbc6bcac60aebcd0ea5a2bb28072cfb0136138fcc5ed863ff", contract: nil, generation: .g1_5, inSDKBuild: nil),
        EventEntry("IntendToReduceStake(address indexed generatorAddress, address indexed token, uint256 amount)", signature: "IntendToReduceStake(address,address,uint256)", topic0: "0xd60b29d7431f11560d8f5733bafdc907ec5c3f1ad8baf380c6777457e6877c88", contract: nil, generation: .g1_5, inSDKBuild: nil),
        EventEntry("RemovedStake(address indexed generatorAddress, address indexed token, uint256 amount)", signature: "RemovedStake(address,address,uint256)", topic0: "0x8572e9a74d9b02707357c4819a52cff35d545a487fa3c961d8be8f9ec65861b6", contract: nil, generation: .g1_5, inSDKBuild: nil),
        EventEntry("StakeLockImposed(address indexed generatorAddress, address indexed token, uint256 stake)", signature: "StakeLockImposed(address,address,uint256)", topic0: "0x35970301323cd417c11145521779f7a95198846082ac865b05d1c796a35c2113", contract: nil, generation: .g1_5, inSDKBuild: nil),
        EventEntry("StakeLockReleased(address indexed generatorAddress, address indexed token, uint256 stake)", signature: "StakeLockReleased(address,address,uint256)", topic0: "0xe7a48c9098e0e2ae56f8f167304eef5477b72a9d9ee1ba994d62cdaf9b310b09", contract: nil, generation: .g1_5, inSDKBuild: nil),
        EventEntry("StakeSlashed(address indexed generatorAddress, address indexed token, uint256 stake)", signature: "StakeSlashed(address,address,uint256)", topic0: "0x4093288bc95bfed35a9c3ea0db07d8c6cbd9722cdf769732ee5d735d61c3cf2b", contract: nil, generation: .g1_5, inSDKBuild: nil),
        EventEntry("RequestStakeDecrease(address indexed generatorAddress, address indexed token, uint256 amount)", signature: "RequestStakeDecrease(address,address,uint256)", topic0: "0xdbc091cc7793e6749095ea02fdc5b755791175e40ed8009dc81820707970b399", contract: nil, generation: .g1_5, inSDKBuild: nil),
        EventEntry("SymbioticCompleteSnapshot(uint256 indexed captureTimestamp)", signature: "SymbioticCompleteSnapshot(uint256)", topic0: "0x0d417637da3ca4e3ce4ed4403f464c7a55d3f0a91f22dd4a6ff11d3456b17adf", contract: nil, generation: .g1_5, inSDKBuild: nil),
        EventEntry("GeneratorDataUpdated(address indexed generator, bytes generatorData)", signature: "GeneratorDataUpdated(address,bytes)", topic0: "0x72bdbb1ba1d2ba57f30ce3953271ddf0d94e688a735af648f8a4e28265a9a0cc", contract: nil, generation: .g1_5, inSDKBuild: nil),
        EventEntry("ProverRegistered(address indexed prover, uint256 initialCompute)", signature: "ProverRegistered(address,uint256)", topic0: "0x1b7cffd0daaca537ec54002d5b1c372929f3e280365cc073d009758777cfc0c8", contract: nil, generation: .g2a, inSDKBuild: nil),
        EventEntry("RegisteredGenerator(address indexed generator)", signature: "RegisteredGenerator(address)", topic0: "0xea673f0590fc01ddca717ed716601397d0aff0ec5984cf53d14b50bf4d9d88d6", contract: nil, generation: .g0, inSDKBuild: nil),
        EventEntry("JoinedMarketPlace(address indexed generator, bytes32 indexed marketId, uint256 computeAllocation)", signature: "JoinedMarketPlace(address,bytes32,uint256)", topic0: "0xfbb35eb38659973676ccb98c6c92e11a70091ebfb419ef53e141a2cb1b93a636", contract: nil, generation: .g0, inSDKBuild: nil),
        EventEntry("ProverRegistered(address indexed prover, uint256 initialCompute, bytes proverData)", signature: "ProverRegistered(address,uint256,bytes)", topic0: "0x84d2bba2cba43922557035970bc5c99cafcf2245f29d148b0db88c67405562e3", contract: nil, generation: .g2, inSDKBuild: nil),
        EventEntry("ProverDeregistered(address indexed prover)", signature: "ProverDeregistered(address)", topic0: "0xba8692c6ccbc20602c00b106b981eb4c6e6b0957d070a30814d626956dba28c7", contract: nil, generation: .g2, inSDKBuild: nil),
        EventEntry("ProverDataUpdated(address indexed prover, bytes proverData)", signature: "ProverDataUpdated(address,bytes)", topic0: "0xcfdf29f635a74159f7eb3444612750b333e897379e4f4d5f9926ac16e72e4583", contract: nil, generation: .g2, inSDKBuild: nil),
        EventEntry("ProverRewardAddressChanged(address indexed prover, address indexed newRewardAddress)", signature: "ProverRewardAddressChanged(address,address)", topic0: "0x98c0a29c3518ec7129a44582ac4e2825a6a6d95edcc844477b315a04dfc89f4f", contract: nil, generation: .g2, inSDKBuild: nil),
        EventEntry("ProverJoinedMarketplace(address indexed prover, uint256 indexed marketId, uint256 computeAllocation, uint256 commission)", signature: "ProverJoinedMarketplace(address,uint256,uint256,uint256)", topic0: "0x0ee40d7021b385c7fa2b17543fbf9844c419ff072851d9c79e3bc49e65721f6c", contract: nil, generation: .g2, inSDKBuild: nil),
        EventEntry("ProverRequestedMarketplaceExit(address indexed prover, uint256 indexed marketId)", signature: "ProverRequestedMarketplaceExit(address,uint256)", topic0: "0x2e0e3827d894a8f98889391335246bc527b24ea65f4d902a9412df4da6496be9", contract: nil, generation: .g2, inSDKBuild: nil),
        EventEntry("ProverLeftMarketplace(address indexed prover, uint256 indexed marketId)", signature: "ProverLeftMarketplace(address,uint256)", topic0: "0x7211f0076961eda27e8aba7bf05a51f498c006ea04e9f351bf1dddab0912546c", contract: nil, generation: .g2, inSDKBuild: nil),
        EventEntry("IvKeyAdded(uint256 indexed marketId, address indexed signer)", signature: "IvKeyAdded(uint256,address)", topic0: "0xd6c14b1d7b08540f68d02602451a6b4d6f7b095b251eaf1305c60d7ddec49d14", contract: nil, generation: .g2, inSDKBuild: nil),
        EventEntry("ComputeIncreased(address indexed prover, uint256 compute)", signature: "ComputeIncreased(address,uint256)", topic0: "0x657fabd6d51f35982336b3d9e640490a330ab3ab14d5a7cedbdb4ef6f649a0f9", contract: nil, generation: .g2, inSDKBuild: nil),
        EventEntry("ComputeDecreaseRequested(address indexed prover, uint256 intendedUtilization)", signature: "ComputeDecreaseRequested(address,uint256)", topic0: "0x5bd1dc90e8dd9c7b7b2ebe276b31ce7f22c79c4cd78f59c90242b2d91b2eff05", contract: nil, generation: .g2, inSDKBuild: nil),
        EventEntry("ComputeDecreased(address indexed prover, uint256 compute)", signature: "ComputeDecreased(address,uint256)", topic0: "0xdab2838fd04b18abf169ed3742cd6095d8174b98ed22d880673fdaa1d574f7ee", contract: nil, generation: .g2, inSDKBuild: nil),
        EventEntry("ComputeLocked(address indexed prover, uint256 compute)", signature: "ComputeLocked(address,uint256)", topic0: "0x8363af4aab04a3ffbc0dd002bd662f81488e8b8a604ab14bcd7f6787136b88b5", contract: nil, generation: .g2, inSDKBuild: nil),
        EventEntry("ComputeReleased(address indexed prover, uint256 compute)", signature: "ComputeReleased(address,uint256)", topic0: "0x4af87114276b323e7c587bbd7833498f7ce57fb2d94848cf71d74a6dda98970e", contract: nil, generation: .g2, inSDKBuild: nil),
        EventEntry("BidCreated(uint256 indexed bidId, bool indexed hasPrivateInputs, bytes secret_data, bytes acl, bytes extra_data)", signature: "BidCreated(uint256,bool,bytes,bytes,bytes)", topic0: "0xf222d36ae5a3a66b4c2d77a903fa7d0fe547cfef21e5b1355d7e832853c36d9e", contract: nil, generation: .g2, inSDKBuild: nil),
        EventEntry("BidCancelled(uint256 indexed bidId)", signature: "BidCancelled(uint256)", topic0: "0xc1546e394b1975212fe013e7e6995653585f44e568c407d1157483f7d4b94581", contract: nil, generation: .g2, inSDKBuild: nil),
        EventEntry("MarketCreationCostSet(uint256 marketCreationCost)", signature: "MarketCreationCostSet(uint256)", topic0: "0xcd018aa407199e12b1c31a9b002d368249c0f7d3b978b9dc38f581b2441c2246", contract: nil, generation: .g2, inSDKBuild: nil),
        EventEntry("PaymentTokenSet(address indexed paymentToken)", signature: "PaymentTokenSet(address)", topic0: "0xcb0aeffe884eb88fb2a31a2f3e4bd1d2763bdee48ba93b28c6e87501228cf743", contract: nil, generation: .g2, inSDKBuild: nil),
        EventEntry("TreasurySet(address indexed treasury)", signature: "TreasurySet(address)", topic0: "0x3c864541ef71378c6229510ed90f376565ee42d9c5e0904a984a9e863e6db44f", contract: nil, generation: .g2, inSDKBuild: nil),
        EventEntry("ProverManagerSet(address indexed proverManager)", signature: "ProverManagerSet(address)", topic0: "0xf3733b911593cd52dfbe0a14d5df326d9e550826076d1327fc7cb382e0575d8e", contract: nil, generation: .g2, inSDKBuild: nil),
        EventEntry("EntityKeyRegistrySet(address indexed entityRegistry)", signature: "EntityKeyRegistrySet(address)", topic0: "0xf583e716713524bb1a5e93282b4e81b2423f1e0f97e3817970679fc8004e2509", contract: nil, generation: .g2, inSDKBuild: nil),
        EventEntry("ProverRewardShareSet(address indexed prover, uint256 rewardShare)", signature: "ProverRewardShareSet(address,uint256)", topic0: "0xc131933bb205b5dad1fe4fac4d7fb6771a037a16e31829632e683a461da97e9d", contract: nil, generation: .g2, inSDKBuild: nil),
        EventEntry("ProverFeeRewardAdded(address indexed prover, uint256 feeRewardAmount)", signature: "ProverFeeRewardAdded(address,uint256)", topic0: "0x9aec4685d7fd2c265644555f1548ddf3e2f52b371783dbea9966d527331d82ae", contract: nil, generation: .g2, inSDKBuild: nil),
        EventEntry("TransmitterFeeRewardAdded(address indexed transmitter, uint256 feeRewardAmount)", signature: "TransmitterFeeRewardAdded(address,uint256)", topic0: "0x0974cd91ac1697cec6ada990c3d2d0c157cf6afd2f0dcba4994ac497bc14e6a4", contract: nil, generation: .g2, inSDKBuild: nil),
        EventEntry("MarketMetadataUpdated(uint256 indexed marketId, bytes metadata)", signature: "MarketMetadataUpdated(uint256,bytes)", topic0: "0xc8d7f72675605d8f61297b6938a641c3ed3d58a1bd5e24d9fee3261189f581ed", contract: nil, generation: .g2, inSDKBuild: nil),
    ]

    private static let handledByTopic: [Hash32: EventEntry] = {
        var table: [Hash32: EventEntry] = [:]
        for entry in g1 + inherited { table[entry.topic0] = entry }
        return table
    }()

    private static let otherByTopic: [Hash32: EventEntry] = {
        var table: [Hash32: EventEntry] = [:]
        for entry in otherGenerations { table[entry.topic0] = entry }
        return table
    }()

    /// The G1 or inherited event with this topic0, if the mirror handles it.
    public static func handled(_ topic0: Hash32) -> EventEntry? { handledByTopic[topic0] }

    /// The other-generation event with this topic0, if it is one (a "wrong generation" alert).
    public static func otherGeneration(_ topic0: Hash32) -> EventEntry? { otherByTopic[topic0] }
}

/// The custom errors of G1, AttestationAuther and OpenZeppelin 5 with their selectors (§11.1), to decode reverts.
public enum KalypsoErrors {
    /// `CannotBeZero()`
    public static let cannotBeZero = ErrorEntry("CannotBeZero()", selector: 0x1e1d0ab5, origin: .g1)
    /// `InvalidGenerator()`
    public static let invalidGenerator = ErrorEntry("InvalidGenerator()", selector: 0x6446f917, origin: .g1)
    /// `GeneratorAlreadyExists()`
    public static let generatorAlreadyExists = ErrorEntry("GeneratorAlreadyExists()", selector: 0x5874f97b, origin: .g1)
    /// `CannotLeaveWithActiveMarket()`
    public static let cannotLeaveWithActiveMarket = ErrorEntry("CannotLeaveWithActiveMarket()", selector: 0xf8c23053, origin: .g1)
    /// `AssignOnlyToIdleGenerators()`
    public static let assignOnlyToIdleGenerators = ErrorEntry("AssignOnlyToIdleGenerators()", selector: 0x439f4ca7, origin: .g1)
    /// `InsufficientGeneratorComputeAvailable()`
    public static let insufficientGeneratorComputeAvailable = ErrorEntry("InsufficientGeneratorComputeAvailable()", selector: 0x08c915b8, origin: .g1)
    /// `OnlyWorkingGenerators()`
    public static let onlyWorkingGenerators = ErrorEntry("OnlyWorkingGenerators()", selector: 0x703b08e4, origin: .g1)
    /// `InvalidEnclaveKey()`
    public static let invalidEnclaveKey = ErrorEntry("InvalidEnclaveKey()", selector: 0xd283335d, origin: .g1)
    /// `OnlyValidGeneratorsCanRequestExit()`
    public static let onlyValidGeneratorsCanRequestExit = ErrorEntry("OnlyValidGeneratorsCanRequestExit()", selector: 0xc0120a1c, origin: .g1)
    /// `InvalidGeneratorStatePerMarket()`
    public static let invalidGeneratorStatePerMarket = ErrorEntry("InvalidGeneratorStatePerMarket()", selector: 0x264ef418, origin: .g1)
    /// `UnstakeRequestNotInPlace()`
    public static let unstakeRequestNotInPlace = ErrorEntry("UnstakeRequestNotInPlace()", selector: 0xb28c1c0e, origin: .g1)
    /// `ReduceComputeRequestNotInPlace()`
    public static let reduceComputeRequestNotInPlace = ErrorEntry("ReduceComputeRequestNotInPlace()", selector: 0x8983609d, origin: .g1)
    /// `MaxParallelRequestsPerMarketExceeded()`
    public static let maxParallelRequestsPerMarketExceeded = ErrorEntry("MaxParallelRequestsPerMarketExceeded()", selector: 0xcabd50d7, origin: .g1)
    /// `ReductionRequestNotValid()`
    public static let reductionRequestNotValid = ErrorEntry("ReductionRequestNotValid()", selector: 0x386cf407, origin: .g1)
    /// `PublicMarketsDontNeedKey()`
    public static let publicMarketsDontNeedKey = ErrorEntry("PublicMarketsDontNeedKey()", selector: 0x86922e2c, origin: .g1)
    /// `CannotModifyImagesForPublicMarkets()`
    public static let cannotModifyImagesForPublicMarkets = ErrorEntry("CannotModifyImagesForPublicMarkets()", selector: 0x7afcef7f, origin: .g1)
    /// `InvalidMarket()`
    public static let invalidMarket = ErrorEntry("InvalidMarket()", selector: 0x9db8d5b1, origin: .g1)
    /// `AlreadyJoinedMarket()`
    public static let alreadyJoinedMarket = ErrorEntry("AlreadyJoinedMarket()", selector: 0xad6d603c, origin: .g1)
    /// `CannotBeMoreThanDeclaredCompute()`
    public static let cannotBeMoreThanDeclaredCompute = ErrorEntry("CannotBeMoreThanDeclaredCompute()", selector: 0x7d993890, origin: .g1)
    /// `CannotLeaveMarketWithActiveRequest()`
    public static let cannotLeaveMarketWithActiveRequest = ErrorEntry("CannotLeaveMarketWithActiveRequest()", selector: 0xb81f61c0, origin: .g1)
    /// `InactiveMarket()`
    public static let inactiveMarket = ErrorEntry("InactiveMarket()", selector: 0xbd2da74c, origin: .g1)
    /// `OnlyMarketCreator()`
    public static let onlyMarketCreator = ErrorEntry("OnlyMarketCreator()", selector: 0x38993a49, origin: .g1)
    /// `CannotAssignExpiredTasks()`
    public static let cannotAssignExpiredTasks = ErrorEntry("CannotAssignExpiredTasks()", selector: 0xe832909a, origin: .g1)
    /// `InvalidInputs()`
    public static let invalidInputs = ErrorEntry("InvalidInputs()", selector: 0xf34cfab6, origin: .g1)
    /// `ArityMismatch()`
    public static let arityMismatch = ErrorEntry("ArityMismatch()", selector: 0xc21fe6bf, origin: .g1)
    /// `RequestAlreadyInPlace()`
    public static let requestAlreadyInPlace = ErrorEntry("RequestAlreadyInPlace()", selector: 0x7ec76390, origin: .g1)
    /// `CannotBeSlashed()`
    public static let cannotBeSlashed = ErrorEntry("CannotBeSlashed()", selector: 0xed3df300, origin: .g1)
    /// `InsufficientStakeToLock()`
    public static let insufficientStakeToLock = ErrorEntry("InsufficientStakeToLock()", selector: 0xe0631462, origin: .g1)
    /// `EnclaveKeyNotVerified()`
    public static let enclaveKeyNotVerified = ErrorEntry("EnclaveKeyNotVerified()", selector: 0xa135a55d, origin: .g1)
    /// `ExceedsAcceptableRange()`
    public static let exceedsAcceptableRange = ErrorEntry("ExceedsAcceptableRange()", selector: 0xca5e622f, origin: .g1)
    /// `IncorrectImageId()`
    public static let incorrectImageId = ErrorEntry("IncorrectImageId()", selector: 0xc465e69d, origin: .g1)
    /// `InvalidECIESACL()`
    public static let invalidECIESACL = ErrorEntry("InvalidECIESACL()", selector: 0x338857e8, origin: .g1)
    /// `ShouldBeInCreateState()`
    public static let shouldBeInCreateState = ErrorEntry("ShouldBeInCreateState()", selector: 0x7cb69d0a, origin: .g1)
    /// `InferredImageIdIsDifferent()`
    public static let inferredImageIdIsDifferent = ErrorEntry("InferredImageIdIsDifferent()", selector: 0x18b43556, origin: .g1)
    /// `InvalidEnclaveSignature(address)`
    public static let invalidEnclaveSignature = ErrorEntry("InvalidEnclaveSignature(address)", selector: 0x2880cb7f, origin: .g1)
    /// `BlacklistedImage(bytes32)`
    public static let blacklistedImage = ErrorEntry("BlacklistedImage(bytes32)", selector: 0x89b7628c, origin: .g1)
    /// `AlreadyABlacklistedImage(bytes32)`
    public static let alreadyABlacklistedImage = ErrorEntry("AlreadyABlacklistedImage(bytes32)", selector: 0x345ae73a, origin: .g1)
    /// `MustBeAnEnclave(bytes32)`
    public static let mustBeAnEnclave = ErrorEntry("MustBeAnEnclave(bytes32)", selector: 0x06356cb3, origin: .g1)
    /// `ImageAlreadyInFamily(bytes32,bytes32)`
    public static let imageAlreadyInFamily = ErrorEntry("ImageAlreadyInFamily(bytes32,bytes32)", selector: 0xc644d047, origin: .g1)
    /// `CannotRemoveDefaultImageFromMarket(uint256,bytes32)`
    public static let cannotRemoveDefaultImageFromMarket = ErrorEntry("CannotRemoveDefaultImageFromMarket(uint256,bytes32)", selector: 0xb565f792, origin: .g1)
    /// `CannotSlashUsingValidInputs(uint256)`
    public static let cannotSlashUsingValidInputs = ErrorEntry("CannotSlashUsingValidInputs(uint256)", selector: 0x80d35e7a, origin: .g1)
    /// `ProofPriceMismatch(uint256)`
    public static let proofPriceMismatch = ErrorEntry("ProofPriceMismatch(uint256)", selector: 0xc4bb553a, origin: .g1)
    /// `ProofTimeMismatch(uint256)`
    public static let proofTimeMismatch = ErrorEntry("ProofTimeMismatch(uint256)", selector: 0xf84faa49, origin: .g1)
    /// `OnlyExpiredAsksCanBeCancelled(uint256)`
    public static let onlyExpiredAsksCanBeCancelled = ErrorEntry("OnlyExpiredAsksCanBeCancelled(uint256)", selector: 0xa6d23aaa, origin: .g1)
    /// `OnlyAssignedAsksCanBeProved(uint256)`
    public static let onlyAssignedAsksCanBeProved = ErrorEntry("OnlyAssignedAsksCanBeProved(uint256)", selector: 0x16f2d83f, origin: .g1)
    /// `InvalidProof(uint256)`
    public static let invalidProof = ErrorEntry("InvalidProof(uint256)", selector: 0x5e3fa051, origin: .g1)
    /// `ShouldBeInCrossedDeadlineState(uint256)`
    public static let shouldBeInCrossedDeadlineState = ErrorEntry("ShouldBeInCrossedDeadlineState(uint256)", selector: 0xb2cdf6a8, origin: .g1)
    /// `ShouldBeInAssignedState(uint256)`
    public static let shouldBeInAssignedState = ErrorEntry("ShouldBeInAssignedState(uint256)", selector: 0x0d9485f1, origin: .g1)
    /// `OnlyGeneratorCanDiscardRequest(uint256)`
    public static let onlyGeneratorCanDiscardRequest = ErrorEntry("OnlyGeneratorCanDiscardRequest(uint256)", selector: 0x86d0ee98, origin: .g1)
    /// `KeyAlreadyExists(address)`
    public static let keyAlreadyExists = ErrorEntry("KeyAlreadyExists(address)", selector: 0xe0accd63, origin: .g1)
    /// `AttestationAutherPubkeyLengthInvalid()`
    public static let attestationAutherPubkeyLengthInvalid = ErrorEntry("AttestationAutherPubkeyLengthInvalid()", selector: 0xbd9c80c1, origin: .attestationAuther)
    /// `AttestationAutherPCRsInvalid()`
    public static let attestationAutherPCRsInvalid = ErrorEntry("AttestationAutherPCRsInvalid()", selector: 0x84c61bb6, origin: .attestationAuther)
    /// `AttestationAutherImageNotWhitelisted()`
    public static let attestationAutherImageNotWhitelisted = ErrorEntry("AttestationAutherImageNotWhitelisted()", selector: 0x38c4ac16, origin: .attestationAuther)
    /// `AttestationAutherImageNotInFamily()`
    public static let attestationAutherImageNotInFamily = ErrorEntry("AttestationAutherImageNotInFamily()", selector: 0x90cc4b02, origin: .attestationAuther)
    /// `AttestationAutherKeyNotVerified()`
    public static let attestationAutherKeyNotVerified = ErrorEntry("AttestationAutherKeyNotVerified()", selector: 0x3dd8ca95, origin: .attestationAuther)
    /// `AttestationAutherAttestationTooOld()`
    public static let attestationAutherAttestationTooOld = ErrorEntry("AttestationAutherAttestationTooOld()", selector: 0x19605e0a, origin: .attestationAuther)
    /// `AttestationAutherMismatchedLengths()`
    public static let attestationAutherMismatchedLengths = ErrorEntry("AttestationAutherMismatchedLengths()", selector: 0xd30d02c5, origin: .attestationAuther)
    /// `ECDSAInvalidSignature()`
    public static let ecdsaInvalidSignature = ErrorEntry("ECDSAInvalidSignature()", selector: 0xf645eedf, origin: .openZeppelin)
    /// `ECDSAInvalidSignatureLength(uint256)`
    public static let ecdsaInvalidSignatureLength = ErrorEntry("ECDSAInvalidSignatureLength(uint256)", selector: 0xfce698f7, origin: .openZeppelin)
    /// `ECDSAInvalidSignatureS(bytes32)`
    public static let ecdsaInvalidSignatureS = ErrorEntry("ECDSAInvalidSignatureS(bytes32)", selector: 0xd78bce0c, origin: .openZeppelin)
    /// `AccessControlUnauthorizedAccount(address,bytes32)`
    public static let accessControlUnauthorizedAccount = ErrorEntry("AccessControlUnauthorizedAccount(address,bytes32)", selector: 0xe2517d3f, origin: .openZeppelin)
    /// `EnforcedPause()`
    public static let enforcedPause = ErrorEntry("EnforcedPause()", selector: 0xd93c0665, origin: .openZeppelin)
    /// `ReentrancyGuardReentrantCall()`
    public static let reentrancyGuardReentrantCall = ErrorEntry("ReentrancyGuardReentrantCall()", selector: 0x3ee5aeb5, origin: .openZeppelin)
    /// `SafeERC20FailedOperation(address)`
    public static let safeERC20FailedOperation = ErrorEntry("SafeERC20FailedOperation(address)", selector: 0x5274afe7, origin: .openZeppelin)
    /// `Error(string)`
    public static let errorString = ErrorEntry("Error(string)", selector: 0x08c379a0, origin: .openZeppelin)
    /// `Panic(uint256)`
    public static let panic = ErrorEntry("Panic(uint256)", selector: 0x4e487b71, origin: .openZeppelin)

    /// Every error of §11.1, in spec order.
    public static let all: [ErrorEntry] = [
        cannotBeZero, invalidGenerator, generatorAlreadyExists, cannotLeaveWithActiveMarket,
        assignOnlyToIdleGenerators, insufficientGeneratorComputeAvailable, onlyWorkingGenerators,
        invalidEnclaveKey, onlyValidGeneratorsCanRequestExit, invalidGeneratorStatePerMarket,
        unstakeRequestNotInPlace, reduceComputeRequestNotInPlace, maxParallelRequestsPerMarketExceeded,
        reductionRequestNotValid, publicMarketsDontNeedKey, cannotModifyImagesForPublicMarkets,
        invalidMarket, alreadyJoinedMarket, cannotBeMoreThanDeclaredCompute,
        cannotLeaveMarketWithActiveRequest, inactiveMarket, onlyMarketCreator, cannotAssignExpiredTasks,
        invalidInputs, arityMismatch, requestAlreadyInPlace, cannotBeSlashed, insufficientStakeToLock,
        enclaveKeyNotVerified, exceedsAcceptableRange, incorrectImageId, invalidECIESACL,
        shouldBeInCreateState, inferredImageIdIsDifferent, invalidEnclaveSignature, blacklistedImage,
        alreadyABlacklistedImage, mustBeAnEnclave, imageAlreadyInFamily, cannotRemoveDefaultImageFromMarket,
        cannotSlashUsingValidInputs, proofPriceMismatch, proofTimeMismatch, onlyExpiredAsksCanBeCancelled,
        onlyAssignedAsksCanBeProved, invalidProof, shouldBeInCrossedDeadlineState, shouldBeInAssignedState,
        onlyGeneratorCanDiscardRequest, keyAlreadyExists, attestationAutherPubkeyLengthInvalid,
        attestationAutherPCRsInvalid, attestationAutherImageNotWhitelisted,
        attestationAutherImageNotInFamily, attestationAutherKeyNotVerified,
        attestationAutherAttestationTooOld, attestationAutherMismatchedLengths, ecdsaInvalidSignature,
        ecdsaInvalidSignatureLength, ecdsaInvalidSignatureS, accessControlUnauthorizedAccount, enforcedPause,
        reentrancyGuardReentrantCall, safeERC20FailedOperation, errorString, panic
    ]

    private static let bySelector: [UInt32: ErrorEntry] = {
        var table: [UInt32: ErrorEntry] = [:]
        for entry in all { table[entry.selector] = entry }
        return table
    }()

    /// The error whose selector starts `revertData`, if known.
    public static func decode(selectorOf revertData: [UInt8]) -> ErrorEntry? {
        guard revertData.count >= 4 else { return nil }
        let selector = UInt32(revertData[0]) << 24 | UInt32(revertData[1]) << 16 | UInt32(revertData[2]) << 8 | UInt32(revertData[3])
        return bySelector[selector]
    }
}

extension Hash32 {
    /// Parses a reference constant of this file (`0x` + 64 hex digits). A malformed literal gives the zero hash,
    /// which the reference-table tests report; it cannot happen at run time for the literals above.
    init(referenceHex text: StaticString) {
        let string = text.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
        self = (try? Hash32(hex: string)) ?? .zero
    }
}
