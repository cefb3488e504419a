import Testing
import EthereumKit
@testable import Kalypso

/// The §7.8 quirk checklist, one test each (items 5, 12 and 13 are also covered in the transition tests).
@Suite struct QuirkTests {
    /// 1. Lock events carry no market or ask: a batch pairs each imposed pair with the next TaskCreated of the same
    /// generator, and the amounts are cross-checked against the market penalty and the row's compute.
    @Test func lockAttributionInBatch() {
        var c = GeneratorRegistryTransitionTests.joined()
        c.tx(E.register(F.g2, compute: 100, stake: 1000))
        c.tx(E.join(F.g2, 0, cpr: 20, cost: 5, time: 20))
        c.tx([E.ask(0, market: 0, reward: 50, expiry: 5000, time: 30), E.ask(1, market: 0, reward: 50, expiry: 5000, time: 30),
              E.ask(2, market: 0, reward: 50, expiry: 5000, time: 30)])
        // One relayBatchAssignTasks: ask 0 → g1, ask 1 → g2, ask 2 → g1 again.
        let r = c.tx(E.assign(0, F.g1, penalty: 10, cpr: 10) + E.assign(1, F.g2, penalty: 10, cpr: 20) + E.assign(2, F.g1, penalty: 10, cpr: 10))
        #expect(r.issues.isEmpty)
        #expect(r.lockAttributions.map(\.askId) == [0, 1, 2])
        #expect(r.lockAttributions.map(\.generator) == [F.g1, F.g2, F.g1])
        #expect(r.lockAttributions.map(\.compute) == [10, 20, 10])
        #expect(r.lockAttributions.map(\.position.logIndex) == [2, 5, 8])
        #expect(c.state.row(F.g1, 0)?.activeRequests == 2 && c.state.row(F.g2, 0)?.activeRequests == 1)
        #expect(c.g(F.g1).computeConsumed == 20 && c.g(F.g1).stakeLocked == 20 && c.g(F.g2).computeConsumed == 20)
        // A batch of proofs pairs each released pair with the next ProofCreated.
        let p = c.tx(E.prove(0, F.g1, penalty: 10, cpr: 10) + E.prove(1, F.g2, penalty: 10, cpr: 20))
        #expect(p.issues.isEmpty && p.lockAttributions.map(\.generator) == [F.g1, F.g2])
    }

    /// 1 (cross-check). An imposed amount that differs from the penalty or compute is reported; counters follow events.
    @Test func lockAttributionMismatchIsReported() {
        var c = MarketplaceTransitionTests.withAsk()
        let r = c.tx(E.assign(0, F.g1, penalty: 9, cpr: 11))
        #expect(r.issues.map(\.code) == [.lockAttribution, .lockAttribution])
        #expect(c.g(F.g1).stakeLocked == 9 && c.g(F.g1).computeConsumed == 11)
        var d = MarketplaceTransitionTests.withAsk()
        let orphan = d.tx([E.gr(.stakeLockImposed(.init(generator: F.g1, stake: 10)))])
        #expect(orphan.issues.map(\.code) == [.lockAttribution], "a lock event with no TaskCreated after it")
        let bare = d.tx(E.pmp(.taskCreated(.init(askId: 0, generator: F.g1, newAcl: []))))
        #expect(bare.issues.map(\.code) == [.lockAttribution], "a TaskCreated without lock events")
    }

    /// 2. Slashing lowers stakeLocked (no StakeLockReleased); ProofNotGenerated precedes the registry's events.
    @Test func slashLowersStakeLocked() {
        var c = MarketplaceTransitionTests.withAsk()
        c.tx(E.assign(0, F.g1, penalty: 10, cpr: 10))
        let r = c.tx(E.slash(0, F.g1, penalty: 10, cpr: 10))
        #expect(c.g(F.g1).stakeLocked == 0 && c.g(F.g1).totalStake == 990 && c.g(F.g1).computeConsumed == 0)
        #expect(r.issues.isEmpty && InvariantChecker.check(c.state).isConsistent)
    }

    /// 3. Before 2024-09-09 a slash emitted no registry event: the mirror applies the registry's changes itself.
    @Test func legacySlashWithoutStakeSlashed() {
        var c = MarketplaceTransitionTests.withAsk()
        c.tx(E.assign(0, F.g1, penalty: 10, cpr: 10))
        let r = c.tx(E.slash(0, F.g1, penalty: 10, cpr: 10, legacy: true))
        #expect(c.g(F.g1).totalStake == 990 && c.g(F.g1).stakeLocked == 0 && c.g(F.g1).computeConsumed == 0)
        #expect(c.state.row(F.g1, 0)?.activeRequests == 0 && c.state.asks[0]?.outcome == .slashed)
        #expect(r.issues.isEmpty && r.lockAttributions.first?.stake == nil)
        #expect(InvariantChecker.check(c.state).isConsistent)
    }

    /// 3 (two slashes in one transaction, one generator): each ProofNotGenerated owns the StakeSlashed after it.
    @Test func twoModernSlashesInOneTransaction() {
        var c = GeneratorRegistryTransitionTests.joined()
        c.tx([E.ask(0, market: 0, reward: 50, expiry: 5000, time: 30), E.ask(1, market: 0, reward: 50, expiry: 5000, time: 30)])
        c.tx(E.assign(0, F.g1, penalty: 10, cpr: 10) + E.assign(1, F.g1, penalty: 10, cpr: 10))
        let r = c.tx(E.slash(0, F.g1, penalty: 10, cpr: 10) + E.slash(1, F.g1, penalty: 10, cpr: 10))
        #expect(r.issues.isEmpty && r.lockAttributions.map(\.stake) == [10, 10])
        #expect(c.g(F.g1).totalStake == 980 && c.g(F.g1).stakeLocked == 0 && c.g(F.g1).computeConsumed == 0)
    }

    /// 4. Both AskCreated variants; the legacy one stores an empty extraData.
    @Test func bothAskCreatedVariants() {
        var c = GeneratorRegistryTransitionTests.joined()
        c.tx([E.ask(0, market: 0, reward: 50, expiry: 5000, time: 30, variant: .current),
              E.ask(1, market: 0, reward: 50, expiry: 5000, time: 30, variant: .legacy)])
        #expect(c.state.asks[0]?.extraData == [7] && c.state.asks[1]?.extraData == [])
        #expect(c.state.asks[1]?.storedState == .create && c.state.asks[1]?.body?.reward == 50)
    }

    /// 6. RegisteredGenerator after DeregisteredGenerator is a fresh generator: reset, never merged.
    @Test func reRegisterAfterDeregisterResets() {
        var c = Chain()
        c.tx(E.register(F.g1, compute: 100, stake: 1000, reward: F.reward1, data: [1]))
        c.tx([E.gr(.addedStake(.init(generator: F.g1, amount: 5))), E.gr(.requestComputeDecrease(.init(generator: F.g1, intendedUtilization: 7))),
              E.gr(.requestStakeDecrease(.init(generator: F.g1, intendedUtilization: 8)))])
        c.tx(E.gr(.deregisteredGenerator(.init(generator: F.g1))))
        let r = c.tx(E.register(F.g1, compute: 3, stake: 4, reward: F.reward2, data: [2]))
        #expect(c.g(F.g1) == Generator.registered(address: F.g1, rewardAddress: F.reward2, declaredCompute: 3, initialStake: 4,
                                                  generatorData: [2], block: c.block - 1))
        #expect(r.issues.isEmpty && r.changeSet.changes.first?.isInsert == true)
    }

    /// 6 (without the deregister the mirror saw): still a reset, and the missing event is reported.
    @Test func registerOverExistingResetsAndReports() {
        var c = Chain()
        c.tx(E.register(F.g1, compute: 100, stake: 1000))
        c.tx(E.gr(.addedStake(.init(generator: F.g1, amount: 5))))
        let r = c.tx(E.register(F.g1, compute: 3, stake: 4))
        #expect(c.g(F.g1).totalStake == 4 && c.g(F.g1).declaredCompute == 3)
        #expect(r.issues.map(\.code) == [.entityAlreadyExists])
    }

    /// 7. DeregisteredGenerator for an address that never registered is a no-op.
    @Test func deregisterUnknownIsNoOp() {
        var c = Chain()
        let before = c.state
        let r = c.tx(E.gr(.deregisteredGenerator(.init(generator: F.g3))))
        #expect(c.state == before && r.changeSet.isEmpty && r.issues.isEmpty)
    }

    /// 8. RemovedStake and DecreaseCompute are recomputed from ratios on chain: the event amount is trusted even
    /// where recomputing from the mirrored ratio would give another number (stake added after the intent).
    @Test func removedStakeAndDecreaseComputeTrustEventAmounts() {
        var c = Chain()
        c.tx(E.register(F.g1, compute: 100, stake: 1000))
        c.tx(E.gr(.requestStakeDecrease(.init(generator: F.g1, intendedUtilization: F.e18(1) / 2))))
        c.tx(E.gr(.addedStake(.init(generator: F.g1, amount: 1000))))
        // On chain: newTotal = 0.5 · 2000 = 1000, transferred 1000 (not the 500 intended at request time).
        c.tx(E.gr(.removedStake(.init(generator: F.g1, amount: 1000))))
        #expect(c.g(F.g1).totalStake == 1000)
        c.tx(E.gr(.requestComputeDecrease(.init(generator: F.g1, intendedUtilization: F.e18(1) / 3))))
        // 100 · (1e18/3) / 1e18 = 33 (rounded down), released 67.
        c.tx(E.gr(.decreaseCompute(.init(generator: F.g1, compute: 67))))
        #expect(c.g(F.g1).declaredCompute == 33)
    }

    /// 9. The stake intent guard tests ICU (a contract bug the mirror reproduces, not fixes): a second stake intent
    /// overwrites ISU; the mirror just applies what the events say.
    @Test func stakeIntentOverwrites() {
        var c = Chain()
        c.tx(E.register(F.g1, compute: 100, stake: 1000))
        c.tx(E.gr(.requestStakeDecrease(.init(generator: F.g1, intendedUtilization: 5))))
        let r = c.tx(E.gr(.requestStakeDecrease(.init(generator: F.g1, intendedUtilization: 6))))
        #expect(c.g(F.g1).intendedStakeUtilization == 6 && r.issues.isEmpty)
    }

    /// 10. activeRequests may reach 101: the cap check is a strict `> 100`.
    @Test func activeRequestsReach101() {
        var c = Chain()
        c.tx(E.market(0, penalty: 1))
        c.tx(E.register(F.g1, compute: 1000, stake: 1000))
        c.tx(E.join(F.g1, 0, cpr: 1, cost: 0, time: 1))
        c.tx((UInt64(0)..<102).map { E.ask(UInt256($0), market: 0, reward: 1, expiry: 5000, time: 10) })
        for a in UInt64(0)..<101 {
            let now = c.clock ?? 0
            #expect(c.state.checkAssignment(askId: UInt256(a), to: F.g1, now: now).isEligible, "assignment \(a + 1)")
            let r = c.tx(E.assign(UInt256(a), F.g1, penalty: 1, cpr: 1))
            #expect(r.issues.isEmpty)
        }
        #expect(c.state.row(F.g1, 0)?.activeRequests == 101)
        #expect(c.state.checkAssignment(askId: 101, to: F.g1, now: c.clock ?? 0).revert?.code == .maxParallelRequestsPerMarketExceeded)
    }

    /// 11. hasPrivateInputs reflects the market type; a contradiction means the mirrored market is wrong.
    @Test func hasPrivateInputsIsTheMarketType() {
        var c = Chain()
        c.tx(E.market(0, penalty: 1, privateMarket: true))
        let ok = c.tx(E.ask(0, market: 0, reward: 1, expiry: 5000, time: 10, privateInputs: true))
        #expect(ok.issues.isEmpty && c.state.asks[0]?.hasPrivateInputs == true && c.state.markets[0]?.data?.isPrivate == true)
        let wrong = c.tx(E.ask(1, market: 0, reward: 1, expiry: 5000, time: 10, privateInputs: false))
        #expect(wrong.issues.map(\.code) == [.unexpectedState])
    }

    /// requestForExitMarketplace with no active requests leaves in the same transaction.
    @Test func requestExitAndLeaveInOneTransaction() {
        var c = GeneratorRegistryTransitionTests.joined()
        let r = c.tx([E.gr(.requestExitMarketplace(.init(generator: F.g1, marketId: 0))), E.gr(.leftMarketplace(.init(generator: F.g1, marketId: 0)))])
        #expect(r.issues.isEmpty && c.state.row(F.g1, 0) == nil && c.g(F.g1).activeMarketplaces == 0 && c.g(F.g1).sumOfComputeAllocations == 0)
        let rowChange = r.changeSet.change(for: .generatorMarket(GeneratorMarketKey(generator: F.g1, marketId: 0)))
        #expect(rowChange?.isDelete == true, "the journal keeps the JOINED row as it was before the transaction")
        if case .generatorMarket(let before)? = rowChange?.before { #expect(before.state == .joined) }
        #expect(r.changeSet.changes.count == 2)
    }

    /// Pending ICU / ISU reductions shrink idle capacity and max reducible stake; an idle generator then reads WIP.
    @Test func pendingReductionsChangeCapacityAndState() {
        var c = GeneratorRegistryTransitionTests.joined()
        #expect(c.state.getGeneratorState(F.g1, 0) == GeneratorStateReading(state: .joined, idleCapacity: 100))
        c.tx(E.gr(.requestComputeDecrease(.init(generator: F.g1, intendedUtilization: F.e18(1) / 2))))
        #expect(c.g(F.g1).idleCapacity == 50)
        #expect(c.state.getGeneratorState(F.g1, 0) == GeneratorStateReading(state: .wip, idleCapacity: 50))
        #expect(c.g(F.g1).maxReducibleStake == 1000)
        c.tx(E.gr(.requestStakeDecrease(.init(generator: F.g1, intendedUtilization: F.e18(1) / 4))))
        #expect(c.g(F.g1).maxUsableStake == 250 && c.g(F.g1).maxReducibleStake == 250)
        c.tx(E.gr(.decreaseCompute(.init(generator: F.g1, compute: 50))))
        #expect(c.state.getGeneratorState(F.g1, 0) == GeneratorStateReading(state: .joined, idleCapacity: 50))
    }

    /// Logs out of order are sorted (and reported); logs of several transactions are reported.
    @Test func logOrderIsChecked() {
        var state = KalypsoState()
        func log(_ tx: UInt64, _ i: UInt64, _ e: E.Log) -> KalypsoLog {
            KalypsoLog(position: LogPosition(blockNumber: 1, blockHash: F.hash(1), transactionIndex: tx, transactionHash: F.hash(tx), logIndex: i),
                       emitter: e.0, event: e.1)
        }
        let reg = E.register(F.g1, compute: 100, stake: 0)
        let stake = E.gr(.addedStake(.init(generator: F.g1, amount: 5)))
        let r = KalypsoReducer.apply(TransactionLogs(logs: [log(0, 1, stake), log(0, 0, reg)]), to: &state)
        #expect(r.issues.map(\.code) == [.logOrder] && state.generators[F.g1]?.totalStake == 5)
        let mixed = KalypsoReducer.apply(TransactionLogs(logs: [log(1, 2, stake), log(2, 3, stake)]), to: &state)
        #expect(mixed.issues.map(\.code) == [.logOrder])
    }
}

@Suite struct ReducerGuardTests {
    /// An event from the wrong contract address (a dispatch or configuration error) is reported and applied.
    @Test func wrongEmitterIsReported() {
        var c = Chain()
        let r = c.tx((.proofMarketplace, E.register(F.g1, compute: 1, stake: 1).1))
        #expect(r.issues.map(\.code) == [.unexpectedState] && c.state.generators[F.g1] != nil)
    }

    /// Tasks of an ask whose body is unknown cannot reach a row: reported, not guessed.
    @Test func taskOfAskWithUnknownBody() {
        var c = GeneratorRegistryTransitionTests.joined()
        c.tx(E.pmp(.askCreated(.init(askId: 0, hasPrivateInputs: false, secretData: [], acl: [], details: .unavailable("x")))))
        let assigned = c.tx(E.assign(0, F.g1, penalty: 10, cpr: 10))
        #expect(assigned.issues.map(\.code) == [.missingEnrichment])
        #expect(c.state.asks[0]?.storedState == .assigned && c.state.row(F.g1, 0)?.activeRequests == 0)
        let proved = c.tx(E.prove(0, F.g1, penalty: 10, cpr: 10))
        #expect(proved.issues.map(\.code) == [.missingEnrichment] && c.state.asks[0]?.outcome == .proved)
        #expect(c.g(F.g1).computeConsumed == 0 && c.g(F.g1).stakeLocked == 0, "generator counters still follow the lock events")
    }
}
