import EthereumKit

// The G1 ProofMarketplace events (§4.3), both `AskCreated` variants in one struct. Fields in declaration order.

extension KalypsoEvent {
    /// `AskCreated(uint256 indexed askId, bool indexed hasPrivateInputs, bytes secret_data, bytes acl[, bytes extraData])`.
    ///
    /// Both topic0 variants decode to this struct; the legacy 4-field form has an empty `extraData`. Lacks the ask
    /// body, the market id, the requester and the secret type: see `details`.
    public struct AskCreated: Hashable, Sendable {
        /// Which declaration emitted the log.
        public enum Variant: Hashable, Sendable {
            /// The 5-field form (from 2024-12-27, KC `c761246`).
            case current
            /// The 4-field form without `extraData`.
            case legacy
        }

        /// The ask id.
        public var askId: UInt256
        /// The **market type** (private = enclave prover image), not what the requester sent.
        public var hasPrivateInputs: Bool
        /// `secret_data` (empty for public markets).
        public var secretData: [UInt8]
        /// `acl`: the ask key encrypted to the matching engine (empty for public markets).
        public var acl: [UInt8]
        /// `extraData` (empty for the legacy variant).
        public var extraData: [UInt8]
        /// Which declaration emitted the log.
        public var variant: Variant
        /// The ask body, requester and secret type from `createAsk` calldata or `listOfAsk(askId)` at the block hash.
        public var details: Enrichment<AskDetails>

        public init(askId: UInt256, hasPrivateInputs: Bool, secretData: [UInt8], acl: [UInt8], extraData: [UInt8] = [],
                    variant: Variant = .current, details: Enrichment<AskDetails> = .pending) {
            self.askId = askId
            self.hasPrivateInputs = hasPrivateInputs
            self.secretData = secretData
            self.acl = acl
            self.extraData = extraData
            self.variant = variant
            self.details = details
        }

        /// Reads 5 fields (`current`) or 4 (`legacy`, `extraData` empty).
        public init(variant: Variant, fields r: inout some EventFieldReader) throws {
            let askId = try r.uint(), priv = try r.bool(), secret = try r.bytes(), acl = try r.bytes()
            let extra = variant == .current ? try r.bytes() : []
            self.init(askId: askId, hasPrivateInputs: priv, secretData: secret, acl: acl, extraData: extra, variant: variant)
        }
    }

    /// `TaskCreated(uint256 indexed askId, address indexed generator, bytes new_acl)`. Lacks the new `ask.deadline`.
    public struct TaskCreated: Hashable, Sendable {
        /// The ask id.
        public var askId: UInt256
        /// The generator (admin) address.
        public var generator: Address
        /// `new_acl`: the ask's key re-encrypted to the generator (empty for public markets).
        public var newAcl: [UInt8]
        /// `listOfAsk(askId).ask.deadline` at the block hash (`now + timeTakenForProofGeneration`).
        public var deadline: Enrichment<UInt256>

        public init(askId: UInt256, generator: Address, newAcl: [UInt8], deadline: Enrichment<UInt256> = .pending) {
            self.askId = askId
            self.generator = generator
            self.newAcl = newAcl
            self.deadline = deadline
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(askId: try r.uint(), generator: try r.address(), newAcl: try r.bytes())
        }
    }

    /// `ProofCreated(uint256 indexed askId, bytes proof)`.
    public struct ProofCreated: Hashable, Sendable {
        /// The ask id.
        public var askId: UInt256
        /// The submitted proof.
        public var proof: [UInt8]

        public init(askId: UInt256, proof: [UInt8]) {
            self.askId = askId
            self.proof = proof
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(askId: try r.uint(), proof: try r.bytes())
        }
    }

    /// `ProofNotGenerated(uint256 indexed askId)`: a slash or a discard; emitted **before** the registry's events.
    public struct ProofNotGenerated: Hashable, Sendable {
        /// The ask id.
        public var askId: UInt256

        public init(askId: UInt256) { self.askId = askId }

        public init(fields r: inout some EventFieldReader) throws { self.init(askId: try r.uint()) }
    }

    /// `InvalidInputsDetected(uint256 indexed askId)`.
    public struct InvalidInputsDetected: Hashable, Sendable {
        /// The ask id.
        public var askId: UInt256

        public init(askId: UInt256) { self.askId = askId }

        public init(fields r: inout some EventFieldReader) throws { self.init(askId: try r.uint()) }
    }

    /// `MarketplaceCreated(uint256 indexed marketId)`. Lacks every market field: see `market`.
    public struct MarketplaceCreated: Hashable, Sendable {
        /// The market id.
        public var marketId: UInt256
        /// The `Market` from `marketData(id)` at the block hash (preferred) or from calldata.
        public var market: Enrichment<MarketData>

        public init(marketId: UInt256, market: Enrichment<MarketData> = .pending) {
            self.marketId = marketId
            self.market = market
        }

        public init(fields r: inout some EventFieldReader) throws { self.init(marketId: try r.uint()) }
    }

    /// `AskCancelled(uint256 indexed askId)`.
    public struct AskCancelled: Hashable, Sendable {
        /// The ask id.
        public var askId: UInt256

        public init(askId: UInt256) { self.askId = askId }

        public init(fields r: inout some EventFieldReader) throws { self.init(askId: try r.uint()) }
    }

    /// `UpdateCostPerBytes(SecretType indexed secretType, uint256 costPerInputBytes)`.
    public struct UpdateCostPerBytes: Hashable, Sendable {
        /// The secret type.
        public var secretType: SecretType
        /// The new platform fee per input byte.
        public var costPerInputBytes: UInt256

        public init(secretType: SecretType, costPerInputBytes: UInt256) {
            self.secretType = secretType
            self.costPerInputBytes = costPerInputBytes
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(secretType: try SecretType(word: try r.uint(), event: "UpdateCostPerBytes"), costPerInputBytes: try r.uint())
        }
    }

    /// `UpdateMinProvingTime(SecretType indexed secretType, uint256 newProvingTime)`.
    public struct UpdateMinProvingTime: Hashable, Sendable {
        /// The secret type.
        public var secretType: SecretType
        /// The new minimum proving time (G1 clock blocks).
        public var newProvingTime: UInt256

        public init(secretType: SecretType, newProvingTime: UInt256) {
            self.secretType = secretType
            self.newProvingTime = newProvingTime
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(secretType: try SecretType(word: try r.uint(), event: "UpdateMinProvingTime"), newProvingTime: try r.uint())
        }
    }

    /// `AddExtraProverImage(uint256 indexed marketId, bytes32 indexed imageId)`.
    public struct AddExtraProverImage: Hashable, Sendable {
        /// The market id.
        public var marketId: UInt256
        /// The enclave image id.
        public var imageId: Hash32

        public init(marketId: UInt256, imageId: Hash32) {
            self.marketId = marketId
            self.imageId = imageId
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(marketId: try r.uint(), imageId: try r.bytes32())
        }
    }

    /// `AddExtraIVSImage(uint256 indexed marketId, bytes32 indexed imageId)`.
    public struct AddExtraIVSImage: Hashable, Sendable {
        /// The market id.
        public var marketId: UInt256
        /// The enclave image id.
        public var imageId: Hash32

        public init(marketId: UInt256, imageId: Hash32) {
            self.marketId = marketId
            self.imageId = imageId
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(marketId: try r.uint(), imageId: try r.bytes32())
        }
    }

    /// `RemoveExtraProverImage(uint256 indexed marketId, bytes32 indexed imageId)`.
    public struct RemoveExtraProverImage: Hashable, Sendable {
        /// The market id.
        public var marketId: UInt256
        /// The enclave image id.
        public var imageId: Hash32

        public init(marketId: UInt256, imageId: Hash32) {
            self.marketId = marketId
            self.imageId = imageId
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(marketId: try r.uint(), imageId: try r.bytes32())
        }
    }

    /// `RemoveExtraIVSImage(uint256 indexed marketId, bytes32 indexed imageId)`.
    public struct RemoveExtraIVSImage: Hashable, Sendable {
        /// The market id.
        public var marketId: UInt256
        /// The enclave image id.
        public var imageId: Hash32

        public init(marketId: UInt256, imageId: Hash32) {
            self.marketId = marketId
            self.imageId = imageId
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(marketId: try r.uint(), imageId: try r.bytes32())
        }
    }
}

extension SecretType {
    /// Reads an ABI `uint8` enum word; values outside 0…2 are a decoding error (the contract cannot emit them).
    init(word: UInt256, event: String) throws {
        guard let small = word.uint64, small <= UInt64(UInt8.max), let value = SecretType(rawValue: UInt8(small)) else {
            throw EventDecodingError(.valueOutOfRange,
                                     "\(event): secretType \(word) is not a SecretType (0 NULL, 1 CALLDATA, 2 EXTERNAL); quarantine the log")
        }
        self = value
    }
}
