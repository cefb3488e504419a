import Testing
import EthereumKit
@testable import Kalypso

@Suite struct ChangeSetTests {
    /// One entry per entity, first-touch order, before = value before the transaction, no-op changes dropped.
    @Test func oneEntryPerEntity() {
        var c = GeneratorRegistryTransitionTests.joined()
        let before = c.state
        let r = c.tx([E.gr(.addedStake(.init(generator: F.g1, amount: 5))), E.gr(.addedStake(.init(generator: F.g1, amount: 6))),
                      E.gr(.increasedCompute(.init(generator: F.g1, compute: 0)))])
        #expect(r.changeSet.changes.count == 1)
        let change = r.changeSet.changes[0]
        #expect(change.key == .generator(F.g1) && change.before == before.value(for: .generator(F.g1)))
        #expect(change.after == c.state.value(for: .generator(F.g1)))
        let noop = c.tx(E.gr(.increasedCompute(.init(generator: F.g1, compute: 0))))
        #expect(noop.changeSet.isEmpty)
    }

    /// Merging keeps the earliest before and the latest after; an entity created and deleted disappears.
    @Test func merging() {
        var c = Chain()
        let r1 = c.tx(E.register(F.g1, compute: 1, stake: 1))
        let r2 = c.tx(E.gr(.addedStake(.init(generator: F.g1, amount: 1))))
        let r3 = c.tx(E.gr(.deregisteredGenerator(.init(generator: F.g1))))
        #expect(r1.changeSet.merged(with: r2.changeSet).changes.first?.before == nil)
        #expect(r1.changeSet.merged(with: r2.changeSet).changes.first?.after == c.history[2].before.value(for: .generator(F.g1)))
        #expect(r1.changeSet.merged(with: r2.changeSet).merged(with: r3.changeSet).isEmpty)
        #expect(ChangeSet().merged(with: r2.changeSet) == r2.changeSet && r2.changeSet.merged(with: ChangeSet()) == r2.changeSet)
    }

    /// Changes validate that values belong to their key (a corrupted journal row is rejected, not applied).
    @Test func validation() {
        let g = EntityValue.generator(.zero(F.g1))
        #expect(EntityChange(key: .generator(F.g1), before: nil, after: g) != nil)
        #expect(EntityChange(key: .generator(F.g2), before: nil, after: g) == nil)
        #expect(EntityChange(key: .market(0), before: g, after: nil) == nil)
        let change = EntityChange(key: .generator(F.g1), before: nil, after: g)
        #expect(ChangeSet(changes: [change, change].compactMap { $0 }) == nil, "duplicate key")
        #expect(ChangeSet(changes: [change].compactMap { $0 })?.changes.count == 1)
    }

    /// Every entity kind round-trips through value(for:) and set.
    @Test func everyEntityKindRoundTrips() {
        let values: [EntityValue] = [
            .generator(.zero(F.g1)),
            .generatorMarket(DerivedStateTests.row()),
            .market(Market(id: 1, data: nil, createdInBlock: 1)),
            .ask(Ask(id: 2, body: nil, storedState: .create, requester: nil, hasPrivateInputs: false, secretData: [], acl: [], extraData: [],
                     secretType: nil, createdInBlock: 1)),
            .key(EnclaveKey(owner: F.g1, keyIndex: 3, publicKey: nil, updatedInBlock: 1)),
            .pricing(Pricing(secretType: .external, costPerInputBytes: 1)),
            .contract(ContractFlags(contract: .entityKeyRegistry, paused: true)),
            .ivsSigner(IvsSigner(marketId: 1, signer: F.g2, addedInBlock: 1)),
            .enclaveImage(EnclaveImage(imageId: F.hash(1))),
            .verifiedEnclaveKey(VerifiedEnclaveKey(publicKeyHash: F.hash(2), imageId: F.hash(1), verifiedInBlock: 1)),
        ]
        var state = KalypsoState()
        for v in values {
            state.set(v, for: v.key)
            #expect(state.value(for: v.key) == v, "\(v.key)")
        }
        #expect(state.entityCount == values.count)
        for v in values { state.set(nil, for: v.key) }
        #expect(state == KalypsoState())
    }
}
