import EthereumKit

/// A mirrored `GeneratorRegistry.Generator` (§3.4), keyed by the generator's admin address.
///
/// The ten contract fields, in getter order, plus the mirror's pending-intent markers. `rewardAddress` and
/// `generatorData` are nil only when `RegisteredGenerator` could not be enriched (§7.3); on chain they are never empty
/// for a registered generator.
public struct Generator: Hashable, Sendable {
    /// The generator (admin) address: `msg.sender` of `register`.
    public var address: Address
    /// `rewardAddress`; nil if unknown.
    public var rewardAddress: Address?
    /// `totalStake` in `STAKING_TOKEN` units.
    public var totalStake: UInt256
    /// `sumOfComputeAllocations`: Σ `computePerRequestRequired` over joined markets.
    public var sumOfComputeAllocations: UInt256
    /// `computeConsumed`: Σ `computePerRequestRequired` over assigned tasks.
    public var computeConsumed: UInt256
    /// `stakeLocked`: Σ market `slashingPenalty` over assigned tasks.
    public var stakeLocked: UInt256
    /// `activeMarketplaces`: the number of per-market rows.
    public var activeMarketplaces: UInt256
    /// `declaredCompute`.
    public var declaredCompute: UInt256
    /// `intendedStakeUtilization` (ISU), 1e18 = 100 %; below 1e18 while a stake reduction is pending.
    public var intendedStakeUtilization: UInt256
    /// `intendedComputeUtilization` (ICU), 1e18 = 100 %; below 1e18 while a compute reduction is pending.
    public var intendedComputeUtilization: UInt256
    /// `generatorData` (free-form, usually UTF-8 JSON); nil if unknown.
    public var generatorData: [UInt8]?
    /// Set by `RequestStakeDecrease`, cleared by `RemovedStake`.
    public var pendingStakeReduction: PendingIntent?
    /// Set by `RequestComputeDecrease`, cleared by `DecreaseCompute`.
    public var pendingComputeReduction: PendingIntent?
    /// The block of the `RegisteredGenerator` log that created this record (0 for a zero-valued placeholder).
    public var registeredInBlock: UInt64

    /// Creates a generator with every field given.
    public init(address: Address, rewardAddress: Address?, totalStake: UInt256, sumOfComputeAllocations: UInt256,
                computeConsumed: UInt256, stakeLocked: UInt256, activeMarketplaces: UInt256, declaredCompute: UInt256,
                intendedStakeUtilization: UInt256, intendedComputeUtilization: UInt256, generatorData: [UInt8]?,
                pendingStakeReduction: PendingIntent? = nil, pendingComputeReduction: PendingIntent? = nil,
                registeredInBlock: UInt64) {
        self.address = address
        self.rewardAddress = rewardAddress
        self.totalStake = totalStake
        self.sumOfComputeAllocations = sumOfComputeAllocations
        self.computeConsumed = computeConsumed
        self.stakeLocked = stakeLocked
        self.activeMarketplaces = activeMarketplaces
        self.declaredCompute = declaredCompute
        self.intendedStakeUtilization = intendedStakeUtilization
        self.intendedComputeUtilization = intendedComputeUtilization
        self.generatorData = generatorData
        self.pendingStakeReduction = pendingStakeReduction
        self.pendingComputeReduction = pendingComputeReduction
        self.registeredInBlock = registeredInBlock
    }

    /// The record `register` writes: `Generator(rewardAddress, initialStake, 0, 0, 0, 0, declaredCompute, 1e18, 1e18,
    /// generatorData)` (§3.6). `RegisteredGenerator` always creates or resets to this; it never merges.
    public static func registered(address: Address, rewardAddress: Address?, declaredCompute: UInt256, initialStake: UInt256,
                                  generatorData: [UInt8]?, block: UInt64) -> Generator {
        Generator(address: address, rewardAddress: rewardAddress, totalStake: initialStake, sumOfComputeAllocations: .zero,
                  computeConsumed: .zero, stakeLocked: .zero, activeMarketplaces: .zero, declaredCompute: declaredCompute,
                  intendedStakeUtilization: ContractMath.exponent, intendedComputeUtilization: ContractMath.exponent,
                  generatorData: generatorData, registeredInBlock: block)
    }

    /// What the contract reads for an address with no record: every field zero, including both utilisations.
    /// Derived values of an unknown generator are computed on this, exactly as the contract's getters do.
    public static func zero(_ address: Address) -> Generator {
        Generator(address: address, rewardAddress: .zero, totalStake: .zero, sumOfComputeAllocations: .zero,
                  computeConsumed: .zero, stakeLocked: .zero, activeMarketplaces: .zero, declaredCompute: .zero,
                  intendedStakeUtilization: .zero, intendedComputeUtilization: .zero, generatorData: [], registeredInBlock: 0)
    }
}

/// A pending two-step reduction (§3.8): intended, not yet executed. There is no cancel; only executing clears it.
public struct PendingIntent: Hashable, Sendable {
    /// The block of the `Request…Decrease` log.
    public var requestedInBlock: UInt64
    /// The first G1 clock value at which the execute call is valid (`clock + REDUCTION_REQUEST_BLOCK_GAP`); nil if
    /// the sync layer did not supply the clock.
    public var executableFromClock: UInt256?

    public init(requestedInBlock: UInt64, executableFromClock: UInt256?) {
        self.requestedInBlock = requestedInBlock
        self.executableFromClock = executableFromClock
    }
}

/// The key of a per-market row: `(generator, marketId)`.
public struct GeneratorMarketKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The generator address.
    public var generator: Address
    /// The market id.
    public var marketId: UInt256

    public init(generator: Address, marketId: UInt256) {
        self.generator = generator
        self.marketId = marketId
    }

    public static func < (a: GeneratorMarketKey, b: GeneratorMarketKey) -> Bool {
        a.generator != b.generator ? a.generator < b.generator : a.marketId < b.marketId
    }

    public var description: String { "(\(generator), market \(marketId))" }
}

/// A mirrored `GeneratorInfoPerMarket` row (§3.4): a generator's listing in one market.
///
/// `proofGenerationCost` and `proposedTime` are nil only when `JoinedMarketplace` could not be enriched (§7.3).
public struct GeneratorMarket: Hashable, Sendable {
    /// The generator address.
    public var generator: Address
    /// The market id.
    public var marketId: UInt256
    /// The stored state (`JOINED` or `REQUESTED_FOR_EXIT`; a `NULL` row does not exist).
    public var state: StoredMarketState
    /// `computePerRequestRequired`: compute locked per task in this market (never 0 on chain).
    public var computePerRequestRequired: UInt256
    /// `proofGenerationCost` (the seed's PricePerProof); nil if unknown.
    public var proofGenerationCost: UInt256?
    /// `proposedTime` in G1 clock blocks (the seed's MaxProofTime); nil if unknown.
    public var proposedTime: UInt256?
    /// `activeRequests`: assigned, not yet completed tasks in this market. May reach 101 (§7.8 item 10).
    public var activeRequests: UInt256
    /// The block of the `JoinedMarketplace` log.
    public var joinedInBlock: UInt64

    public init(generator: Address, marketId: UInt256, state: StoredMarketState, computePerRequestRequired: UInt256,
                proofGenerationCost: UInt256?, proposedTime: UInt256?, activeRequests: UInt256, joinedInBlock: UInt64) {
        self.generator = generator
        self.marketId = marketId
        self.state = state
        self.computePerRequestRequired = computePerRequestRequired
        self.proofGenerationCost = proofGenerationCost
        self.proposedTime = proposedTime
        self.activeRequests = activeRequests
        self.joinedInBlock = joinedInBlock
    }

    /// The row's key.
    public var key: GeneratorMarketKey { GeneratorMarketKey(generator: generator, marketId: marketId) }
}
