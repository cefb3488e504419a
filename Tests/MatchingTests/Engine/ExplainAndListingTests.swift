import EthereumKit
import Kalypso
@testable import Matching
import Testing

@Suite struct ExplainTests {
    @Test func everyCandidateGetsItsFirstFailingContractRule() throws {
        var b = StateBuilder()
        let m = b.market(0, penalty: 50)
        let pricey = b.generator(1), slow = b.generator(2), exiting = b.generator(3), full = b.generator(4, declared: 10)
        let capped = b.generator(5, declared: 1_000), poor = b.generator(6, stake: 10), winner = b.generator(7), second = b.generator(8)
        b.join(pricey, m, cost: 500)
        b.join(slow, m, time: 500)
        b.join(exiting, m, active: 1, state: .requestedForExit)
        b.join(full, m, cpr: 10, active: 1)
        b.join(capped, m, cpr: 1, active: 101)
        b.join(poor, m)
        b.join(winner, m, cost: 1)
        b.join(second, m, cost: 2)
        b.ask(0, market: m, reward: 100, time: 100)
        let explanation = T.engine().explain(askId: 0, state: b.state, now: T.now)
        #expect(explanation.askState == .create && explanation.assignmentsBefore == 0)
        #expect(explanation.decision?.outcome == .assigned(winner))
        let verdicts = Dictionary(uniqueKeysWithValues: explanation.candidates.map { ($0.generator, $0.verdict) })
        func code(_ g: Address) -> ContractRevert.Code? {
            if case .rejected(.reverts(let r))? = verdicts[g] { return r.code }
            return nil
        }
        #expect(verdicts[winner] == .chosen && verdicts[second] == .eligible(rank: 2))
        #expect(code(pricey) == .proofPriceMismatch)
        #expect(code(slow) == .proofTimeMismatch)
        #expect(code(exiting) == .assignOnlyToIdleGenerators)
        #expect(code(full) == .assignOnlyToIdleGenerators)       // idle 0: NO_COMPUTE_AVAILABLE
        #expect(code(capped) == .maxParallelRequestsPerMarketExceeded)
        #expect(code(poor) == .insufficientStakeToLock)
        #expect(explanation.candidates.prefix(2).map(\.generator) == [winner, second])
    }

    @Test func explainSeesTheCapacityConsumedByEarlierAsks() throws {
        var b = StateBuilder()
        let m = b.market(0)
        let g = b.generator(1, declared: 10)
        b.join(g, m, cpr: 10)
        b.ask(0, market: m, reward: 200)
        b.ask(1, market: m, reward: 100)
        let explanation = T.engine().explain(askId: 1, state: b.state, now: T.now)
        #expect(explanation.assignmentsBefore == 1)
        #expect(explanation.decision?.outcome == .unmatched(.noListedGenerator))
        let candidate = try #require(explanation.candidates.first)
        #expect(candidate.idleCapacity == 0 && candidate.activeRequests == 1)
        guard case .rejected(.reverts(let revert)) = candidate.verdict else {
            Issue.record("expected a revert, got \(candidate.verdict)")
            return
        }
        #expect(revert.code == .assignOnlyToIdleGenerators)
    }

    @Test func skippedAndUnknownAsks() {
        var b = StateBuilder()
        let m = b.market(0)
        let g = b.generator(1)
        b.join(g, m, cpr: 1)
        b.ask(0, market: m, expiry: T.now + 2)
        b.ask(1, market: m, expiry: T.now - 1)
        let soon = T.engine().explain(askId: 0, state: b.state, now: T.now)
        #expect(soon.decision?.outcome == .skipped(.expiresWithinSafetyMargin(expiry: T.now + 2)))
        #expect(soon.candidates.map(\.verdict) == [.eligible(rank: 1)], "eligible on chain now, skipped for the margin")
        let expired = T.engine().explain(askId: 1, state: b.state, now: T.now)
        #expect(expired.askState == .unassigned && expired.decision == nil)
        if case .rejected(.reverts(let r))? = expired.candidates.first?.verdict {
            #expect(r.code == .shouldBeInCreateState)
        } else {
            Issue.record("an expired ask reverts ShouldBeInCreateState")
        }
        let unknown = T.engine().explain(askId: 99, state: b.state, now: T.now)
        #expect(unknown.askState == nil && unknown.decision == nil && unknown.candidates.isEmpty)
    }
}

@Suite struct ListingTests {
    @Test func everyReasonIsReportedAndTheSeedViewAlongside() throws {
        var b = StateBuilder()
        let m = b.market(0, penalty: 100)
        // ICU 0.5: usable compute 50 of 100; 2 tasks of 20 running → idle 10, the seed's AvailableCompute 60/100.
        let g = b.generator(1, declared: 100, stake: 50, icu: 500)
        b.join(g, m, cpr: 20, active: 2)
        let report = T.engine().listings(state: b.state)
        let listing = try #require(report.generator(g))
        #expect(listing.idleCapacity == 10)
        #expect(listing.availableCompute == ComputeFraction(60, over: 100))
        #expect(listing.intentPending)
        let market = try #require(listing.markets.first)
        // 20 > 10 idle (the seed would say 60/100 ≥ 20/100: listed), and stake 50 < penalty 100.
        #expect(market.reasons == [.insufficientCompute, .insufficientStake])
        #expect(market.seedHasCompute == true)
        #expect(report.listed(inMarket: m).isEmpty)
        #expect(report.delistCounts(inMarket: m) == [.insufficientCompute: 1, .insufficientStake: 1])
    }

    @Test func unknownGeneratorAndMarketRows() {
        var b = StateBuilder()
        let m = b.market(0)
        let g = b.generator(1)
        b.join(g, m)
        let ghost = T.address(77)
        let row = GeneratorMarket(generator: ghost, marketId: m, state: .joined, computePerRequestRequired: 1, proofGenerationCost: 1,
                                  proposedTime: 1, activeRequests: 0, joinedInBlock: 1)
        b.state.generatorMarkets[row.key] = row
        b.join(g, 5)
        let report = T.engine().listings(state: b.state)
        #expect(report.generator(ghost)?.markets.first?.reasons == [.generatorUnknown])
        #expect(report.generator(g)?.markets.map(\.reasons) == [[], [.marketUnknown]])
        #expect(report.generator(g)?.listedMarkets == [m])
    }
}
