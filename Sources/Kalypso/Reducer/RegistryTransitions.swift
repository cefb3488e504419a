import EthereumKit

// GeneratorRegistry rows of the §7.4 transition table.

extension TransactionApplier {
    /// Create or reset (never merge) the generator (§7.8 item 6).
    mutating func registeredGenerator(_ e: KalypsoEvent.RegisteredGenerator) {
        let payload = e.registration.payload
        if payload == nil {
            report(.missingEnrichment, .warning, "rewardAddress and generatorData of \(e.generator) are unknown (\(e.registration.source)); stored as unknown. Re-read generatorRegistry(\(e.generator)) pinned to the block hash.")
        }
        if let old = state.generators[e.generator] {
            report(.entityAlreadyExists, .warning, "generator \(e.generator) was already registered (since block \(old.registeredInBlock)); the contract reverts GeneratorAlreadyExists for a registered generator, so the mirror missed a DeregisteredGenerator. The record is reset, not merged.")
        }
        put(Generator.registered(address: e.generator, rewardAddress: payload?.rewardAddress, declaredCompute: e.initialCompute,
                                 initialStake: e.initialStake, generatorData: payload?.generatorData, block: block))
    }

    /// Delete a known generator; an unknown one is a no-op (§7.8 item 7).
    mutating func deregisteredGenerator(_ e: KalypsoEvent.DeregisteredGenerator) {
        guard let g = state.generators[e.generator] else { return }
        if !g.sumOfComputeAllocations.isZero {
            report(.unexpectedState, .warning, "generator \(e.generator) deregistered with sumOfComputeAllocations \(g.sumOfComputeAllocations) in the mirror; the contract requires 0 (CannotLeaveWithActiveMarket). Deleted anyway; run `verify`.")
        }
        if !g.activeMarketplaces.isZero {
            report(.unexpectedState, .warning, "generator \(e.generator) deregistered with activeMarketplaces \(g.activeMarketplaces) in the mirror; its per-market rows are kept (the contract does not delete them either). Run `verify`.")
        }
        delete(.generator(e.generator))
    }

    mutating func changedRewardAddress(_ e: KalypsoEvent.ChangedGeneratorRewardAddress) {
        guard var g = generator(e.generator, skipping: "the reward address change is") else { return }
        g.rewardAddress = e.newRewardAddress
        put(g)
    }

    mutating func increasedCompute(_ e: KalypsoEvent.IncreasedCompute) {
        guard var g = generator(e.generator, skipping: "the compute increase is") else { return }
        g.declaredCompute = add(g.declaredCompute, e.compute, "declaredCompute", of: .generator(g.address))
        put(g)
    }

    /// `ICU = u`: a pending compute reduction (§3.8).
    mutating func requestComputeDecrease(_ e: KalypsoEvent.RequestComputeDecrease) {
        guard var g = generator(e.generator, skipping: "the compute reduction intent is") else { return }
        g.intendedComputeUtilization = e.intendedUtilization
        g.pendingComputeReduction = pendingIntent()
        put(g)
    }

    /// `declaredCompute −= released` (trust the event amount, §7.8 item 8); `ICU = 1e18`.
    mutating func decreaseCompute(_ e: KalypsoEvent.DecreaseCompute) {
        guard var g = generator(e.generator, skipping: "the compute decrease is") else { return }
        if g.intendedComputeUtilization == ContractMath.exponent {
            report(.unexpectedState, .warning, "no compute reduction was pending for \(e.generator) in the mirror (ICU = 1e18); the contract requires one (ReduceComputeRequestNotInPlace). Applied anyway; the mirror missed a RequestComputeDecrease.")
        }
        g.declaredCompute = sub(g.declaredCompute, e.compute, "declaredCompute", of: .generator(g.address))
        g.intendedComputeUtilization = ContractMath.exponent
        g.pendingComputeReduction = nil
        put(g)
    }

    mutating func addedStake(_ e: KalypsoEvent.AddedStake) {
        guard var g = generator(e.generator, skipping: "the stake increase is") else { return }
        g.totalStake = add(g.totalStake, e.amount, "totalStake", of: .generator(g.address))
        put(g)
    }

    /// `ISU = u` (overwrites a pending stake intent: the guard tests ICU, §3.6).
    mutating func requestStakeDecrease(_ e: KalypsoEvent.RequestStakeDecrease) {
        guard var g = generator(e.generator, skipping: "the stake reduction intent is") else { return }
        g.intendedStakeUtilization = e.intendedUtilization
        g.pendingStakeReduction = pendingIntent()
        put(g)
    }

    /// `totalStake −= amount` (trust the event amount, §7.8 item 8); `ISU = 1e18`.
    mutating func removedStake(_ e: KalypsoEvent.RemovedStake) {
        guard var g = generator(e.generator, skipping: "the stake removal is") else { return }
        if g.intendedStakeUtilization == ContractMath.exponent {
            report(.unexpectedState, .warning, "no stake reduction was pending for \(e.generator) in the mirror (ISU = 1e18); the contract requires one (UnstakeRequestNotInPlace). Applied anyway; the mirror missed a RequestStakeDecrease.")
        }
        g.totalStake = sub(g.totalStake, e.amount, "totalStake", of: .generator(g.address))
        g.intendedStakeUtilization = ContractMath.exponent
        g.pendingStakeReduction = nil
        put(g)
    }

    /// Insert the row; `sumOfComputeAllocations += c`; `activeMarketplaces += 1`.
    mutating func joinedMarketplace(_ e: KalypsoEvent.JoinedMarketplace) {
        let key = GeneratorMarketKey(generator: e.generator, marketId: e.marketId)
        if state.generatorMarkets[key] != nil {
            report(.entityAlreadyExists, .warning, "the mirror already has a row for \(key); the contract reverts AlreadyJoinedMarket, so the mirror missed a LeftMarketplace. The row is replaced and the counters added as the contract did; run `verify`.")
        }
        let terms = e.terms.payload
        if terms == nil {
            report(.missingEnrichment, .warning, "proofGenerationCost and proposedTime of \(key) are unknown (\(e.terms.source)); stored as unknown, and the row is not assignable until they are known. Re-read generatorInfoPerMarket pinned to the block hash.")
        }
        put(GeneratorMarket(generator: e.generator, marketId: e.marketId, state: .joined, computePerRequestRequired: e.computeAllocation,
                            proofGenerationCost: terms?.proofGenerationCost, proposedTime: terms?.proposedTime,
                            activeRequests: .zero, joinedInBlock: block))
        guard var g = generator(e.generator, skipping: "the generator's allocation counters are") else { return }
        g.sumOfComputeAllocations = add(g.sumOfComputeAllocations, e.computeAllocation, "sumOfComputeAllocations", of: .generator(g.address))
        g.activeMarketplaces = add(g.activeMarketplaces, .one, "activeMarketplaces", of: .generator(g.address))
        put(g)
    }

    /// `row.state = REQUESTED_FOR_EXIT`; a `LeftMarketplace` may follow in the same transaction.
    mutating func requestExitMarketplace(_ e: KalypsoEvent.RequestExitMarketplace) {
        guard var r = row(e.generator, e.marketId, skipping: "the exit request is") else { return }
        if r.state == .requestedForExit {
            report(.unexpectedState, .warning, "the row of \(r.key) already requested exit; the contract reverts OnlyValidGeneratorsCanRequestExit. Applied anyway.")
        }
        r.state = .requestedForExit
        put(r)
    }

    /// `sumOfComputeAllocations −= row.cpr`; `activeMarketplaces −= 1`; delete the row.
    mutating func leftMarketplace(_ e: KalypsoEvent.LeftMarketplace) {
        guard let r = row(e.generator, e.marketId, skipping: "leaving (and the generator's allocation counters) is") else { return }
        if !r.activeRequests.isZero {
            report(.unexpectedState, .warning, "the row of \(r.key) leaves with \(r.activeRequests) active requests in the mirror; the contract requires 0 (CannotLeaveMarketWithActiveRequest). Deleted anyway; run `verify`.")
        }
        delete(.generatorMarket(r.key))
        guard var g = generator(e.generator, skipping: "the generator's allocation counters are") else { return }
        g.sumOfComputeAllocations = sub(g.sumOfComputeAllocations, r.computePerRequestRequired, "sumOfComputeAllocations", of: .generator(g.address))
        g.activeMarketplaces = sub(g.activeMarketplaces, .one, "activeMarketplaces", of: .generator(g.address))
        put(g)
    }

    mutating func addIvsKey(_ e: KalypsoEvent.AddIvsKey) {
        if state.markets[e.marketId] == nil {
            report(.unknownMarket, .info, "IVS signer \(e.signer) added for market \(e.marketId), which the mirror does not have; recorded anyway.")
        }
        let signer = IvsSigner(marketId: e.marketId, signer: e.signer, addedInBlock: block)
        journal.touch(.ivsSigner(signer.key), in: state)
        state.ivsSigners[signer.key] = signer
    }

    /// The four lock events: generator-level counters straight from the event (§7.5 rule 1).
    mutating func adjustLocks(_ address: Address, stake: UInt256? = nil, compute: UInt256? = nil, increase: Bool) {
        guard var g = generator(address, skipping: "the lock change is") else { return }
        let key = EntityKey.generator(address)
        if let stake {
            g.stakeLocked = increase ? add(g.stakeLocked, stake, "stakeLocked", of: key) : sub(g.stakeLocked, stake, "stakeLocked", of: key)
        }
        if let compute {
            g.computeConsumed = increase ? add(g.computeConsumed, compute, "computeConsumed", of: key) : sub(g.computeConsumed, compute, "computeConsumed", of: key)
        }
        put(g)
    }

    /// `totalStake −= s` **and** `stakeLocked −= s`; no `StakeLockReleased` follows (§7.8 item 2).
    mutating func stakeSlashed(_ e: KalypsoEvent.StakeSlashed) {
        guard var g = generator(e.generator, skipping: "the slash is") else { return }
        g.totalStake = sub(g.totalStake, e.stake, "totalStake", of: .generator(g.address))
        g.stakeLocked = sub(g.stakeLocked, e.stake, "stakeLocked", of: .generator(g.address))
        put(g)
    }

    /// The marker of an intent made at the current log: executable from `clock + REDUCTION_REQUEST_BLOCK_GAP`.
    func pendingIntent() -> PendingIntent {
        PendingIntent(requestedInBlock: block, executableFromClock: clock.flatMap { $0.adding(ContractMath.reductionRequestBlockGap) })
    }
}
