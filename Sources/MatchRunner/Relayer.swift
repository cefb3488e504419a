import EthereumKit
import Kalypso
import Matching
import Operator
import Telemetry

/// Sends a round's assignments: re-checks them on the newest mirrored state, signs, simulates with `eth_call`,
/// drops what the chain would refuse (by the error's ask id, or by a binary search over prefixes), re-signs, and
/// sends through a local nonce manager; follows receipts in the background and never waits for them.
///
/// - **Nonces**: the pending nonce of the sending account is read once, then counted locally, so several
///   transactions can be in flight; a nonce refusal, a dropped or a replaced transaction makes it read again.
/// - **Never twice**: every sent ask stays in the `InFlightLedger` until the mirror applies its `TaskCreated`, its
///   transaction fails, or it expires; rounds run on the state with the in-flight assignments applied.
/// - **Fees**: quoted once per round (`FeePolicy`), capped at `feeCap`.
/// - **Dry run**: everything up to the simulation; nothing is sent and nothing enters the ledger.
public actor Relayer {
    /// The chain (nil: dry run without a node — batches are signed, not simulated).
    public nonisolated let chain: (any RelayChain)?
    /// The calls.
    public nonisolated let calls: RelayCalls
    /// The settings.
    public nonisolated let configuration: RelayConfiguration
    private let logger: Logger
    private let metrics: MetricsRegistry?
    private let onEvent: @Sendable (MatchEvent) -> Void
    private var ledger = InFlightLedger()
    private var nextNonce: UInt64?
    private var receipts: [Hash32: Task<Void, Never>] = [:]
    private var lastBalanceCheck: ContinuousClock.Instant?
    /// Asks released by failed transactions since the last round: a reason to run a round without a new snapshot.
    private var releasedSinceRound = 0
    private var warnedUnknownKey = false

    /// Creates a relayer. In `.send` mode `chain` must be given.
    public init(chain: (any RelayChain)?, calls: RelayCalls, configuration: RelayConfiguration, logger: Logger,
                metrics: MetricsRegistry?, onEvent: @escaping @Sendable (MatchEvent) -> Void = { _ in }) throws(MatchRunnerError) {
        if configuration.mode == .send && chain == nil {
            throw MatchRunnerError(.configuration, "relaying needs a node: give the chain settings (--network, --rpc-url …)")
        }
        if configuration.mode == .send && !calls.canSign {
            throw MatchRunnerError(.configuration, "relaying needs the matching-engine key: give --private-key-env VAR or --keystore FILE")
        }
        self.chain = chain
        self.calls = calls
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
        self.onEvent = onEvent
        if let metrics { MatchMetrics.describe(metrics) }
    }

    /// The asks in flight.
    public var inFlightCount: Int { ledger.count }
    /// The in-flight assignments, in sending order.
    public var inFlight: [InFlightAssignment] { ledger.assignments }

    /// Settles the ledger with a new snapshot; returns what it removed.
    public func reconcile(_ snapshot: MatchSnapshot) -> Reconciliation {
        let r = ledger.reconcile(with: snapshot.state, clock: snapshot.clock)
        if !r.takenElsewhere.isEmpty {
            logger.warning("asks in flight were settled otherwise (assigned to another generator, completed or unknown): our transactions for them revert or reverted",
                           [("asks", r.takenElsewhere.map { "\($0)" }.joined(separator: ","))])
        }
        metrics?.set(MatchMetrics.inFlight, Double(ledger.count))
        return r
    }

    /// The snapshot's state with the in-flight assignments applied: what a round must run on.
    public func optimisticState(_ snapshot: MatchSnapshot) -> KalypsoState {
        ledger.applied(to: snapshot.state, now: snapshot.clock)
    }

    /// Returns and clears the count of asks released by failed transactions since the last call.
    public func takeReleased() -> Int {
        defer { releasedSinceRound = 0 }
        return releasedSinceRound
    }

    /// Waits until every receipt being followed has arrived, failed or timed out.
    public func waitForReceipts() async {
        while let (_, task) = receipts.first {
            await task.value
        }
    }

    /// Stops following receipts (process exit).
    public func cancelReceipts() {
        for task in receipts.values { task.cancel() }
    }

    // MARK: - Relaying a round

    /// Re-checks, signs, simulates and (in `.send` mode) sends `round`'s assignments in batches. `latest` returns the
    /// newest mirrored snapshot; it is asked before each batch.
    public func relay(_ round: MatchingRound, latest: @Sendable () async -> MatchSnapshot) async -> RelayOutcome {
        var outcome = RelayOutcome()
        var remaining = round.assignments.filter { !ledger.contains($0.askId) }
        outcome.alreadyInFlight = round.assignments.count - remaining.count
        guard !remaining.isEmpty else { return outcome }
        var fees: FeeQuote?
        if configuration.mode == .send {
            let first = await latest()
            if let stop = keyProblem(first.state) {
                return stopped(outcome, remaining, stop)
            }
            if let stop = await balanceProblem() {
                return stopped(outcome, remaining, stop)
            }
            switch await quoteFees() {
            case .success(let q): fees = q
            case .failure(let e): return stopped(outcome, remaining, e.message)
            }
        }
        let size = calls.batchSize(configuration.maxBatchSize)
        while !remaining.isEmpty {
            let newest = await latest()
            let work = ledger.applied(to: newest.state, now: newest.clock)
            let check = round.revalidated(on: work, now: newest.clock.adding(configuration.landingMargin) ?? newest.clock)
            let open = Set(remaining.map(\.askId))
            for d in check.dropped where open.contains(d.assignment.askId) {
                outcome.droppedBeforeSend.append(d)
                metrics?.increment(MatchMetrics.dropped, labels: [("stage", "revalidation"), ("reason", Self.label(d.reason))])
                logger.info("assignment dropped before sending: no longer eligible on the newest mirrored state",
                            [("ask", "\(d.assignment.askId)"), ("generator", d.assignment.generator.checksummed), ("reason", "\(d.reason)")])
            }
            let kept = check.kept.filter { open.contains($0.askId) }
            let chunk = Array(kept.prefix(size))
            remaining = Array(kept.dropFirst(size))
            guard !chunk.isEmpty else { break }
            if let stop = await process(chunk, clock: newest.clock, fees: fees, into: &outcome) {
                return stopped(outcome, remaining, stop)
            }
        }
        return outcome
    }

    private func stopped(_ outcome: RelayOutcome, _ rest: [Assignment], _ reason: String) -> RelayOutcome {
        var o = outcome
        o.notSent += rest
        o.stopReason = reason
        metrics?.increment(MatchMetrics.relayStops)
        logger.warning("relay stopped; the rest of the round is not sent", [("reason", reason), ("not_sent", "\(o.notSent.count)")])
        return o
    }

    /// One transaction: simulate, drop what fails, send. Returns a reason to stop the whole round, or nil.
    private func process(_ chunk: [Assignment], clock: UInt256, fees: FeeQuote?, into outcome: inout RelayOutcome) async -> String? {
        var items = chunk
        var attempts = 0
        while !items.isEmpty {
            attempts += 1
            if attempts > chunk.count + 3 {
                outcome.notSent += items
                return "the simulation kept changing its verdict for asks \(items.map { "\($0.askId)" }.joined(separator: ", ")); the node's pending state moves under the relayer"
            }
            let batch: BatchCall
            do { batch = try calls.call(items) } catch { outcome.notSent += items; return error.message }
            guard let chain, calls.canSign else {
                outcome.batches.append(report(batch, .dryRun(simulated: false)))
                return nil
            }
            let revert: [UInt8]?
            do { revert = try await chain.simulate(batch.call) } catch {
                outcome.notSent += items
                return "the simulation could not run: \(error.message)"
            }
            if let data = revert {
                switch await culprit(items, data: data, chain: chain) {
                case .failure(let e):
                    outcome.notSent += items
                    return e.message
                case .success(let (index, reason)):
                    let a = items.remove(at: index)
                    outcome.droppedBySimulation.append(SimulationDrop(assignment: a, reason: reason))
                    metrics?.increment(MatchMetrics.dropped, labels: [("stage", "simulation"), ("reason", Self.label(reason))])
                    logger.notice("assignment dropped: the chain's simulation refuses it (the mirror was behind)",
                                  [("ask", "\(a.askId)"), ("generator", a.generator.checksummed), ("revert", "\(reason)")])
                    continue
                }
            }
            guard configuration.mode == .send, let fees else {
                outcome.batches.append(report(batch, .dryRun(simulated: true)))
                return nil
            }
            switch await send(batch, chain: chain, fees: fees, clock: clock) {
            case .sent(let status):
                outcome.batches.append(report(batch, status))
                return nil
            case .resimulate:
                continue
            case .stop(let reason):
                outcome.notSent += items
                return reason
            }
        }
        return nil
    }

    private func report(_ batch: BatchCall, _ status: BatchReport.Status) -> BatchReport {
        BatchReport(function: calls.entryPoint.functionName, items: batch.items, signed: batch.signed, calldata: batch.call.data, status: status)
    }

    /// The item to drop from a reverting batch and the reason; a batch-level revert is an error (stop the round).
    private func culprit(_ items: [Assignment], data: [UInt8], chain: any RelayChain) async -> Result<(Int, RevertReason), MatchRunnerError> {
        let reason = chain.decodeRevert(data)
        let function = calls.entryPoint.functionName
        switch RevertScope.of(reason) {
        case .batch:
            metrics?.increment(MatchMetrics.dropped, labels: [("stage", "simulation"), ("reason", Self.label(reason))])
            return .failure(MatchRunnerError(.chain, "the simulation of \(function) reverts for the whole batch: " + RevertExplainer.explain(reason, function: function)
                                             + "; check that the matching-engine key is the verified one and the marketplace is not paused"))
        case .item(let named):
            if let named, let index = items.firstIndex(where: { $0.askId == named }) { return .success((index, reason)) }
            if items.count == 1 { return .success((0, reason)) }
            let calls = self.calls
            do {
                let (index, d) = try await CulpritSearch.firstFailing(count: items.count, data: data) { (k: Int) async throws(OperatorError) -> [UInt8]? in
                    try await chain.simulate(try calls.call(Array(items.prefix(k))).call)
                }
                let r = chain.decodeRevert(d)
                if RevertScope.of(r) == .batch {
                    return .failure(MatchRunnerError(.chain, "the simulation of \(function) reverts for the whole batch: " + RevertExplainer.explain(r, function: function)))
                }
                return .success((index, r))
            } catch {
                return .failure(MatchRunnerError(.chain, "the simulation could not run: \(error.message)"))
            }
        }
    }

    private enum SendResult {
        case sent(BatchReport.Status)
        case resimulate
        case stop(String)
    }

    /// Prepares (gas estimate, signature) at the managed nonce and sends; one retry with a fresh nonce on a nonce
    /// refusal.
    private func send(_ batch: BatchCall, chain: any RelayChain, fees: FeeQuote, clock: UInt256) async -> SendResult {
        var retried = false
        while true {
            let nonce: UInt64
            if let n = nextNonce {
                nonce = n
            } else {
                do { nonce = try await chain.pendingNonce() } catch { return .stop("cannot read the nonce of \(chain.from.checksummed): \(error.message)") }
            }
            let prepared: PreparedTransaction
            do { prepared = try await chain.prepare(batch.call, nonce: nonce, fees: fees, gasMarginPercent: configuration.gasMarginPercent) } catch {
                if error.code == .simulationReverted { return .resimulate }
                return .stop("preparing the transaction failed: \(error.message)")
            }
            let hash: Hash32
            do { hash = try await chain.send(prepared) } catch {
                let text = error.message.lowercased()
                if error.code == .rejected && text.contains("nonce") && !retried {
                    retried = true
                    nextNonce = nil
                    metrics?.increment(MatchMetrics.nonceResyncs)
                    logger.notice("nonce refused; reading the pending nonce again", [("nonce", String(nonce)), ("error", error.message)])
                    continue
                }
                if text.contains("insufficient funds") {
                    let threshold = configuration.lowBalance
                    onEvent(.lowBalance(account: chain.from, balance: .zero, threshold: threshold))
                }
                return .stop("sending failed: \(error.message)")
            }
            nextNonce = nonce + 1
            ledger.add(batch.items, transaction: hash, nonce: nonce, clock: clock)
            metrics?.increment(MatchMetrics.transactionsSent)
            metrics?.increment(MatchMetrics.relayed, by: Double(batch.items.count))
            metrics?.set(MatchMetrics.inFlight, Double(ledger.count))
            logger.info("assignments sent", [("transaction", hash.description), ("nonce", String(nonce)), ("gas_limit", String(prepared.gasLimit)),
                                             ("asks", batch.items.map { "\($0.askId)" }.joined(separator: ",")),
                                             ("message_hash", (try? batch.signed?.batch.messageHash().description) ?? "-")])
            follow(prepared, askIds: batch.items.map(\.askId), chain: chain)
            return .sent(.sent(transaction: hash, nonce: nonce, gasLimit: prepared.gasLimit))
        }
    }

    // MARK: - Receipts, fees, balance, key

    private func follow(_ prepared: PreparedTransaction, askIds: [UInt256], chain: any RelayChain) {
        let timeout = configuration.receiptTimeout
        let hash = prepared.hash
        receipts[hash] = Task { [weak self] in
            let result: Result<RelayReceipt, OperatorError>
            do throws(OperatorError) { result = .success(try await chain.waitForReceipt(prepared, timeout: timeout)) } catch { result = .failure(error) }
            await self?.receiptArrived(hash, askIds: askIds, result)
        }
    }

    private func receiptArrived(_ hash: Hash32, askIds: [UInt256], _ result: Result<RelayReceipt, OperatorError>) {
        receipts[hash] = nil
        switch result {
        case .success(let r):
            metrics?.increment(MatchMetrics.transactionsConfirmed)
            logger.info("assignments mined", [("transaction", hash.description), ("block", String(r.blockNumber)), ("gas_used", String(r.gasUsed))])
            onEvent(.transactionConfirmed(transaction: hash, block: r.blockNumber, askIds: askIds))
        case .failure(let e):
            let reverted = e.code == .transactionReverted
            if e.code == .timeout {
                // It may still be mined: keep its asks in flight (they leave the ledger when they land or expire).
                metrics?.increment(MatchMetrics.transactionsFailed, labels: [("reason", "timeout")])
                nextNonce = nil
            } else {
                releasedSinceRound += ledger.release(transaction: hash).count
                metrics?.set(MatchMetrics.inFlight, Double(ledger.count))
                if reverted {
                    metrics?.increment(MatchMetrics.transactionsReverted)
                } else {
                    metrics?.increment(MatchMetrics.transactionsFailed, labels: [("reason", e.code.description)])
                    nextNonce = nil
                }
            }
            logger.error("assignment transaction failed", [("transaction", hash.description), ("error", e.message)])
            onEvent(.transactionFailed(transaction: hash, askIds: askIds, reverted: reverted, message: e.message))
        }
    }

    private func quoteFees() async -> Result<FeeQuote, MatchRunnerError> {
        guard let chain else { return .failure(MatchRunnerError(.configuration, "no node")) }
        var quote: FeeQuote
        do { quote = try await chain.feeQuote(configuration.fees) } catch {
            return .failure(MatchRunnerError(.chain, "fee quote failed: \(error.message)"))
        }
        if let cap = configuration.feeCap, quote.maxFeePerGas > cap {
            let floor = (quote.nextBaseFee ?? .zero).adding(quote.maxPriorityFeePerGas) ?? .max
            if floor > cap {
                return .failure(MatchRunnerError(.chain, "fees are above the cap: next base fee \(TokenAmount.formatGwei(quote.nextBaseFee ?? .zero)) + tip \(TokenAmount.formatGwei(quote.maxPriorityFeePerGas)) > --fee-cap \(TokenAmount.formatGwei(cap)); nothing sent this round (raise the cap or wait for lower fees)"))
            }
            quote.maxFeePerGas = cap
            quote.source += "; capped at --fee-cap"
        }
        return .success(quote)
    }

    /// Reads the balance at most every `balanceInterval`; a stop reason when it cannot pay for one transaction.
    private func balanceProblem() async -> String? {
        guard let chain else { return nil }
        let now = ContinuousClock.now
        if let last = lastBalanceCheck, last.duration(to: now) < configuration.balanceInterval { return nil }
        lastBalanceCheck = now
        let balance: UInt256
        do { balance = try await chain.balance() } catch {
            logger.warning("cannot read the relayer's balance", [("error", error.message)])
            return nil
        }
        metrics?.set(MatchMetrics.balance, MatchMetrics.double(balance))
        if balance < configuration.lowBalance {
            logger.error("the relaying account's balance is low: fund it with ether for gas",
                         [("account", chain.from.checksummed), ("balance", TokenAmount.formatEther(balance)),
                          ("threshold", TokenAmount.formatEther(configuration.lowBalance))])
            onEvent(.lowBalance(account: chain.from, balance: balance, threshold: configuration.lowBalance))
        }
        return balance.isZero ? "\(chain.from.checksummed) has no ether for gas; fund it" : nil
    }

    /// A stop reason when the mirrored state says the signing key is not the verified matching-engine key.
    private func keyProblem(_ state: KalypsoState) -> String? {
        let signer: Address?
        switch calls.entryPoint {
        case .relayBatch(let key): signer = key?.address
        case .assignTask: signer = chain?.from
        }
        guard let signer else { return nil }
        guard let stored = state.matchingEngineKey(proofMarketplace: calls.proofMarketplace)?.publicKey, stored.count == 64,
              let verified = try? Address(publicKey64: stored) else {
            if !warnedUnknownKey {
                warnedUnknownKey = true
                logger.warning("the mirror knows no verified matching-engine key yet; the simulation will tell whether the signing key is accepted")
            }
            return nil
        }
        guard verified == signer else {
            return "the matching-engine key \(signer.checksummed) is not the key the ProofMarketplace verified (\(verified.checksummed)); every assignment would revert — use the verified key"
        }
        return nil
    }

    /// A short metric label for a drop reason.
    static func label(_ r: CandidateRejection) -> String {
        switch r {
        case .reverts(let revert): return revert.code.description
        case .indeterminate: return "indeterminate"
        case .noKeyForPrivateMarket: return "noKeyForPrivateMarket"
        case .pausedPendingIntent: return "pausedPendingIntent"
        }
    }

    static func label(_ r: RevertReason) -> String {
        switch r {
        case .custom(let e, _): return e.name
        case .panic: return "Panic"
        case .error: return "Error"
        case .empty: return "empty"
        case .malformed, .unknown: return "unknown"
        }
    }
}
