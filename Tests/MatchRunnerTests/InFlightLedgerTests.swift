import EthereumKit
import Kalypso
import Matching
import Operator
import Foundation
@testable import MatchRunner
import Testing

@Suite struct InFlightLedgerTests {
    func assignments(_ state: KalypsoState) -> [Assignment] {
        Fixture.engine().round(state: state, now: Fixture.clock).assignments
    }

    /// In-flight assignments are applied to the next round's state: their asks are not open, their capacity is used.
    @Test func appliedStateHidesInFlightAsksAndUsesTheirCapacity() {
        let state = Fixture.state(markets: 1, generators: 1, compute: 30, asks: 5)
        let first = assignments(state)
        #expect(first.count == 3)  // 30 compute, 10 per task
        var ledger = InFlightLedger()
        ledger.add(first, transaction: Hash32(w0: 1, w1: 0, w2: 0, w3: 0), nonce: 0, clock: Fixture.clock)
        let work = ledger.applied(to: state, now: Fixture.clock)
        for a in first { #expect(work.asks[a.askId]?.storedState == .assigned) }
        #expect(assignments(work).isEmpty)  // no capacity left, and the assigned asks are not offered again
        #expect(work.generators[Fixture.generator(1)]?.computeConsumed == 30)
    }

    /// An in-flight assignment the state refuses (say the mirror lost capacity) still hides its ask.
    @Test func refusedInFlightAssignmentStillHidesItsAsk() {
        var state = Fixture.state(markets: 1, generators: 1, asks: 2)
        let a = assignments(state)[0]
        var ledger = InFlightLedger()
        ledger.add([a], transaction: Hash32(w0: 2, w1: 0, w2: 0, w3: 0), nonce: 0, clock: Fixture.clock)
        state.generatorMarkets[GeneratorMarketKey(generator: a.generator, marketId: .zero)]?.state = .requestedForExit
        let work = ledger.applied(to: state, now: Fixture.clock)
        #expect(work.asks[a.askId]?.storedState == .assigned)
        #expect(work.generators[a.generator]?.computeConsumed == .zero)
    }

    /// Reconciliation: landed (ours, also when already completed), taken elsewhere, expired; release by transaction.
    @Test func reconcileAndRelease() {
        let state = Fixture.state(markets: 1, generators: 2, asks: 4)
        let round = assignments(state)
        let tx1 = Hash32(w0: 1, w1: 0, w2: 0, w3: 0), tx2 = Hash32(w0: 2, w1: 0, w2: 0, w3: 0)
        var ledger = InFlightLedger()
        ledger.add(Array(round.prefix(3)), transaction: tx1, nonce: 0, clock: Fixture.clock)
        ledger.add([round[3]], transaction: tx2, nonce: 1, clock: Fixture.clock)
        var later = state
        later.tentativelyAssign(askId: round[0].askId, to: round[0].generator, now: Fixture.clock)
        later.tentativelyAssign(askId: round[1].askId, to: round[1].generator, now: Fixture.clock)
        later.asks[round[1].askId]?.storedState = .complete
        let other = round[2].generator == Fixture.generator(1) ? Fixture.generator(2) : Fixture.generator(1)
        later.tentativelyAssign(askId: round[2].askId, to: other, now: Fixture.clock)
        let r = ledger.reconcile(with: later, clock: Fixture.clock)
        #expect(r.landed == [round[0].askId, round[1].askId].sorted())
        #expect(r.takenElsewhere == [round[2].askId])
        #expect(r.expired.isEmpty)
        #expect(ledger.count == 1)
        let expired = ledger.reconcile(with: later, clock: Fixture.clock + 500)
        #expect(expired.expired == [round[3].askId])
        #expect(ledger.count == 0)
        ledger.add([round[3]], transaction: tx2, nonce: 1, clock: Fixture.clock)
        #expect(ledger.release(transaction: tx1).isEmpty)
        #expect(ledger.release(transaction: tx2).map(\.askId) == [round[3].askId])
        #expect(!ledger.contains(round[3].askId))
    }
}

@Suite struct CulpritSearchTests {
    /// The first failing item of n, for every position, in ⌈log2 n⌉ prefix simulations at most.
    @Test func findsTheFirstFailingItemInLogarithmicSteps() async throws {
        for n in 1...33 {
            for failing in 0..<n {
                var calls = 0
                let found = try await CulpritSearch.firstFailing(count: n, data: [1]) { (k: Int) async throws(OperatorError) -> [UInt8]? in
                    calls += 1
                    return k > failing ? [UInt8(failing)] : nil
                }
                #expect(found.index == failing)
                #expect(found.data == [1] || found.data == [UInt8(failing)])
                #expect(calls <= Int(ceil(log2(Double(n)))))
            }
        }
    }

    @Test func revertScopes() throws {
        let abis = try OperatorABIs.embedded()
        func scope(_ signature: String, _ args: [UInt8] = []) -> RevertScope {
            RevertScope.of(abis.decodeRevert(ABISelector(signature: signature).bytes + args))
        }
        #expect(scope("ProofPriceMismatch(uint256)", UInt256(7).bigEndianBytes) == .item(namedAsk: 7))
        #expect(scope("ProofTimeMismatch(uint256)", UInt256(9).bigEndianBytes) == .item(namedAsk: 9))
        #expect(scope("ShouldBeInCreateState()") == .item(namedAsk: nil))
        #expect(scope("InsufficientStakeToLock()") == .item(namedAsk: nil))
        #expect(scope("ECDSAInvalidSignature()") == .batch)
        #expect(scope("EnforcedPause()") == .batch)
        #expect(RevertScope.of(.empty) == .item(namedAsk: nil))
        #expect(RevertScope.of(.panic(0x11)) == .item(namedAsk: nil))
    }
}
