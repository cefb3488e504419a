import EthereumKit
import Kalypso

/// The size and the mix of a synthetic G1 state (for the benchmark and the property tests). Rates are per mille.
public struct SyntheticShape: Sendable, Hashable {
    /// Registered generators.
    public var generators: Int
    /// Markets (ids 0 ..< markets).
    public var markets: Int
    /// Asks in stored `CREATE` (open, about to expire, and expired by the rates below).
    public var asks: Int
    /// How many markets each generator joins (distinct, at random; capped by `markets`).
    public var marketsPerGenerator: ClosedRange<Int>
    /// Markets whose prover image is an enclave image (private asks).
    public var privateMarketRate: Int
    /// Rows in private markets whose generator has a usable 64-byte key; `invalidKeyRate` more have an unusable one.
    public var keyRate: Int
    /// Rows in private markets with a key entry that is not 64 bytes (no usable key).
    public var invalidKeyRate: Int
    /// Generators with a pending compute reduction (ICU < 1e18); as many again get a pending stake reduction.
    public var pendingIntentRate: Int
    /// Rows in state `REQUESTED_FOR_EXIT`.
    public var exitRequestedRate: Int
    /// Generators whose rows sit at 97–101 active requests (large compute, small requests).
    public var nearCapRate: Int
    /// Generators with less free stake than two slashing penalties.
    public var tinyStakeRate: Int
    /// Rows whose cost and time are unknown (not enriched).
    public var unknownTermsRate: Int
    /// Asks already expired (`UNASSIGNED`) and asks expiring within the safety margin.
    public var expiredAskRate: Int
    /// Asks whose expiry falls within 1…8 blocks of `now`.
    public var expiringSoonRate: Int
    /// Distinct price levels (prices are `10 · level`, levels 1…priceLevels): ties exercise the tie-breaks.
    public var priceLevels: Int
    /// Distinct proposed-time levels (times `25 · level`).
    public var timeLevels: Int
    /// Declared compute per generator.
    public var declaredCompute: ClosedRange<UInt64>
    /// `computePerRequestRequired` per row (lowered so that the allocations fit the declared compute).
    public var computePerRequest: ClosedRange<UInt64>

    /// Creates a shape.
    public init(generators: Int, markets: Int, asks: Int, marketsPerGenerator: ClosedRange<Int> = 1...3,
                privateMarketRate: Int = 0, keyRate: Int = 800, invalidKeyRate: Int = 100, pendingIntentRate: Int = 30,
                exitRequestedRate: Int = 30, nearCapRate: Int = 10, tinyStakeRate: Int = 50, unknownTermsRate: Int = 5,
                expiredAskRate: Int = 50, expiringSoonRate: Int = 20, priceLevels: Int = 20, timeLevels: Int = 8,
                declaredCompute: ClosedRange<UInt64> = 16...64, computePerRequest: ClosedRange<UInt64> = 1...8) {
        self.generators = generators
        self.markets = markets
        self.asks = asks
        self.marketsPerGenerator = marketsPerGenerator
        self.privateMarketRate = privateMarketRate
        self.keyRate = keyRate
        self.invalidKeyRate = invalidKeyRate
        self.pendingIntentRate = pendingIntentRate
        self.exitRequestedRate = exitRequestedRate
        self.nearCapRate = nearCapRate
        self.tinyStakeRate = tinyStakeRate
        self.unknownTermsRate = unknownTermsRate
        self.expiredAskRate = expiredAskRate
        self.expiringSoonRate = expiringSoonRate
        self.priceLevels = priceLevels
        self.timeLevels = timeLevels
        self.declaredCompute = declaredCompute
        self.computePerRequest = computePerRequest
    }

    /// The issue-6 benchmark: 10,000 open asks over 10,000 generators in 100 markets (public markets).
    public static let benchmark = SyntheticShape(generators: 10_000, markets: 100, asks: 10_000)
}

/// Builds deterministic synthetic G1 states: the same seed and shape give the same state on every run and machine.
///
/// The states keep the contract's invariants (§7.7): `computeConsumed = Σ activeRequests · cpr`,
/// `stakeLocked = Σ activeRequests · penalty` with one `ASSIGNED` ask record per active request,
/// `sumOfComputeAllocations = Σ cpr ≤ declaredCompute`, `activeMarketplaces = #rows`.
public enum SyntheticMarketplace {
    /// The G1 clock of every synthetic state.
    public static let now = UInt256(1_000_000)

    /// Builds the state for `seed` and `shape`.
    public static func state(seed: UInt64, shape: SyntheticShape) throws -> KalypsoState {
        guard shape.markets > 0 || shape.asks == 0, shape.generators >= 0, shape.asks >= 0, shape.priceLevels > 0, shape.timeLevels > 0,
              shape.marketsPerGenerator.lowerBound >= 0, !shape.declaredCompute.isEmpty, shape.computePerRequest.lowerBound > 0 else {
            throw MatchingError(.invalidShape, "the synthetic shape needs markets for its asks, positive price/time levels and a "
                                + "positive computePerRequest (got \(shape.markets) markets, \(shape.asks) asks); fix the shape")
        }
        var rng = SplitMix64(seed: seed)
        var state = KalypsoState()
        var penalties: [UInt256] = []
        for m in 0..<shape.markets {
            let penalty = UInt256(rng.next(in: 10...100))
            let isPrivate = rng.chance(shape.privateMarketRate)
            let image = isPrivate ? Hash32(w0: rng.next() | 1, w1: rng.next(), w2: rng.next(), w3: rng.next()) : MarketData.noEnclaveId
            let data = MarketData(verifier: Address(hi: 0x7e, mid: 0, lo: UInt64(m)), proverImageId: image, slashingPenalty: penalty,
                                  activationBlock: .zero, ivsImageId: Hash32(w0: 0x1, w1: 0, w2: 0, w3: UInt64(m)),
                                  creator: Address(hi: 0x7c, mid: 0, lo: UInt64(m)), metadata: [0x7b, 0x7d])
            state.markets[UInt256(UInt64(m))] = Market(id: UInt256(UInt64(m)), data: data, createdInBlock: 1)
            penalties.append(penalty)
        }
        var nextAskId = UInt64(shape.asks)
        for k in 0..<shape.generators {
            addGenerator(k, shape: shape, penalties: penalties, rng: &rng, state: &state, nextAskId: &nextAskId)
        }
        for a in 0..<shape.asks {
            addOpenAsk(UInt64(a), shape: shape, rng: &rng, state: &state)
        }
        return state
    }

    private static func addGenerator(_ k: Int, shape: SyntheticShape, penalties: [UInt256], rng: inout SplitMix64,
                                     state: inout KalypsoState, nextAskId: inout UInt64) {
        let address = Address(hi: UInt32(truncatingIfNeeded: rng.next()), mid: rng.next(), lo: UInt64(k))
        let nearCap = rng.chance(shape.nearCapRate)
        var declared = rng.next(in: shape.declaredCompute)
        let joinCount = min(shape.markets, Int(rng.next(in: UInt64(shape.marketsPerGenerator.lowerBound)...UInt64(shape.marketsPerGenerator.upperBound))))
        var chosen = Set<Int>()
        while chosen.count < joinCount { chosen.insert(Int(rng.next(in: 0...UInt64(shape.markets - 1)))) }
        if nearCap { declared = 250 * UInt64(max(1, joinCount)) }
        var generator = Generator.registered(address: address, rewardAddress: Address(hi: 0x5e, mid: 0, lo: UInt64(k)),
                                             declaredCompute: UInt256(declared), initialStake: .zero, generatorData: [0x7b, 0x7d], block: 1)
        var allocated: UInt64 = 0
        var consumed: UInt64 = 0
        var locked = UInt256.zero
        for m in chosen.sorted() {
            let marketId = UInt256(UInt64(m))
            let share = max(1, declared / UInt64(max(1, joinCount)))
            let cpr = nearCap ? 1 : min(rng.next(in: shape.computePerRequest), share)
            allocated += cpr
            var active: UInt64
            if nearCap {
                active = rng.next(in: 97...101)
            } else {
                let room = (declared - min(declared, consumed)) / cpr
                active = room == 0 ? 0 : rng.next(in: 0...(room / 2))
            }
            active = min(active, 101)
            consumed += active * cpr
            let unknownTerms = rng.chance(shape.unknownTermsRate)
            let row = GeneratorMarket(
                generator: address, marketId: marketId, state: rng.chance(shape.exitRequestedRate) ? .requestedForExit : .joined,
                computePerRequestRequired: UInt256(cpr),
                proofGenerationCost: unknownTerms ? nil : UInt256(10 * rng.next(in: 1...UInt64(shape.priceLevels))),
                proposedTime: unknownTerms ? nil : UInt256(25 * rng.next(in: 1...UInt64(shape.timeLevels))),
                activeRequests: UInt256(active), joinedInBlock: 1)
            state.generatorMarkets[row.key] = row
            for _ in 0..<active {
                locked = locked + penalties[m]
                addAssignedAsk(nextAskId, market: marketId, generator: address, rng: &rng, state: &state)
                nextAskId += 1
            }
            if state.markets[marketId]?.data?.isPrivate == true {
                if rng.chance(shape.keyRate) {
                    let key = (0..<64).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                    state.keys[KeyID(owner: address, keyIndex: marketId)] = EnclaveKey(owner: address, keyIndex: marketId, publicKey: key, updatedInBlock: 1)
                } else if rng.chance(shape.invalidKeyRate) {
                    state.keys[KeyID(owner: address, keyIndex: marketId)] = EnclaveKey(owner: address, keyIndex: marketId, publicKey: nil, updatedInBlock: 1)
                }
            }
        }
        generator.sumOfComputeAllocations = UInt256(allocated)
        generator.activeMarketplaces = UInt256(UInt64(joinCount))
        generator.computeConsumed = UInt256(consumed)
        generator.stakeLocked = locked
        let maxPenalty = penalties.max() ?? .one
        let spare = rng.chance(shape.tinyStakeRate) ? UInt256(rng.next(in: 0...(2 * (maxPenalty.uint64 ?? 100))))
            : maxPenalty * UInt256(rng.next(in: 2...40))
        generator.totalStake = locked + spare
        if rng.chance(shape.pendingIntentRate) {
            generator.intendedComputeUtilization = UInt256(rng.next(in: 500...999)) * UInt256(1_000_000_000_000_000)
            generator.pendingComputeReduction = PendingIntent(requestedInBlock: 1, executableFromClock: now)
        } else if rng.chance(shape.pendingIntentRate) {
            generator.intendedStakeUtilization = UInt256(rng.next(in: 500...999)) * UInt256(1_000_000_000_000_000)
            generator.pendingStakeReduction = PendingIntent(requestedInBlock: 1, executableFromClock: now)
        }
        state.generators[address] = generator
    }

    private static func addAssignedAsk(_ id: UInt64, market: UInt256, generator: Address, rng: inout SplitMix64, state: inout KalypsoState) {
        let body = AskBody(marketId: market, reward: UInt256(rng.next(in: 100...300)), expiry: now - UInt256(rng.next(in: 1...50)),
                           timeTakenForProofGeneration: 300, deadline: now + UInt256(rng.next(in: 1...300)),
                           refundAddress: Address(hi: 0x4f, mid: 0, lo: id), proverData: [0x01])
        let isPrivate = state.markets[market]?.data?.isPrivate ?? false
        state.asks[UInt256(id)] = Ask(id: UInt256(id), body: body, storedState: .assigned, requester: Address(hi: 0x4e, mid: 0, lo: id),
                                      generator: generator, hasPrivateInputs: isPrivate, secretData: [], acl: [], extraData: [],
                                      newAcl: [], secretType: .calldata, createdInBlock: 1, assignedInBlock: 2)
    }

    private static func addOpenAsk(_ id: UInt64, shape: SyntheticShape, rng: inout SplitMix64, state: inout KalypsoState) {
        let market = UInt256(rng.next(in: 0...UInt64(shape.markets - 1)))
        let expiry: UInt256
        if rng.chance(shape.expiredAskRate) {
            expiry = now - UInt256(rng.next(in: 0...100))
        } else if rng.chance(shape.expiringSoonRate) {
            expiry = now + UInt256(rng.next(in: 1...8))
        } else {
            expiry = now + UInt256(rng.next(in: 9...2_000))
        }
        let body = AskBody(marketId: market, reward: UInt256(10 * rng.next(in: 1...UInt64(shape.priceLevels + 2))), expiry: expiry,
                           timeTakenForProofGeneration: UInt256(25 * rng.next(in: 1...UInt64(shape.timeLevels + 1))), deadline: .zero,
                           refundAddress: Address(hi: 0x4f, mid: 1, lo: id), proverData: [0x02])
        let isPrivate = state.markets[market]?.data?.isPrivate ?? false
        state.asks[UInt256(id)] = Ask(id: UInt256(id), body: body, storedState: .create, requester: Address(hi: 0x4e, mid: 1, lo: id),
                                      hasPrivateInputs: isPrivate, secretData: isPrivate ? [0x5d] : [], acl: isPrivate ? [0xac] : [],
                                      extraData: [], secretType: .calldata, createdInBlock: 1)
    }
}

/// Synthetic-data helpers over EthereumKit's SplitMix64 (fixed seeds; no system randomness anywhere in matching).
extension SplitMix64 {
    /// A value in `range`, by modulo (a negligible bias is fine for synthetic data).
    mutating func next(in range: ClosedRange<UInt64>) -> UInt64 {
        let width = range.upperBound &- range.lowerBound &+ 1
        return width == 0 ? next() : range.lowerBound + next() % width
    }
    /// True with probability `perMille / 1000`.
    mutating func chance(_ perMille: Int) -> Bool { perMille > 0 && Int(next() % 1000) < perMille }
}
