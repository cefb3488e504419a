import EthereumKit

/// Per-contract flags from the inherited OpenZeppelin events (§7.1 "Contract flags").
public struct ContractFlags: Hashable, Sendable {
    /// The contract.
    public var contract: KalypsoContract
    /// `Paused` / `Unpaused` (meaningful for ProofMarketplace, where it blocks `createAsk` only).
    public var paused: Bool
    /// The implementation from the latest `Upgraded`; nil if none was seen.
    public var implementation: Address?
    /// The version from the latest `Initialized`; nil if none was seen.
    public var initializedVersion: UInt64?
    /// AccessControl members per role, from `RoleGranted` / `RoleRevoked`.
    public var roleMembers: [Hash32: Set<Address>]
    /// AccessControl admin role per role, from `RoleAdminChanged` (absent = `DEFAULT_ADMIN_ROLE`).
    public var roleAdmins: [Hash32: Hash32]

    public init(contract: KalypsoContract, paused: Bool = false, implementation: Address? = nil,
                initializedVersion: UInt64? = nil, roleMembers: [Hash32: Set<Address>] = [:], roleAdmins: [Hash32: Hash32] = [:]) {
        self.contract = contract
        self.paused = paused
        self.implementation = implementation
        self.initializedVersion = initializedVersion
        self.roleMembers = roleMembers
        self.roleAdmins = roleAdmins
    }
}

/// An enclave image known to the EntityKeyRegistry (optional registry of §7.1).
public struct EnclaveImage: Hashable, Sendable {
    /// `imageId = keccak256(PCR0 ‖ PCR1 ‖ PCR2)`.
    public var imageId: Hash32
    /// The PCRs from `EnclaveImageWhitelisted`; nil if the image was only seen in a family event.
    public var pcrs: EnclavePCRs?
    /// Whitelisted (`EnclaveImageWhitelisted`) and not revoked since (`EnclaveImageRevoked`).
    public var whitelisted: Bool
    /// `ImageBlacklisted` was seen.
    public var blacklisted: Bool
    /// Families the image is in (`EnclaveImageAddedToFamily` / `EnclaveImageRemovedFromFamily`).
    public var families: Set<Hash32>

    public init(imageId: Hash32, pcrs: EnclavePCRs? = nil, whitelisted: Bool = false, blacklisted: Bool = false,
                families: Set<Hash32> = []) {
        self.imageId = imageId
        self.pcrs = pcrs
        self.whitelisted = whitelisted
        self.blacklisted = blacklisted
        self.families = families
    }
}

/// The three PCRs of an enclave image (48 bytes each when whitelisted).
public struct EnclavePCRs: Hashable, Sendable {
    /// PCR0 (48 bytes).
    public var pcr0: [UInt8]
    /// PCR1 (48 bytes).
    public var pcr1: [UInt8]
    /// PCR2 (48 bytes).
    public var pcr2: [UInt8]

    public init(pcr0: [UInt8], pcr1: [UInt8], pcr2: [UInt8]) {
        self.pcr0 = pcr0
        self.pcr1 = pcr1
        self.pcr2 = pcr2
    }
}

/// A verified enclave key, known by the hash of its public key (the indexed `bytes` topic of `EnclaveKeyVerified`).
public struct VerifiedEnclaveKey: Hashable, Sendable {
    /// `keccak256(enclavePubKey)`.
    public var publicKeyHash: Hash32
    /// The image the key was verified under.
    public var imageId: Hash32
    /// The block of the verifying log.
    public var verifiedInBlock: UInt64

    public init(publicKeyHash: Hash32, imageId: Hash32, verifiedInBlock: UInt64) {
        self.publicKeyHash = publicKeyHash
        self.imageId = imageId
        self.verifiedInBlock = verifiedInBlock
    }
}
