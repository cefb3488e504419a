import EthereumKit
import JSONRPC
import Kalypso
@testable import Mirror
import Testing

/// Every G1 and inherited event decodes to the right typed event; unknown and malformed logs are reported.
@Suite struct KalypsoLogDecoderTests {
    typealias E = KalypsoEvent
    static let d = TestDeployment.deployment
    static let g = TestDeployment.address("0x1111111111111111111111111111111111111111")
    static let r = TestDeployment.address("0x2222222222222222222222222222222222222222")
    static let h1 = Keccak256.hash(utf8: "image 1")
    static let h2 = Keccak256.hash(utf8: "family 2")
    static let big = UInt256(l0: 0x0123_4567_89ab_cdef, l1: 0xfedc_ba98, l2: 7, l3: 1)

    /// (contract, ABI signature, values in declaration order, the typed event expected).
    static let cases: [(KalypsoContract, String, [ABIValue], KalypsoEvent)] = [
        (.generatorRegistry, "RegisteredGenerator(address,uint256,uint256)", [.address(g), .uint(UInt256(8)), .uint(big)],
         .registeredGenerator(.init(generator: g, initialCompute: UInt256(8), initialStake: big))),
        (.generatorRegistry, "DeregisteredGenerator(address)", [.address(g)], .deregisteredGenerator(.init(generator: g))),
        (.generatorRegistry, "ChangedGeneratorRewardAddress(address,address)", [.address(g), .address(r)],
         .changedGeneratorRewardAddress(.init(generator: g, newRewardAddress: r))),
        (.generatorRegistry, "JoinedMarketplace(address,uint256,uint256)", [.address(g), .uint(UInt256(3)), .uint(UInt256(5))],
         .joinedMarketplace(.init(generator: g, marketId: UInt256(3), computeAllocation: UInt256(5)))),
        (.generatorRegistry, "RequestExitMarketplace(address,uint256)", [.address(g), .uint(UInt256(4))], .requestExitMarketplace(.init(generator: g, marketId: UInt256(4)))),
        (.generatorRegistry, "LeftMarketplace(address,uint256)", [.address(g), .uint(big)], .leftMarketplace(.init(generator: g, marketId: big))),
        (.generatorRegistry, "AddIvsKey(uint256,address)", [.uint(UInt256(2)), .address(r)], .addIvsKey(.init(marketId: UInt256(2), signer: r))),
        (.generatorRegistry, "AddedStake(address,uint256)", [.address(g), .uint(big)], .addedStake(.init(generator: g, amount: big))),
        (.generatorRegistry, "RequestStakeDecrease(address,uint256)", [.address(g), .uint(UInt256(9))], .requestStakeDecrease(.init(generator: g, intendedUtilization: UInt256(9)))),
        (.generatorRegistry, "RemovedStake(address,uint256)", [.address(g), .uint(UInt256(10))], .removedStake(.init(generator: g, amount: UInt256(10)))),
        (.generatorRegistry, "IncreasedCompute(address,uint256)", [.address(g), .uint(UInt256(11))], .increasedCompute(.init(generator: g, compute: UInt256(11)))),
        (.generatorRegistry, "RequestComputeDecrease(address,uint256)", [.address(g), .uint(UInt256(12))], .requestComputeDecrease(.init(generator: g, intendedUtilization: UInt256(12)))),
        (.generatorRegistry, "DecreaseCompute(address,uint256)", [.address(g), .uint(UInt256(13))], .decreaseCompute(.init(generator: g, compute: UInt256(13)))),
        (.generatorRegistry, "StakeLockImposed(address,uint256)", [.address(g), .uint(UInt256(14))], .stakeLockImposed(.init(generator: g, stake: UInt256(14)))),
        (.generatorRegistry, "ComputeLockImposed(address,uint256)", [.address(g), .uint(UInt256(15))], .computeLockImposed(.init(generator: g, compute: UInt256(15)))),
        (.generatorRegistry, "StakeLockReleased(address,uint256)", [.address(g), .uint(UInt256(16))], .stakeLockReleased(.init(generator: g, stake: UInt256(16)))),
        (.generatorRegistry, "ComputeLockReleased(address,uint256)", [.address(g), .uint(UInt256(17))], .computeLockReleased(.init(generator: g, compute: UInt256(17)))),
        (.generatorRegistry, "StakeSlashed(address,uint256)", [.address(g), .uint(UInt256(18))], .stakeSlashed(.init(generator: g, stake: UInt256(18)))),
        (.proofMarketplace, "AskCreated(uint256,bool,bytes,bytes,bytes)", [.uint(UInt256(7)), .bool(true), .bytes([1, 2, 3]), .bytes(Array(repeating: 9, count: 40)), .bytes([0xee])],
         .askCreated(.init(askId: UInt256(7), hasPrivateInputs: true, secretData: [1, 2, 3], acl: Array(repeating: 9, count: 40), extraData: [0xee], variant: .current))),
        (.proofMarketplace, "AskCreated(uint256,bool,bytes,bytes)", [.uint(UInt256(8)), .bool(false), .bytes([]), .bytes([])],
         .askCreated(.init(askId: UInt256(8), hasPrivateInputs: false, secretData: [], acl: [], extraData: [], variant: .legacy))),
        (.proofMarketplace, "TaskCreated(uint256,address,bytes)", [.uint(UInt256(7)), .address(g), .bytes([5, 6])], .taskCreated(.init(askId: UInt256(7), generator: g, newAcl: [5, 6]))),
        (.proofMarketplace, "ProofCreated(uint256,bytes)", [.uint(UInt256(7)), .bytes(Array(repeating: 0xab, count: 65))], .proofCreated(.init(askId: UInt256(7), proof: Array(repeating: 0xab, count: 65)))),
        (.proofMarketplace, "ProofNotGenerated(uint256)", [.uint(UInt256(7))], .proofNotGenerated(.init(askId: UInt256(7)))),
        (.proofMarketplace, "InvalidInputsDetected(uint256)", [.uint(UInt256(7))], .invalidInputsDetected(.init(askId: UInt256(7)))),
        (.proofMarketplace, "MarketplaceCreated(uint256)", [.uint(UInt256(1))], .marketplaceCreated(.init(marketId: UInt256(1)))),
        (.proofMarketplace, "AskCancelled(uint256)", [.uint(UInt256(7))], .askCancelled(.init(askId: UInt256(7)))),
        (.proofMarketplace, "UpdateCostPerBytes(uint8,uint256)", [.uint(UInt256(1)), .uint(UInt256(100))], .updateCostPerBytes(.init(secretType: .calldata, costPerInputBytes: UInt256(100)))),
        (.proofMarketplace, "UpdateMinProvingTime(uint8,uint256)", [.uint(UInt256(2)), .uint(UInt256(50))], .updateMinProvingTime(.init(secretType: .external, newProvingTime: UInt256(50)))),
        (.proofMarketplace, "AddExtraProverImage(uint256,bytes32)", [.uint(UInt256(1)), .fixedBytes(h1)], .addExtraProverImage(.init(marketId: UInt256(1), imageId: h1))),
        (.proofMarketplace, "AddExtraIVSImage(uint256,bytes32)", [.uint(UInt256(1)), .fixedBytes(h1)], .addExtraIVSImage(.init(marketId: UInt256(1), imageId: h1))),
        (.proofMarketplace, "RemoveExtraProverImage(uint256,bytes32)", [.uint(UInt256(1)), .fixedBytes(h1)], .removeExtraProverImage(.init(marketId: UInt256(1), imageId: h1))),
        (.proofMarketplace, "RemoveExtraIVSImage(uint256,bytes32)", [.uint(UInt256(1)), .fixedBytes(h1)], .removeExtraIVSImage(.init(marketId: UInt256(1), imageId: h1))),
        (.proofMarketplace, "Paused(address)", [.address(r)], .paused(.init(account: r))),
        (.proofMarketplace, "Unpaused(address)", [.address(r)], .unpaused(.init(account: r))),
        (.entityKeyRegistry, "UpdateKey(address,uint256)", [.address(g), .uint(UInt256(3))], .updateKey(.init(user: g, keyIndex: UInt256(3)))),
        (.entityKeyRegistry, "RemoveKey(address,uint256)", [.address(g), .uint(UInt256(3))], .removeKey(.init(user: g, keyIndex: UInt256(3)))),
        (.entityKeyRegistry, "ImageBlacklisted(bytes32)", [.fixedBytes(h1)], .imageBlacklisted(.init(imageId: h1))),
        (.entityKeyRegistry, "EnclaveImageWhitelisted(bytes32,bytes,bytes,bytes)", [.fixedBytes(h1), .bytes(Array(repeating: 1, count: 48)), .bytes(Array(repeating: 2, count: 48)), .bytes(Array(repeating: 3, count: 48))],
         .enclaveImageWhitelisted(.init(imageId: h1, pcr0: Array(repeating: 1, count: 48), pcr1: Array(repeating: 2, count: 48), pcr2: Array(repeating: 3, count: 48)))),
        (.entityKeyRegistry, "EnclaveImageRevoked(bytes32)", [.fixedBytes(h1)], .enclaveImageRevoked(.init(imageId: h1))),
        (.entityKeyRegistry, "EnclaveImageAddedToFamily(bytes32,bytes32)", [.fixedBytes(h1), .fixedBytes(h2)], .enclaveImageAddedToFamily(.init(imageId: h1, family: h2))),
        (.entityKeyRegistry, "EnclaveImageRemovedFromFamily(bytes32,bytes32)", [.fixedBytes(h1), .fixedBytes(h2)], .enclaveImageRemovedFromFamily(.init(imageId: h1, family: h2))),
        (.entityKeyRegistry, "EnclaveKeyWhitelisted(bytes,bytes32)", [.bytes(Array(repeating: 4, count: 64)), .fixedBytes(h1)],
         .enclaveKeyWhitelisted(.init(enclavePubKeyHash: Keccak256.hash(Array(repeating: 4, count: 64)), imageId: h1))),
        (.entityKeyRegistry, "EnclaveKeyRevoked(bytes)", [.bytes(Array(repeating: 4, count: 64))], .enclaveKeyRevoked(.init(enclavePubKeyHash: Keccak256.hash(Array(repeating: 4, count: 64))))),
        (.entityKeyRegistry, "EnclaveKeyVerified(bytes,bytes32)", [.bytes(Array(repeating: 5, count: 64)), .fixedBytes(h2)],
         .enclaveKeyVerified(.init(enclavePubKeyHash: Keccak256.hash(Array(repeating: 5, count: 64)), imageId: h2))),
        (.entityKeyRegistry, "Initialized(uint64)", [.uint(UInt256(2))], .initialized(.init(version: 2, variant: .uint64))),
        (.generatorRegistry, "Upgraded(address)", [.address(r)], .upgraded(.init(implementation: r))),
        (.proofMarketplace, "RoleGranted(bytes32,address,address)", [.fixedBytes(h1), .address(g), .address(r)], .roleGranted(.init(role: h1, account: g, sender: r))),
        (.entityKeyRegistry, "RoleRevoked(bytes32,address,address)", [.fixedBytes(h1), .address(g), .address(r)], .roleRevoked(.init(role: h1, account: g, sender: r))),
        (.generatorRegistry, "RoleAdminChanged(bytes32,bytes32,bytes32)", [.fixedBytes(h1), .fixedBytes(h2), .fixedBytes(.zero)],
         .roleAdminChanged(.init(role: h1, previousAdminRole: h2, newAdminRole: .zero))),
    ]

    static let decoder: KalypsoLogDecoder = {
        do { return try KalypsoLogDecoder(deployment: d) } catch { preconditionFailure("\(error)") }
    }()

    static func log(_ contract: KalypsoContract, _ signature: String, _ values: [ABIValue], removed: Bool = false) throws -> Log {
        let encoded = try TestDeployment.event(signature, in: contract).encodeLog(values)
        return Log(address: d.address(of: contract), topics: encoded.topics, data: encoded.data, blockNumber: 120, blockHash: TestChain.blockHash(120),
                   transactionHash: Keccak256.hash(utf8: "tx"), transactionIndex: 2, logIndex: 5, removed: removed)
    }

    @Test func everyEventDecodesToItsTypedEvent() throws {
        var covered = Set<Hash32>()
        for (contract, signature, values, expected) in Self.cases {
            let log = try Self.log(contract, signature, values)
            guard case .event(let decoded) = Self.decoder.decode(log) else {
                Issue.record("\(signature) did not decode: \(Self.decoder.decode(log))")
                continue
            }
            #expect(decoded.event == expected, "\(signature)")
            #expect(decoded.emitter == contract)
            #expect(decoded.position == LogPosition(blockNumber: 120, blockHash: TestChain.blockHash(120), transactionIndex: 2,
                                                    transactionHash: Keccak256.hash(utf8: "tx"), logIndex: 5))
            covered.insert(log.topics[0])
        }
        let declared = Set(KalypsoContract.allCases.flatMap { TestDeployment.abis.abi(of: $0).events.map(\.topic0) })
        #expect(covered == declared, "every event of the three ABIs has a case: missing \(declared.subtracting(covered).map { KalypsoTopics.handled($0)?.name ?? "?" })")
    }

    /// The same event at each contract that declares it (inherited events), and a marketplace event at the registry.
    @Test func dispatchIsByContractAndTopic0() throws {
        for contract in KalypsoContract.allCases {
            guard case .event(let e) = Self.decoder.decode(try Self.log(contract, "Upgraded(address)", [.address(Self.r)])) else {
                Issue.record("Upgraded at \(contract)"); continue
            }
            #expect(e.emitter == contract)
        }
        var log = try Self.log(.proofMarketplace, "TaskCreated(uint256,address,bytes)", [.uint(.one), .address(Self.g), .bytes([])])
        log.address = Self.d.generatorRegistry
        guard case .unknown(let unknown) = Self.decoder.decode(log) else { Issue.record("a PMP event at the registry must be unknown"); return }
        #expect(unknown.otherGeneration == nil && unknown.topics == log.topics)
    }

    @Test func unknownTopicsAreReportedWithTheirGeneration() throws {
        var log = try Self.log(.generatorRegistry, "AddedStake(address,uint256)", [.address(Self.g), .uint(.one)])
        log.topics[0] = Keccak256.hash(utf8: "Transfer(address,address,uint256)")
        guard case .unknown(let plain) = Self.decoder.decode(log) else { Issue.record("expected unknown"); return }
        #expect(plain.otherGeneration == nil && plain.data == log.data)
        for other in KalypsoTopics.otherGenerations {
            log.topics[0] = other.topic0
            guard case .unknown(let u) = Self.decoder.decode(log) else { Issue.record("\(other.signature) must be unknown"); continue }
            #expect(u.otherGeneration == "\(other.generation.rawValue) \(other.name)")
        }
        log.topics = []
        guard case .unknown(let anonymous) = Self.decoder.decode(log) else { Issue.record("a log without topics is unknown"); return }
        #expect(anonymous.topics.isEmpty)
    }

    @Test func malformedLogsAreQuarantinedWithTheDecodersMessage() throws {
        let ask = try Self.log(.proofMarketplace, "AskCreated(uint256,bool,bytes,bytes,bytes)", [.uint(UInt256(7)), .bool(true), .bytes([1, 2, 3]), .bytes([4]), .bytes([])])
        func quarantine(_ log: Log) -> QuarantinedLog? {
            if case .quarantined(let q) = Self.decoder.decode(log) { return q }
            Issue.record("expected a quarantine for \(log.topics.first.map(\.description) ?? "-")")
            return nil
        }
        var truncated = ask
        truncated.data.removeLast(20)  // the extraData length word is cut
        #expect(quarantine(truncated)?.error.contains("insufficient data") == true)
        #expect(quarantine(truncated)?.eventName == "AskCreated")
        var badOffset = ask
        badOffset.data[31] = 0x20  // the first offset points into the head
        #expect(quarantine(badOffset)?.error.contains("invalid offset") == true)
        var dirty = ask
        dirty.data[96 + 32 + 3] = 1  // the padding after the 3 bytes of secret_data
        #expect(quarantine(dirty)?.error.contains("non-zero padding byte 0x1 at byte 131") == true)
        var cut = ask
        cut.data.removeLast(32)  // the extraData offset now points at the end
        #expect(quarantine(cut)?.error.contains("points past the end") == true)
        var wrongTopics = ask
        wrongTopics.topics.removeLast()
        #expect(quarantine(wrongTopics)?.error.contains("topic mismatch") == true)
        var dirtyAddress = try Self.log(.generatorRegistry, "AddedStake(address,uint256)", [.address(Self.g), .uint(.one)])
        dirtyAddress.topics[1] = Hash32(w0: 1, w1: 0, w2: 0, w3: 0)
        #expect(quarantine(dirtyAddress)?.error.contains("non-zero padding") == true)
        var badBool = ask
        badBool.topics[2] = Hash32(UInt256(2))
        #expect(quarantine(badBool)?.error.contains("invalid bool") == true)
        let badEnum = try Self.log(.proofMarketplace, "UpdateCostPerBytes(uint8,uint256)", [.uint(UInt256(7)), .uint(.one)])
        #expect(quarantine(badEnum)?.error.contains("not a SecretType") == true)
        var wideEnum = badEnum
        wideEnum.topics[1] = Hash32(UInt256(256))
        #expect(quarantine(wideEnum)?.error.contains("non-zero padding") == true)
        var stranger = ask
        stranger.address = Self.g
        #expect(quarantine(stranger)?.error.contains("none of the deployment's three contracts") == true)
        let removed = try Self.log(.proofMarketplace, "TaskCreated(uint256,address,bytes)", [.uint(.one), .address(Self.g), .bytes([])], removed: true)
        #expect(quarantine(removed)?.error.contains("removed: true") == true)
    }

    @Test func aRangeIsSplitByOutcomeInInputOrder() throws {
        var unknown = try Self.log(.generatorRegistry, "AddedStake(address,uint256)", [.address(Self.g), .uint(.one)])
        unknown.topics[0] = KalypsoTopics.otherGenerations[1].topic0
        var broken = try Self.log(.generatorRegistry, "AddedStake(address,uint256)", [.address(Self.g), .uint(UInt256(2))])
        broken.data.removeLast()
        let logs = try [Self.log(.generatorRegistry, "AddedStake(address,uint256)", [.address(Self.g), .uint(UInt256(3))]), unknown, broken,
                        Self.log(.proofMarketplace, "AskCancelled(uint256)", [.uint(UInt256(4))])]
        let range = Self.decoder.decode(logs)
        #expect(range.events.map(\.event) == [.addedStake(.init(generator: Self.g, amount: UInt256(3))), .askCancelled(.init(askId: UInt256(4)))])
        #expect(range.unknown.count == 1 && range.unknown[0].otherGeneration != nil)
        #expect(range.quarantined.count == 1 && range.quarantined[0].eventName == "AddedStake")
    }

    @Test func trailingBytesAreAcceptedAsByTheABIDecoder() throws {
        var log = try Self.log(.generatorRegistry, "AddedStake(address,uint256)", [.address(Self.g), .uint(.one)])
        log.data += [0xff, 0xff]
        guard case .event(let e) = Self.decoder.decode(log) else { Issue.record("trailing bytes"); return }
        #expect(e.event == .addedStake(.init(generator: Self.g, amount: .one)))
    }

    /// The prepared plans accept and reject exactly what `ABIEvent.decode` does, with equal results, on valid logs
    /// and on thousands of mutations of them (fixed seed).
    @Test func preparedPlansAgreeWithTheABIDecoder() throws {
        var rng = SplitMix64(seed: 0xDEC0DE)
        var agreed = 0, rejected = 0
        for (contract, signature, values, _) in Self.cases {
            let base = try Self.log(contract, signature, values)
            let entry = try #require(Self.decoder.entry(base.topics[0], in: contract))
            #expect(entry.plan != nil && entry.construct != nil, "\(signature) has a fast path")
            for round in 0..<300 {
                var topics = base.topics
                var data = base.data
                switch round % 6 {
                case 0 where !data.isEmpty: data[Int(rng.next() % UInt64(data.count))] ^= UInt8(truncatingIfNeeded: 1 << (rng.next() % 8))
                case 1 where !data.isEmpty: data.removeLast(Int(rng.next() % UInt64(min(data.count, 70)) + 1))
                case 2 where topics.count > 1: topics[1 + Int(rng.next() % UInt64(topics.count - 1))] = Hash32(w0: rng.next() % 3, w1: 0, w2: rng.next(), w3: rng.next())
                case 3: data += (0..<Int(rng.next() % 40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                case 4 where data.count >= 32:
                    let word = 32 * Int(rng.next() % UInt64(data.count / 32))
                    data.replaceSubrange(word..<(word + 32), with: UInt256(rng.next() % 400).bigEndianBytes)
                case 5 where topics.count > 1: topics.removeLast()
                default: break
                }
                let general = KalypsoLogDecoder.decodeGeneral(entry, topics: topics, data: data)
                let fast = KalypsoLogDecoder.decodeFast(entry, topics: topics, data: data)
                switch general {
                case .success(let event):
                    #expect(fast == event, "\(signature) round \(round): the plan rejected or changed a log ABIEvent.decode accepts")
                    agreed += 1
                case .failure:
                    #expect(fast == nil, "\(signature) round \(round): the plan accepted a log ABIEvent.decode rejects")
                    rejected += 1
                }
            }
        }
        #expect(agreed > 3000 && rejected > 3000, "both outcomes exercised (\(agreed) accepted, \(rejected) rejected)")
    }
}
