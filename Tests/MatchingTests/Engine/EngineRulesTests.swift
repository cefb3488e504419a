import EthereumKit
import Kalypso
@testable import Matching
import Testing

/// Each eligibility rule of `assignTask` (§3.9) and each ask-level rule, one at a time, with the boundary values.
@Suite struct EngineRulesTests {
    @Test func assignsAPublicAskAndRecordsTheRefund() {
        var b = StateBuilder()
        let m = b.market(0, penalty: 10)
        let g = b.generator(1)
        b.join(g, m, cpr: 10, cost: 30, time: 50)
        b.ask(0, market: m, reward: 100, time: 60)
        let round = T.engine().round(state: b.state, now: T.now)
        #expect(round.assignments.count == 1)
        let a = round.assignments[0]
        #expect(a.askId == 0 && a.generator == g && a.marketId == m)
        #expect(a.proofGenerationCost == 30 && a.requesterRefund == 70 && a.reward == 100)
        #expect(a.stakeToLock == 10 && a.computePerRequestRequired == 10 && a.newAcl.isEmpty && !a.isPrivate)
        #expect(round.decisions == [AskDecision(askId: 0, marketId: m, position: 0, outcome: .assigned(g))])
        #expect(round.summary.totalRequesterRefund == 70 && round.summary.totalReward == 100)
    }

    @Test func priceAndTimeEqualityIsAcceptedAndOneBelowIsNot() {
        var b = StateBuilder()
        let m = b.market(0)
        let g = b.generator(1)
        b.join(g, m, cpr: 1, cost: 50, time: 40)
        b.ask(0, market: m, reward: 50, time: 40)      // equal: accepted (Marlin's engine used <)
        b.ask(1, market: m, reward: 49, time: 100)     // price one below
        b.ask(2, market: m, reward: 200, time: 39)     // time one below
        let round = T.engine().round(state: b.state, now: T.now)
        #expect(round.assignedTo == [0: g])
        #expect(round.decision(for: 1)?.outcome == .unmatched(.noListedGeneratorWithinReward))
        #expect(round.decision(for: 2)?.outcome == .unmatched(.noListedGeneratorWithinTime))
    }

    @Test func computeIsDebitedAndTheGeneratorIsDelistedInAllItsMarkets() {
        var b = StateBuilder()
        let (m0, m1) = (b.market(0), b.market(1))
        let g = b.generator(1, declared: 25)
        b.join(g, m0, cpr: 10)
        b.join(g, m1, cpr: 5)
        b.ask(0, market: m0, reward: 300)
        b.ask(1, market: m0, reward: 200)
        b.ask(2, market: m1, reward: 100)   // idle 5 left after two tasks of 10: fits cpr 5 exactly
        b.ask(3, market: m1, reward: 50)    // idle 0: delisted everywhere
        let round = T.engine().round(state: b.state, now: T.now)
        #expect(round.assignedTo == [0: g, 1: g, 2: g])
        #expect(round.decision(for: 3)?.outcome == .unmatched(.noListedGenerator))
        var after = b.state
        round.apply(to: &after)
        let listing = T.engine().listings(state: after).generator(g)
        #expect(listing?.idleCapacity == 0)
        #expect(listing?.markets.map(\.reasons) == [[.noIdleCompute], [.noIdleCompute]])
    }

    @Test func insufficientComputeDelistsOnlyTheMarketsWhoseRequestNoLongerFits() {
        var b = StateBuilder()
        let (m0, m1) = (b.market(0), b.market(1))
        let g = b.generator(1, declared: 20)
        b.join(g, m0, cpr: 12)
        b.join(g, m1, cpr: 4)
        b.ask(0, market: m0, reward: 300)   // idle 20 → 8
        b.ask(1, market: m0, reward: 200)   // 12 > 8: InsufficientGeneratorComputeAvailable
        b.ask(2, market: m1, reward: 100)   // 4 ≤ 8
        let round = T.engine().round(state: b.state, now: T.now)
        #expect(round.assignedTo == [0: g, 2: g])
        #expect(round.decision(for: 1)?.outcome == .unmatched(.noListedGenerator))
    }

    @Test func parallelRequestCapAllowsTheHundredAndFirstOnly() {
        var b = StateBuilder()
        let m = b.market(0, penalty: 1)
        let g1 = b.generator(1, declared: 10_000, stake: 10_000)
        let g2 = b.generator(2, declared: 10_000, stake: 10_000)
        b.join(g1, m, cpr: 1, cost: 1, active: 100)   // `activeRequests > 100` reverts: 100 → one more (101)
        b.join(g2, m, cpr: 1, cost: 2, active: 101)   // already 101: never
        for k in 0..<3 { b.ask(UInt64(k), market: m, reward: 100 - UInt64(k)) }
        let round = T.engine().round(state: b.state, now: T.now)
        #expect(round.assignedTo == [0: g1])
        #expect(round.decision(for: 1)?.outcome == .unmatched(.noListedGenerator))
        let reasons = T.engine().listings(state: b.state).generator(g2)?.markets.first?.reasons
        #expect(reasons == [.parallelRequestCap])
    }

    @Test func stakeEqualToThePenaltyIsEnoughOnce() {
        var b = StateBuilder()
        let m = b.market(0, penalty: 40)
        let g = b.generator(1, stake: 80)
        b.join(g, m, cpr: 1)
        for k in 0..<3 { b.ask(UInt64(k), market: m, reward: 100 - UInt64(k)) }
        let round = T.engine().round(state: b.state, now: T.now)
        #expect(round.assignedTo == [0: g, 1: g])
        #expect(round.decision(for: 2)?.outcome == .unmatched(.noListedGenerator))
        var after = b.state
        round.apply(to: &after)
        #expect(T.engine().listings(state: after).generator(g)?.markets.first?.reasons == [.insufficientStake])
    }

    @Test func pendingIntentsShrinkCapacityButDoNotPauseByDefault() {
        var b = StateBuilder()
        let m = b.market(0, penalty: 10)
        let gc = b.generator(1, declared: 100, icu: 500)          // usable compute 50: five tasks of 10
        let gs = b.generator(2, declared: 1_000, stake: 100, isu: 500) // usable stake 50: five tasks of 10
        b.join(gc, m, cpr: 10, cost: 1)
        b.join(gs, m, cpr: 10, cost: 2)
        for k in 0..<12 { b.ask(UInt64(k), market: m, reward: 100 - UInt64(k)) }
        let round = T.engine().round(state: b.state, now: T.now)
        #expect(round.assignments.filter { $0.generator == gc }.count == 5)
        #expect(round.assignments.filter { $0.generator == gs }.count == 5)
        #expect(round.summary.unmatched[.noListedGenerator] == 2)

        let paused = T.engine(MatchingConfiguration(pauseWhileIntentPending: true)).round(state: b.state, now: T.now)
        #expect(paused.assignments.isEmpty)
        let reasons = T.engine(MatchingConfiguration(pauseWhileIntentPending: true)).listings(state: b.state).generator(gc)?.markets.first?.reasons
        #expect(reasons == [.pausedPendingIntent])
    }

    @Test func exitRequestedAndUnknownTermsAreNotListed() {
        var b = StateBuilder()
        let m = b.market(0)
        let g1 = b.generator(1), g2 = b.generator(2), g3 = b.generator(3)
        b.join(g1, m, cost: 1, active: 1, state: .requestedForExit)
        b.join(g2, m, cost: nil)
        b.join(g3, m, cost: 9)
        b.ask(0, market: m)
        let round = T.engine().round(state: b.state, now: T.now)
        #expect(round.assignedTo == [0: g3])
        let report = T.engine().listings(state: b.state)
        #expect(report.generator(g1)?.markets.first?.reasons == [.exitRequested])
        #expect(report.generator(g2)?.markets.first?.reasons == [.termsUnknown])
        #expect(report.listed(inMarket: m) == [g3])
    }

    @Test func expirySafetyMarginAndExpiredAsks() {
        var b = StateBuilder()
        let m = b.market(0)
        let g = b.generator(1)
        b.join(g, m, cpr: 1)
        let margin = MatchingConfiguration.defaultExpirySafetyMargin
        b.ask(0, market: m, expiry: T.now + margin)            // would expire before landing
        b.ask(1, market: m, expiry: T.now + margin + 1)
        b.ask(2, market: m, expiry: T.now)                     // UNASSIGNED already
        let round = T.engine().round(state: b.state, now: T.now)
        #expect(round.assignedTo == [1: g])
        #expect(round.decision(for: 0)?.outcome == .skipped(.expiresWithinSafetyMargin(expiry: T.now + margin)))
        #expect(round.decision(for: 2) == nil)
        #expect(round.summary.expiredAsks == 1 && round.summary.consideredAsks == 2)
        // Margin 0 is the contract's rule at `now`: expiry > now.
        let exact = T.engine(MatchingConfiguration(expirySafetyMargin: 0)).round(state: b.state, now: T.now)
        #expect(Set(exact.assignedTo.keys) == [0, 1])
    }

    @Test func asksWithUnknownBodyOrMarketAreSkipped() {
        var b = StateBuilder()
        let m = b.market(0)
        let g = b.generator(1)
        b.join(g, m, cpr: 1)
        b.ask(0, market: m)
        b.ask(1, market: 7)                 // no such market
        b.ask(2, market: m)
        b.state.asks[2]?.body = nil
        let round = T.engine().round(state: b.state, now: T.now)
        #expect(round.assignedTo == [0: g])
        #expect(round.decision(for: 1)?.outcome == .skipped(.marketUnknown))
        #expect(round.decision(for: 2)?.outcome == .skipped(.bodyUnknown))
        #expect(round.decisions.last?.askId == 2, "asks without a body come last")
        #expect(round.summary.skipped == [.marketUnknown: 1, .bodyUnknown: 1])
    }

    @Test func deadlineOverflowIsSkipped() {
        var b = StateBuilder()
        let m = b.market(0)
        let g = b.generator(1)
        b.join(g, m, cpr: 1, time: 1)
        b.ask(0, market: m)
        b.state.asks[0]?.body?.timeTakenForProofGeneration = .max
        let round = T.engine().round(state: b.state, now: T.now)
        #expect(round.decision(for: 0)?.outcome == .skipped(.deadlineOverflow))
        #expect(b.state.checkAssignment(askId: 0, to: g, now: T.now).revert?.code == .panic)
    }
}
