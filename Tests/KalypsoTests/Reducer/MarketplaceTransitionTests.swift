import Testing
import EthereumKit
@testable import Kalypso

/// One test per ProofMarketplace and EntityKeyRegistry row of the §7.4 transition table.
@Suite struct MarketplaceTransitionTests {
    /// Market 0 (penalty 10), g1 (compute 100, stake 1000) joined with cpr 10, cost 5, time 20; ask 0 (reward 50,
    /// expiry 5000, time 30).
    static func withAsk() -> Chain {
        var c = GeneratorRegistryTransitionTests.joined()
        c.tx(E.ask(0, market: 0, reward: 50, expiry: 5000, time: 30))
        return c
    }

    @Test func marketplaceCreated() {
        var c = Chain()
        let r = c.tx(E.market(3, penalty: 7, activation: 1100))
        #expect(c.state.markets[3]?.data?.slashingPenalty == 7 && c.state.markets[3]?.data?.activationBlock == 1100)
        #expect(c.state.isMarketActive(3, now: 1099) == false && c.state.isMarketActive(3, now: 1100) == true)
        #expect(r.issues.isEmpty)
    }

    @Test func askCreatedInsertsInCreate() {
        let c = Self.withAsk()
        let a = c.state.asks[0]
        #expect(a?.storedState == .create && a?.body?.reward == 50 && a?.requester == F.requester)
        #expect(a?.extraData == [7] && a?.secretType == .calldata && a?.createdInBlock == c.block - 1)
        #expect(c.state.getAskState(0, now: 4999) == .create && c.state.getAskState(0, now: 5000) == .unassigned)
    }

    @Test func taskCreatedAssigns() {
        var c = Self.withAsk()
        let clock = c.clock ?? 0
        let r = c.tx(E.assign(0, F.g1, penalty: 10, cpr: 10))
        let a = c.state.asks[0]
        #expect(a?.storedState == .assigned && a?.generator == F.g1 && a?.newAcl == [0xac] && a?.assignedInBlock == c.block - 1)
        #expect(a?.body?.deadline == clock + 30, "no pinned read: deadline from the G1 clock")
        #expect(c.state.row(F.g1, 0)?.activeRequests == 1)
        #expect(c.g(F.g1).stakeLocked == 10 && c.g(F.g1).computeConsumed == 10)
        #expect(r.issues.isEmpty)
    }

    @Test func taskCreatedDeadlineFromPinnedReadIsCrossChecked() {
        var c = Self.withAsk()
        let clock = c.clock ?? 0
        let ok = c.tx(E.assign(0, F.g1, penalty: 10, cpr: 10, deadline: clock + 30))
        #expect(ok.issues.isEmpty)
        var d = Self.withAsk()
        let wrongClock = d.tx(E.assign(0, F.g1, penalty: 10, cpr: 10, deadline: 777))
        #expect(d.state.asks[0]?.body?.deadline == 777)
        #expect(wrongClock.issues.map(\.code) == [.enrichmentMismatch])
        var e = Self.withAsk()
        e.clock = nil
        let unknown = e.tx(E.assign(0, F.g1, penalty: 10, cpr: 10))
        #expect(unknown.issues.map(\.code) == [.missingEnrichment] && e.state.asks[0]?.body?.deadline == 0)
    }

    @Test func proofCreatedCompletes() {
        var c = Self.withAsk()
        c.tx(E.assign(0, F.g1, penalty: 10, cpr: 10))
        let r = c.tx(E.prove(0, F.g1, penalty: 10, cpr: 10))
        let a = c.state.asks[0]
        #expect(a?.storedState == .complete && a?.outcome == .proved && a?.proof == [0x50] && a?.completedInBlock == c.block - 1)
        #expect(c.state.row(F.g1, 0)?.activeRequests == 0 && c.g(F.g1).stakeLocked == 0 && c.g(F.g1).computeConsumed == 0)
        #expect(r.issues.isEmpty && r.lockAttributions.first?.kind == .released)
    }

    @Test func invalidInputsDetectedCompletes() {
        var c = Self.withAsk()
        c.tx(E.assign(0, F.g1, penalty: 10, cpr: 10))
        let r = c.tx(E.invalidInputs(0, F.g1, penalty: 10, cpr: 10))
        #expect(c.state.asks[0]?.outcome == .invalidInputs && c.state.asks[0]?.storedState == .complete)
        #expect(c.state.row(F.g1, 0)?.activeRequests == 0 && r.issues.isEmpty)
    }

    @Test func proofNotGeneratedSlashes() {
        var c = Self.withAsk()
        c.tx(E.assign(0, F.g1, penalty: 10, cpr: 10))
        let r = c.tx(E.slash(0, F.g1, penalty: 10, cpr: 10))
        #expect(c.state.asks[0]?.outcome == .slashed && c.state.asks[0]?.storedState == .complete)
        #expect(c.state.row(F.g1, 0)?.activeRequests == 0)
        #expect(c.g(F.g1).totalStake == 990 && c.g(F.g1).stakeLocked == 0 && c.g(F.g1).computeConsumed == 0)
        #expect(r.issues.isEmpty)
        #expect(r.lockAttributions == [LockAttribution(kind: .slashed, askId: 0, generator: F.g1, stake: 10, compute: 10,
                                                       position: r.lockAttributions.first?.position ?? .init(blockNumber: 0, blockHash: .zero, transactionIndex: 0, transactionHash: .zero, logIndex: 0))])
    }

    @Test func askCancelled() {
        var c = Self.withAsk()
        let r = c.tx(E.pmp(.askCancelled(.init(askId: 0))))
        #expect(c.state.asks[0]?.outcome == .cancelled && c.state.asks[0]?.storedState == .complete && r.issues.isEmpty)
        let again = c.tx(E.pmp(.askCancelled(.init(askId: 0))))
        #expect(again.issues.map(\.code) == [.unexpectedState])
    }

    @Test func pricingUpdates() {
        var c = Chain()
        c.tx(E.pmp(.updateCostPerBytes(.init(secretType: .calldata, costPerInputBytes: 3))))
        c.tx(E.pmp(.updateMinProvingTime(.init(secretType: .calldata, newProvingTime: 9))))
        #expect(c.state.pricing(for: .calldata) == Pricing(secretType: .calldata, costPerInputBytes: 3, minProvingTime: 9))
        #expect(c.state.pricing(for: .external) == Pricing(secretType: .external))
    }

    @Test func extraImages() {
        var c = Chain()
        c.tx(E.market(0, penalty: 1))
        c.tx([E.pmp(.addExtraProverImage(.init(marketId: 0, imageId: F.hash(5)))), E.pmp(.addExtraIVSImage(.init(marketId: 0, imageId: F.hash(6))))])
        #expect(c.state.markets[0]?.extraProverImages == [F.hash(5)] && c.state.markets[0]?.extraIvsImages == [F.hash(6)])
        c.tx([E.pmp(.removeExtraProverImage(.init(marketId: 0, imageId: F.hash(5)))), E.pmp(.removeExtraIVSImage(.init(marketId: 0, imageId: F.hash(6))))])
        #expect(c.state.markets[0]?.extraProverImages == [] && c.state.markets[0]?.extraIvsImages == [])
        let unknown = c.tx(E.pmp(.addExtraProverImage(.init(marketId: 9, imageId: F.hash(5)))))
        #expect(unknown.issues.map(\.code) == [.unknownMarket])
    }

    @Test func pausedAndUnpaused() {
        var c = Chain()
        c.tx(E.pmp(.paused(.init(account: F.address(1)))))
        #expect(c.state.flags(of: .proofMarketplace).paused)
        c.tx(E.pmp(.unpaused(.init(account: F.address(1)))))
        #expect(!c.state.flags(of: .proofMarketplace).paused)
    }

    @Test func freezeMarketHasNoEventButIsRecorded() {
        var c = Chain()
        c.tx(E.market(0, penalty: 1))
        let before = c.state
        let r = KalypsoReducer.recordMarketFrozen(0, at: nil, in: &c.state)
        #expect(c.state.markets[0]?.frozen == true && c.state.markets[0]?.data?.creator == .zero)
        c.state.undo(r.changeSet)
        #expect(c.state == before)
        #expect(KalypsoReducer.recordMarketFrozen(5, at: nil, in: &c.state).issues.map(\.code) == [.unknownMarket])
    }

    @Test func updateKeyAndRemoveKey() {
        var c = Chain()
        let key = [UInt8](repeating: 7, count: 64)
        c.tx([E.er(.enclaveKeyVerified(.init(enclavePubKeyHash: Keccak256.hash(key), imageId: F.hash(1)))),
              E.er(.updateKey(.init(user: F.g1, keyIndex: 0, key: .calldata(key))))])
        #expect(c.state.keys[KeyID(owner: F.g1, keyIndex: 0)]?.publicKey == key && c.state.hasUsableKey(F.g1, forMarket: 0))
        #expect(c.state.verifiedEnclaveKeys[Keccak256.hash(key)]?.imageId == F.hash(1))
        c.tx(E.er(.removeKey(.init(user: F.g1, keyIndex: 0))))
        #expect(c.state.keys[KeyID(owner: F.g1, keyIndex: 0)] == nil && !c.state.hasUsableKey(F.g1, forMarket: 0))
        #expect(c.tx(E.er(.removeKey(.init(user: F.g2, keyIndex: 0)))).changeSet.isEmpty, "removing a missing key is a no-op")
    }

    @Test func matchingEngineKey() {
        var c = Chain()
        let key = [UInt8](repeating: 3, count: 64)
        c.tx(E.er(.updateKey(.init(user: F.pmpAddress, keyIndex: 0, key: .pinnedCall(key, blockHash: F.hash(1))))))
        #expect(c.state.matchingEngineKey(proofMarketplace: F.pmpAddress)?.publicKey == key)
    }

    /// Keys that are unknown or not 64 bytes are stored as "no key" (reference weakness B4 #16).
    @Test func invalidKeysAreNoKey() {
        var c = Chain()
        let empty = c.tx(E.er(.updateKey(.init(user: F.g1, keyIndex: 1, key: .pinnedCall([], blockHash: F.hash(1))))))
        #expect(empty.issues.map(\.severity) == [.info] && !c.state.hasUsableKey(F.g1, forMarket: 1))
        let short = c.tx(E.er(.updateKey(.init(user: F.g1, keyIndex: 2, key: .calldata([1, 2, 3])))))
        #expect(short.issues.map(\.code) == [.invalidKey] && c.state.keys[KeyID(owner: F.g1, keyIndex: 2)]?.publicKey == nil)
        let missing = c.tx(E.er(.updateKey(.init(user: F.g1, keyIndex: 3, key: .unavailable("rpc")))))
        #expect(missing.issues.map(\.code) == [.missingEnrichment])
    }

    @Test func imageRegistry() {
        var c = Chain()
        let img = F.hash(9), fam = F.hash(10)
        c.tx([E.er(.enclaveImageWhitelisted(.init(imageId: img, pcr0: [0], pcr1: [1], pcr2: [2]))),
              E.er(.enclaveImageAddedToFamily(.init(imageId: img, family: fam)))])
        #expect(c.state.enclaveImages[img] == EnclaveImage(imageId: img, pcrs: EnclavePCRs(pcr0: [0], pcr1: [1], pcr2: [2]), whitelisted: true, families: [fam]))
        c.tx([E.er(.enclaveImageRemovedFromFamily(.init(imageId: img, family: fam))), E.er(.imageBlacklisted(.init(imageId: img))),
              E.er(.enclaveImageRevoked(.init(imageId: img)))])
        #expect(c.state.enclaveImages[img]?.families == [] && c.state.enclaveImages[img]?.blacklisted == true && c.state.enclaveImages[img]?.whitelisted == false)
        c.tx(E.er(.enclaveKeyWhitelisted(.init(enclavePubKeyHash: F.hash(11), imageId: img))))
        #expect(c.state.verifiedEnclaveKeys[F.hash(11)] != nil)
        c.tx(E.er(.enclaveKeyRevoked(.init(enclavePubKeyHash: F.hash(11)))))
        #expect(c.state.verifiedEnclaveKeys[F.hash(11)] == nil)
    }

    @Test func inheritedEvents() {
        var c = Chain()
        let role = F.hash(20), admin = F.hash(21)
        c.tx([E.gr(.initialized(.init(version: 1))), E.gr(.roleGranted(.init(role: role, account: F.g1, sender: F.g2))),
              E.gr(.roleAdminChanged(.init(role: role, previousAdminRole: .zero, newAdminRole: admin)))])
        let flags = c.state.flags(of: .generatorRegistry)
        #expect(flags.initializedVersion == 1 && flags.roleMembers[role] == [F.g1] && flags.roleAdmins[role] == admin)
        c.tx(E.gr(.roleRevoked(.init(role: role, account: F.g1, sender: F.g2))))
        #expect(c.state.flags(of: .generatorRegistry).roleMembers[role] == nil)
        let first = c.tx(E.gr(.upgraded(.init(implementation: F.address(70)))))
        #expect(first.issues.map(\.severity) == [.info])
        let second = c.tx(E.gr(.upgraded(.init(implementation: F.address(71)))))
        #expect(second.issues.map(\.severity) == [.alert] && second.issues[0].code == .contractUpgraded)
        #expect(c.state.flags(of: .generatorRegistry).implementation == F.address(71))
        #expect(c.state.flags(of: .proofMarketplace).implementation == nil, "flags are per emitting contract")
    }
}
