import EthereumKit
import Kalypso
import Matching

/// An assignment sent to the chain whose `TaskCreated` the mirror has not applied yet.
public struct InFlightAssignment: Hashable, Sendable {
    /// The assignment.
    public let assignment: Assignment
    /// The transaction that carries it.
    public let transaction: Hash32
    /// The transaction's nonce.
    public let nonce: UInt64
    /// The G1 clock of the snapshot it was sent on.
    public let sentAtClock: UInt256
    /// Sending order (nonce order, then batch position): the order the chain applies them in.
    let sequence: Int
}

/// What `InFlightLedger.reconcile` removed.
public struct Reconciliation: Hashable, Sendable {
    /// Asks whose `TaskCreated` for our generator the mirror applied (the normal end of a relay; the proof may
    /// have landed too).
    public var landed: [UInt256] = []
    /// Asks the mirror shows assigned to another generator, completed or gone: another party assigned them first
    /// (our transaction reverts or has reverted).
    public var takenElsewhere: [UInt256] = []
    /// Asks still in `CREATE` whose expiry passed: they can no longer be assigned, by us or anyone.
    public var expired: [UInt256] = []

    /// Whether nothing was removed.
    public var isEmpty: Bool { landed.isEmpty && takenElsewhere.isEmpty && expired.isEmpty }
}

/// The asks the relayer has sent and not yet seen land: never sent twice, and their compute and stake counted as
/// used when the next round runs (their transactions are ahead of the next batch in the nonce order).
///
/// An ask leaves the ledger when the mirror applies its `TaskCreated` (`reconcile`), when its transaction fails
/// (reverted, dropped, replaced: `release`), or when it expires unassigned.
public struct InFlightLedger: Sendable {
    private var entries: [UInt256: InFlightAssignment] = [:]
    private var nextSequence = 0

    /// An empty ledger.
    public init() {}

    /// The number of asks in flight.
    public var count: Int { entries.count }
    /// Whether `askId` is in flight.
    public func contains(_ askId: UInt256) -> Bool { entries[askId] != nil }
    /// The in-flight assignments in sending order.
    public var assignments: [InFlightAssignment] { entries.values.sorted { $0.sequence < $1.sequence } }

    /// Records a sent transaction's assignments (in batch order).
    public mutating func add(_ items: [Assignment], transaction: Hash32, nonce: UInt64, clock: UInt256) {
        for a in items {
            entries[a.askId] = InFlightAssignment(assignment: a, transaction: transaction, nonce: nonce, sentAtClock: clock,
                                                  sequence: nextSequence)
            nextSequence += 1
        }
    }

    /// Removes the asks of `transaction` (it failed: they may be matched again) and returns them in batch order.
    @discardableResult
    public mutating func release(transaction: Hash32) -> [Assignment] {
        let gone = entries.values.filter { $0.transaction == transaction }.sorted { $0.sequence < $1.sequence }
        for e in gone { entries[e.assignment.askId] = nil }
        return gone.map(\.assignment)
    }

    /// Drops what the mirror's `state` at G1 clock `clock` says is settled: asks it shows assigned or completed (by
    /// our generator: landed; by another: taken elsewhere) or does not know, and asks still in `CREATE` that expired.
    public mutating func reconcile(with state: KalypsoState, clock: UInt256) -> Reconciliation {
        var result = Reconciliation()
        for (id, entry) in entries {
            guard let ask = state.asks[id] else {
                result.takenElsewhere.append(id)
                continue
            }
            switch ask.storedState {
            case .create:
                if let expiry = ask.body?.expiry, expiry <= clock { result.expired.append(id) }
            case .assigned, .complete:
                // Ours if the mirror records our generator (a fast prover may have completed it already).
                if ask.generator == entry.assignment.generator { result.landed.append(id) } else { result.takenElsewhere.append(id) }
            }
        }
        for id in result.landed + result.takenElsewhere + result.expired { entries[id] = nil }
        result.landed.sort()
        result.takenElsewhere.sort()
        result.expired.sort()
        return result
    }

    /// `state` with every in-flight assignment applied in sending order with the contract's transition (on a
    /// working copy): the state the chain reaches when they land. Rounds and re-checks run on it, so an in-flight
    /// ask is never matched again and its compute and stake are not offered twice. An in-flight assignment the
    /// predicate refuses on `state` (its transaction will revert) is not applied, but its ask is still marked
    /// assigned in the copy, so no round picks it while its transaction is pending.
    public func applied(to state: KalypsoState, now: UInt256) -> KalypsoState {
        guard !entries.isEmpty else { return state }
        var work = state
        for e in assignments {
            let a = e.assignment
            if !work.tentativelyAssign(askId: a.askId, to: a.generator, newAcl: a.newAcl, now: now).isEligible,
               var ask = work.asks[a.askId], ask.storedState == .create {
                ask.storedState = .assigned
                ask.generator = a.generator
                work.asks[a.askId] = ask
            }
        }
        return work
    }
}
