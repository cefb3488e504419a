import EthereumKit
import Kalypso

/// The chain's view that the preflight checks of one operation need, read once before anything is sent.
/// Plain values, so the checks (`Preflight.check`) are pure and testable without a node.
public struct PreflightSnapshot: Sendable, Hashable {
    /// The sending (admin) address.
    public var sender: Address
    /// The sender's registry record (all zeros when not registered).
    public var generator: Generator
    /// For `stake --for`: the target's record.
    public var target: Generator?
    /// The latest block number (the G1 clock).
    public var headBlock: UInt64
    /// The latest block's timestamp (seconds).
    public var headTimestamp: UInt64
    /// `marketCounter()`.
    public var marketCount: UInt256
    /// The operation's market, if it has one and it exists.
    public var market: MarketData?
    /// The sender's row in that market (nil: `NULL`, not joined).
    public var row: GeneratorMarket?
    /// All of the sender's rows (read for `deregister`).
    public var rows: [GeneratorMarket]
    /// The staking token.
    public var stakingToken: TokenInfo
    /// The payment token (unit of PricePerProof).
    public var paymentToken: TokenInfo
    /// The sender's staking-token balance (read when the operation spends tokens).
    public var tokenBalance: UInt256?
    /// The sender's allowance for the registry (read when the operation spends tokens).
    public var allowance: UInt256?
    /// `pub_key(sender, market)` (read for market operations).
    public var existingKey: [UInt8]?
    /// For an attestation: the image its enclave key was already verified under (zero: never).
    public var enclaveKeyVerifiedImage: Hash32?
    /// For an attestation: whether its image is in the market's generator family.
    public var attestationImageInFamily: Bool?
    /// For an attestation: `ATTESTATION_MAX_AGE()` (compared with seconds, §6.3).
    public var attestationMaxAge: UInt256?

    /// Creates a snapshot (tests build them by hand; `load` reads one from the chain).
    public init(sender: Address, generator: Generator, target: Generator? = nil, headBlock: UInt64, headTimestamp: UInt64,
                marketCount: UInt256, market: MarketData? = nil, row: GeneratorMarket? = nil, rows: [GeneratorMarket] = [],
                stakingToken: TokenInfo, paymentToken: TokenInfo, tokenBalance: UInt256? = nil, allowance: UInt256? = nil,
                existingKey: [UInt8]? = nil, enclaveKeyVerifiedImage: Hash32? = nil, attestationImageInFamily: Bool? = nil,
                attestationMaxAge: UInt256? = nil) {
        self.sender = sender
        self.generator = generator
        self.target = target
        self.headBlock = headBlock
        self.headTimestamp = headTimestamp
        self.marketCount = marketCount
        self.market = market
        self.row = row
        self.rows = rows
        self.stakingToken = stakingToken
        self.paymentToken = paymentToken
        self.tokenBalance = tokenBalance
        self.allowance = allowance
        self.existingKey = existingKey
        self.enclaveKeyVerifiedImage = enclaveKeyVerifiedImage
        self.attestationImageInFamily = attestationImageInFamily
        self.attestationMaxAge = attestationMaxAge
    }

    /// Reads what `operation` needs, at `latest`.
    public static func load(for operation: GeneratorOperation, sender: Address, reader: KalypsoChainReader,
                            stakingToken: TokenInfo, paymentToken: TokenInfo) async throws(OperatorError) -> PreflightSnapshot {
        let head = try await reader.head()
        let count = try await reader.marketCount()
        var snapshot = PreflightSnapshot(sender: sender, generator: try await reader.generator(sender), headBlock: head.number,
                                         headTimestamp: head.timestamp, marketCount: count, stakingToken: stakingToken,
                                         paymentToken: paymentToken)
        if case let .stake(_, target?) = operation, target != sender {
            snapshot.target = try await reader.generator(target)
        }
        if let market = operation.market, market < count {
            snapshot.market = try await reader.market(market)
            snapshot.row = try await reader.generatorMarket(sender, market: market)
            snapshot.existingKey = try await reader.publicKey(owner: sender, market: market)
            if let proof = operation.keyProof {
                let attestation = proof.attestation
                snapshot.enclaveKeyVerifiedImage = try await reader.verifiedKeyImage(attestation.enclaveAddress)
                snapshot.attestationImageInFamily = try await reader.isImageInFamily(
                    attestation.imageId, family: EnclaveAttestation.generatorFamily(market: market))
                snapshot.attestationMaxAge = try await reader.attestationMaxAge()
            }
        }
        if operation.needsAllRows {
            snapshot.rows = try await reader.generatorMarkets(sender, marketCount: count)
        }
        if operation.stakingTokenSpend != nil {
            snapshot.tokenBalance = try await reader.tokenBalance(stakingToken.address, of: sender)
            snapshot.allowance = try await reader.allowance(stakingToken.address, owner: sender,
                                                            spender: reader.deployment.generatorRegistry)
        }
        return snapshot
    }
}
