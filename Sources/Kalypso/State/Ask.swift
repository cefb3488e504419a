import EthereumKit

/// `ProofMarketplace.Ask` (§4.2), the tuple `(uint256,uint256,uint256,uint256,uint256,address,bytes)`.
public struct AskBody: Hashable, Sendable {
    /// `marketId`.
    public var marketId: UInt256
    /// `reward`: what the requester pays; the generator receives its `proofGenerationCost`, the rest is refunded.
    public var reward: UInt256
    /// `expiry` (G1 clock): the block by which the ask must be assigned.
    public var expiry: UInt256
    /// `timeTakenForProofGeneration` (G1 clock blocks).
    public var timeTakenForProofGeneration: UInt256
    /// `deadline` (G1 clock): the requester's value until assignment, then `now + timeTakenForProofGeneration`.
    public var deadline: UInt256
    /// `refundAddress`.
    public var refundAddress: Address
    /// `proverData`: the public inputs.
    public var proverData: [UInt8]

    public init(marketId: UInt256, reward: UInt256, expiry: UInt256, timeTakenForProofGeneration: UInt256,
                deadline: UInt256, refundAddress: Address, proverData: [UInt8]) {
        self.marketId = marketId
        self.reward = reward
        self.expiry = expiry
        self.timeTakenForProofGeneration = timeTakenForProofGeneration
        self.deadline = deadline
        self.refundAddress = refundAddress
        self.proverData = proverData
    }
}

/// A mirrored ask (`AskWithState` plus what the events carry, §7.1), keyed by `askId` (an index from 0).
public struct Ask: Hashable, Sendable {
    /// The ask id.
    public var id: UInt256
    /// The `Ask` fields; nil only when `AskCreated` could not be enriched (§7.3).
    public var body: AskBody?
    /// The stored state (`CREATE`, `ASSIGNED` or `COMPLETE`).
    public var storedState: StoredAskState
    /// `requester` (`msg.sender` of `createAsk`); nil if unknown.
    public var requester: Address?
    /// The assigned generator (set by `TaskCreated`).
    public var generator: Address?
    /// `hasPrivateInputs` from `AskCreated`: the **market type**, not what the requester sent (§7.8 item 11).
    public var hasPrivateInputs: Bool
    /// `secret_data` from `AskCreated` (empty for public markets).
    public var secretData: [UInt8]
    /// `acl` from `AskCreated` (empty for public markets).
    public var acl: [UInt8]
    /// `extraData` from `AskCreated` (empty for the 4-field legacy variant).
    public var extraData: [UInt8]
    /// `new_acl` from `TaskCreated`.
    public var newAcl: [UInt8]?
    /// How the ask completed; nil until `COMPLETE`.
    public var outcome: AskOutcome?
    /// The proof from `ProofCreated`.
    public var proof: [UInt8]?
    /// The `secretType` argument of `createAsk`; nil when unknown (not stored on chain).
    public var secretType: SecretType?
    /// The block of `AskCreated`.
    public var createdInBlock: UInt64
    /// The block of `TaskCreated`.
    public var assignedInBlock: UInt64?
    /// The block of the completing event.
    public var completedInBlock: UInt64?

    public init(id: UInt256, body: AskBody?, storedState: StoredAskState, requester: Address?, generator: Address? = nil,
                hasPrivateInputs: Bool, secretData: [UInt8], acl: [UInt8], extraData: [UInt8], newAcl: [UInt8]? = nil,
                outcome: AskOutcome? = nil, proof: [UInt8]? = nil, secretType: SecretType?, createdInBlock: UInt64,
                assignedInBlock: UInt64? = nil, completedInBlock: UInt64? = nil) {
        self.id = id
        self.body = body
        self.storedState = storedState
        self.requester = requester
        self.generator = generator
        self.hasPrivateInputs = hasPrivateInputs
        self.secretData = secretData
        self.acl = acl
        self.extraData = extraData
        self.newAcl = newAcl
        self.outcome = outcome
        self.proof = proof
        self.secretType = secretType
        self.createdInBlock = createdInBlock
        self.assignedInBlock = assignedInBlock
        self.completedInBlock = completedInBlock
    }

    /// The market id, if the body is known.
    public var marketId: UInt256? { body?.marketId }
}

/// The key of an enclave public key: `(owner, keyIndex)`.
public struct KeyID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The key owner: a generator, or the ProofMarketplace address for the matching-engine key.
    public var owner: Address
    /// The key index: the market id for generator keys, 0 for the matching-engine key.
    public var keyIndex: UInt256

    public init(owner: Address, keyIndex: UInt256) {
        self.owner = owner
        self.keyIndex = keyIndex
    }

    public static func < (a: KeyID, b: KeyID) -> Bool {
        a.owner != b.owner ? a.owner < b.owner : a.keyIndex < b.keyIndex
    }

    public var description: String { "(\(owner), index \(keyIndex))" }
}

/// A mirrored `pub_key(owner, keyIndex)` entry of the EntityKeyRegistry (§5.1).
public struct EnclaveKey: Hashable, Sendable {
    /// The owner.
    public var owner: Address
    /// The key index.
    public var keyIndex: UInt256
    /// The 64-byte uncompressed secp256k1 point without `0x04`; nil when `UpdateKey` could not be enriched or the
    /// value read was not 64 bytes. A nil key is "no key" for matching (reference weakness B4 #16).
    public var publicKey: [UInt8]?
    /// The block of the `UpdateKey` log.
    public var updatedInBlock: UInt64

    public init(owner: Address, keyIndex: UInt256, publicKey: [UInt8]?, updatedInBlock: UInt64) {
        self.owner = owner
        self.keyIndex = keyIndex
        self.publicKey = publicKey
        self.updatedInBlock = updatedInBlock
    }

    /// The key's id.
    public var id: KeyID { KeyID(owner: owner, keyIndex: keyIndex) }

    /// Whether a usable 64-byte key is known.
    public var isUsable: Bool { publicKey?.count == 64 }
}
