import EthereumKit
import Kalypso
import Telemetry

/// The Kalypso G1 matching engine: one deterministic round over a mirrored `KalypsoState` at a G1 clock.
///
/// ## Eligibility (exactly the contract's `assignTask`, §3.9, so an assignment never reverts)
/// An ask is assigned to a generator only if, at the moment of the assignment within the round:
/// - the ask is in `CREATE` with `expiry > now + expirySafetyMargin` (the margin covers the blocks until the
///   transaction lands; `ShouldBeInCreateState`);
/// - the generator's stored state in the ask's market is `JOINED` (not `REQUESTED_FOR_EXIT`) and its derived state is
///   `JOINED` or `WIP`, i.e. `idleCapacity > 0` (`AssignOnlyToIdleGenerators`);
/// - `computePerRequestRequired ≤ idleCapacity`, where `idleCapacity = declaredCompute · ICU / 1e18 −
///   computeConsumed` (`InsufficientGeneratorComputeAvailable`). A pending compute reduction shrinks it through ICU;
///   it does not pause the generator, unless the `pauseWhileIntentPending` policy option is on (default off);
/// - `activeRequests ≤ 100` in that market, counting tasks placed earlier in the round
///   (`MaxParallelRequestsPerMarketExceeded`);
/// - `maxReducibleStake = totalStake · ISU / 1e18 − stakeLocked ≥ slashingPenalty` of the market
///   (`InsufficientStakeToLock`);
/// - `reward ≥ proofGenerationCost` (`ProofPriceMismatch`) and `timeTakenForProofGeneration ≥ proposedTime`
///   (`ProofTimeMismatch`), equality allowed;
/// - for a private market, the generator has a usable 64-byte key `pub_key(generator, marketId)` (off chain).
///
/// ## Policy (deterministic: integers only, no randomness)
/// - Asks are taken by **highest reward**, then **earliest expiry**, then **lowest ask id**.
/// - For each ask, the generator is the eligible one with the **lowest price** (`proofGenerationCost`), then the
///   **shortest proposed time**, then the **most idle compute** (`idleCapacity`), then the **lowest address**.
/// - Each assignment debits the generator's compute (`computeConsumed += computePerRequestRequired`) and stake
///   (`stakeLocked += slashingPenalty`) and counts the request, exactly as `assignGeneratorTask` does, before the next
///   ask is matched: a round never over-assigns, and the next ask sees the reduced capacity in all of the generator's
///   markets (delisting and relisting follow per generator, across markets).
/// - The requester's refund (`reward − proofGenerationCost`) is recorded per assignment.
/// - Private asks: the ACL is re-encrypted for the chosen generator by the configured `AclReencryptor`
///   (`ECIESAclReencryptor`). Without one they are skipped with `privateAclReencryptionNotImplemented` (with one that
///   cannot serve the state, `aclReencryptorUnavailable`) and counted, never faked.
///
/// ## Speed
/// The round builds a `MatchingIndex` (per market, listed rows grouped by price and time, ranked by idle compute,
/// with a segment tree over the groups) and updates it incrementally; an ask costs O(log n), not a scan of the
/// market's generators. `BruteForceOracle` applies the same rules by scanning, and is the specification the
/// engine is tested against.
public struct MatchingEngine: Sendable {
    /// The configuration.
    public var configuration: MatchingConfiguration
    /// Where the engine logs round summaries (debug) and anomalies.
    public var logger: Logger

    /// Creates an engine.
    public init(configuration: MatchingConfiguration = MatchingConfiguration(), logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs one matching round on `state` at G1 clock `now` (the block number of the processed head). Pure: `state`
    /// is not changed; apply the result with `MatchingRound.apply(to:)` to see the state after the assignments.
    public func round(state: KalypsoState, now: UInt256) -> MatchingRound {
        let queue = AskQueue(state: state, now: now)
        var index = MatchingIndex(state: state, configuration: configuration)
        var assignments: [Assignment] = []
        var decisions: [AskDecision] = []
        decisions.reserveCapacity(queue.ordered.count)
        for (position, ask) in queue.ordered.enumerated() {
            let outcome = decide(ask, state: state, now: now, index: &index, assignments: &assignments)
            decisions.append(AskDecision(askId: ask.id, marketId: ask.bodyKnown ? ask.marketId : nil, position: position, outcome: outcome))
        }
        let round = MatchingRound(now: now, assignments: assignments, decisions: decisions, expiredAsks: queue.expired,
                                  maxBatchSize: configuration.maxBatchSize)
        logger.debug("matching round", [
            ("now", "\(now)"), ("considered", "\(decisions.count)"), ("assigned", "\(assignments.count)"),
            ("expired", "\(queue.expired)"), ("batches", "\(round.batches.count)"),
            ("listedRowsLeft", "\(index.listedRowCount)"),
        ])
        return round
    }

    private func decide(_ ask: AskEntry, state: KalypsoState, now: UInt256, index: inout MatchingIndex,
                        assignments: inout [Assignment]) -> AskDecision.Outcome {
        let terms: AskTerms
        let marketTerms = ask.bodyKnown ? index.marketTerms(ask.marketId) : nil
        switch AskScreening.screen(ask, market: marketTerms, now: now, state: state, configuration: configuration) {
        case .rejected(let reason): return .skipped(reason)
        case .accepted(let t): terms = t
        }
        guard let market = index.market(ask.marketId) else { return .skipped(.marketUnknown) }
        let rowIndex: Int
        switch index.best(market: market, reward: ask.reward, time: ask.time) {
        case .rejected(let reason): return .unmatched(reason)
        case .accepted(let r): rowIndex = r
        }
        let row = index.rows[rowIndex]
        let newAcl: [UInt8]
        switch AskScreening.newAcl(terms: terms, generator: row.generator, state: state, configuration: configuration) {
        case .rejected(let reason): return .skipped(reason)
        case .accepted(let acl): newAcl = acl
        }
        index.assign(row: rowIndex)
        assignments.append(AskScreening.assignment(terms: terms, row: row, newAcl: newAcl))
        return .assigned(row.generator)
    }

    /// Who is listed in each market now, and why the others are not (every reason, per generator and market).
    public func listings(state: KalypsoState) -> ListingReport {
        ListingReport(state: state, configuration: configuration)
    }
}
