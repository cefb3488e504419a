import EthereumKit
import Kalypso

/// One assignment chosen by a matching round: ask `askId` to `generator`, with what the contract will lock and pay.
public struct Assignment: Hashable, Sendable {
    /// The ask.
    public let askId: UInt256
    /// The ask's market.
    public let marketId: UInt256
    /// The chosen generator.
    public let generator: Address
    /// The ask's `reward`.
    public let reward: UInt256
    /// The generator's `proofGenerationCost` in the market: what it is paid when it proves.
    public let proofGenerationCost: UInt256
    /// What the requester gets back on a proof: `reward − proofGenerationCost` (never negative: `reward ≥ cost`).
    public let requesterRefund: UInt256
    /// The generator's `proposedTime` in the market (≤ the ask's time).
    public let proposedTime: UInt256
    /// The ask's `timeTakenForProofGeneration`: the deadline becomes `block.number + this` when the task lands.
    public let timeTakenForProofGeneration: UInt256
    /// `computePerRequestRequired` the task locks.
    public let computePerRequestRequired: UInt256
    /// The stake the task locks: the market's `slashingPenalty`.
    public let stakeToLock: UInt256
    /// Whether the ask has private inputs (its ACL was re-encrypted for the generator).
    public let isPrivate: Bool
    /// The `new_acl` argument: empty for public asks.
    public let newAcl: [UInt8]

    /// Creates an assignment.
    public init(askId: UInt256, marketId: UInt256, generator: Address, reward: UInt256, proofGenerationCost: UInt256,
                proposedTime: UInt256, timeTakenForProofGeneration: UInt256, computePerRequestRequired: UInt256,
                stakeToLock: UInt256, isPrivate: Bool, newAcl: [UInt8]) {
        self.askId = askId
        self.marketId = marketId
        self.generator = generator
        self.reward = reward
        self.proofGenerationCost = proofGenerationCost
        self.requesterRefund = reward.saturatingSubtract(proofGenerationCost)
        self.proposedTime = proposedTime
        self.timeTakenForProofGeneration = timeTakenForProofGeneration
        self.computePerRequestRequired = computePerRequestRequired
        self.stakeToLock = stakeToLock
        self.isPrivate = isPrivate
        self.newAcl = newAcl
    }
}

/// Why an open ask was not considered for matching in this round.
public enum SkipReason: Hashable, Sendable, CustomStringConvertible {
    /// The ask's body is unknown (`AskCreated` could not be enriched): its market, reward and times are unknown.
    case bodyUnknown
    /// `expiry ≤ now + expirySafetyMargin`: the assignment could land after the ask expired.
    case expiresWithinSafetyMargin(expiry: UInt256)
    /// `now + timeTakenForProofGeneration` overflows 256 bits: every assignment reverts with `Panic(0x11)`.
    case deadlineOverflow
    /// The ask's market, or its slashing penalty, is unknown to the mirror.
    case marketUnknown
    /// The ask says it has private inputs but its market's prover image is not an enclave image (impossible on chain:
    /// `hasPrivateInputs` is the market type); skipped rather than guessed.
    case privateInputsInPublicMarket
    /// Private asks need their ACL re-encrypted for the chosen generator, and no re-encryptor is configured (the
    /// matching-engine key was not given).
    case privateAclReencryptionNotImplemented
    /// The configured re-encryptor cannot serve this state (for example its key is not the matching-engine key
    /// `pub_key(proofMarketplace, 0)` the ACLs are encrypted to); the message says why.
    case aclReencryptorUnavailable(reason: String)
    /// The configured re-encryptor failed for the chosen generator (nothing was consumed).
    case aclReencryptionFailed(generator: Address, message: String)

    /// The reason without its details, for counting.
    public var kind: Kind {
        switch self {
        case .bodyUnknown: return .bodyUnknown
        case .expiresWithinSafetyMargin: return .expiresWithinSafetyMargin
        case .deadlineOverflow: return .deadlineOverflow
        case .marketUnknown: return .marketUnknown
        case .privateInputsInPublicMarket: return .privateInputsInPublicMarket
        case .privateAclReencryptionNotImplemented: return .privateAclReencryptionNotImplemented
        case .aclReencryptorUnavailable: return .aclReencryptorUnavailable
        case .aclReencryptionFailed: return .aclReencryptionFailed
        }
    }

    /// The kinds of `SkipReason`.
    public enum Kind: String, Hashable, Sendable, CaseIterable, Comparable {
        case bodyUnknown, expiresWithinSafetyMargin, deadlineOverflow, marketUnknown, privateInputsInPublicMarket
        case privateAclReencryptionNotImplemented, aclReencryptorUnavailable, aclReencryptionFailed
        public static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
    }

    public var description: String {
        switch self {
        case .bodyUnknown: return "bodyUnknown: the ask's body is unknown (AskCreated not enriched)"
        case .expiresWithinSafetyMargin(let e): return "expiresWithinSafetyMargin: expiry \(e) is within the safety margin"
        case .deadlineOverflow: return "deadlineOverflow: now + timeTakenForProofGeneration overflows (Panic 0x11)"
        case .marketUnknown: return "marketUnknown: the ask's market or its slashing penalty is unknown"
        case .privateInputsInPublicMarket: return "privateInputsInPublicMarket: private inputs in a public market"
        case .privateAclReencryptionNotImplemented:
            return "privateAclReencryptionNotImplemented: private asks need their ACL re-encrypted for the generator; give the matching-engine key"
        case .aclReencryptorUnavailable(let reason): return "aclReencryptorUnavailable: \(reason)"
        case .aclReencryptionFailed(let g, let m): return "aclReencryptionFailed for \(g): \(m)"
        }
    }
}

/// Why an open, matchable ask found no generator.
public enum UnmatchedReason: String, Hashable, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    /// No generator is listed in the ask's market right now (see `DelistReason` for why each is not).
    case noListedGenerator
    /// Generators are listed, but every one asks more than the ask's reward (`proofGenerationCost > reward`).
    case noListedGeneratorWithinReward
    /// Listed generators within the reward exist, but each proposes more time than the ask allows.
    case noListedGeneratorWithinTime

    public static func < (a: UnmatchedReason, b: UnmatchedReason) -> Bool { a.rawValue < b.rawValue }
    public var description: String { rawValue }
}

/// What the round decided for one open ask.
public struct AskDecision: Hashable, Sendable, CustomStringConvertible {
    /// The outcome.
    public enum Outcome: Hashable, Sendable, CustomStringConvertible {
        /// Assigned to this generator (the full record is in `MatchingRound.assignments`).
        case assigned(Address)
        /// Not considered (see the reason).
        case skipped(SkipReason)
        /// Considered; no generator qualified.
        case unmatched(UnmatchedReason)

        public var description: String {
            switch self {
            case .assigned(let g): return "assigned to \(g)"
            case .skipped(let r): return "skipped: \(r)"
            case .unmatched(let r): return "unmatched: \(r)"
            }
        }
    }

    /// The ask.
    public let askId: UInt256
    /// The ask's market, if its body is known.
    public let marketId: UInt256?
    /// The ask's place in the round's order (0 = first considered).
    public let position: Int
    /// The outcome.
    public let outcome: Outcome

    /// Creates a decision.
    public init(askId: UInt256, marketId: UInt256?, position: Int, outcome: Outcome) {
        self.askId = askId
        self.marketId = marketId
        self.position = position
        self.outcome = outcome
    }

    /// The assigned generator, if any.
    public var assignedGenerator: Address? {
        if case .assigned(let g) = outcome { return g }
        return nil
    }

    public var description: String { "ask \(askId) #\(position): \(outcome)" }
}

/// Counts over one round.
public struct MatchingSummary: Hashable, Sendable {
    /// Asks in stored state `CREATE` whose expiry has passed (`UNASSIGNED`): not part of the round's decisions.
    public var expiredAsks: Int
    /// Asks the round decided on (`decisions.count`).
    public var consideredAsks: Int
    /// Assigned asks.
    public var assigned: Int
    /// Skipped asks by reason.
    public var skipped: [SkipReason.Kind: Int]
    /// Unmatched asks by reason.
    public var unmatched: [UnmatchedReason: Int]
    /// Σ reward over the assignments.
    public var totalReward: UInt256
    /// Σ requester refund (`reward − proofGenerationCost`) over the assignments.
    public var totalRequesterRefund: UInt256
    /// The number of batches.
    public var batches: Int

    /// Creates a summary.
    public init(expiredAsks: Int = 0, consideredAsks: Int = 0, assigned: Int = 0, skipped: [SkipReason.Kind: Int] = [:],
                unmatched: [UnmatchedReason: Int] = [:], totalReward: UInt256 = .zero, totalRequesterRefund: UInt256 = .zero,
                batches: Int = 0) {
        self.expiredAsks = expiredAsks
        self.consideredAsks = consideredAsks
        self.assigned = assigned
        self.skipped = skipped
        self.unmatched = unmatched
        self.totalReward = totalReward
        self.totalRequesterRefund = totalRequesterRefund
        self.batches = batches
    }
}

/// The result of one matching round: deterministic for a given state, clock and configuration.
///
/// `assignments` are in the order the round made them, which is also the order of the items in `batches`: applied
/// sequentially (as `relayBatchAssignTasks` does) none reverts. Because a round only consumes capacity, any subset of
/// the assignments in any order is also accepted by the contract at the snapshot's state, so the relayer may drop
/// items that became ineligible without re-matching the rest.
public struct MatchingRound: Hashable, Sendable {
    /// The G1 clock the round was computed at.
    public let now: UInt256
    /// The assignments, in assignment order.
    public let assignments: [Assignment]
    /// One decision per considered ask, in the round's order (`position` 0, 1, …).
    public let decisions: [AskDecision]
    /// `assignments` split into batches of at most `maxBatchSize`, in order.
    public let batches: [AssignmentBatch]
    /// Counts.
    public let summary: MatchingSummary

    /// Assembles a round from its assignments and decisions (used by the engine and by the oracle alike).
    init(now: UInt256, assignments: [Assignment], decisions: [AskDecision], expiredAsks: Int, maxBatchSize: Int) {
        self.now = now
        self.assignments = assignments
        self.decisions = decisions
        let batches = AssignmentBatch.split(assignments, maxBatchSize: maxBatchSize)
        self.batches = batches
        var summary = MatchingSummary(expiredAsks: expiredAsks, consideredAsks: decisions.count, assigned: assignments.count,
                                      batches: batches.count)
        for d in decisions {
            switch d.outcome {
            case .assigned: break
            case .skipped(let r): summary.skipped[r.kind, default: 0] += 1
            case .unmatched(let r): summary.unmatched[r, default: 0] += 1
            }
        }
        for a in assignments {
            summary.totalReward = summary.totalReward.adding(a.reward) ?? .max
            summary.totalRequesterRefund = summary.totalRequesterRefund.adding(a.requesterRefund) ?? .max
        }
        self.summary = summary
    }

    /// The decision for `askId`, if the round considered it.
    public func decision(for askId: UInt256) -> AskDecision? {
        decisions.first { $0.askId == askId }
    }

    /// Applies the assignments, in order, to `state` with `KalypsoState.tentativelyAssign` (the contract's sequential
    /// batch semantics) and returns each check. On the snapshot the round was computed from, every result is `eligible`.
    @discardableResult
    public func apply(to state: inout KalypsoState) -> [AssignmentEligibility] {
        assignments.map { state.tentativelyAssign(askId: $0.askId, to: $0.generator, newAcl: $0.newAcl, now: now) }
    }
}

/// An assignment that no longer holds on a newer state, and why.
public struct DroppedAssignment: Hashable, Sendable {
    /// The assignment.
    public let assignment: Assignment
    /// The first failing rule on the newer state.
    public let reason: CandidateRejection
}

/// A round's assignments re-checked on a newer state (`MatchingRound.revalidated`).
public struct Revalidation: Hashable, Sendable {
    /// The assignments that still hold, in the round's order (sequentially valid on the newer state).
    public let kept: [Assignment]
    /// The assignments that would now revert or break an off-chain rule.
    public let dropped: [DroppedAssignment]

    /// `kept` split into batches of at most `maxBatchSize`, in order.
    public func batches(maxBatchSize: Int) -> [AssignmentBatch] {
        AssignmentBatch.split(kept, maxBatchSize: maxBatchSize)
    }
}

extension MatchingRound {
    /// Re-checks the assignments, in order, on `state` (for example the mirror's state just before sending) at G1 clock
    /// `now` (pass the clock at which the transaction is expected to land): each one with the contract's predicate
    /// on a working copy that already holds the kept ones before it, and for private asks the generator's key. The
    /// relayer sends `kept` and reports `dropped`; nothing is re-matched.
    public func revalidated(on state: KalypsoState, now: UInt256) -> Revalidation {
        var work = state
        var kept: [Assignment] = []
        var dropped: [DroppedAssignment] = []
        for a in assignments {
            if a.isPrivate && !work.hasUsableKey(a.generator, forMarket: a.marketId) {
                dropped.append(DroppedAssignment(assignment: a, reason: .noKeyForPrivateMarket))
                continue
            }
            switch work.tentativelyAssign(askId: a.askId, to: a.generator, newAcl: a.newAcl, now: now) {
            case .eligible: kept.append(a)
            case .reverts(let r): dropped.append(DroppedAssignment(assignment: a, reason: .reverts(r)))
            case .indeterminate(let why): dropped.append(DroppedAssignment(assignment: a, reason: .indeterminate(why)))
            }
        }
        return Revalidation(kept: kept, dropped: dropped)
    }
}
