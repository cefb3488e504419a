import EthereumKit
import Kalypso

/// Why a candidate generator cannot take the ask (the first failing rule).
public enum CandidateRejection: Hashable, Sendable, CustomStringConvertible {
    /// The contract would revert (`Eligibility.check`, in the contract's check order).
    case reverts(ContractRevert)
    /// The mirror lacks data the contract reads: never assigned on a guess.
    case indeterminate(String)
    /// Private market and no usable 64-byte key for it (off-chain rule).
    case noKeyForPrivateMarket
    /// A reduction intent is pending and the `pauseWhileIntentPending` policy is on.
    case pausedPendingIntent

    public var description: String {
        switch self {
        case .reverts(let r): return "reverts \(r)"
        case .indeterminate(let why): return "indeterminate: \(why)"
        case .noKeyForPrivateMarket: return "noKeyForPrivateMarket: no usable 64-byte key for this private market"
        case .pausedPendingIntent: return "pausedPendingIntent: a reduction intent is pending (policy option)"
        }
    }
}

/// One generator of the ask's market, as the round saw it when it reached the ask.
public struct CandidateExplanation: Hashable, Sendable, CustomStringConvertible {
    /// The verdict.
    public enum Verdict: Hashable, Sendable, CustomStringConvertible {
        /// The round assigned the ask to this generator.
        case chosen
        /// Eligible; `rank` 1 is the policy's first choice (the chosen one when the ask was assigned), 2 the next, ….
        case eligible(rank: Int)
        /// Not eligible.
        case rejected(CandidateRejection)

        public var description: String {
            switch self {
            case .chosen: return "chosen"
            case .eligible(let rank): return "eligible, rank \(rank)"
            case .rejected(let why): return why.description
            }
        }
    }

    /// The generator.
    public let generator: Address
    /// Its `proofGenerationCost` in the market (nil if unknown).
    public let proofGenerationCost: UInt256?
    /// Its `proposedTime` in the market (nil if unknown).
    public let proposedTime: UInt256?
    /// Its `idleCapacity` at that point of the round (0 if unknown).
    public let idleCapacity: UInt256
    /// Its `maxReducibleStake` at that point of the round (0 if unknown).
    public let maxReducibleStake: UInt256
    /// Its `activeRequests` in the market at that point of the round.
    public let activeRequests: UInt256
    /// The verdict.
    public let verdict: Verdict

    public var description: String {
        "\(generator) cost \(proofGenerationCost.map { "\($0)" } ?? "?") time \(proposedTime.map { "\($0)" } ?? "?") "
            + "idle \(idleCapacity) stake \(maxReducibleStake) active \(activeRequests): \(verdict)"
    }
}

/// What `explain` found for one ask.
public struct AskExplanation: Hashable, Sendable {
    /// The ask.
    public let askId: UInt256
    /// The G1 clock of the round.
    public let now: UInt256
    /// `getAskState` at `now`; nil if the mirror does not have the ask (or its times).
    public let askState: AskState?
    /// The round's decision; nil if the round did not consider the ask (not in `CREATE`, expired, or unknown).
    public let decision: AskDecision?
    /// How many assignments the round made before reaching the ask (their capacity is already consumed below).
    public let assignmentsBefore: Int
    /// Every generator with a row in the ask's market: eligible ones by rank, then the rejected ones by address.
    public let candidates: [CandidateExplanation]
}

extension MatchingEngine {
    /// Explains the round's decision for `askId`: runs the round, replays the assignments made before the ask on a
    /// working copy, and evaluates every generator of the ask's market there with `Eligibility.check` (the contract's
    /// rules, first failing one) and the off-chain rules, ranking the eligible ones by the policy.
    public func explain(askId: UInt256, state: KalypsoState, now: UInt256) -> AskExplanation {
        let round = self.round(state: state, now: now)
        let decision = round.decision(for: askId)
        var work = state
        var before = 0
        if let decision {
            var positionOfAsk: [UInt256: Int] = [:]
            for d in round.decisions { positionOfAsk[d.askId] = d.position }
            for a in round.assignments {
                guard let p = positionOfAsk[a.askId], p < decision.position else { break }
                work.tentativelyAssign(askId: a.askId, to: a.generator, newAcl: a.newAcl, now: now)
                before += 1
            }
        }
        let ask = state.asks[askId]
        guard let marketId = ask?.marketId else {
            return AskExplanation(askId: askId, now: now, askState: state.getAskState(askId, now: now), decision: decision,
                                  assignmentsBefore: before, candidates: [])
        }
        let privateMarket = state.markets[marketId]?.data?.isPrivate ?? false
        var eligible: [(key: (cost: UInt256, time: UInt256, idle: UInt256, address: Address), row: GeneratorMarket)] = []
        var rejected: [CandidateExplanation] = []
        let rows = state.generatorMarkets.values.filter { $0.marketId == marketId }.sorted { $0.generator < $1.generator }
        for original in rows {
            let g = original.generator
            let row = work.row(g, marketId) ?? original
            let generator = work.generators[g]
            var rejection: CandidateRejection?
            switch work.checkAssignment(askId: askId, to: g, now: now) {
            case .eligible: break
            case .reverts(let r): rejection = .reverts(r)
            case .indeterminate(let why): rejection = .indeterminate(why)
            }
            if rejection == nil && privateMarket && !work.hasUsableKey(g, forMarket: marketId) { rejection = .noKeyForPrivateMarket }
            if rejection == nil, configuration.pauseWhileIntentPending, let generator, CapacityFigures(generator).intentPending {
                rejection = .pausedPendingIntent
            }
            if let rejection {
                rejected.append(candidate(row, generator, .rejected(rejection)))
            } else {
                eligible.append(((row.proofGenerationCost ?? .zero, row.proposedTime ?? .zero, generator?.idleCapacity ?? .zero, g), row))
            }
        }
        eligible.sort { GeneratorRanking.precedes($0.key, $1.key) }
        let chosen = decision?.assignedGenerator
        var candidates = eligible.enumerated().map { k, e in
            candidate(e.row, work.generators[e.row.generator], e.row.generator == chosen ? .chosen : .eligible(rank: k + 1))
        }
        candidates.append(contentsOf: rejected)
        return AskExplanation(askId: askId, now: now, askState: state.getAskState(askId, now: now), decision: decision,
                              assignmentsBefore: before, candidates: candidates)
    }

    private func candidate(_ row: GeneratorMarket, _ generator: Generator?, _ verdict: CandidateExplanation.Verdict) -> CandidateExplanation {
        CandidateExplanation(generator: row.generator, proofGenerationCost: row.proofGenerationCost, proposedTime: row.proposedTime,
                             idleCapacity: generator?.idleCapacity ?? .zero, maxReducibleStake: generator?.maxReducibleStake ?? .zero,
                             activeRequests: row.activeRequests, verdict: verdict)
    }
}
