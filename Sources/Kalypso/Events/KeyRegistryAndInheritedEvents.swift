import EthereumKit

// The G1 EntityKeyRegistry events (§5.2) and the inherited OpenZeppelin events (§11.2). Fields in declaration order.
// An indexed `bytes` parameter (`enclavePubKey`) is only its keccak256 in the log, so it is read as `bytes32`.

extension KalypsoEvent {
    /// `UpdateKey(address indexed user, uint256 indexed keyIndex)`. Lacks the key: see `key`.
    public struct UpdateKey: Hashable, Sendable {
        /// The key owner.
        public var user: Address
        /// The key index (the market id for generator keys, 0 for the matching engine).
        public var keyIndex: UInt256
        /// The 64-byte public key from the attestation in calldata or `pub_key(user, keyIndex)` at the block hash.
        public var key: Enrichment<[UInt8]>

        public init(user: Address, keyIndex: UInt256, key: Enrichment<[UInt8]> = .pending) {
            self.user = user
            self.keyIndex = keyIndex
            self.key = key
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(user: try r.address(), keyIndex: try r.uint())
        }
    }

    /// `RemoveKey(address indexed user, uint256 indexed keyIndex)`.
    public struct RemoveKey: Hashable, Sendable {
        /// The key owner.
        public var user: Address
        /// The key index (the market id for generator keys, 0 for the matching engine).
        public var keyIndex: UInt256

        public init(user: Address, keyIndex: UInt256) {
            self.user = user
            self.keyIndex = keyIndex
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(user: try r.address(), keyIndex: try r.uint())
        }
    }

    /// `ImageBlacklisted(bytes32 indexed imageId)`.
    public struct ImageBlacklisted: Hashable, Sendable {
        /// The enclave image id.
        public var imageId: Hash32

        public init(imageId: Hash32) { self.imageId = imageId }

        public init(fields r: inout some EventFieldReader) throws { self.init(imageId: try r.bytes32()) }
    }

    /// `EnclaveImageWhitelisted(bytes32 indexed imageId, bytes PCR0, bytes PCR1, bytes PCR2)`.
    public struct EnclaveImageWhitelisted: Hashable, Sendable {
        /// The enclave image id.
        public var imageId: Hash32
        /// PCR0 (48 bytes).
        public var pcr0: [UInt8]
        /// PCR1 (48 bytes).
        public var pcr1: [UInt8]
        /// PCR2 (48 bytes).
        public var pcr2: [UInt8]

        public init(imageId: Hash32, pcr0: [UInt8], pcr1: [UInt8], pcr2: [UInt8]) {
            self.imageId = imageId
            self.pcr0 = pcr0
            self.pcr1 = pcr1
            self.pcr2 = pcr2
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(imageId: try r.bytes32(), pcr0: try r.bytes(), pcr1: try r.bytes(), pcr2: try r.bytes())
        }
    }

    /// `EnclaveImageRevoked(bytes32 indexed imageId)`.
    public struct EnclaveImageRevoked: Hashable, Sendable {
        /// The enclave image id.
        public var imageId: Hash32

        public init(imageId: Hash32) { self.imageId = imageId }

        public init(fields r: inout some EventFieldReader) throws { self.init(imageId: try r.bytes32()) }
    }

    /// `EnclaveImageAddedToFamily(bytes32 indexed imageId, bytes32 family)`.
    public struct EnclaveImageAddedToFamily: Hashable, Sendable {
        /// The enclave image id.
        public var imageId: Hash32
        /// The image family.
        public var family: Hash32

        public init(imageId: Hash32, family: Hash32) {
            self.imageId = imageId
            self.family = family
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(imageId: try r.bytes32(), family: try r.bytes32())
        }
    }

    /// `EnclaveImageRemovedFromFamily(bytes32 indexed imageId, bytes32 family)`.
    public struct EnclaveImageRemovedFromFamily: Hashable, Sendable {
        /// The enclave image id.
        public var imageId: Hash32
        /// The image family.
        public var family: Hash32

        public init(imageId: Hash32, family: Hash32) {
            self.imageId = imageId
            self.family = family
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(imageId: try r.bytes32(), family: try r.bytes32())
        }
    }

    /// `EnclaveKeyWhitelisted(bytes indexed enclavePubKey, bytes32 indexed imageId)` (declared; no G1 code path emits it).
    public struct EnclaveKeyWhitelisted: Hashable, Sendable {
        /// `keccak256(enclavePubKey)` (the topic of an indexed `bytes`).
        public var enclavePubKeyHash: Hash32
        /// The enclave image id.
        public var imageId: Hash32

        public init(enclavePubKeyHash: Hash32, imageId: Hash32) {
            self.enclavePubKeyHash = enclavePubKeyHash
            self.imageId = imageId
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(enclavePubKeyHash: try r.bytes32(), imageId: try r.bytes32())
        }
    }

    /// `EnclaveKeyRevoked(bytes indexed enclavePubKey)` (declared; no G1 code path emits it).
    public struct EnclaveKeyRevoked: Hashable, Sendable {
        /// `keccak256(enclavePubKey)`.
        public var enclavePubKeyHash: Hash32

        public init(enclavePubKeyHash: Hash32) { self.enclavePubKeyHash = enclavePubKeyHash }

        public init(fields r: inout some EventFieldReader) throws { self.init(enclavePubKeyHash: try r.bytes32()) }
    }

    /// `EnclaveKeyVerified(bytes indexed enclavePubKey, bytes32 indexed imageId)`.
    public struct EnclaveKeyVerified: Hashable, Sendable {
        /// `keccak256(enclavePubKey)`.
        public var enclavePubKeyHash: Hash32
        /// The enclave image id.
        public var imageId: Hash32

        public init(enclavePubKeyHash: Hash32, imageId: Hash32) {
            self.enclavePubKeyHash = enclavePubKeyHash
            self.imageId = imageId
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(enclavePubKeyHash: try r.bytes32(), imageId: try r.bytes32())
        }
    }

    // MARK: Inherited OpenZeppelin events

    /// `Initialized(uint64 version)` (OpenZeppelin 5) or `Initialized(uint8 version)` (OpenZeppelin 4).
    public struct Initialized: Hashable, Sendable {
        /// Which declaration emitted the log.
        public enum Variant: Hashable, Sendable {
            /// `Initialized(uint64)`.
            case uint64
            /// `Initialized(uint8)`.
            case uint8
        }

        /// The initializer version.
        public var version: UInt64
        /// Which declaration emitted the log.
        public var variant: Variant

        public init(version: UInt64, variant: Variant = .uint64) {
            self.version = version
            self.variant = variant
        }

        public init(variant: Variant, fields r: inout some EventFieldReader) throws {
            let word = try r.uint()
            let limit: UInt64 = variant == .uint64 ? .max : UInt64(UInt8.max)
            guard let version = word.uint64, version <= limit else {
                throw EventDecodingError(.valueOutOfRange, "Initialized: version \(word) does not fit the declared \(variant); quarantine the log")
            }
            self.init(version: version, variant: variant)
        }
    }

    /// `Upgraded(address indexed implementation)` (ERC-1967): the ABI may have changed; the mirror alerts.
    public struct Upgraded: Hashable, Sendable {
        /// The new implementation contract.
        public var implementation: Address

        public init(implementation: Address) { self.implementation = implementation }

        public init(fields r: inout some EventFieldReader) throws { self.init(implementation: try r.address()) }
    }

    /// `RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)`.
    public struct RoleGranted: Hashable, Sendable {
        /// The AccessControl role.
        public var role: Hash32
        /// The account.
        public var account: Address
        /// The caller that changed the role.
        public var sender: Address

        public init(role: Hash32, account: Address, sender: Address) {
            self.role = role
            self.account = account
            self.sender = sender
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(role: try r.bytes32(), account: try r.address(), sender: try r.address())
        }
    }

    /// `RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender)`.
    public struct RoleRevoked: Hashable, Sendable {
        /// The AccessControl role.
        public var role: Hash32
        /// The account.
        public var account: Address
        /// The caller that changed the role.
        public var sender: Address

        public init(role: Hash32, account: Address, sender: Address) {
            self.role = role
            self.account = account
            self.sender = sender
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(role: try r.bytes32(), account: try r.address(), sender: try r.address())
        }
    }

    /// `RoleAdminChanged(bytes32 indexed role, bytes32 indexed previousAdminRole, bytes32 indexed newAdminRole)`.
    public struct RoleAdminChanged: Hashable, Sendable {
        /// The AccessControl role.
        public var role: Hash32
        /// The previous admin role.
        public var previousAdminRole: Hash32
        /// The new admin role.
        public var newAdminRole: Hash32

        public init(role: Hash32, previousAdminRole: Hash32, newAdminRole: Hash32) {
            self.role = role
            self.previousAdminRole = previousAdminRole
            self.newAdminRole = newAdminRole
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(role: try r.bytes32(), previousAdminRole: try r.bytes32(), newAdminRole: try r.bytes32())
        }
    }

    /// `Paused(address account)`.
    public struct Paused: Hashable, Sendable {
        /// The account.
        public var account: Address

        public init(account: Address) { self.account = account }

        public init(fields r: inout some EventFieldReader) throws { self.init(account: try r.address()) }
    }

    /// `Unpaused(address account)`.
    public struct Unpaused: Hashable, Sendable {
        /// The account.
        public var account: Address

        public init(account: Address) { self.account = account }

        public init(fields r: inout some EventFieldReader) throws { self.init(account: try r.address()) }
    }
}
