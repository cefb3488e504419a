import EthereumKit
import Kalypso
import Matching
@testable import MatchRunner
import Operator
import Telemetry
import Testing

/// The relayer against `FakeChain` (the contract's predicate on a local state): what it sends, what it drops and
/// why, nonces, receipts, fees, keys.
@Suite struct RelayerTests {
    /// One round: every assignment the engine made is sent, in batches of 4 with consecutive nonces, each signed by
    /// the ME key and accepted by the chain (none reverts); the asks are in flight, and the next round on the same
    /// snapshot sends nothing again.
    @Test func sendsEveryAssignmentOnceWithConsecutiveNonces() async throws {
        let state = Fixture.state(asks: 10)
        let chain = try Fixture.chain(state)
        let metrics = MetricsRegistry()
        let relayer = try Fixture.relayer(chain, metrics: metrics)
        let runner = MatchRunner(engine: Fixture.engine(), relayer: relayer, logger: .disabled, metrics: metrics)
        let first = await runner.round(Fixture.snapshot(state))
        #expect(first.round.assignments.count == 10)
        #expect(first.relay.relayed == 10)
        #expect(first.relay.batches.map(\.items.count) == [4, 4, 2])
        let sent = chain.with { $0.sent }
        #expect(sent.map(\.nonce) == [0, 1, 2])
        #expect(sent.flatMap(\.askIds) == first.round.assignments.map(\.askId))
        #expect(chain.with { $0.reverted } == 0)
        #expect(first.inFlight == 10)
        await relayer.waitForReceipts()
        #expect(metrics.value(MatchMetrics.transactionsConfirmed) == 3)

        // The mirror has not applied the TaskCreated events yet: the same snapshot again sends nothing.
        let second = await runner.round(Fixture.snapshot(state))
        #expect(second.round.assignments.isEmpty)
        #expect(second.relay.transactionsSent == 0)
        #expect(chain.with { $0.sent.count } == 3)

        // Once the mirror shows the chain's state, the asks have landed and leave the ledger.
        let landed = await runner.round(Fixture.snapshot(chain.with { $0.state }, block: 1_001))
        #expect(landed.reconciliation.landed.count == 10)
        #expect(landed.inFlight == 0)
        #expect(landed.relay.transactionsSent == 0)
    }

    /// Dry run: batches are signed and simulated; nothing is sent and nothing is in flight.
    @Test func dryRunSignsAndSimulatesButSendsNothing() async throws {
        let state = Fixture.state(asks: 5)
        let chain = try Fixture.chain(state)
        let relayer = try Fixture.relayer(chain, mode: .dryRun)
        let runner = MatchRunner(engine: Fixture.engine(), relayer: relayer, logger: .disabled, metrics: nil)
        let report = await runner.round(Fixture.snapshot(state))
        #expect(report.relay.batches.count == 2)
        for b in report.relay.batches {
            #expect(b.status == .dryRun(simulated: true))
            #expect(try b.signed?.signer() == Fixture.engineKey.address)
        }
        #expect(chain.with { $0.sent.isEmpty })
        #expect(report.inFlight == 0)
    }

    /// The newest mirrored snapshot (taken after the round) shows an ask assigned elsewhere and a generator that
    /// requested to leave its market: those assignments are dropped before signing, with the contract's revert, and
    /// the rest is sent; nothing reverts.
    @Test func dropsAssignmentsThatBecameIneligibleBeforeSending() async throws {
        // Compute 30 at 10 per request: generator 1 takes three asks, generator 2 the other three.
        let state = Fixture.state(markets: 1, generators: 3, compute: 30, asks: 6)
        let chain = try Fixture.chain(state)
        let relayer = try Fixture.relayer(chain)
        let round = Fixture.engine().round(state: state, now: Fixture.clock)
        let a0 = try #require(round.assignments.first)
        let leaving = try #require(round.assignments.first { $0.generator != a0.generator })
        var newer = state
        newer.tentativelyAssign(askId: a0.askId, to: Fixture.generator(3), now: Fixture.clock)
        newer.generatorMarkets[GeneratorMarketKey(generator: leaving.generator, marketId: .zero)]?.state = .requestedForExit
        chain.with { $0.state = newer }
        let latest = Fixture.snapshot(newer, block: 1_001)
        let outcome = await relayer.relay(round, latest: { latest })
        let dropped = Dictionary(uniqueKeysWithValues: outcome.droppedBeforeSend.map { ($0.assignment.askId, $0.reason) })
        #expect(dropped[a0.askId] == .reverts(try #require(newer.checkAssignment(askId: a0.askId, to: a0.generator, now: Fixture.clock + 1).revert)))
        #expect(outcome.droppedBeforeSend.contains { $0.assignment.generator == leaving.generator })
        #expect(outcome.droppedBySimulation.isEmpty)
        #expect(outcome.relayed == round.assignments.count - outcome.droppedBeforeSend.count)
        #expect(chain.with { $0.reverted } == 0)
    }

    /// The mirror is behind: the chain already has an ask assigned elsewhere. The simulation reverts with
    /// `ShouldBeInCreateState()` (no ask id), the binary search finds the item in O(log n) simulations, it is
    /// dropped, the rest is re-signed and sent; nothing reverts.
    @Test func simulationRevertIsBisectedToTheFailingItem() async throws {
        let state = Fixture.state(markets: 1, generators: 3, asks: 8)
        let chain = try Fixture.chain(state)
        let relayer = try Fixture.relayer(chain, configure: { $0.maxBatchSize = 8 })
        let round = Fixture.engine().round(state: state, now: Fixture.clock)
        let victim = round.assignments[5]
        chain.with { _ = $0.state.tentativelyAssign(askId: victim.askId, to: Fixture.generator(3), now: Fixture.clock) }
        let snapshot = Fixture.snapshot(state)
        let outcome = await relayer.relay(round, latest: { snapshot })
        #expect(outcome.droppedBySimulation.map(\.assignment.askId) == [victim.askId])
        #expect(outcome.droppedBySimulation.first.map { Relayer.label($0.reason) } == "ShouldBeInCreateState")
        #expect(outcome.relayed == 7)
        // 1 full batch + ⌈log2 8⌉ = 3 prefixes + the re-signed batch of 7.
        #expect(chain.with { $0.simulations.count } == 5)
        #expect(chain.with { $0.reverted } == 0)
    }

    /// An error that names the ask (`ProofPriceMismatch(askId)`): that item is dropped without a search.
    @Test func simulationRevertNamingTheAskDropsItDirectly() async throws {
        // Compute 20 at 10 per request: generator 1 takes two asks, generator 2 the other two.
        let state = Fixture.state(markets: 1, generators: 2, compute: 20, asks: 4)
        let chain = try Fixture.chain(state)
        let relayer = try Fixture.relayer(chain)
        let round = Fixture.engine().round(state: state, now: Fixture.clock)
        let victim = round.assignments[2]
        #expect(Set(round.assignments.map(\.generator)).count == 2)
        // On chain, the generator of the third item raised its price above the ask's reward.
        chain.with { $0.state.generatorMarkets[GeneratorMarketKey(generator: victim.generator, marketId: .zero)]?.proofGenerationCost = 1_000 }
        let snapshot = Fixture.snapshot(state)
        let outcome = await relayer.relay(round, latest: { snapshot })
        #expect(outcome.droppedBySimulation.map(\.assignment.askId) == round.assignments.filter { $0.generator == victim.generator }.map(\.askId))
        #expect(outcome.relayed == 2)
        #expect(outcome.droppedBySimulation.allSatisfy { Relayer.label($0.reason) == "ProofPriceMismatch" })
        #expect(chain.with { $0.reverted } == 0)
        #expect(chain.with { $0.simulations.count } == 1 + outcome.droppedBySimulation.count)
    }

    /// A signature the contract does not accept reverts the whole batch: nothing is dropped item by item, nothing
    /// is sent, the round says why.
    @Test func batchLevelRevertStopsTheRound() async throws {
        let state = Fixture.state(asks: 3)
        let chain = try Fixture.chain(state)
        var unverified = state
        unverified.keys = [:]  // the mirror knows no ME key, so only the simulation can tell
        let relayer = try Fixture.relayer(chain, entry: .relayBatch(matchingEngineKey: Fixture.key(42)))
        let round = Fixture.engine().round(state: unverified, now: Fixture.clock)
        let snapshot = Fixture.snapshot(unverified)
        let outcome = await relayer.relay(round, latest: { snapshot })
        #expect(outcome.transactionsSent == 0)
        #expect(outcome.droppedBySimulation.isEmpty)
        #expect(outcome.notSent.count == 3)
        #expect(outcome.stopReason?.contains("AttestationAutherKeyNotVerified") == true)
    }

    /// The mirrored state names the verified ME key: a different signing key stops the round before any call.
    @Test func wrongMatchingEngineKeyIsRefusedFromTheMirroredState() async throws {
        let state = Fixture.state(asks: 2)
        let chain = try Fixture.chain(state)
        let relayer = try Fixture.relayer(chain, entry: .relayBatch(matchingEngineKey: Fixture.key(42)))
        let round = Fixture.engine().round(state: state, now: Fixture.clock)
        let snapshot = Fixture.snapshot(state)
        let outcome = await relayer.relay(round, latest: { snapshot })
        #expect(outcome.stopReason?.contains("is not the key the ProofMarketplace verified") == true)
        #expect(chain.with { $0.simulations.isEmpty })
    }

    /// Another transaction used the relayer's nonce: the send is refused, the pending nonce is read again and the
    /// batch goes out once.
    @Test func nonceRefusalResyncsAndRetriesOnce() async throws {
        let state = Fixture.state(asks: 8)
        let chain = try Fixture.chain(state)
        let metrics = MetricsRegistry()
        let relayer = try Fixture.relayer(chain, metrics: metrics)
        let runner = MatchRunner(engine: Fixture.engine(), relayer: relayer, logger: .disabled, metrics: metrics)
        var s = state
        for k in 100..<104 { Fixture.addAsk(&s, UInt64(k), market: .zero) }
        chain.with { $0.state = s }
        _ = await runner.round(Fixture.snapshot(state))
        #expect(chain.with { $0.nonce } == 2)
        chain.with { $0.nonce = 5 }  // five transactions from elsewhere
        let report = await runner.round(Fixture.snapshot(s, block: 1_001))
        #expect(report.relay.transactionsSent == 1)
        #expect(chain.with { $0.sent.last?.nonce } == 5)
        #expect(metrics.value(MatchMetrics.nonceResyncs) == 1)
    }

    /// A send refused for another reason stops the round; its asks are not in flight.
    @Test func refusedSendStopsTheRound() async throws {
        let state = Fixture.state(asks: 6)
        let chain = try Fixture.chain(state)
        chain.with { $0.refuseNextSend = "insufficient funds for gas * price + value" }
        let events = EventLog()
        let relayer = try Fixture.relayer(chain, events: events)
        let round = Fixture.engine().round(state: state, now: Fixture.clock)
        let snapshot = Fixture.snapshot(state)
        let outcome = await relayer.relay(round, latest: { snapshot })
        #expect(outcome.transactionsSent == 0)
        #expect(outcome.notSent.count == 6)
        #expect(await relayer.inFlightCount == 0)
        #expect(events.all.contains { if case .lowBalance = $0 { return true } else { return false } })
    }

    /// A transaction that reverts when mined (the chain changed between the simulation and the block) releases its
    /// asks: the next round matches them again. A timed-out one keeps them in flight.
    @Test func revertedTransactionReleasesItsAsksAndTimeoutKeepsThem() async throws {
        let state = Fixture.state(asks: 8)
        let chain = try Fixture.chain(state)
        chain.with { $0.receipts = [0: .reverted, 1: .timeout] }
        let metrics = MetricsRegistry()
        let events = EventLog()
        let relayer = try Fixture.relayer(chain, metrics: metrics, events: events)
        let runner = MatchRunner(engine: Fixture.engine(), relayer: relayer, logger: .disabled, metrics: metrics)
        let first = await runner.round(Fixture.snapshot(state))
        #expect(first.relay.transactionsSent == 2)
        await relayer.waitForReceipts()
        #expect(metrics.value(MatchMetrics.transactionsReverted) == 1)
        #expect(metrics.value(MatchMetrics.transactionsFailed, labels: [("reason", "timeout")]) == 1)
        let inFlight = await relayer.inFlight.map(\.assignment.askId)
        #expect(Set(inFlight) == Set(first.relay.batches[1].items.map(\.askId)))
        let second = await runner.round(Fixture.snapshot(chain.with { $0.state }, block: 1_001))
        #expect(Set(second.round.assignments.map(\.askId)) == Set(first.relay.batches[0].items.map(\.askId)))
        #expect(events.all.contains { if case .transactionFailed(_, _, true, _) = $0 { return true } else { return false } })
    }

    /// Fees: a base fee above the cap sends nothing (and says so); a quote above the cap with room below is capped.
    @Test func feeCap() async throws {
        let state = Fixture.state(asks: 2)
        let gwei = UInt256(1_000_000_000)
        let chain = try Fixture.chain(state)
        chain.with { $0.baseFee = gwei * 50 }
        let round = Fixture.engine().round(state: state, now: Fixture.clock)
        let snapshot = Fixture.snapshot(state)
        let low = try Fixture.relayer(chain, configure: { $0.feeCap = gwei * 10 })
        let refused = await low.relay(round, latest: { snapshot })
        #expect(refused.stopReason?.contains("above the cap") == true)
        #expect(chain.with { $0.sent.isEmpty })
        let capped = try Fixture.relayer(chain, configure: { $0.feeCap = gwei * 60 })
        let sent = await capped.relay(round, latest: { snapshot })
        #expect(sent.transactionsSent == 1)
        #expect(chain.with { $0.sent.count } == 1)
    }

    /// `assignTask`: one transaction per assignment from the ME key itself.
    @Test func assignTaskSendsOneTransactionPerAssignment() async throws {
        let state = Fixture.state(asks: 3)
        let chain = try Fixture.chain(state, sender: Fixture.engineKey)
        let relayer = try Fixture.relayer(chain, entry: .assignTask)
        let round = Fixture.engine().round(state: state, now: Fixture.clock)
        let snapshot = Fixture.snapshot(state)
        let outcome = await relayer.relay(round, latest: { snapshot })
        #expect(outcome.transactionsSent == 3)
        #expect(outcome.batches.allSatisfy { $0.function == "assignTask" && $0.signed == nil && $0.items.count == 1 })
        #expect(chain.with { $0.reverted } == 0)
    }

    /// Relaying needs a node and a key.
    @Test func sendModeNeedsAChainAndAKey() throws {
        #expect(throws: MatchRunnerError.self) { try Fixture.relayer(nil) }
        let chain = try Fixture.chain(Fixture.state())
        #expect(throws: MatchRunnerError.self) { try Fixture.relayer(chain, entry: .relayBatch(matchingEngineKey: nil)) }
        #expect(throws: Never.self) { try Fixture.relayer(nil, mode: .dryRun, entry: .relayBatch(matchingEngineKey: nil)) }
    }
}
