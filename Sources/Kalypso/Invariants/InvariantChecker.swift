import EthereumKit

/// One broken §7.7 invariant.
public struct InvariantViolation: Hashable, Sendable, CustomStringConvertible {
    /// Which invariant.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case computeConsumed = "computeConsumed = Σ activeRequests · computePerRequestRequired"
            case stakeLocked = "stakeLocked = Σ slashingPenalty of assigned asks"
            case activeRequests = "activeRequests = #assigned asks of the row"
            case sumOfComputeAllocations = "sumOfComputeAllocations = Σ computePerRequestRequired"
            case activeMarketplaces = "activeMarketplaces = #rows"
            case allocationsWithinDeclaredCompute = "sumOfComputeAllocations ≤ declaredCompute"
            case lockedWithinTotalStake = "stakeLocked ≤ totalStake"
            case rowWithoutGenerator = "every row has a generator"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// `computeConsumed(g) = Σₘ activeRequests · computePerRequestRequired`.
        public static let computeConsumed = Code(.computeConsumed)
        /// `stakeLocked(g) = Σ slashingPenalty` over the generator's assigned asks.
        public static let stakeLocked = Code(.stakeLocked)
        /// `activeRequests(g, m) = #` assigned asks of the row.
        public static let activeRequests = Code(.activeRequests)
        /// `sumOfComputeAllocations(g) = Σₘ computePerRequestRequired`.
        public static let sumOfComputeAllocations = Code(.sumOfComputeAllocations)
        /// `activeMarketplaces(g) = #rows(g)`.
        public static let activeMarketplaces = Code(.activeMarketplaces)
        /// `sumOfComputeAllocations ≤ declaredCompute`.
        public static let allocationsWithinDeclaredCompute = Code(.allocationsWithinDeclaredCompute)
        /// `stakeLocked ≤ totalStake`.
        public static let lockedWithinTotalStake = Code(.lockedWithinTotalStake)
        /// Every per-market row belongs to an existing generator.
        public static let rowWithoutGenerator = Code(.rowWithoutGenerator)
        /// The invariant as a formula.
        public var description: String { base.rawValue }
    }

    /// Which invariant.
    public let code: Code
    /// The entity whose stored value breaks it.
    public let entity: EntityKey
    /// What the invariant says the value should be (nil for inequality invariants).
    public let expected: UInt256?
    /// The stored value.
    public let actual: UInt256?
    /// A sentence for people.
    public let message: String

    public var description: String { message }
}

/// The result of an invariant check.
public struct InvariantReport: Hashable, Sendable {
    /// Every violation, ordered by entity.
    public var violations: [InvariantViolation]
    /// Assigned asks that could not be counted (unknown body or market penalty): the stake and request invariants of
    /// their generators are then not checked.
    public var uncheckedAsks: Int

    /// Whether every checked invariant holds.
    public var isConsistent: Bool { violations.isEmpty }
}

/// Checks the self-consistency invariants of §7.7 over a whole state. Returns violations; never traps.
public enum InvariantChecker {
    /// Checks every generator and row. O(generators + rows + asks).
    public static func check(_ state: KalypsoState) -> InvariantReport {
        // Aggregate rows and assigned asks once.
        var rowsPerGenerator: [Address: (count: UInt256, allocations: UInt256?, consumed: UInt256?)] = [:]
        var violations: [InvariantViolation] = []
        for key in state.generatorMarkets.keys.sorted() {
            guard let row = state.generatorMarkets[key] else { continue }
            var agg = rowsPerGenerator[row.generator] ?? (.zero, .zero, .zero)
            agg.count = agg.count &+ .one
            agg.allocations = agg.allocations.flatMap { $0.adding(row.computePerRequestRequired) }
            agg.consumed = agg.consumed.flatMap { c in row.activeRequests.multiplied(by: row.computePerRequestRequired).flatMap { c.adding($0) } }
            rowsPerGenerator[row.generator] = agg
            if state.generators[row.generator] == nil {
                violations.append(InvariantViolation(code: .rowWithoutGenerator, entity: .generatorMarket(key), expected: nil, actual: nil,
                                                     message: "row \(key) exists but generator \(row.generator) does not"))
            }
        }
        var assignedPerRow: [GeneratorMarketKey: UInt256] = [:]
        var lockedPerGenerator: [Address: UInt256?] = [:]
        var unchecked = 0
        var uncheckedGenerators = Set<Address>()
        for ask in state.asks.values where ask.storedState == .assigned {
            guard let generator = ask.generator, let marketId = ask.marketId,
                  let penalty = state.markets[marketId]?.data?.slashingPenalty else {
                unchecked += 1
                if let generator = ask.generator { uncheckedGenerators.insert(generator) }
                continue
            }
            let key = GeneratorMarketKey(generator: generator, marketId: marketId)
            assignedPerRow[key, default: .zero] = assignedPerRow[key, default: .zero] &+ .one
            let sum = lockedPerGenerator[generator] ?? .zero
            lockedPerGenerator[generator] = sum.flatMap { $0.adding(penalty) }
        }

        for address in state.generators.keys.sorted() {
            guard let g = state.generators[address] else { continue }
            let entity = EntityKey.generator(address)
            let agg = rowsPerGenerator[address] ?? (.zero, .zero, .zero)
            func equal(_ code: InvariantViolation.Code, _ expected: UInt256?, _ actual: UInt256, _ field: String) {
                guard expected != actual else { return }
                violations.append(InvariantViolation(code: code, entity: entity, expected: expected, actual: actual,
                                                     message: "generator \(address): \(field) is \(actual), expected \(expected.map { $0.description } ?? "more than 2^256 − 1") (\(code))"))
            }
            equal(.computeConsumed, agg.consumed, g.computeConsumed, "computeConsumed")
            equal(.sumOfComputeAllocations, agg.allocations, g.sumOfComputeAllocations, "sumOfComputeAllocations")
            equal(.activeMarketplaces, agg.count, g.activeMarketplaces, "activeMarketplaces")
            if !uncheckedGenerators.contains(address) {
                equal(.stakeLocked, lockedPerGenerator[address] ?? .zero, g.stakeLocked, "stakeLocked")
            }
            if g.sumOfComputeAllocations > g.declaredCompute {
                violations.append(InvariantViolation(code: .allocationsWithinDeclaredCompute, entity: entity, expected: nil, actual: g.sumOfComputeAllocations,
                                                     message: "generator \(address): sumOfComputeAllocations \(g.sumOfComputeAllocations) > declaredCompute \(g.declaredCompute)"))
            }
            if g.stakeLocked > g.totalStake {
                violations.append(InvariantViolation(code: .lockedWithinTotalStake, entity: entity, expected: nil, actual: g.stakeLocked,
                                                     message: "generator \(address): stakeLocked \(g.stakeLocked) > totalStake \(g.totalStake)"))
            }
        }

        for key in state.generatorMarkets.keys.sorted() where !uncheckedGenerators.contains(key.generator) {
            guard let row = state.generatorMarkets[key] else { continue }
            let expected = assignedPerRow[key] ?? .zero
            if row.activeRequests != expected {
                violations.append(InvariantViolation(code: .activeRequests, entity: .generatorMarket(key), expected: expected, actual: row.activeRequests,
                                                     message: "row \(key): activeRequests is \(row.activeRequests), expected \(expected) assigned asks"))
            }
        }
        // Assigned asks whose row no longer exists.
        for key in assignedPerRow.keys.sorted() where state.generatorMarkets[key] == nil {
            violations.append(InvariantViolation(code: .activeRequests, entity: .generatorMarket(key), expected: assignedPerRow[key], actual: nil,
                                                 message: "row \(key) does not exist but \(assignedPerRow[key] ?? .zero) assigned asks point at it"))
        }
        return InvariantReport(violations: violations, uncheckedAsks: unchecked)
    }
}
