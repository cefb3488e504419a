import Testing
import EthereumKit
@testable import Kalypso

/// Property tests over random valid call sequences from the independent `ContractModel` (fixed seeds).
@Suite struct ReducerPropertyTests {
    static let seeds: [UInt64] = [1, 2, 3, 0xC0FFEE]
    static let steps = 500

    /// The mirror reaches exactly the contract's state after every transaction, with no inconsistency reported and
    /// the §7.7 invariants holding. Seeds × {current, legacy slash}; coverage is required over all runs together.
    @Test func mirrorEqualsContract() {
        var applied: [String: Int] = [:]
        for seed in Self.seeds {
            for legacy in [false, true] {
                var s = Scenario(seed: seed, legacySlash: legacy)
                for step in 0..<Self.steps {
                    let (name, reduction) = s.step()
                    guard let reduction else { continue }
                    applied[name, default: 0] += 1
                    #expect(reduction.issues.isEmpty, "seed \(seed) step \(step) \(name): \(reduction.issues)")
                    let diff = s.differences()
                    #expect(diff.isEmpty, "seed \(seed) legacy \(legacy) step \(step) \(name): \(diff.prefix(3))")
                    let report = InvariantChecker.check(s.chain.state)
                    #expect(report.isConsistent && report.uncheckedAsks == 0, "seed \(seed) step \(step) \(name): \(report.violations.prefix(3))")
                    if !diff.isEmpty || !reduction.issues.isEmpty { return }
                }
            }
        }
        print("model differential: successful calls \(applied.sorted { $0.key < $1.key })")
        // The sequences must exercise the interesting calls, or the test proves little.
        for call in ["register", "joinMarketplace", "assignTask", "submitProof", "slash", "unstake", "decreaseDeclaredCompute",
                     "requestForExit", "leaveMarketplace", "createAsk", "cancelAsk", "deregister", "intendToReduceStake", "key"] {
            #expect(applied[call, default: 0] >= 5, "only \(applied[call, default: 0]) successful \(call) calls (\(applied))")
        }
    }

    /// The local eligibility predicate predicts the contract's `assignTask` outcome (success or the exact revert)
    /// for random (ask, generator) pairs at random moments.
    @Test func eligibilityMatchesContract() {
        var outcomes: [String: Int] = [:]
        for seed in Self.seeds {
            var s = Scenario(seed: seed)
            var rng = SplitMix64(seed: seed ^ 0xE11)
            for _ in 0..<Self.steps {
                _ = s.step()
                for _ in 0..<3 {
                    // Mostly recent asks (more of them open), sometimes one past the end.
                    let count = UInt64(s.model.asks.count)
                    let askId = UInt256(rng.next() % 8 == 0 ? count : count - min(count, rng.next() % 6 + 1))
                    let g = s.generators[Int(rng.next() % UInt64(s.generators.count))]
                    var dry = s.model
                    let contract: String
                    switch dry.assignTask(askId, g) {
                    case .success: contract = "eligible"
                    case .failure(let r): contract = r.name
                    }
                    let local: String
                    switch s.chain.state.checkAssignment(askId: askId, to: g, now: s.model.now) {
                    case .eligible: local = "eligible"
                    case .reverts(let r): local = r.code.description
                    case .indeterminate(let why): local = "indeterminate \(why)"
                    }
                    #expect(local == contract, "seed \(seed) ask \(askId) generator \(g) at \(s.model.now)")
                    outcomes[contract, default: 0] += 1
                }
            }
        }
        for expected in ["eligible", "ShouldBeInCreateState", "ProofPriceMismatch", "ProofTimeMismatch", "AssignOnlyToIdleGenerators",
                         "InsufficientStakeToLock", "Panic"] {
            #expect(outcomes[expected, default: 0] >= 5, "outcome \(expected) exercised \(outcomes[expected, default: 0]) times (\(outcomes))")
        }
        print("eligibility differential: \(outcomes.values.reduce(0, +)) checks, outcomes \(outcomes.sorted { $0.key < $1.key })")
    }

    /// Apply then undo restores the exact previous state, per transaction and per merged block; the change set's
    /// `after` values written onto the old state give the new state (what the store does).
    @Test(arguments: seeds)
    func applyThenUndoRestores(seed: UInt64) {
        var s = Scenario(seed: seed)
        for _ in 0..<Self.steps { _ = s.step() }
        let history = s.chain.history
        #expect(history.count > 100)
        var state = s.chain.state
        for (before, reduction) in history.reversed() {
            var written = before
            written.apply(reduction.changeSet)
            #expect(written == state, "store-style apply")
            state.undo(reduction.changeSet)
            #expect(state == before)
        }
        #expect(state == KalypsoState())
        // Blocks of random size: one merged journal entry each.
        var rng = SplitMix64(seed: seed)
        var i = 0
        var blocks: [(before: KalypsoState, changes: ChangeSet)] = []
        while i < history.count {
            let n = 1 + Int(rng.next() % 6)
            let slice = history[i..<min(i + n, history.count)]
            blocks.append((slice.first?.before ?? KalypsoState(),
                           slice.reduce(ChangeSet()) { $0.merged(with: $1.reduction.changeSet) }))
            i += n
        }
        state = s.chain.state
        for block in blocks.reversed() {
            state.undo(block.changes)
            #expect(state == block.before)
        }
        // The inverse change set undoes too.
        if let last = history.last {
            var again = last.before
            again.apply(last.reduction.changeSet)
            again.apply(last.reduction.changeSet.inverse)
            #expect(again == last.before)
        }
    }

    /// `applyBlock` over several transactions gives the state of applying them one by one, and the change set of
    /// merging theirs: the same before and after per entity, in first-touch order.
    @Test(arguments: seeds)
    func applyBlockEqualsMergedTransactions(seed: UInt64) {
        var s = Scenario(seed: seed)
        for _ in 0..<Self.steps { _ = s.step() }
        let history = s.chain.history, transactions = s.chain.transactions
        #expect(history.count == transactions.count && history.count > 100)
        var rng = SplitMix64(seed: seed ^ 0xb10c)
        var i = 0, blocks = 0
        while i < history.count {
            let end = min(i + 1 + Int(rng.next() % 6), history.count)
            var state = history[i].before
            let block = KalypsoReducer.applyBlock(Array(transactions[i..<end]), to: &state)
            let merged = history[i..<end].reduce(ChangeSet()) { $0.merged(with: $1.reduction.changeSet) }
            #expect(state == (end < history.count ? history[end].before : s.chain.state))
            #expect(Dictionary(uniqueKeysWithValues: block.changeSet.changes.map { ($0.key, $0) })
                    == Dictionary(uniqueKeysWithValues: merged.changes.map { ($0.key, $0) }))
            #expect(block.issues == history[i..<end].flatMap(\.reduction.issues))
            var undone = state
            undone.undo(block.changeSet)
            #expect(undone == history[i].before)
            i = end
            blocks += 1
        }
        #expect(blocks > 20)
    }

    /// Same input, same output: replaying the recorded transactions on a fresh state gives identical results.
    @Test(arguments: seeds)
    func deterministic(seed: UInt64) {
        var s = Scenario(seed: seed)
        for _ in 0..<200 { _ = s.step() }
        var replay = KalypsoState()
        for (before, reduction) in s.chain.history {
            #expect(replay == before)
            var copy = replay
            copy.apply(reduction.changeSet)
            replay = copy
        }
        #expect(replay == s.chain.state)
    }

    /// Arbitrary (mostly invalid) events never trap; apply then undo still restores the exact state.
    @Test(arguments: seeds)
    func garbageEventsNeverTrapAndUndo(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var chain = Chain()
        func n(_ m: UInt64) -> UInt256 { UInt256(rng.next() % m) }
        func g() -> Address { F.address(1 + rng.next() % 3) }
        for _ in 0..<400 {
            let events: [E.Log] = (0..<(1 + rng.next() % 4)).map { _ in
                switch rng.next() % 16 {
                case 0: return E.register(g(), compute: n(50), stake: n(50))
                case 1: return E.gr(.deregisteredGenerator(.init(generator: g())))
                case 2: return E.join(g(), n(3), cpr: n(20), cost: n(9), time: n(9))
                case 3: return E.gr(.leftMarketplace(.init(generator: g(), marketId: n(3))))
                case 4: return E.gr(.stakeLockReleased(.init(generator: g(), stake: n(100))))
                case 5: return E.gr(.computeLockReleased(.init(generator: g(), compute: n(100))))
                case 6: return E.gr(.stakeSlashed(.init(generator: g(), stake: n(100))))
                case 7: return E.gr(.removedStake(.init(generator: g(), amount: n(100))))
                case 8: return E.gr(.decreaseCompute(.init(generator: g(), compute: n(100))))
                case 9: return E.market(n(3), penalty: n(30))
                case 10: return E.ask(n(6), market: n(4), reward: n(9), expiry: n(2000), time: n(9), variant: rng.next() % 2 == 0 ? .legacy : .current)
                case 11: return E.pmp(.taskCreated(.init(askId: n(6), generator: g(), newAcl: [], deadline: rng.next() % 2 == 0 ? .unavailable("x") : .calldata(n(3000)))))
                case 12: return E.pmp(.proofCreated(.init(askId: n(6), proof: [])))
                case 13: return E.pmp(.proofNotGenerated(.init(askId: n(6))))
                case 14: return E.pmp(.askCancelled(.init(askId: n(6))))
                default: return E.gr(.addedStake(.init(generator: g(), amount: rng.next() % 5 == 0 ? .max : n(100))))
                }
            }
            chain.tx(events)
        }
        #expect(chain.history.contains { !$0.reduction.issues.isEmpty }, "the garbage produced inconsistencies")
        var state = chain.state
        for (before, reduction) in chain.history.reversed() {
            state.undo(reduction.changeSet)
            #expect(state == before)
        }
    }
}
