import Testing
import EthereumKit
@testable import Kalypso

@Suite struct EventDecodingTests {
    typealias V = ValueReader.Value

    /// One declaration-order value list per handled topic0, and the event it must decode to.
    static func cases() -> [(EventEntry, [V], KalypsoEvent)] {
        let g = F.g1, a = F.address(7), h = F.hash(3), h2 = F.hash(4), n = UInt256(42), m = UInt256(5)
        typealias T = KalypsoTopics
        return [
            (T.registeredGenerator, [.address(g), .uint(n), .uint(m)], .registeredGenerator(.init(generator: g, initialCompute: n, initialStake: m))),
            (T.deregisteredGenerator, [.address(g)], .deregisteredGenerator(.init(generator: g))),
            (T.changedGeneratorRewardAddress, [.address(g), .address(a)], .changedGeneratorRewardAddress(.init(generator: g, newRewardAddress: a))),
            (T.joinedMarketplace, [.address(g), .uint(m), .uint(n)], .joinedMarketplace(.init(generator: g, marketId: m, computeAllocation: n))),
            (T.requestExitMarketplace, [.address(g), .uint(m)], .requestExitMarketplace(.init(generator: g, marketId: m))),
            (T.leftMarketplace, [.address(g), .uint(m)], .leftMarketplace(.init(generator: g, marketId: m))),
            (T.addIvsKey, [.uint(m), .address(a)], .addIvsKey(.init(marketId: m, signer: a))),
            (T.addedStake, [.address(g), .uint(n)], .addedStake(.init(generator: g, amount: n))),
            (T.requestStakeDecrease, [.address(g), .uint(n)], .requestStakeDecrease(.init(generator: g, intendedUtilization: n))),
            (T.removedStake, [.address(g), .uint(n)], .removedStake(.init(generator: g, amount: n))),
            (T.increasedCompute, [.address(g), .uint(n)], .increasedCompute(.init(generator: g, compute: n))),
            (T.requestComputeDecrease, [.address(g), .uint(n)], .requestComputeDecrease(.init(generator: g, intendedUtilization: n))),
            (T.decreaseCompute, [.address(g), .uint(n)], .decreaseCompute(.init(generator: g, compute: n))),
            (T.stakeLockImposed, [.address(g), .uint(n)], .stakeLockImposed(.init(generator: g, stake: n))),
            (T.computeLockImposed, [.address(g), .uint(n)], .computeLockImposed(.init(generator: g, compute: n))),
            (T.stakeLockReleased, [.address(g), .uint(n)], .stakeLockReleased(.init(generator: g, stake: n))),
            (T.computeLockReleased, [.address(g), .uint(n)], .computeLockReleased(.init(generator: g, compute: n))),
            (T.stakeSlashed, [.address(g), .uint(n)], .stakeSlashed(.init(generator: g, stake: n))),
            (T.askCreated, [.uint(n), .bool(true), .bytes([1]), .bytes([2]), .bytes([3])],
             .askCreated(.init(askId: n, hasPrivateInputs: true, secretData: [1], acl: [2], extraData: [3], variant: .current))),
            (T.askCreatedLegacy, [.uint(n), .bool(false), .bytes([]), .bytes([])],
             .askCreated(.init(askId: n, hasPrivateInputs: false, secretData: [], acl: [], extraData: [], variant: .legacy))),
            (T.taskCreated, [.uint(n), .address(g), .bytes([4])], .taskCreated(.init(askId: n, generator: g, newAcl: [4]))),
            (T.proofCreated, [.uint(n), .bytes([5])], .proofCreated(.init(askId: n, proof: [5]))),
            (T.proofNotGenerated, [.uint(n)], .proofNotGenerated(.init(askId: n))),
            (T.invalidInputsDetected, [.uint(n)], .invalidInputsDetected(.init(askId: n))),
            (T.marketplaceCreated, [.uint(m)], .marketplaceCreated(.init(marketId: m))),
            (T.askCancelled, [.uint(n)], .askCancelled(.init(askId: n))),
            (T.updateCostPerBytes, [.uint(1), .uint(n)], .updateCostPerBytes(.init(secretType: .calldata, costPerInputBytes: n))),
            (T.updateMinProvingTime, [.uint(2), .uint(n)], .updateMinProvingTime(.init(secretType: .external, newProvingTime: n))),
            (T.addExtraProverImage, [.uint(m), .bytes32(h)], .addExtraProverImage(.init(marketId: m, imageId: h))),
            (T.addExtraIVSImage, [.uint(m), .bytes32(h)], .addExtraIVSImage(.init(marketId: m, imageId: h))),
            (T.removeExtraProverImage, [.uint(m), .bytes32(h)], .removeExtraProverImage(.init(marketId: m, imageId: h))),
            (T.removeExtraIVSImage, [.uint(m), .bytes32(h)], .removeExtraIVSImage(.init(marketId: m, imageId: h))),
            (T.updateKey, [.address(g), .uint(m)], .updateKey(.init(user: g, keyIndex: m))),
            (T.removeKey, [.address(g), .uint(m)], .removeKey(.init(user: g, keyIndex: m))),
            (T.imageBlacklisted, [.bytes32(h)], .imageBlacklisted(.init(imageId: h))),
            (T.enclaveImageWhitelisted, [.bytes32(h), .bytes([1]), .bytes([2]), .bytes([3])],
             .enclaveImageWhitelisted(.init(imageId: h, pcr0: [1], pcr1: [2], pcr2: [3]))),
            (T.enclaveImageRevoked, [.bytes32(h)], .enclaveImageRevoked(.init(imageId: h))),
            (T.enclaveImageAddedToFamily, [.bytes32(h), .bytes32(h2)], .enclaveImageAddedToFamily(.init(imageId: h, family: h2))),
            (T.enclaveImageRemovedFromFamily, [.bytes32(h), .bytes32(h2)], .enclaveImageRemovedFromFamily(.init(imageId: h, family: h2))),
            (T.enclaveKeyWhitelisted, [.bytes32(h), .bytes32(h2)], .enclaveKeyWhitelisted(.init(enclavePubKeyHash: h, imageId: h2))),
            (T.enclaveKeyRevoked, [.bytes32(h)], .enclaveKeyRevoked(.init(enclavePubKeyHash: h))),
            (T.enclaveKeyVerified, [.bytes32(h), .bytes32(h2)], .enclaveKeyVerified(.init(enclavePubKeyHash: h, imageId: h2))),
            (T.initialized, [.uint(3)], .initialized(.init(version: 3, variant: .uint64))),
            (T.initializedLegacy, [.uint(1)], .initialized(.init(version: 1, variant: .uint8))),
            (T.upgraded, [.address(a)], .upgraded(.init(implementation: a))),
            (T.roleGranted, [.bytes32(h), .address(a), .address(g)], .roleGranted(.init(role: h, account: a, sender: g))),
            (T.roleRevoked, [.bytes32(h), .address(a), .address(g)], .roleRevoked(.init(role: h, account: a, sender: g))),
            (T.roleAdminChanged, [.bytes32(h), .bytes32(.zero), .bytes32(h2)], .roleAdminChanged(.init(role: h, previousAdminRole: .zero, newAdminRole: h2))),
            (T.paused, [.address(a)], .paused(.init(account: a))),
            (T.unpaused, [.address(a)], .unpaused(.init(account: a))),
        ]
    }

    /// Every handled topic0 decodes to its typed event, reads exactly its values, and maps back to its entry.
    @Test func everyHandledTopicDecodes() throws {
        let cases = Self.cases()
        #expect(Set(cases.map(\.0.topic0)) == Set((KalypsoTopics.g1 + KalypsoTopics.inherited).map(\.topic0)))
        for (entry, values, expected) in cases {
            var reader = ValueReader(values)
            let event = try KalypsoEvent.decode(topic0: entry.topic0, fields: &reader)
            #expect(event == expected, "\(entry.signature)")
            #expect(reader.index == values.count, "\(entry.signature) reads all its values")
            #expect(event?.entry == entry)
            #expect(event?.name == entry.name)
        }
    }

    /// The legacy `AskCreated` has no extraData: reading stops after 4 values and extraData is empty.
    @Test func askCreatedVariants() throws {
        var legacy = ValueReader([.uint(9), .bool(true), .bytes([1, 2]), .bytes([3])])
        let decoded = try KalypsoEvent.decode(topic0: KalypsoTopics.askCreatedLegacy.topic0, fields: &legacy)
        guard case .askCreated(let e)? = decoded else { Issue.record("not AskCreated"); return }
        #expect(e.variant == .legacy && e.extraData.isEmpty && e.secretData == [1, 2] && e.acl == [3])
        var current = ValueReader([.uint(9), .bool(true), .bytes([1, 2]), .bytes([3])])
        #expect(throws: ValueReader.Mismatch.self) { try KalypsoEvent.decode(topic0: KalypsoTopics.askCreated.topic0, fields: &current) }
    }

    /// Unknown topic0s decode to nil (counted and skipped by the sync layer); other generations are recognisable.
    @Test func unknownTopics() throws {
        var reader = ValueReader([])
        #expect(try KalypsoEvent.decode(topic0: F.hash(99), fields: &reader) == nil)
        let g0 = KalypsoTopics.otherGenerations[0]
        #expect(try KalypsoEvent.decode(topic0: g0.topic0, fields: &reader) == nil)
        #expect(KalypsoTopics.otherGeneration(g0.topic0)?.generation == .g1_5)
    }

    /// Out-of-range enum and integer values are decoding errors, not traps.
    @Test func outOfRangeValues() {
        var badSecret = ValueReader([.uint(3), .uint(1)])
        #expect(throws: EventDecodingError.self) { try KalypsoEvent.decode(topic0: KalypsoTopics.updateCostPerBytes.topic0, fields: &badSecret) }
        var badVersion = ValueReader([.uint(256)])
        #expect(throws: EventDecodingError.self) { try KalypsoEvent.decode(topic0: KalypsoTopics.initializedLegacy.topic0, fields: &badVersion) }
        var bigVersion = ValueReader([.uint(UInt256(l0: 0, l1: 1, l2: 0, l3: 0))])
        #expect(throws: EventDecodingError.self) { try KalypsoEvent.decode(topic0: KalypsoTopics.initialized.topic0, fields: &bigVersion) }
    }

    /// Decoded events start with pending enrichment and name the read that fills it.
    @Test func enrichmentNeeds() throws {
        for (entry, values, _) in Self.cases() {
            var reader = ValueReader(values)
            guard let event = try KalypsoEvent.decode(topic0: entry.topic0, fields: &reader) else { continue }
            #expect((event.enrichmentNeed == nil) == (event.enrichmentSource == nil), "\(entry.signature)")
            if event.enrichmentSource != nil { #expect(event.enrichmentSource == .pending) }
        }
        let needs = Self.cases().compactMap { $0.2.enrichmentNeed }
        #expect(needs.count == 7) // RegisteredGenerator, JoinedMarketplace, MarketplaceCreated, AskCreated ×2, TaskCreated, UpdateKey
        #expect(Enrichment<UInt256>.calldata(5).payload == 5)
        #expect(Enrichment<UInt256>.unavailable("x").payload == nil)
        #expect(Enrichment<UInt256>.pinnedCall(5, blockHash: F.hash(1)).source == .pinnedCall(blockHash: F.hash(1)))
    }

    /// Grouping a log stream splits it at transaction boundaries.
    @Test func groupingByTransaction() {
        func log(_ block: UInt64, _ tx: UInt64, _ index: UInt64) -> KalypsoLog {
            KalypsoLog(position: LogPosition(blockNumber: block, blockHash: F.hash(block), transactionIndex: tx,
                                             transactionHash: F.hash(1000 + block * 10 + tx), logIndex: index),
                       emitter: .proofMarketplace, event: .askCancelled(.init(askId: UInt256(index))))
        }
        let logs = [log(1, 0, 0), log(1, 0, 1), log(1, 1, 2), log(2, 0, 0)]
        let groups = TransactionLogs.group(logs) { UInt256($0.blockNumber * 100) }
        #expect(groups.map(\.logs.count) == [2, 1, 1])
        #expect(groups.map(\.clock) == [100, 100, 200])
        #expect(LogPosition(blockNumber: 1, blockHash: .zero, transactionIndex: 2, transactionHash: .zero, logIndex: 0)
                < LogPosition(blockNumber: 1, blockHash: .zero, transactionIndex: 2, transactionHash: .zero, logIndex: 1))
    }
}
