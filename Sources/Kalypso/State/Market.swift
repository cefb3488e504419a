import EthereumKit

/// The seven fields of `ProofMarketplace.Market` (§4.2), in getter order: what `MarketplaceCreated` lacks.
public struct MarketData: Hashable, Sendable {
    /// `verifier`: the market's `IVerifier` contract.
    public var verifier: Address
    /// `proverImageId`: an enclave image for private markets, `0` or `NO_ENCLAVE_ID` for public ones.
    public var proverImageId: Hash32
    /// `slashingPenalty`: the stake locked per task and the amount slashed. Immutable.
    public var slashingPenalty: UInt256
    /// `activationBlock` (G1 clock): asks are accepted once `now ≥ activationBlock`.
    public var activationBlock: UInt256
    /// `ivsImageId`: the input-verification enclave image.
    public var ivsImageId: Hash32
    /// `creator`: may change the extra images; zero once the market is frozen.
    public var creator: Address
    /// `marketmetadata`.
    public var metadata: [UInt8]

    public init(verifier: Address, proverImageId: Hash32, slashingPenalty: UInt256, activationBlock: UInt256,
                ivsImageId: Hash32, creator: Address, metadata: [UInt8]) {
        self.verifier = verifier
        self.proverImageId = proverImageId
        self.slashingPenalty = slashingPenalty
        self.activationBlock = activationBlock
        self.ivsImageId = ivsImageId
        self.creator = creator
        self.metadata = metadata
    }

    /// `NO_ENCLAVE_ID` = keccak256 of 144 zero bytes (three all-zero 48-byte PCRs), §4.4.
    public static let noEnclaveId = Hash32(referenceHex: "0xcd2e66bf0b91eeedc6c648ae9335a78d7c9a4ab0ef33612a824d91cdc68a4f21")

    /// `IS_ENCLAVE(id) = !(id == 0 || id == NO_ENCLAVE_ID)`.
    public static func isEnclaveImage(_ id: Hash32) -> Bool { !(id.isZero || id == noEnclaveId) }

    /// Whether the market takes confidential inputs: its prover image is an enclave image (§4.4).
    public var isPrivate: Bool { Self.isEnclaveImage(proverImageId) }
}

/// A mirrored market (§7.1), keyed by `marketId` (an index from 0).
public struct Market: Hashable, Sendable {
    /// The market id.
    public var id: UInt256
    /// The market fields; nil only when `MarketplaceCreated` could not be enriched (§7.3).
    public var data: MarketData?
    /// Prover images added with `addExtraImages` (`AddExtraProverImage` / `RemoveExtraProverImage`).
    public var extraProverImages: Set<Hash32>
    /// IVS images added with `addExtraImages` (`AddExtraIVSImage` / `RemoveExtraIVSImage`).
    public var extraIvsImages: Set<Hash32>
    /// Whether `freezeMarket` was called. It emits no event (§4.4): the sync layer reports it from calldata or from
    /// a pinned `marketData(m).creator` read, through `KalypsoReducer.recordMarketFrozen`.
    public var frozen: Bool
    /// The block of the `MarketplaceCreated` log.
    public var createdInBlock: UInt64

    public init(id: UInt256, data: MarketData?, extraProverImages: Set<Hash32> = [], extraIvsImages: Set<Hash32> = [],
                frozen: Bool = false, createdInBlock: UInt64) {
        self.id = id
        self.data = data
        self.extraProverImages = extraProverImages
        self.extraIvsImages = extraIvsImages
        self.frozen = frozen
        self.createdInBlock = createdInBlock
    }

    /// Whether the market accepts asks at G1 clock `now` (`now ≥ activationBlock`, §7.6); nil if the data is unknown.
    public func isActive(at now: UInt256) -> Bool? {
        guard let data else { return nil }
        return now >= data.activationBlock
    }
}

/// The key of an IVS signer: `(marketId, signer)`.
public struct IvsSignerKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The market id.
    public var marketId: UInt256
    /// The IVS enclave key's address.
    public var signer: Address

    public init(marketId: UInt256, signer: Address) {
        self.marketId = marketId
        self.signer = signer
    }

    public static func < (a: IvsSignerKey, b: IvsSignerKey) -> Bool {
        a.marketId != b.marketId ? a.marketId < b.marketId : a.signer < b.signer
    }

    public var description: String { "(market \(marketId), \(signer))" }
}

/// An IVS enclave key added for a market with `addIvsKey` (`AddIvsKey`, informational).
public struct IvsSigner: Hashable, Sendable {
    /// The market id.
    public var marketId: UInt256
    /// The IVS enclave key's address.
    public var signer: Address
    /// The block of the `AddIvsKey` log.
    public var addedInBlock: UInt64

    public init(marketId: UInt256, signer: Address, addedInBlock: UInt64) {
        self.marketId = marketId
        self.signer = signer
        self.addedInBlock = addedInBlock
    }

    /// The signer's key.
    public var key: IvsSignerKey { IvsSignerKey(marketId: marketId, signer: signer) }
}

/// Platform pricing per secret type (`UpdateCostPerBytes`, `UpdateMinProvingTime`). Unset values read as 0.
public struct Pricing: Hashable, Sendable {
    /// The secret type.
    public var secretType: SecretType
    /// `costPerInputBytes[secretType]`: the platform fee per input byte.
    public var costPerInputBytes: UInt256
    /// `minProvingTime[secretType]` in G1 clock blocks: `createAsk` needs `expiry > now + minProvingTime`.
    public var minProvingTime: UInt256

    public init(secretType: SecretType, costPerInputBytes: UInt256 = .zero, minProvingTime: UInt256 = .zero) {
        self.secretType = secretType
        self.costPerInputBytes = costPerInputBytes
        self.minProvingTime = minProvingTime
    }
}
