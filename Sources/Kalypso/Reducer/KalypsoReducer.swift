import EthereumKit

/// The result of applying one transaction: the change set for the store, the inconsistencies met, and the lock
/// attributions (§7.5) for per-ask accounting.
public struct TransactionReduction: Hashable, Sendable {
    /// Every entity touched, with its value before (the undo journal entry) and after.
    public var changeSet: ChangeSet
    /// What the state could not explain, in log order. Never fatal.
    public var issues: [InconsistencyError]
    /// One per `TaskCreated`, `ProofCreated`, `InvalidInputsDetected` and `ProofNotGenerated`, in log order.
    public var lockAttributions: [LockAttribution]

    public init(changeSet: ChangeSet, issues: [InconsistencyError], lockAttributions: [LockAttribution]) {
        self.changeSet = changeSet
        self.issues = issues
        self.lockAttributions = lockAttributions
    }
}

/// The pure G1 reducer: applies one transaction's events to a `KalypsoState` exactly as the transition table says
/// (kalypso-contracts.md §7.4), with the contract's integer math.
///
/// Deterministic: the same state and the same `TransactionLogs` give the same new state and the same result. No I/O,
/// no clock other than `TransactionLogs.clock`. The sync layer applies every log once (idempotency is keyed by
/// `(blockHash, logIndex)` there).
///
/// **Inconsistencies never trap.** When the state cannot explain an event, the reducer records an
/// `InconsistencyError` and continues with this defined outcome:
/// - arithmetic that would go below zero is clamped to 0, above 2^256 − 1 to the maximum;
/// - a mutation of an entity the mirror does not have (generator, row, ask, market) is skipped for that entity
///   (other parts of the same event still apply: `JoinedMarketplace` inserts its row even if the generator is unknown);
/// - a create event for an existing entity replaces it, as the contract did;
/// - a broken contract precondition (e.g. `TaskCreated` for an ask not in `CREATE`) is recorded and the event is
///   applied anyway: the chain says it happened;
/// - fields that could not be enriched are stored as unknown (nil), never guessed.
public enum KalypsoReducer {
    /// Applies the logs of one transaction, in log order, to `state`.
    public static func apply(_ transaction: TransactionLogs, to state: inout KalypsoState) -> TransactionReduction {
        var applier = TransactionApplier(transaction, generatorOf: { state.asks[$0]?.generator })
        swap(&applier.state, &state) // the applier owns the dictionaries uniquely: no copy-on-write copies
        applier.run()
        swap(&applier.state, &state)
        return TransactionReduction(changeSet: applier.journal.changeSet(from: state), issues: applier.issues,
                                    lockAttributions: applier.attributions)
    }

    /// Applies transactions in order and returns one merged change set (e.g. one undo journal entry per block) with
    /// all issues and attributions.
    public static func apply(_ transactions: [TransactionLogs], to state: inout KalypsoState) -> TransactionReduction {
        var merged = TransactionReduction(changeSet: ChangeSet(), issues: [], lockAttributions: [])
        for transaction in transactions {
            let r = apply(transaction, to: &state)
            merged.changeSet = merged.changeSet.merged(with: r.changeSet)
            merged.issues += r.issues
            merged.lockAttributions += r.lockAttributions
        }
        return merged
    }

    /// Applies the transactions of one block in order and returns the block's change set — each entity's value before
    /// the block's first touch and after its last, in first-touch order, entities that ended where they started left
    /// out — with every issue. One journal for the whole block: no per-transaction change sets to merge.
    public static func applyBlock(_ transactions: [TransactionLogs], to state: inout KalypsoState) -> (changeSet: ChangeSet, issues: [InconsistencyError]) {
        var block = BlockSpanReducer()
        let issues = block.applyBlock(transactions, to: &state)
        return (block.changeSet(from: state), issues)
    }

    /// Records that `freezeMarket(marketId)` ran (it emits no event, §4.4): the sync layer sees it in calldata
    /// (`0x787fb04b`) or in a pinned `marketData(m).creator` read. Sets `frozen` and clears `creator`, as the
    /// contract does. Goes through the same journal, so it can be undone with the block.
    public static func recordMarketFrozen(_ marketId: UInt256, at position: LogPosition?,
                                          in state: inout KalypsoState) -> TransactionReduction {
        var journal = Journal()
        var issues: [InconsistencyError] = []
        if var market = state.markets[marketId] {
            journal.touch(.market(marketId), in: state)
            market.frozen = true
            market.data?.creator = .zero
            state.markets[marketId] = market
        } else {
            issues.append(InconsistencyError(.unknownMarket, .warning,
                                             "freezeMarket(\(marketId)): the mirror has no market \(marketId); nothing recorded. Resync from the deployment block if markets are missing.",
                                             at: position))
        }
        return TransactionReduction(changeSet: journal.changeSet(from: state), issues: issues, lockAttributions: [])
    }
}

/// Applies one transaction. Holds the state while it runs (see `KalypsoReducer.apply`).
struct TransactionApplier {
    var state = KalypsoState()
    var journal = Journal()
    var issues: [InconsistencyError] = []
    var attributions: [LockAttribution] = []
    /// The transaction's logs: a slice of the caller's array (no copies of the logs), indexed as that array is.
    let logs: ArraySlice<KalypsoLog>
    let clock: UInt256?
    let plan: AttributionPlan
    /// The index (in `logs`) of the log being applied.
    var index = 0
    /// The position of the log being applied.
    var position = LogPosition(blockNumber: 0, blockHash: .zero, transactionIndex: 0, transactionHash: .zero, logIndex: 0)

    init(_ transaction: TransactionLogs, generatorOf: (UInt256) -> Address?) {
        self.init(transaction.logs[...], clock: transaction.clock, generatorOf: generatorOf)
    }

    init(_ transactionLogs: ArraySlice<KalypsoLog>, clock: UInt256?, generatorOf: (UInt256) -> Address?) {
        var logs = transactionLogs
        var orderIssues: [InconsistencyError] = []
        // Through a buffer, positions only: `logs[i].position` on a slice copies the whole (large) log first.
        let (mixed, unordered, first) = logs.withUnsafeBufferPointer { buffer -> (Bool, Bool, LogPosition?) in
            guard let start = buffer.indices.first else { return (false, false, nil) }
            let first = buffer[start].position
            var mixed = false, unordered = false
            for j in buffer.indices.dropFirst() {
                let p = buffer[j].position
                if p.transactionHash != first.transactionHash || p.blockHash != first.blockHash { mixed = true }
                if buffer[j - 1].position.logIndex >= p.logIndex { unordered = true }
            }
            return (mixed, unordered, first)
        }
        if let first {
            if mixed {
                orderIssues.append(InconsistencyError(.logOrder, .warning,
                    "the logs passed as one transaction (starting at \(first)) belong to several transactions; lock attribution may be wrong. Group logs with TransactionLogs.group.",
                    at: first))
            }
            if unordered {
                orderIssues.append(InconsistencyError(.logOrder, .warning,
                    "the logs of \(first) are not in log order; applying them sorted by logIndex.", at: first))
                logs.sort { $0.position.logIndex < $1.position.logIndex }
            }
        }
        self.logs = logs
        self.clock = clock
        self.plan = AttributionPlan(logs, generatorOf: generatorOf)
        self.issues = orderIssues
    }

    mutating func run() {
        // A local reference to the logs (the loop mutates `self`), read through a buffer: `logs[i].event` on a slice
        // would copy the whole (large) log first.
        let logs = self.logs
        logs.withUnsafeBufferPointer { buffer in
            for j in buffer.indices {
                index = logs.startIndex + j
                position = buffer[j].position
                if let declaredBy = buffer[j].event.entry.contract, declaredBy != buffer[j].emitter {
                    report(.unexpectedState, .warning, "emitted by the \(buffer[j].emitter.rawValue) address, but only \(declaredBy.rawValue) declares this event; applied anyway. Check the contract addresses in the configuration.")
                }
                apply(buffer[j].event)
            }
        }
        for i in plan.unpaired {
            index = i
            position = logs[i].position
            report(.lockAttribution, .warning,
                   "this lock event has no matching marketplace event in its transaction (§7.5); the generator counters were applied, the ask is unknown")
        }
    }

    private mutating func apply(_ event: KalypsoEvent) {
        switch event {
        case .registeredGenerator(let e): registeredGenerator(e)
        case .deregisteredGenerator(let e): deregisteredGenerator(e)
        case .changedGeneratorRewardAddress(let e): changedRewardAddress(e)
        case .joinedMarketplace(let e): joinedMarketplace(e)
        case .requestExitMarketplace(let e): requestExitMarketplace(e)
        case .leftMarketplace(let e): leftMarketplace(e)
        case .addIvsKey(let e): addIvsKey(e)
        case .addedStake(let e): addedStake(e)
        case .requestStakeDecrease(let e): requestStakeDecrease(e)
        case .removedStake(let e): removedStake(e)
        case .increasedCompute(let e): increasedCompute(e)
        case .requestComputeDecrease(let e): requestComputeDecrease(e)
        case .decreaseCompute(let e): decreaseCompute(e)
        case .stakeLockImposed(let e): adjustLocks(e.generator, stake: e.stake, increase: true)
        case .computeLockImposed(let e): adjustLocks(e.generator, compute: e.compute, increase: true)
        case .stakeLockReleased(let e): adjustLocks(e.generator, stake: e.stake, increase: false)
        case .computeLockReleased(let e): adjustLocks(e.generator, compute: e.compute, increase: false)
        case .stakeSlashed(let e): stakeSlashed(e)
        case .askCreated(let e): askCreated(e)
        case .taskCreated(let e): taskCreated(e)
        case .proofCreated(let e): completeTask(e.askId, outcome: .proved, proof: e.proof)
        case .invalidInputsDetected(let e): completeTask(e.askId, outcome: .invalidInputs, proof: nil)
        case .proofNotGenerated(let e): proofNotGenerated(e)
        case .marketplaceCreated(let e): marketplaceCreated(e)
        case .askCancelled(let e): askCancelled(e)
        case .updateCostPerBytes(let e): updatePricing(e.secretType) { $0.costPerInputBytes = e.costPerInputBytes }
        case .updateMinProvingTime(let e): updatePricing(e.secretType) { $0.minProvingTime = e.newProvingTime }
        case .addExtraProverImage(let e): updateImages(e.marketId, e.imageId, prover: true, add: true)
        case .addExtraIVSImage(let e): updateImages(e.marketId, e.imageId, prover: false, add: true)
        case .removeExtraProverImage(let e): updateImages(e.marketId, e.imageId, prover: true, add: false)
        case .removeExtraIVSImage(let e): updateImages(e.marketId, e.imageId, prover: false, add: false)
        case .updateKey(let e): updateKey(e)
        case .removeKey(let e): removeKey(e)
        case .imageBlacklisted(let e): updateImage(e.imageId) { $0.blacklisted = true }
        case .enclaveImageWhitelisted(let e):
            updateImage(e.imageId) {
                $0.whitelisted = true
                $0.pcrs = EnclavePCRs(pcr0: e.pcr0, pcr1: e.pcr1, pcr2: e.pcr2)
            }
        case .enclaveImageRevoked(let e): updateImage(e.imageId) { $0.whitelisted = false }
        case .enclaveImageAddedToFamily(let e): updateImage(e.imageId) { $0.families.insert(e.family) }
        case .enclaveImageRemovedFromFamily(let e): updateImage(e.imageId) { $0.families.remove(e.family) }
        case .enclaveKeyWhitelisted(let e): verifyEnclaveKey(e.enclavePubKeyHash, e.imageId)
        case .enclaveKeyVerified(let e): verifyEnclaveKey(e.enclavePubKeyHash, e.imageId)
        case .enclaveKeyRevoked(let e): revokeEnclaveKey(e.enclavePubKeyHash)
        case .initialized(let e): updateFlags { $0.initializedVersion = e.version }
        case .upgraded(let e): upgraded(e)
        case .roleGranted(let e): updateFlags { $0.roleMembers[e.role, default: []].insert(e.account) }
        case .roleRevoked(let e):
            updateFlags {
                $0.roleMembers[e.role]?.remove(e.account)
                if $0.roleMembers[e.role]?.isEmpty == true { $0.roleMembers[e.role] = nil }
            }
        case .roleAdminChanged(let e): updateFlags { $0.roleAdmins[e.role] = e.newAdminRole.isZero ? nil : e.newAdminRole }
        case .paused: updateFlags { $0.paused = true }
        case .unpaused: updateFlags { $0.paused = false }
        }
    }

    // MARK: Shared helpers

    var block: UInt64 { position.blockNumber }

    /// Records an inconsistency for the current log, prefixed with the event name and position.
    mutating func report(_ code: InconsistencyError.Code, _ severity: InconsistencyError.Severity, _ message: String) {
        issues.append(InconsistencyError(code, severity, "\(logs[index].event.name) at \(position): \(message)", at: position))
    }

    /// `a + b` with the contract's overflow check; clamped to the maximum and recorded if it overflows.
    mutating func add(_ a: UInt256, _ b: UInt256, _ field: String, of entity: EntityKey) -> UInt256 {
        if let r = a.adding(b) { return r }
        report(.arithmeticOverflow, .warning, "\(entity).\(field) \(a) + \(b) overflows 256 bits; clamped to 2^256 − 1. The contract would have reverted, so the mirrored value is wrong: run `verify`.")
        return .max
    }

    /// `a − b` with the contract's underflow check; clamped to 0 and recorded if it goes below zero.
    mutating func sub(_ a: UInt256, _ b: UInt256, _ field: String, of entity: EntityKey) -> UInt256 {
        if let r = a.subtracting(b) { return r }
        report(.arithmeticUnderflow, .warning, "\(entity).\(field) \(a) − \(b) goes below zero; clamped to 0. The mirror missed an earlier event or started after the deployment block: run `verify`, and resync from the deployment block if it reports mismatches.")
        return .zero
    }

    /// The generator, or nil after recording `unknownGenerator` (`skipping` says what is skipped).
    mutating func generator(_ address: Address, skipping: String) -> Generator? {
        if let g = state.generators[address] { return g }
        report(.unknownGenerator, .warning, "the mirror has no generator \(address); \(skipping) skipped. On chain the generator exists: resync from the deployment block or bootstrap it with a pinned generatorRegistry(\(address)) read.")
        return nil
    }

    /// The row, or nil after recording `unknownGeneratorMarket`.
    mutating func row(_ generator: Address, _ marketId: UInt256, skipping: String) -> GeneratorMarket? {
        if let r = state.row(generator, marketId) { return r }
        report(.unknownGeneratorMarket, .warning, "the mirror has no row for generator \(generator) in market \(marketId); \(skipping) skipped. Resync from the deployment block or bootstrap it with a pinned generatorInfoPerMarket read.")
        return nil
    }

    /// The ask, or nil after recording `unknownAsk`.
    mutating func ask(_ askId: UInt256) -> Ask? {
        if let a = state.asks[askId] { return a }
        report(.unknownAsk, .warning, "the mirror has no ask \(askId); the ask and its generator-market row are not updated. Bootstrap it with a pinned listOfAsk(\(askId)) read (§7.2).")
        return nil
    }

    mutating func put(_ g: Generator) {
        journal.touch(.generator(g.address), in: state)
        state.generators[g.address] = g
    }

    mutating func put(_ r: GeneratorMarket) {
        journal.touch(.generatorMarket(r.key), in: state)
        state.generatorMarkets[r.key] = r
    }

    mutating func put(_ a: Ask) {
        journal.touch(.ask(a.id), in: state)
        state.asks[a.id] = a
    }

    mutating func put(_ m: Market) {
        journal.touch(.market(m.id), in: state)
        state.markets[m.id] = m
    }

    mutating func delete(_ key: EntityKey) {
        journal.touch(key, in: state)
        state.set(nil, for: key)
    }

    /// Updates the flags of the contract that emitted the current log.
    mutating func updateFlags(_ body: (inout ContractFlags) -> Void) {
        let contract = logs[index].emitter
        journal.touch(.contract(contract), in: state)
        var flags = state.flags(of: contract)
        body(&flags)
        state.contracts[contract] = flags
    }

    mutating func upgraded(_ e: KalypsoEvent.Upgraded) {
        let contract = logs[index].emitter
        let old = state.contracts[contract]?.implementation
        updateFlags { $0.implementation = e.implementation }
        if let old {
            report(.contractUpgraded, .alert, "the \(contract.rawValue) proxy now runs implementation \(e.implementation) (was \(old)). The ABI may have changed: check the implementation's bytecode for the expected topic0s and selectors (§9 generation check) before trusting further logs.")
        } else {
            report(.contractUpgraded, .info, "the \(contract.rawValue) proxy runs implementation \(e.implementation) (the first one the mirror has seen); check its bytecode for the expected topic0s (§9 generation check).")
        }
    }
}
