import EthereumKit
import Kalypso
@testable import Matching
import Testing

/// The engine against the brute-force oracle on random states (fixed seeds): identical rounds, and every round
/// replays on the contract's predicate without a single revert, in order and in reverse.
@Suite struct OraclePropertyTests {
    /// Small, tight states: few price/time levels (ties), little compute, private markets with and without keys,
    /// pending intents, near-cap rows, tiny stakes, exit requests, unknown terms, expired and expiring asks.
    static let tight = SyntheticShape(
        generators: 40, markets: 5, asks: 160, marketsPerGenerator: 1...3, privateMarketRate: 300, keyRate: 600,
        invalidKeyRate: 300, pendingIntentRate: 150, exitRequestedRate: 80, nearCapRate: 60, tinyStakeRate: 200,
        unknownTermsRate: 40, expiredAskRate: 80, expiringSoonRate: 80, priceLevels: 4, timeLevels: 3,
        declaredCompute: 4...24, computePerRequest: 1...6)

    static let configurations: [(String, MatchingConfiguration)] = [
        ("default", MatchingConfiguration()),
        ("pause, margin 0, batches of 3", MatchingConfiguration(expirySafetyMargin: 0, pauseWhileIntentPending: true, maxBatchSize: 3)),
        ("re-encryptor failing for some asks", MatchingConfiguration(aclReencryptor: RecordingReencryptor(failFor: Set((0..<160).filter { $0 % 11 == 0 }.map { UInt256(UInt64($0)) })))),
    ]

    @Test(arguments: 1...12 as ClosedRange<UInt64>)
    func engineEqualsOracleAndNeverReverts(seed: UInt64) throws {
        let state = try SyntheticMarketplace.state(seed: seed, shape: Self.tight)
        #expect(InvariantChecker.check(state).isConsistent, "the synthetic state keeps the contract's invariants")
        let now = SyntheticMarketplace.now
        for (name, configuration) in Self.configurations {
            let engine = MatchingEngine(configuration: configuration, logger: .disabled)
            let round = engine.round(state: state, now: now)
            let oracle = BruteForceOracle.round(state: state, now: now, configuration: configuration)
            if round != oracle { Issue.record("seed \(seed), \(name): engine and oracle differ at \(firstDifference(round, oracle))") }
            #expect(!round.assignments.isEmpty)
            try checkReplays(round, on: state, context: "seed \(seed), \(name)")
            try checkExplanations(round, engine: engine, state: state, now: now, context: "seed \(seed), \(name)")
        }
    }

    @Test(arguments: [101, 202] as [UInt64])
    func largerStatesAgreeToo(seed: UInt64) throws {
        var shape = SyntheticShape(generators: 300, markets: 12, asks: 900, privateMarketRate: 200, priceLevels: 6, timeLevels: 4,
                                   declaredCompute: 8...40, computePerRequest: 1...8)
        shape.nearCapRate = 40
        let state = try SyntheticMarketplace.state(seed: seed, shape: shape)
        let configuration = MatchingConfiguration(aclReencryptor: RecordingReencryptor())
        let round = MatchingEngine(configuration: configuration, logger: .disabled).round(state: state, now: SyntheticMarketplace.now)
        let oracle = BruteForceOracle.round(state: state, now: SyntheticMarketplace.now, configuration: configuration)
        if round != oracle { Issue.record("seed \(seed): engine and oracle differ at \(firstDifference(round, oracle))") }
        #expect(round.assignments.count > 100, "the shape should produce real contention")
        #expect(round.summary.unmatched.values.reduce(0, +) > 0, "and some asks that find nobody")
        try checkReplays(round, on: state, context: "seed \(seed)")
    }

    /// Many distinct prices and times (deep segment trees, groups of one) and many markets per generator.
    @Test(arguments: [303, 404] as [UInt64])
    func manyDistinctTermsAgree(seed: UInt64) throws {
        let shape = SyntheticShape(generators: 200, markets: 4, asks: 700, marketsPerGenerator: 2...4, privateMarketRate: 250,
                                   tinyStakeRate: 100, priceLevels: 60, timeLevels: 40, declaredCompute: 6...30, computePerRequest: 1...5)
        let state = try SyntheticMarketplace.state(seed: seed, shape: shape)
        for configuration in [MatchingConfiguration(aclReencryptor: RecordingReencryptor()), MatchingConfiguration(pauseWhileIntentPending: true)] {
            let round = MatchingEngine(configuration: configuration, logger: .disabled).round(state: state, now: SyntheticMarketplace.now)
            let oracle = BruteForceOracle.round(state: state, now: SyntheticMarketplace.now, configuration: configuration)
            if round != oracle { Issue.record("seed \(seed): engine and oracle differ at \(firstDifference(round, oracle))") }
            #expect(round.summary.unmatched[.noListedGeneratorWithinTime, default: 0] > 0)
            try checkReplays(round, on: state, context: "seed \(seed)")
        }
    }

    @Test func theBenchmarkEntryPointComparesEngineAndOracle() throws {
        let shape = SyntheticShape(generators: 120, markets: 6, asks: 200)
        let result = try MatchingBenchmark.run(seed: 7, shape: shape, engineRounds: 2, logger: .disabled)
        let identical = result.identical
        #expect(identical, "\(result.report)")
        #expect(result.engine.count == 2 && result.rows > 120)
        #expect(result.summary.assigned > 0)
        #expect(result.report.contains("identical results: yes"))
        #expect(result.oracle.cpu > 0 && result.speedup > 0)
    }

    @Test func syntheticStatesAreDeterministic() throws {
        let a = try SyntheticMarketplace.state(seed: 3, shape: Self.tight)
        let b = try SyntheticMarketplace.state(seed: 3, shape: Self.tight)
        let c = try SyntheticMarketplace.state(seed: 4, shape: Self.tight)
        #expect(a == b && a != c)
        #expect(throws: MatchingError.self) { try SyntheticMarketplace.state(seed: 1, shape: SyntheticShape(generators: 1, markets: 0, asks: 1)) }
    }

    // MARK: checks

    /// Replays the assignments with `tentativelyAssign` in order and in reverse: never a revert (a round only consumes
    /// capacity, so any order of its assignments is accepted), the invariants hold after, and every private
    /// assignment went to a generator with a usable key.
    private func checkReplays(_ round: MatchingRound, on state: KalypsoState, context: String) throws {
        var forward = state
        let results = round.apply(to: &forward)
        let reverts = zip(round.assignments, results).filter { !$0.1.isEligible }
        #expect(reverts.isEmpty, "\(context): replay reverts \(reverts.prefix(3).map { "ask \($0.0.askId): \($0.1)" })")
        #expect(InvariantChecker.check(forward).isConsistent, "\(context): invariants after the round")
        var backward = state
        for a in round.assignments.reversed() {
            let r = backward.tentativelyAssign(askId: a.askId, to: a.generator, newAcl: a.newAcl, now: round.now)
            #expect(r.isEligible, "\(context): reverse replay of ask \(a.askId) reverts \(r)")
        }
        #expect(forward == backward, "\(context): both orders end in the same state")
        #expect(Set(round.assignments.map(\.askId)).count == round.assignments.count, "\(context): an ask assigned twice")
        for a in round.assignments where a.isPrivate {
            #expect(state.hasUsableKey(a.generator, forMarket: a.marketId), "\(context): private ask \(a.askId) without a key")
        }
        for d in round.decisions {
            if let g = d.assignedGenerator { #expect(round.assignedTo[d.askId] == g) }
        }
    }

    /// `explain` agrees with the round for a sample of asks: the chosen candidate is the assigned generator and ranks
    /// first; an unmatched ask has no eligible candidate.
    private func checkExplanations(_ round: MatchingRound, engine: MatchingEngine, state: KalypsoState, now: UInt256,
                                   context: String) throws {
        for d in round.decisions where d.position % 23 == 0 {
            let explanation = engine.explain(askId: d.askId, state: state, now: now)
            #expect(explanation.decision == d)
            let eligible = explanation.candidates.filter { if case .rejected = $0.verdict { return false }; return true }
            switch d.outcome {
            case .assigned(let g):
                #expect(eligible.first?.generator == g && eligible.first?.verdict == .chosen, "\(context): explain ask \(d.askId)")
            case .unmatched:
                #expect(eligible.isEmpty, "\(context): unmatched ask \(d.askId) has eligible candidates \(eligible)")
            case .skipped:
                break
            }
        }
    }

    private func firstDifference(_ a: MatchingRound, _ b: MatchingRound) -> String {
        if let k = zip(a.decisions, b.decisions).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            return "decision \(k): engine \(a.decisions[k]) vs oracle \(b.decisions[k])"
        }
        if a.decisions.count != b.decisions.count { return "\(a.decisions.count) vs \(b.decisions.count) decisions" }
        if a.assignments != b.assignments { return "assignments" }
        return a == b ? "none" : "summary or batches"
    }
}
