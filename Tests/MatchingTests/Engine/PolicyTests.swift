import EthereumKit
import Kalypso
@testable import Matching
import Testing

/// The documented policy: generators by price, time, idle compute, address; asks by reward, expiry, id.
@Suite struct PolicyTests {
    @Test func generatorsRankByPriceThenTimeThenIdleComputeThenAddress() {
        var b = StateBuilder()
        let m = b.market(0)
        // Created out of order so that dictionary order cannot be what decides.
        let expensive = b.generator(1, declared: 1_000)
        let slow = b.generator(2, declared: 1_000)
        let busy = b.generator(3, declared: 100)
        let idleHighAddress = b.generator(5, declared: 1_000)
        let idleLowAddress = b.generator(4, declared: 1_000)
        b.join(expensive, m, cpr: 1, cost: 9, time: 10)
        b.join(slow, m, cpr: 1, cost: 5, time: 20)
        b.join(busy, m, cpr: 1, cost: 5, time: 10)
        b.join(idleHighAddress, m, cpr: 1, cost: 5, time: 10)
        b.join(idleLowAddress, m, cpr: 1, cost: 5, time: 10)
        b.ask(0, market: m)
        let round = T.engine().round(state: b.state, now: T.now)
        #expect(round.assignedTo == [0: idleLowAddress])

        let explanation = T.engine().explain(askId: 0, state: b.state, now: T.now)
        let order = explanation.candidates.map(\.generator)
        #expect(order == [idleLowAddress, idleHighAddress, busy, slow, expensive])
        #expect(explanation.candidates.map(\.verdict) == [.chosen, .eligible(rank: 2), .eligible(rank: 3), .eligible(rank: 4), .eligible(rank: 5)])
    }

    @Test func idleComputeReRanksWithinTheRound() {
        var b = StateBuilder()
        let m = b.market(0)
        let g1 = b.generator(1, declared: 30)
        let g2 = b.generator(2, declared: 25)
        b.join(g1, m, cpr: 5)
        b.join(g2, m, cpr: 5)
        for k in 0..<4 { b.ask(UInt64(k), market: m, reward: 100 - UInt64(k)) }
        // idle 30/25 → g1 (25/25) → tie, lower address g1 (20/25) → g2 (20/20) → g1.
        let round = T.engine().round(state: b.state, now: T.now)
        #expect(round.assignments.map(\.generator) == [g1, g1, g2, g1])
    }

    @Test func asksAreTakenByRewardThenExpiryThenId() {
        var b = StateBuilder()
        let m = b.market(0, penalty: 1)
        let g = b.generator(1, declared: 10, stake: 2)   // stake for exactly two tasks
        b.join(g, m, cpr: 1)
        b.ask(5, market: m, reward: 50, expiry: T.now + 100)
        b.ask(3, market: m, reward: 50, expiry: T.now + 100)
        b.ask(4, market: m, reward: 50, expiry: T.now + 90)
        b.ask(9, market: m, reward: 60, expiry: T.now + 500)
        let round = T.engine().round(state: b.state, now: T.now)
        #expect(round.decisions.map(\.askId) == [9, 4, 3, 5])
        #expect(round.decisions.map(\.position) == [0, 1, 2, 3])
        #expect(round.assignments.map(\.askId) == [9, 4])
    }

    @Test func theRoundIsDeterministicWhateverTheInsertionOrder() {
        var forward = StateBuilder(), backward = StateBuilder()
        for b in [0, 1] {
            var s = StateBuilder()
            let markets = (0..<4).map { s.market(UInt64($0), penalty: 3) }
            let ids = b == 0 ? Array(0..<30) : Array((0..<30).reversed())
            for k in ids {
                let g = s.generator(UInt64(k), declared: 20 + UInt64(k % 7), stake: 50)
                s.join(g, markets[k % 4], cpr: 3, cost: UInt64(k % 5), time: UInt64(10 * (k % 3) + 10))
                s.join(g, markets[(k + 1) % 4], cpr: 2, cost: UInt64(k % 4), time: 20)
            }
            for a in (b == 0 ? Array(0..<80) : Array((0..<80).reversed())) {
                s.ask(UInt64(a), market: markets[a % 4], reward: UInt64(a % 9), time: UInt64(10 + a % 25))
            }
            if b == 0 { forward = s } else { backward = s }
        }
        #expect(forward.state == backward.state)
        let r1 = T.engine().round(state: forward.state, now: T.now)
        let r2 = T.engine().round(state: backward.state, now: T.now)
        #expect(r1 == r2)
        #expect(!r1.assignments.isEmpty)
    }

    @Test func batchesFollowTheAssignmentOrderAndTheSizeLimit() throws {
        var b = StateBuilder()
        let m = b.market(0, penalty: 1)
        let g = b.generator(1, declared: 100, stake: 100)
        b.join(g, m, cpr: 1)
        for k in 0..<7 { b.ask(UInt64(k), market: m, reward: 100 - UInt64(k)) }
        let round = T.engine(MatchingConfiguration(maxBatchSize: 3)).round(state: b.state, now: T.now)
        #expect(round.batches.map(\.count) == [3, 3, 1])
        #expect(round.batches.flatMap(\.askIds) == round.assignments.map(\.askId))
        #expect(round.summary.batches == 3)
        #expect(MatchingConfiguration(maxBatchSize: 0).maxBatchSize == 1)
    }
}

/// Private asks: the key rule, and never a made-up ACL.
@Suite struct PrivateAskTests {
    private func privateMarketState() -> (StateBuilder, UInt256, Address, Address, Address) {
        var b = StateBuilder()
        let m = b.market(0, isPrivate: true)
        let noKey = b.generator(1)
        let badKey = b.generator(2)
        let withKey = b.generator(3)
        for g in [noKey, badKey, withKey] { b.join(g, m, cpr: 10, cost: 1) }
        b.key(badKey, m, usable: false)
        b.key(withKey, m)
        return (b, m, noKey, badKey, withKey)
    }

    @Test func privateAsksAreSkippedWithAStatedReasonWithoutAReencryptor() {
        var (b, m, _, _, _) = privateMarketState()
        b.ask(0, market: m)
        b.ask(1, market: m)
        let round = T.engine().round(state: b.state, now: T.now)
        #expect(round.assignments.isEmpty && round.batches.isEmpty)
        #expect(round.decision(for: 0)?.outcome == .skipped(.privateAclReencryptionNotImplemented))
        #expect(round.summary.skipped[.privateAclReencryptionNotImplemented] == 2)
    }

    @Test func withAReencryptorOnlyAGeneratorWithAUsableKeyIsChosen() {
        var (b, m, noKey, badKey, withKey) = privateMarketState()
        b.ask(0, market: m)
        let configuration = MatchingConfiguration(aclReencryptor: RecordingReencryptor())
        let round = T.engine(configuration).round(state: b.state, now: T.now)
        #expect(round.assignedTo == [0: withKey])
        let expected = try? RecordingReencryptor().reencrypt(ask: b.state.asks[0]!, for: withKey, generatorKey: T.key(withKey.lo))
        #expect(round.assignments.first?.newAcl == expected && round.assignments.first?.isPrivate == true)
        let report = T.engine(configuration).listings(state: b.state)
        #expect(report.generator(noKey)?.markets.first?.reasons == [.noKeyForPrivateMarket])
        #expect(report.generator(badKey)?.markets.first?.reasons == [.noKeyForPrivateMarket])
        let explanation = T.engine(configuration).explain(askId: 0, state: b.state, now: T.now)
        #expect(explanation.candidates.map(\.verdict) == [.chosen, .rejected(.noKeyForPrivateMarket), .rejected(.noKeyForPrivateMarket)])
    }

    @Test func aFailedReencryptionSkipsTheAskAndConsumesNothing() {
        var (b, m, _, _, withKey) = privateMarketState()
        b.state.generators[withKey]?.declaredCompute = 10      // room for one task
        b.ask(0, market: m, reward: 200)
        b.ask(1, market: m, reward: 100)
        let configuration = MatchingConfiguration(aclReencryptor: RecordingReencryptor(failFor: [0]))
        let round = T.engine(configuration).round(state: b.state, now: T.now)
        guard case .skipped(.aclReencryptionFailed(let g, let message))? = round.decision(for: 0)?.outcome else {
            Issue.record("ask 0 should be skipped for the failed re-encryption: \(String(describing: round.decision(for: 0)))")
            return
        }
        #expect(g == withKey && message.contains("refused ask 0"))
        #expect(round.assignedTo == [1: withKey])
    }

    @Test func privateInputsInAPublicMarketAreSkipped() {
        var b = StateBuilder()
        let m = b.market(0)
        let g = b.generator(1)
        b.join(g, m, cpr: 1)
        b.ask(0, market: m, privateInputs: true)
        let round = T.engine(MatchingConfiguration(aclReencryptor: RecordingReencryptor())).round(state: b.state, now: T.now)
        #expect(round.decision(for: 0)?.outcome == .skipped(.privateInputsInPublicMarket))
    }
}
