import EthereumKit

// The contract's derived values (§3.7, §4.5, §7.6) with its exact formulas and the G1 clock.
// A nil result means the contract's own getter would revert with Panic(0x11) (a multiplication that overflows
// 256 bits), which no realistic value reaches, or that the mirror lacks the data (documented per function).

extension Generator {
    /// `maxUsableCompute = declaredCompute · ICU / 1e18`; nil where the product overflows (Panic 0x11).
    public var maxUsableCompute: UInt256? {
        ContractMath.scaleByUtilization(declaredCompute, intendedComputeUtilization)
    }

    /// `idleCapacity` (`_maxReducableCompute`) = `maxUsableCompute − computeConsumed`, or 0 if that would be negative.
    /// Per generator, not per market. A pending compute reduction (ICU < 1e18) shrinks it.
    public var idleCapacity: UInt256? {
        maxUsableCompute.map { $0.saturatingSubtract(computeConsumed) }
    }

    /// `maxUsableStake = totalStake · ISU / 1e18`; nil where the product overflows (Panic 0x11).
    public var maxUsableStake: UInt256? {
        ContractMath.scaleByUtilization(totalStake, intendedStakeUtilization)
    }

    /// `maxReducibleStake` (`_maxReducableStake`) = `maxUsableStake − stakeLocked`, or 0 if that would be negative.
    /// A pending stake reduction (ISU < 1e18) shrinks it.
    public var maxReducibleStake: UInt256? {
        maxUsableStake.map { $0.saturatingSubtract(stakeLocked) }
    }
}

/// The return value of `getGeneratorState(g, m)`: `(state, idleCapacity)`.
public struct GeneratorStateReading: Hashable, Sendable, CustomStringConvertible {
    /// The derived state (any of the five).
    public var state: GeneratorState
    /// The idle capacity returned with it (0 unless `JOINED` or `WIP`).
    public var idleCapacity: UInt256

    public init(state: GeneratorState, idleCapacity: UInt256) {
        self.state = state
        self.idleCapacity = idleCapacity
    }

    public var description: String { "(\(state), \(idleCapacity))" }
}

/// Derived values computed on plain entity values (the state-level conveniences are on `KalypsoState`).
public enum DerivedState {
    /// `getGeneratorState` for a row and its generator (§3.7), first matching rule wins:
    /// 1. no row → `(NULL, 0)`; 2. `REQUESTED_FOR_EXIT` → `(REQUESTED_FOR_EXIT, 0)`; 3. idle = 0 →
    /// `(NO_COMPUTE_AVAILABLE, 0)`; 4. idle = declaredCompute → `(JOINED, idle)`; 5. 0 < idle < declaredCompute →
    /// `(WIP, idle)`; 6. otherwise `(NULL, 0)`.
    ///
    /// A missing generator reads as the contract reads it: all zeros (`Generator.zero`). Nil only where the
    /// contract's multiplication overflows (Panic 0x11).
    public static func generatorState(row: GeneratorMarket?, generator: Generator) -> GeneratorStateReading? {
        guard let row else { return GeneratorStateReading(state: .null, idleCapacity: .zero) }
        if row.state == .requestedForExit { return GeneratorStateReading(state: .requestedForExit, idleCapacity: .zero) }
        guard let idle = generator.idleCapacity else { return nil }
        if idle.isZero { return GeneratorStateReading(state: .noComputeAvailable, idleCapacity: .zero) }
        if idle == generator.declaredCompute { return GeneratorStateReading(state: .joined, idleCapacity: idle) }
        if idle < generator.declaredCompute { return GeneratorStateReading(state: .wip, idleCapacity: idle) }
        return GeneratorStateReading(state: .null, idleCapacity: .zero)
    }
}

extension Ask {
    /// `getAskState` (§4.5) at G1 clock `now`: `CREATE` while `expiry > now`, then `UNASSIGNED`; `ASSIGNED` while
    /// `deadline ≥ now`, then `DEADLINE_CROSSED`; `COMPLETE` as stored. Nil if the needed time is unknown (the body
    /// could not be enriched).
    public func state(at now: UInt256) -> AskState? {
        switch storedState {
        case .complete: return .complete
        case .create:
            guard let body else { return nil }
            return body.expiry > now ? .create : .unassigned
        case .assigned:
            guard let body else { return nil }
            return body.deadline < now ? .deadlineCrossed : .assigned
        }
    }
}

extension KalypsoState {
    /// `getGeneratorState(generator, marketId)` (§3.7); nil only where the contract's getter reverts (Panic 0x11).
    public func getGeneratorState(_ generator: Address, _ marketId: UInt256) -> GeneratorStateReading? {
        DerivedState.generatorState(row: row(generator, marketId), generator: generators[generator] ?? .zero(generator))
    }

    /// `getAskState(askId)` at G1 clock `now` (§4.5). Nil for an ask the mirror does not have (the contract reverts
    /// with Panic 0x32 for an id beyond `askCounter`) or whose times are unknown.
    public func getAskState(_ askId: UInt256, now: UInt256) -> AskState? {
        asks[askId]?.state(at: now)
    }

    /// Whether market `marketId` accepts asks at G1 clock `now` (`now ≥ activationBlock`); nil if unknown.
    public func isMarketActive(_ marketId: UInt256, now: UInt256) -> Bool? {
        markets[marketId]?.isActive(at: now)
    }
}
