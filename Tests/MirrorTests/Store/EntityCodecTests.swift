import EthereumKit
import Foundation
@testable import Kalypso
@testable import Mirror
import Testing

@Suite struct EntityCodecTests {
    @Test func randomValuesAndKeysRoundTrip() throws {
        var rng = StoreRNG(seed: 0xC0DEC)
        var kinds = Set<String>()
        for _ in 0..<5_000 {
            let value = RandomEntities.value(&rng)
            let bytes = EntityCodec.encode(value)
            #expect(bytes.first == EntityCodec.version)
            let decoded = try EntityCodec.decodeValue(bytes)
            #expect(decoded == value)
            #expect(EntityCodec.encode(decoded) == bytes, "encoding is canonical")
            #expect(try EntityCodec.decodeKey(EntityCodec.encode(value.key)) == value.key)
            kinds.insert("\(value.key)".split(separator: " ").first.map(String.init) ?? "")
        }
        #expect(kinds.count == 10, "every entity kind was generated: \(kinds)")
    }

    @Test func imagesAreCompact() {
        let g = Generator.registered(address: Address(hi: 1, mid: 2, lo: 3), rewardAddress: Address(hi: 4, mid: 5, lo: 6),
                                     declaredCompute: UInt256(100), initialStake: UInt256(1_000) * ContractMath.exponent,
                                     generatorData: Array(#"{"name":"g"}"#.utf8), block: 123_456)
        let bytes = EntityCodec.encode(.generator(g))
        // version + kind + 20 + 1+20 + amounts (1 + minimal bytes each) + 1+1+12 data + 2 absent intents + 3-byte block.
        #expect(bytes.count < 110, "a registered generator takes \(bytes.count) bytes")
    }

    @Test func damagedImagesAreRefused() throws {
        var rng = StoreRNG(seed: 7)
        for _ in 0..<300 {
            let bytes = EntityCodec.encode(RandomEntities.value(&rng))
            // Every strict prefix is refused (truncation), and so is a trailing byte.
            for cut in [1, 2, bytes.count / 2, bytes.count - 1] where cut < bytes.count {
                #expect(throws: MirrorStoreError.self) { try EntityCodec.decodeValue(Array(bytes.prefix(cut))) }
            }
            #expect(throws: MirrorStoreError.self) { try EntityCodec.decodeValue(bytes + [0]) }
        }
        var otherVersion = EntityCodec.encode(.pricing(Pricing(secretType: .calldata)))
        otherVersion[0] = 2
        let error = #expect(throws: MirrorStoreError.self) { try EntityCodec.decodeValue(otherVersion) }
        #expect(error?.code == .corruptImage)
        #expect(error?.message.contains("version 2") == true)
        // An unknown kind, an enum value out of range, a uint256 with a leading zero byte.
        #expect(throws: MirrorStoreError.self) { try EntityCodec.decodeValue([1, 99]) }
        #expect(throws: MirrorStoreError.self) { try EntityCodec.decodeValue([1, 6, 7, 0, 0]) }
        #expect(throws: MirrorStoreError.self) { try EntityCodec.decodeValue([1, 6, 1, 2, 0, 5, 0]) }
    }

    @Test func hashSetColumnsRoundTripAndRejectPartialHashes() throws {
        let set: Set<Hash32> = [Hash32(w0: 1, w1: 0, w2: 0, w3: 0), Hash32(w0: 0, w1: 0, w2: 0, w3: 1)]
        let column = EntityCodec.hashSetColumn(set)
        #expect(column.count == 64)
        #expect(Array(column.prefix(32)) == Hash32(w0: 0, w1: 0, w2: 0, w3: 1).bytes, "sorted")
        #expect(try EntityCodec.hashSet(column: column, context: "t") == set)
        #expect(try EntityCodec.hashSet(column: [], context: "t").isEmpty)
        #expect(throws: MirrorStoreError.self) { try EntityCodec.hashSet(column: [1, 2, 3], context: "t") }
    }

    @Test func eventFieldsAreValidJSONWithDeclaredNames() throws {
        var chain = RandomChain(seed: 11)
        var names = Set<String>()
        for _ in 0..<20 {
            for log in chain.range(blocks: 10).logs {
                let text = EventJSON.fields(of: log.event)
                let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
                // Every key is a parameter name of the declaration, or the enrichment object.
                let declaration = log.event.entry.declaration
                for key in object.keys where key != "enrichment" {
                    #expect(declaration.contains(" \(key),") || declaration.contains(" \(key))"), "\(key) in \(declaration)")
                }
                names.insert(log.event.name)
            }
        }
        #expect(names.count > 25, "many event kinds were encoded: \(names.count)")
        let joined = KalypsoEvent.joinedMarketplace(.init(generator: Address(hi: 0, mid: 0, lo: 0xab), marketId: UInt256(7), computeAllocation: .max,
                                                          terms: .calldata(MarketplaceJoinTerms(proofGenerationCost: UInt256(12_345_678_901_234_567_890), proposedTime: .zero))))
        let proof = KalypsoEvent.proofCreated(.init(askId: .one, proof: [UInt8](repeating: 0xab, count: 65)))
        #expect(EventJSON.fields(of: proof) == #"{"askId":"1","proof":"0x"# + String(repeating: "ab", count: 32) + #"…(65 bytes)"}"#)
        let short = KalypsoEvent.proofCreated(.init(askId: .one, proof: [UInt8](repeating: 0xab, count: 64)))
        #expect(EventJSON.fields(of: short) == #"{"askId":"1","proof":"0x"# + String(repeating: "ab", count: 64) + #""}"#)
        #expect(EventJSON.fields(of: joined) == #"{"generator":"0x00000000000000000000000000000000000000ab","marketId":"7","computeAllocation":"115792089237316195423570985008687907853269984665640564039457584007913129639935","enrichment":{"proofGenerationCost":"12345678901234567890","proposedTime":"0"}}"#)
    }

    /// One event of every case: the JSON writer's name is `KalypsoEvent.name`, and the JSON parses.
    @Test func everyEventKindHasItsDeclaredNameAndValidJSON() throws {
        typealias E = KalypsoEvent
        let a = Address(hi: 0, mid: 0, lo: 1), h = Hash32(w0: 1, w1: 2, w2: 3, w3: 4), n = UInt256(5)
        let events: [KalypsoEvent] = [
            .registeredGenerator(.init(generator: a, initialCompute: n, initialStake: n)), .deregisteredGenerator(.init(generator: a)),
            .changedGeneratorRewardAddress(.init(generator: a, newRewardAddress: a)), .joinedMarketplace(.init(generator: a, marketId: n, computeAllocation: n)),
            .requestExitMarketplace(.init(generator: a, marketId: n)), .leftMarketplace(.init(generator: a, marketId: n)), .addIvsKey(.init(marketId: n, signer: a)),
            .addedStake(.init(generator: a, amount: n)), .requestStakeDecrease(.init(generator: a, intendedUtilization: n)), .removedStake(.init(generator: a, amount: n)),
            .increasedCompute(.init(generator: a, compute: n)), .requestComputeDecrease(.init(generator: a, intendedUtilization: n)),
            .decreaseCompute(.init(generator: a, compute: n)), .stakeLockImposed(.init(generator: a, stake: n)), .computeLockImposed(.init(generator: a, compute: n)),
            .stakeLockReleased(.init(generator: a, stake: n)), .computeLockReleased(.init(generator: a, compute: n)), .stakeSlashed(.init(generator: a, stake: n)),
            .askCreated(.init(askId: n, hasPrivateInputs: true, secretData: [1], acl: [2], extraData: [3])),
            .askCreated(.init(askId: n, hasPrivateInputs: false, secretData: [], acl: [], variant: .legacy)),
            .taskCreated(.init(askId: n, generator: a, newAcl: [], deadline: .pinnedCall(n, blockHash: h))), .proofCreated(.init(askId: n, proof: [9])),
            .proofNotGenerated(.init(askId: n)), .invalidInputsDetected(.init(askId: n)), .marketplaceCreated(.init(marketId: n, market: .unavailable("x"))),
            .askCancelled(.init(askId: n)), .updateCostPerBytes(.init(secretType: .external, costPerInputBytes: n)),
            .updateMinProvingTime(.init(secretType: .null, newProvingTime: n)), .addExtraProverImage(.init(marketId: n, imageId: h)),
            .addExtraIVSImage(.init(marketId: n, imageId: h)), .removeExtraProverImage(.init(marketId: n, imageId: h)), .removeExtraIVSImage(.init(marketId: n, imageId: h)),
            .updateKey(.init(user: a, keyIndex: n, key: .calldata([4]))), .removeKey(.init(user: a, keyIndex: n)), .imageBlacklisted(.init(imageId: h)),
            .enclaveImageWhitelisted(.init(imageId: h, pcr0: [1], pcr1: [2], pcr2: [3])), .enclaveImageRevoked(.init(imageId: h)),
            .enclaveImageAddedToFamily(.init(imageId: h, family: h)), .enclaveImageRemovedFromFamily(.init(imageId: h, family: h)),
            .enclaveKeyWhitelisted(.init(enclavePubKeyHash: h, imageId: h)), .enclaveKeyRevoked(.init(enclavePubKeyHash: h)),
            .enclaveKeyVerified(.init(enclavePubKeyHash: h, imageId: h)), .initialized(.init(version: .max)), .initialized(.init(version: 3, variant: .uint8)),
            .upgraded(.init(implementation: a)), .roleGranted(.init(role: h, account: a, sender: a)), .roleRevoked(.init(role: h, account: a, sender: a)),
            .roleAdminChanged(.init(role: h, previousAdminRole: h, newAdminRole: h)), .paused(.init(account: a)), .unpaused(.init(account: a)),
        ]
        #expect(Set(events.map(\.name)).count == 48, "every case is listed")
        for event in events {
            var bytes: [UInt8] = Array("prefix".utf8)
            let name = EventJSON.append(event, to: &bytes)
            #expect("\(name)" == event.name)
            #expect(Array(bytes.prefix(6)) == Array("prefix".utf8), "appends to the buffer")
            let object = try JSONSerialization.jsonObject(with: Data(bytes.dropFirst(6)))
            #expect(object is [String: Any], "\(event.name)")
        }
    }
}
