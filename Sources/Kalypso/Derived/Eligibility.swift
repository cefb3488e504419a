import EthereumKit

/// Whether `assignTask(askId, generator, …)` would succeed, and if not, the exact revert.
public enum AssignmentEligibility: Hashable, Sendable, CustomStringConvertible {
    /// The contract would accept the assignment.
    case eligible
    /// The contract would revert with this error.
    case reverts(ContractRevert)
    /// The mirror lacks data the contract reads (a field that could not be enriched); never assign on this.
    case indeterminate(String)

    /// Whether the assignment would succeed.
    public var isEligible: Bool { self == .eligible }

    /// The revert, if the contract would revert.
    public var revert: ContractRevert? {
        if case .reverts(let r) = self { return r }
        return nil
    }

    public var description: String {
        switch self {
        case .eligible: return "eligible"
        case .reverts(let r): return "reverts \(r)"
        case .indeterminate(let why): return "indeterminate: \(why)"
        }
    }
}

/// The §3.9 assignment eligibility predicate with the contract's exact semantics and check order, and the state
/// transition of a successful assignment, for the matching engine's working copy.
public enum Eligibility {
    /// Checks an assignment of ask `askId` to generator `generatorAddress` at G1 clock `now`, in the order the
    /// contract evaluates it (`_assignTask`, then `GeneratorRegistry.assignGeneratorTask`):
    ///
    /// 1. ask in `CREATE` (`expiry > now`) — `ShouldBeInCreateState()` (an unknown ask id: `Panic(0x32)`);
    /// 2. `reward ≥ proofGenerationCost` — `ProofPriceMismatch(askId)`;
    /// 3. `timeTakenForProofGeneration ≥ proposedTime` — `ProofTimeMismatch(askId)` (a generator without a row in
    ///    the market reads cost and time as 0 and fails at 4);
    ///    then `deadline = now + timeTakenForProofGeneration` (`Panic(0x11)` on overflow);
    /// 4. derived state `JOINED` or `WIP` — `AssignOnlyToIdleGenerators()`;
    /// 5. `computePerRequestRequired ≤ idleCapacity` — `InsufficientGeneratorComputeAvailable()`;
    /// 6. `activeRequests ≤ 100` — `MaxParallelRequestsPerMarketExceeded()` (strict `>`: the 101st is accepted);
    /// 7. `maxReducibleStake ≥ slashingPenalty` — `InsufficientStakeToLock()`;
    ///    then the counter increments (`Panic(0x11)` on overflow).
    ///
    /// `ask`, `row` and `market` are the mirror's values (nil if absent); `row` must be the row of
    /// `(generatorAddress, ask.marketId)`. The private-market key requirement is off chain and not checked here
    /// (`KalypsoState.hasUsableKey`).
    public static func check(askId: UInt256, ask: Ask?, generatorAddress: Address, generator: Generator?,
                             row: GeneratorMarket?, market: Market?, now: UInt256) -> AssignmentEligibility {
        guard let ask else {
            return .reverts(.panic(ContractRevert.panicArrayIndex, "ask \(askId) does not exist (listOfAsk index out of bounds)"))
        }
        guard let body = ask.body else { return .indeterminate("the body of ask \(askId) is unknown (AskCreated not enriched)") }
        if let row, row.generator != generatorAddress || row.marketId != body.marketId {
            return .indeterminate("the row given is \(row.key), not (\(generatorAddress), market \(body.marketId))")
        }
        // 1. getAskState(askId) == CREATE.
        if let state = ask.state(at: now), state != .create {
            return .reverts(.shouldBeInCreateState("ask \(askId) is \(state) at clock \(now) (expiry \(body.expiry))"))
        }
        // 2–3. getGeneratorAssignmentDetails: a missing row reads as zeros.
        let cost: UInt256, time: UInt256
        if let row {
            guard let c = row.proofGenerationCost, let t = row.proposedTime else {
                return .indeterminate("proofGenerationCost/proposedTime of \(row.key) are unknown (JoinedMarketplace not enriched)")
            }
            (cost, time) = (c, t)
        } else {
            (cost, time) = (.zero, .zero)
        }
        if body.reward < cost {
            return .reverts(.proofPriceMismatch(askId, "reward \(body.reward) < proofGenerationCost \(cost) of \(generatorAddress)"))
        }
        if body.timeTakenForProofGeneration < time {
            return .reverts(.proofTimeMismatch(askId, "timeTakenForProofGeneration \(body.timeTakenForProofGeneration) < proposedTime \(time) of \(generatorAddress)"))
        }
        guard now.adding(body.timeTakenForProofGeneration) != nil else {
            return .reverts(.panic(ContractRevert.panicArithmetic, "deadline = \(now) + \(body.timeTakenForProofGeneration) overflows"))
        }
        // 4. getGeneratorState(generator, marketId) ∈ {JOINED, WIP}.
        let g = generator ?? .zero(generatorAddress)
        guard let reading = DerivedState.generatorState(row: row, generator: g) else {
            return .reverts(.panic(ContractRevert.panicArithmetic, "declaredCompute · ICU of \(generatorAddress) overflows"))
        }
        guard let row, reading.state == .joined || reading.state == .wip else {
            return .reverts(.assignOnlyToIdleGenerators("generator \(generatorAddress) is \(reading.state) in market \(body.marketId)"))
        }
        // 5. computePerRequestRequired ≤ idleCapacity.
        if row.computePerRequestRequired > reading.idleCapacity {
            return .reverts(.insufficientCompute("computePerRequestRequired \(row.computePerRequestRequired) > idle capacity \(reading.idleCapacity) of \(generatorAddress)"))
        }
        // 6. activeRequests ≤ PARALLEL_REQUESTS_UPPER_LIMIT.
        if row.activeRequests > ContractMath.parallelRequestsUpperLimit {
            return .reverts(.maxParallelRequests("\(row.key) has \(row.activeRequests) active requests (> \(ContractMath.parallelRequestsUpperLimit))"))
        }
        // 7. maxReducibleStake ≥ slashingPenalty.
        guard let penalty = market?.data?.slashingPenalty else {
            return .indeterminate("the slashing penalty of market \(body.marketId) is unknown")
        }
        guard let stake = g.maxReducibleStake else {
            return .reverts(.panic(ContractRevert.panicArithmetic, "totalStake · ISU of \(generatorAddress) overflows"))
        }
        if stake < penalty {
            return .reverts(.insufficientStake("max reducible stake \(stake) < slashing penalty \(penalty) of market \(body.marketId)"))
        }
        // The writes of assignGeneratorTask are checked additions too.
        if g.stakeLocked.adding(penalty) == nil || g.computeConsumed.adding(row.computePerRequestRequired) == nil
            || row.activeRequests.adding(.one) == nil {
            return .reverts(.panic(ContractRevert.panicArithmetic, "a lock counter of \(generatorAddress) overflows"))
        }
        return .eligible
    }

    /// Applies what a successful assignment writes (call only after `check` returned `eligible`; additions saturate
    /// instead of trapping): ask `ASSIGNED`, `deadline = now + timeTakenForProofGeneration`, generator and new ACL;
    /// `stakeLocked += penalty`; `computeConsumed += computePerRequestRequired`; `activeRequests += 1`.
    public static func applyAssignment(ask: inout Ask, generator: inout Generator, row: inout GeneratorMarket,
                                       penalty: UInt256, newAcl: [UInt8], now: UInt256) {
        ask.storedState = .assigned
        ask.generator = generator.address
        ask.newAcl = newAcl
        if var body = ask.body {
            body.deadline = now.adding(body.timeTakenForProofGeneration) ?? .max
            ask.body = body
        }
        generator.stakeLocked = generator.stakeLocked.adding(penalty) ?? .max
        generator.computeConsumed = generator.computeConsumed.adding(row.computePerRequestRequired) ?? .max
        row.activeRequests = row.activeRequests.adding(.one) ?? .max
    }
}

extension KalypsoState {
    /// `Eligibility.check` with this state's values for ask `askId` and `generator` at G1 clock `now`.
    public func checkAssignment(askId: UInt256, to generator: Address, now: UInt256) -> AssignmentEligibility {
        let ask = asks[askId]
        let marketId = ask?.body?.marketId
        return Eligibility.check(askId: askId, ask: ask, generatorAddress: generator, generator: generators[generator],
                                 row: marketId.flatMap { row(generator, $0) }, market: marketId.flatMap { markets[$0] }, now: now)
    }

    /// Checks the assignment and, if eligible, applies it to this state (a working copy: batch items are sequential,
    /// so each assignment changes what the next one sees, exactly as `relayBatchAssignTasks` does). Returns the check.
    @discardableResult
    public mutating func tentativelyAssign(askId: UInt256, to generator: Address, newAcl: [UInt8] = [],
                                           now: UInt256) -> AssignmentEligibility {
        let result = checkAssignment(askId: askId, to: generator, now: now)
        guard result.isEligible, var ask = asks[askId], let marketId = ask.body?.marketId,
              var g = generators[generator], var r = row(generator, marketId),
              let penalty = markets[marketId]?.data?.slashingPenalty else { return result }
        Eligibility.applyAssignment(ask: &ask, generator: &g, row: &r, penalty: penalty, newAcl: newAcl, now: now)
        asks[askId] = ask
        generators[generator] = g
        generatorMarkets[r.key] = r
        return result
    }
}
