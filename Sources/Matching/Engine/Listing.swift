import EthereumKit
import Kalypso

/// Why a generator is not listed in a market: it would fail the contract's `assignTask` checks for **every** ask of
/// that market (or an off-chain rule excludes it). Price and time are per ask and are not listing rules.
///
/// Capacity is per generator (§3.7): one assignment in any market lowers `idleCapacity` and `maxReducibleStake` for
/// all the generator's markets, so delisting and relisting happen across all of them at once.
public enum DelistReason: String, Hashable, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    /// The row's generator is not a registered generator in the mirror (the contract reads zeros: `NO_COMPUTE_AVAILABLE`).
    case generatorUnknown
    /// `proofGenerationCost` / `proposedTime` are unknown (`JoinedMarketplace` not enriched): never assigned on a guess.
    case termsUnknown
    /// Stored state `REQUESTED_FOR_EXIT`: `AssignOnlyToIdleGenerators()`.
    case exitRequested
    /// `declaredCompute · ICU` or `totalStake · ISU` overflows, or a lock counter would: `Panic(0x11)`.
    case arithmeticOverflow
    /// `idleCapacity == 0` (derived `NO_COMPUTE_AVAILABLE`): `AssignOnlyToIdleGenerators()`.
    case noIdleCompute
    /// `idleCapacity > declaredCompute` (derived `NULL`, unreachable on chain): `AssignOnlyToIdleGenerators()`.
    case inconsistentCapacity
    /// `computePerRequestRequired > idleCapacity`: `InsufficientGeneratorComputeAvailable()`. In the seed's terms,
    /// AvailableCompute < ComputePerProof (they differ only while a compute reduction is pending).
    case insufficientCompute
    /// `activeRequests > 100`: `MaxParallelRequestsPerMarketExceeded()`.
    case parallelRequestCap
    /// The market or its slashing penalty is unknown.
    case marketUnknown
    /// `maxReducibleStake < slashingPenalty`: `InsufficientStakeToLock()`.
    case insufficientStake
    /// Private market and no usable 64-byte key `pub_key(generator, marketId)` (off-chain rule).
    case noKeyForPrivateMarket
    /// A stake or compute reduction intent is pending and `pauseWhileIntentPending` is on (policy, off by default).
    case pausedPendingIntent

    public static func < (a: DelistReason, b: DelistReason) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }

    public var description: String { rawValue }
}

/// The per-generator values the listing rules read, in the contract's integers.
struct CapacityFigures: Hashable, Sendable {
    /// `declaredCompute · ICU / 1e18`; nil on overflow.
    var maxUsableCompute: UInt256?
    var computeConsumed: UInt256
    var declaredCompute: UInt256
    /// `totalStake · ISU / 1e18`; nil on overflow.
    var maxUsableStake: UInt256?
    var stakeLocked: UInt256
    /// Whether a stake or compute reduction intent is pending.
    var intentPending: Bool

    init(_ g: Generator) {
        maxUsableCompute = Self.scaled(g.declaredCompute, g.intendedComputeUtilization) ?? g.maxUsableCompute
        computeConsumed = g.computeConsumed
        declaredCompute = g.declaredCompute
        maxUsableStake = Self.scaled(g.totalStake, g.intendedStakeUtilization) ?? g.maxUsableStake
        stakeLocked = g.stakeLocked
        intentPending = g.pendingStakeReduction != nil || g.pendingComputeReduction != nil
            || g.intendedStakeUtilization != ContractMath.exponent || g.intendedComputeUtilization != ContractMath.exponent
    }

    /// The fast path of `value · utilization / 1e18` for the common utilisation of exactly 1e18 and a value below
    /// 2^192 (so the product cannot overflow): the value itself. Nil = take the general formula.
    private static func scaled(_ value: UInt256, _ utilization: UInt256) -> UInt256? {
        utilization == ContractMath.exponent && value.l3 == 0 ? value : nil
    }

    /// `idleCapacity` (0 when unknown because of an overflow; the overflow is a delist reason of its own).
    var idleCapacity: UInt256 { maxUsableCompute.map { $0.saturatingSubtract(computeConsumed) } ?? .zero }
    /// `maxReducibleStake` (0 on overflow).
    var maxReducibleStake: UInt256 { maxUsableStake.map { $0.saturatingSubtract(stakeLocked) } ?? .zero }

    /// Records one assignment: `computeConsumed += cpr`, `stakeLocked += penalty` (saturating; listing excludes overflow).
    mutating func consume(compute: UInt256, stake: UInt256) {
        computeConsumed = computeConsumed.adding(compute) ?? .max
        stakeLocked = stakeLocked.adding(stake) ?? .max
    }
}

/// The listing rules: the generator-level part of `assignTask` (§3.9 rules 4–7 and the counter overflows) plus the
/// off-chain rules, in the contract's order.
enum ListingRules {
    /// The reasons `row` is not listed; empty = listed. With `all == false`, stops at the first reason.
    /// `penalty` nil = market unknown; `capacity` nil = generator unknown.
    static func delistReasons(row: GeneratorMarket, capacity: CapacityFigures?, penalty: UInt256?, privateMarket: Bool,
                              hasKey: Bool, configuration: MatchingConfiguration, all: Bool) -> [DelistReason] {
        var reasons: [DelistReason] = []
        func add(_ r: DelistReason) -> Bool {
            reasons.append(r)
            return !all
        }
        guard let capacity else { return [.generatorUnknown] }
        if row.proofGenerationCost == nil || row.proposedTime == nil, add(.termsUnknown) { return reasons }
        if row.state == .requestedForExit, add(.exitRequested) { return reasons }
        if let maxUsable = capacity.maxUsableCompute {
            let idle = maxUsable.saturatingSubtract(capacity.computeConsumed)
            if idle.isZero {
                if add(.noIdleCompute) { return reasons }
            } else if idle > capacity.declaredCompute {
                if add(.inconsistentCapacity) { return reasons }
            } else if row.computePerRequestRequired > idle, add(.insufficientCompute) { return reasons }
        } else if add(.arithmeticOverflow) { return reasons }
        if row.activeRequests > ContractMath.parallelRequestsUpperLimit, add(.parallelRequestCap) { return reasons }
        if let penalty {
            if let maxUsableStake = capacity.maxUsableStake {
                if maxUsableStake.saturatingSubtract(capacity.stakeLocked) < penalty, add(.insufficientStake) { return reasons }
                if capacity.stakeLocked.adding(penalty) == nil || capacity.computeConsumed.adding(row.computePerRequestRequired) == nil
                    || row.activeRequests.adding(.one) == nil, add(.arithmeticOverflow) { return reasons }
            } else if add(.arithmeticOverflow) { return reasons }
        } else if add(.marketUnknown) { return reasons }
        if privateMarket && !hasKey, add(.noKeyForPrivateMarket) { return reasons }
        if configuration.pauseWhileIntentPending && capacity.intentPending, add(.pausedPendingIntent) { return reasons }
        return reasons
    }
}

/// A generator's listing in one market.
public struct MarketListing: Hashable, Sendable {
    /// The market.
    public let marketId: UInt256
    /// Why the generator is not listed; empty = listed.
    public let reasons: [DelistReason]
    /// `proofGenerationCost` (nil if unknown).
    public let proofGenerationCost: UInt256?
    /// `proposedTime` (nil if unknown).
    public let proposedTime: UInt256?
    /// `computePerRequestRequired`.
    public let computePerRequestRequired: UInt256
    /// `activeRequests`.
    public let activeRequests: UInt256
    /// The seed's rule: AvailableCompute ≥ ComputePerProof (`cpr / declaredCompute`). Nil if declaredCompute is 0.
    public let seedHasCompute: Bool?

    /// Whether the generator is listed.
    public var isListed: Bool { reasons.isEmpty }
}

/// A generator's capacity and its listing in each of its markets.
public struct GeneratorListing: Hashable, Sendable {
    /// The generator.
    public let generator: Address
    /// The contract's `idleCapacity` (0 on overflow).
    public let idleCapacity: UInt256
    /// The contract's `maxReducibleStake` (0 on overflow).
    public let maxReducibleStake: UInt256
    /// The seed's AvailableCompute, `1 − Σ ComputePerProof` of assigned tasks; nil if declaredCompute is 0.
    public let availableCompute: ComputeFraction?
    /// Whether a stake or compute reduction intent is pending (capacity scaled by ISU / ICU).
    public let intentPending: Bool
    /// One entry per joined market, by market id.
    public let markets: [MarketListing]

    /// The markets the generator is listed in.
    public var listedMarkets: [UInt256] { markets.filter(\.isListed).map(\.marketId) }
}

/// Who is listed now, per generator and per market, and why not.
public struct ListingReport: Hashable, Sendable {
    /// Every generator that has at least one per-market row, by address.
    public let generators: [GeneratorListing]

    /// The listed generators of `marketId`, by address.
    public func listed(inMarket marketId: UInt256) -> [Address] {
        generators.filter { g in g.markets.contains { $0.marketId == marketId && $0.isListed } }.map(\.generator)
    }

    /// How many rows of `marketId` are delisted for each reason (a row counts once per reason it has).
    public func delistCounts(inMarket marketId: UInt256) -> [DelistReason: Int] {
        var counts: [DelistReason: Int] = [:]
        for g in generators {
            for m in g.markets where m.marketId == marketId {
                for r in m.reasons { counts[r, default: 0] += 1 }
            }
        }
        return counts
    }

    /// The listing of one generator, if it has rows.
    public func generator(_ address: Address) -> GeneratorListing? {
        generators.first { $0.generator == address }
    }

    /// Builds the report for `state` (every reason of every row, not just the first).
    public init(state: KalypsoState, configuration: MatchingConfiguration = MatchingConfiguration()) {
        var rowsByGenerator: [Address: [GeneratorMarket]] = [:]
        for row in state.generatorMarkets.values { rowsByGenerator[row.generator, default: []].append(row) }
        var result: [GeneratorListing] = []
        result.reserveCapacity(rowsByGenerator.count)
        for (address, rows) in rowsByGenerator {
            let g = state.generators[address]
            let capacity = g.map(CapacityFigures.init)
            let markets = rows.sorted { $0.marketId < $1.marketId }.map { row -> MarketListing in
                let market = state.markets[row.marketId]?.data
                let reasons = ListingRules.delistReasons(
                    row: row, capacity: capacity, penalty: market?.slashingPenalty, privateMarket: market?.isPrivate ?? false,
                    hasKey: state.hasUsableKey(address, forMarket: row.marketId), configuration: configuration, all: true)
                let seed: Bool? = g.flatMap { g in
                    guard let available = AvailableCompute.of(g, rows: rows),
                          let perProof = AvailableCompute.computePerProof(row: row, generator: g) else { return nil }
                    return !(available < perProof)
                }
                return MarketListing(marketId: row.marketId, reasons: reasons, proofGenerationCost: row.proofGenerationCost,
                                     proposedTime: row.proposedTime, computePerRequestRequired: row.computePerRequestRequired,
                                     activeRequests: row.activeRequests, seedHasCompute: seed)
            }
            result.append(GeneratorListing(
                generator: address, idleCapacity: capacity?.idleCapacity ?? .zero,
                maxReducibleStake: capacity?.maxReducibleStake ?? .zero,
                availableCompute: g.flatMap { AvailableCompute.of($0, rows: rows) },
                intentPending: capacity?.intentPending ?? false, markets: markets))
        }
        generators = result.sorted { $0.generator < $1.generator }
    }
}
