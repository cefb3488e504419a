import EthereumKit
import Kalypso

/// The specification of a matching round, written for clarity instead of speed: the reference the engine is tested
/// and benchmarked against. Not for production use (it is O(asks × generators per market) with a full contract check
/// per pair).
///
/// It takes the asks in the policy's order (its own sort) and, for each one, scans **every** generator that has a
/// row in the ask's market, calls `Eligibility.check` (the contract's `assignTask` predicate) on a working copy of the
/// state plus the off-chain rules (private-market key, the pause policy), and picks the best eligible generator by the
/// policy's ranking. It applies the assignment to the working copy with `KalypsoState.tentativelyAssign`, so the next
/// ask sees the consumed compute, stake and request count.
///
/// Generators without a row in the market are not scanned: for them the contract reads cost and time as 0 and the
/// derived state as `NULL`, so `Eligibility.check` always answers `AssignOnlyToIdleGenerators`.
public enum BruteForceOracle {
    /// One round on `state` at G1 clock `now`, by brute force. Same result as `MatchingEngine.round` (the property
    /// tests and the benchmark check that it is identical).
    public static func round(state: KalypsoState, now: UInt256, configuration: MatchingConfiguration) -> MatchingRound {
        var work = state
        var candidates: [UInt256: [Address]] = [:]
        for row in state.generatorMarkets.values { candidates[row.marketId, default: []].append(row.generator) }
        for key in candidates.keys { candidates[key]?.sort() }

        // The ask order, sorted here independently of the engine's queue.
        var open: [Ask] = []
        var unknown: [Ask] = []
        var expired = 0
        for ask in state.asks.values where ask.storedState == .create {
            if let body = ask.body {
                if body.expiry > now { open.append(ask) } else { expired += 1 }
            } else {
                unknown.append(ask)
            }
        }
        open.sort { a, b in
            let (x, y) = (a.body?.reward ?? .zero, b.body?.reward ?? .zero)
            if x != y { return x > y }
            let (ex, ey) = (a.body?.expiry ?? .zero, b.body?.expiry ?? .zero)
            if ex != ey { return ex < ey }
            return a.id < b.id
        }
        unknown.sort { $0.id < $1.id }

        var assignments: [Assignment] = []
        var decisions: [AskDecision] = []
        for (position, ask) in (open + unknown).enumerated() {
            let outcome = decide(ask, work: &work, now: now, candidates: candidates[ask.body?.marketId ?? .zero] ?? [],
                                 configuration: configuration, assignments: &assignments)
            decisions.append(AskDecision(askId: ask.id, marketId: ask.marketId, position: position, outcome: outcome))
        }
        return MatchingRound(now: now, assignments: assignments, decisions: decisions, expiredAsks: expired,
                             maxBatchSize: configuration.maxBatchSize)
    }

    private static func decide(_ ask: Ask, work: inout KalypsoState, now: UInt256, candidates: [Address],
                               configuration: MatchingConfiguration, assignments: inout [Assignment]) -> AskDecision.Outcome {
        let terms: AskTerms
        switch AskScreening.screen(AskEntry(ask), market: MarketTerms(work.markets[ask.body?.marketId ?? .zero]), now: now,
                                   state: work, configuration: configuration) {
        case .rejected(let reason): return .skipped(reason)
        case .accepted(let t): terms = t
        }
        let marketId = terms.ask.marketId
        var best: (cost: UInt256, time: UInt256, idle: UInt256, address: Address)?
        for g in candidates where isEligible(ask.id, g, marketId: marketId, terms: terms, work: work, now: now, configuration: configuration) {
            guard let row = work.row(g, marketId), let generator = work.generators[g] else { continue }
            let candidate = (cost: row.proofGenerationCost ?? .zero, time: row.proposedTime ?? .zero,
                             idle: generator.idleCapacity ?? .zero, address: g)
            if best.map({ GeneratorRanking.precedes(candidate, $0) }) ?? true { best = candidate }
        }
        guard let chosen = best?.address, let row = work.row(chosen, marketId) else {
            return .unmatched(unmatchedReason(ask, terms: terms, candidates: candidates, work: work, now: now, configuration: configuration))
        }
        let newAcl: [UInt8]
        switch AskScreening.newAcl(terms: terms, generator: chosen, state: work, configuration: configuration) {
        case .rejected(let reason): return .skipped(reason)
        case .accepted(let acl): newAcl = acl
        }
        work.tentativelyAssign(askId: ask.id, to: chosen, newAcl: newAcl, now: now)
        assignments.append(AskScreening.assignment(terms: terms, row: row, newAcl: newAcl))
        return .assigned(chosen)
    }

    /// The contract check (`Eligibility.check`) plus the off-chain rules for one pair, on the working copy; `ask`
    /// replaces the stored ask when given.
    private static func isEligible(_ askId: UInt256, _ g: Address, marketId: UInt256, terms: AskTerms, work: KalypsoState,
                                   now: UInt256, configuration: MatchingConfiguration, ask: Ask? = nil) -> Bool {
        let check = Eligibility.check(askId: askId, ask: ask ?? work.asks[askId], generatorAddress: g, generator: work.generators[g],
                                      row: work.row(g, marketId), market: work.markets[marketId], now: now)
        guard check.isEligible else { return false }
        if terms.isPrivate && !work.hasUsableKey(g, forMarket: marketId) { return false }
        if configuration.pauseWhileIntentPending, let generator = work.generators[g], CapacityFigures(generator).intentPending {
            return false
        }
        return true
    }

    /// Why no generator qualified: the candidates that pass every rule except price and time are "listed"; then
    /// price, then time. Found by re-checking each candidate with the ask's reward and time raised to its own terms.
    private static func unmatchedReason(_ ask: Ask, terms: AskTerms, candidates: [Address], work: KalypsoState, now: UInt256,
                                        configuration: MatchingConfiguration) -> UnmatchedReason {
        var listed = false
        var listedWithinReward = false
        for g in candidates {
            guard let row = work.row(g, terms.ask.marketId), let cost = row.proofGenerationCost, let time = row.proposedTime,
                  var body = ask.body else { continue }
            body.reward = max(body.reward, cost)
            body.timeTakenForProofGeneration = max(body.timeTakenForProofGeneration, time)
            var relaxed = ask
            relaxed.body = body
            guard isEligible(ask.id, g, marketId: terms.ask.marketId, terms: terms, work: work, now: now,
                             configuration: configuration, ask: relaxed) else { continue }
            listed = true
            if cost <= terms.ask.reward { listedWithinReward = true }
        }
        if !listed { return .noListedGenerator }
        return listedWithinReward ? .noListedGeneratorWithinTime : .noListedGeneratorWithinReward
    }
}
