import EthereumKit

// ProofMarketplace rows of the §7.4 transition table, with the lock-event cross-checks of §7.5.

extension TransactionApplier {
    mutating func marketplaceCreated(_ e: KalypsoEvent.MarketplaceCreated) {
        if state.markets[e.marketId] != nil {
            report(.entityAlreadyExists, .warning, "the mirror already has market \(e.marketId) (market ids are array indices, created once); replaced. Run `verify`.")
        }
        if e.market.payload == nil {
            report(.missingEnrichment, .warning, "the fields of market \(e.marketId) are unknown (\(e.market.source)); stored as unknown, and its asks are not assignable until they are known. Re-read marketData(\(e.marketId)) pinned to the block hash.")
        }
        put(Market(id: e.marketId, data: e.market.payload, createdInBlock: block))
    }

    /// Insert the ask in `CREATE`, keeping `hasPrivateInputs`, `secret_data`, `acl` and `extraData` (either variant).
    mutating func askCreated(_ e: KalypsoEvent.AskCreated) {
        if state.asks[e.askId] != nil {
            report(.entityAlreadyExists, .warning, "the mirror already has ask \(e.askId) (ask ids are array indices, created once); replaced. Run `verify`.")
        }
        let details = e.details.payload
        if let details {
            if let market = state.markets[details.body.marketId] {
                if let data = market.data, data.isPrivate != e.hasPrivateInputs {
                    report(.unexpectedState, .warning, "ask \(e.askId) says hasPrivateInputs = \(e.hasPrivateInputs) but the mirrored market \(details.body.marketId) is \(data.isPrivate ? "private" : "public"); the flag reflects the market type, so the mirrored market data is wrong. Run `verify`.")
                }
            } else {
                report(.unknownMarket, .warning, "ask \(e.askId) is in market \(details.body.marketId), which the mirror does not have; the ask is stored, but it is not assignable. Resync from the deployment block.")
            }
        } else {
            report(.missingEnrichment, .warning, "the body of ask \(e.askId) (market, reward, expiry, …) is unknown (\(e.details.source)); stored as unknown, so its tasks cannot be attributed to a market. Re-read listOfAsk(\(e.askId)) pinned to the block hash.")
        }
        put(Ask(id: e.askId, body: details?.body, storedState: .create, requester: details?.requester,
                hasPrivateInputs: e.hasPrivateInputs, secretData: e.secretData, acl: e.acl, extraData: e.extraData,
                secretType: details?.secretType, createdInBlock: block))
    }

    /// `ASSIGNED`; generator, new ACL, deadline; `row(g, ask.marketId).activeRequests += 1`.
    mutating func taskCreated(_ e: KalypsoEvent.TaskCreated) {
        let attribution = plan.byAskEvent[index]
        if let attribution { attributions.append(attribution) }
        guard var a = ask(e.askId) else { return }
        if a.storedState != .create {
            report(.unexpectedState, .warning, "ask \(e.askId) is \(a.storedState) in the mirror; the contract assigns only asks in CREATE (ShouldBeInCreateState). Applied anyway; run `verify`.")
        }
        a.storedState = .assigned
        a.generator = e.generator
        a.newAcl = e.newAcl
        a.assignedInBlock = block
        if var body = a.body {
            body.deadline = assignmentDeadline(e, body: body)
            a.body = body
        }
        put(a)
        guard let marketId = a.marketId else {
            report(.missingEnrichment, .warning, "ask \(e.askId) has no known market (its AskCreated was not enriched), so activeRequests of \(e.generator)'s row is not incremented. Re-read listOfAsk(\(e.askId)) and run `verify`.")
            return
        }
        checkLocks(attribution, kind: "imposed", generator: e.generator, marketId: marketId)
        guard var r = row(e.generator, marketId, skipping: "the activeRequests increment is") else { return }
        r.activeRequests = add(r.activeRequests, .one, "activeRequests", of: .generatorMarket(r.key))
        put(r)
    }

    /// The new deadline: the enrichment (a pinned `listOfAsk` read), else the block clock + time; cross-checked.
    private mutating func assignmentDeadline(_ e: KalypsoEvent.TaskCreated, body: AskBody) -> UInt256 {
        let fromClock = clock.flatMap { $0.adding(body.timeTakenForProofGeneration) }
        if let deadline = e.deadline.payload {
            if let fromClock, fromClock != deadline {
                report(.enrichmentMismatch, .warning, "ask \(e.askId): deadline \(deadline) (\(e.deadline.source)) ≠ clock \(clock ?? .zero) + timeTakenForProofGeneration \(body.timeTakenForProofGeneration) = \(fromClock). The G1 clock is wrong (on Arbitrum it is the L1 block number, §0); the enriched deadline is kept.")
            }
            return deadline
        }
        if let fromClock { return fromClock }
        report(.missingEnrichment, .warning, "ask \(e.askId): the new deadline is unknown (\(e.deadline.source)) and no G1 clock was given; the requester's deadline \(body.deadline) is kept, so DEADLINE_CROSSED is wrong for this ask. Re-read listOfAsk(\(e.askId)) pinned to the block hash.")
        return body.deadline
    }

    /// `ProofCreated` / `InvalidInputsDetected`: `COMPLETE` with the outcome; `row.activeRequests −= 1`.
    mutating func completeTask(_ askId: UInt256, outcome: AskOutcome, proof: [UInt8]?) {
        let attribution = plan.byAskEvent[index]
        if let attribution { attributions.append(attribution) }
        guard let a = complete(askId, outcome: outcome, proof: proof, requiring: .assigned) else { return }
        guard let generator = a.generator, let marketId = a.marketId else {
            reportUnattributable(a)
            return
        }
        checkLocks(attribution, kind: "released", generator: generator, marketId: marketId)
        decrementActiveRequests(generator, marketId)
    }

    /// `COMPLETE` (`SLASHED`); `row.activeRequests −= 1`. Without a `StakeSlashed` paired to it (implementations
    /// before 2024-09-09 emitted no registry event), also `totalStake −= penalty`, `stakeLocked −= penalty`,
    /// `computeConsumed −= row.cpr` (§7.4).
    mutating func proofNotGenerated(_ e: KalypsoEvent.ProofNotGenerated) {
        let attribution = plan.byAskEvent[index]
        guard let a = complete(e.askId, outcome: .slashed, proof: nil, requiring: .assigned) else {
            if let attribution { attributions.append(attribution) }
            return
        }
        var slash = attribution ?? LockAttribution(kind: .slashed, askId: e.askId, generator: nil, stake: nil, compute: nil, position: position)
        if slash.generator == nil { slash.generator = a.generator }
        attributions.append(slash)
        guard let generator = a.generator, let marketId = a.marketId else {
            reportUnattributable(a)
            return
        }
        if slash.stake != nil {
            if slash.generator != generator {
                report(.lockAttribution, .warning, "the StakeSlashed after ask \(e.askId)'s ProofNotGenerated names \(slash.generator.map { $0.description } ?? "?"), but the ask is assigned to \(generator); the events were applied as emitted.")
            }
            checkLocks(slash, kind: "slashed", generator: generator, marketId: marketId)
            decrementActiveRequests(generator, marketId)
            return
        }
        // Legacy slash: the registry changed its counters without emitting anything.
        let r = decrementActiveRequests(generator, marketId)
        guard var g = self.generator(generator, skipping: "the legacy slash (no StakeSlashed in the transaction) is") else { return }
        let key = EntityKey.generator(generator)
        if let penalty = state.markets[marketId]?.data?.slashingPenalty {
            g.totalStake = sub(g.totalStake, penalty, "totalStake", of: key)
            g.stakeLocked = sub(g.stakeLocked, penalty, "stakeLocked", of: key)
        } else {
            report(.unknownMarket, .warning, "legacy slash of ask \(e.askId): the slashing penalty of market \(marketId) is unknown, so totalStake and stakeLocked of \(generator) are not lowered. Re-read marketData(\(marketId)) and run `verify`.")
        }
        if let r {
            g.computeConsumed = sub(g.computeConsumed, r.computePerRequestRequired, "computeConsumed", of: key)
        }
        put(g)
    }

    /// A completed ask whose generator or market the mirror does not know: its row cannot be decremented.
    private mutating func reportUnattributable(_ a: Ask) {
        // An ask that was not ASSIGNED was already reported by `complete`.
        guard a.marketId == nil, a.generator != nil else { return }
        report(.missingEnrichment, .warning, "ask \(a.id) has no known market (its AskCreated was not enriched), so activeRequests of its generator's row is not decremented. Re-read listOfAsk(\(a.id)) and run `verify`.")
    }

    mutating func askCancelled(_ e: KalypsoEvent.AskCancelled) {
        _ = complete(e.askId, outcome: .cancelled, proof: nil, requiring: .create)
    }

    /// Marks the ask `COMPLETE`; returns the updated ask, or nil if the mirror does not have it.
    private mutating func complete(_ askId: UInt256, outcome: AskOutcome, proof: [UInt8]?, requiring expected: StoredAskState) -> Ask? {
        guard var a = ask(askId) else { return nil }
        if a.storedState != expected {
            report(.unexpectedState, .warning, "ask \(askId) is \(a.storedState) in the mirror; the contract needs \(expected) for \(outcome). Applied anyway; run `verify`.")
        }
        a.storedState = .complete
        a.outcome = outcome
        a.proof = proof
        a.completedInBlock = block
        put(a)
        return a
    }

    /// `row(g, m).activeRequests −= 1`; returns the row as it was before, if it exists.
    @discardableResult
    private mutating func decrementActiveRequests(_ generator: Address, _ marketId: UInt256) -> GeneratorMarket? {
        guard var r = row(generator, marketId, skipping: "the activeRequests decrement is") else { return nil }
        let before = r
        r.activeRequests = sub(r.activeRequests, .one, "activeRequests", of: .generatorMarket(r.key))
        put(r)
        return before
    }

    /// §7.5 rule 4: the paired stake equals the market's penalty and the paired compute the row's allocation.
    private mutating func checkLocks(_ attribution: LockAttribution?, kind: String, generator: Address, marketId: UInt256) {
        guard let attribution, attribution.stake != nil || attribution.compute != nil else {
            report(.lockAttribution, .warning, "no \(kind) lock events for generator \(generator) precede or follow this event in its transaction (§7.5); the generator counters were not changed by it. Run `verify`.")
            return
        }
        if let penalty = state.markets[marketId]?.data?.slashingPenalty, attribution.stake != penalty {
            report(.lockAttribution, .warning, "\(kind) stake \(attribution.stake.map { $0.description } ?? "missing") ≠ market \(marketId) slashingPenalty \(penalty) (§7.5 rule 4); counters follow the events. Run `verify`.")
        }
        if let cpr = state.row(generator, marketId)?.computePerRequestRequired, attribution.compute != cpr {
            report(.lockAttribution, .warning, "\(kind) compute \(attribution.compute.map { $0.description } ?? "missing") ≠ computePerRequestRequired \(cpr) of (\(generator), market \(marketId)) (§7.5 rule 4); counters follow the events. Run `verify`.")
        }
    }

    mutating func updatePricing(_ secretType: SecretType, _ body: (inout Pricing) -> Void) {
        journal.touch(.pricing(secretType), in: state)
        var p = state.pricing(for: secretType)
        body(&p)
        state.pricing[secretType] = p
    }

    mutating func updateImages(_ marketId: UInt256, _ imageId: Hash32, prover: Bool, add: Bool) {
        guard var m = state.markets[marketId] else {
            report(.unknownMarket, .warning, "the mirror has no market \(marketId); the image change (\(imageId)) is skipped. Resync from the deployment block.")
            return
        }
        switch (prover, add) {
        case (true, true): m.extraProverImages.insert(imageId)
        case (true, false): m.extraProverImages.remove(imageId)
        case (false, true): m.extraIvsImages.insert(imageId)
        case (false, false): m.extraIvsImages.remove(imageId)
        }
        put(m)
    }
}
