import EthereumKit
import JSONRPC
import Kalypso
import Mirror
import Testing

/// Source A of §7.3: calldata of direct calls, cross-checked against the event; a disagreement falls back to the
/// pinned call and is recorded.
@Suite struct EnricherCalldataTests {
    static let d = TestDeployment.deployment
    let d = TestDeployment.deployment
    static let generator = TestKeys.numbered(1)
    static let requester = TestKeys.numbered(2)
    static let enclave = TestKeys.spec
    static let reward = TestDeployment.address("0x2222222222222222222222222222222222222222")
    static let data = Array(#"{"name":"gen-1"}"#.utf8)

    static func enricher() throws -> Enricher { try Enricher(deployment: d, logger: .disabled) }

    static func register(_ chain: inout TestChain, block: UInt64 = 200, compute: UInt64 = 8, eventCompute: UInt64 = 8, stake: UInt64 = 100,
                         to: Address? = nil) {
        let input = TestDeployment.calldata("register(address,uint256,uint256,bytes)", in: .generatorRegistry,
                                            [.address(reward), .uint(UInt256(compute)), .uint(UInt256(stake)), .bytes(data)])
        chain.transact(block: block, from: generator, to: to ?? d.generatorRegistry, input: input, emits: [
            Emit(.generatorRegistry, "RegisteredGenerator(address,uint256,uint256)", [.address(generator.address), .uint(UInt256(eventCompute)), .uint(UInt256(stake))]),
        ])
    }

    /// `abi.encode(0xaa×65, pubkey64, 0x01×48, 0x02×48, 0x03×48, 1700000000000)` (the §11.4 layout).
    static func attestation(_ key: PrivateKey) throws -> [UInt8] {
        try ABIEncoder.encode(types: [.bytes, .bytes, .bytes, .bytes, .bytes, .uint(256)],
                              values: [.bytes(Array(repeating: 0xaa, count: 65)), .bytes(key.publicKey.raw64), .bytes(Array(repeating: 1, count: 48)),
                                       .bytes(Array(repeating: 2, count: 48)), .bytes(Array(repeating: 3, count: 48)), .uint(UInt256(1_700_000_000_000))])
    }

    /// The enclave's EIP-191 proof of possession for `addressToVerify` (§6.2).
    static func proof(_ attestation: [UInt8], for addressToVerify: Address, by key: PrivateKey) throws -> [UInt8] {
        let hash = KalypsoSignatures.enclaveMessageHash(attestationData: attestation, addressToVerify: addressToVerify)
        return try PersonalMessage.sign(hash.bytes, with: key).rsv
    }

    @Test func registerCalldataFillsRewardAndDataWithoutCalls() async throws {
        var chain = TestChain()
        Self.register(&chain)
        let reader = FakeChainReader(chain)
        let result = try await Self.enricher().enrich(chain.decoded(), reader: reader)
        guard case .registeredGenerator(let e) = result.logs[0].event else { Issue.record("not RegisteredGenerator"); return }
        #expect(e.registration == .calldata(GeneratorRegistration(rewardAddress: Self.reward, generatorData: Self.data)))
        #expect(reader.callBatches.isEmpty, "no eth_call when calldata serves")
        #expect(reader.blockBatches == [[200]])
        #expect(result.counts.calldataHits == 1 && result.counts.needed == 1 && result.counts.pinnedCalls == 0)
        #expect(result.signatureChecks.count == 1)
        let admin = try #require(result.signatureChecks.first)
        #expect(admin.kind == .admin && admin.matches && admin.expected == Self.generator.address && admin.recovered == Self.generator.address)
        #expect(result.clocks == [200: UInt256(200)])
    }

    @Test func aCrossCheckMismatchFallsBackToThePinnedCallAndIsRecorded() async throws {
        var chain = TestChain()
        Self.register(&chain, compute: 9, eventCompute: 8)  // calldata says 9, the event 8: the calldata is not this call's
        let (call, answer) = Pinned.generator(Self.generator.address, reward: Self.reward, data: [7], block: 200)
        let reader = FakeChainReader(chain, answers: [call: answer])
        let result = try await Self.enricher().enrich(chain.decoded(), reader: reader)
        guard case .registeredGenerator(let e) = result.logs[0].event else { Issue.record("not RegisteredGenerator"); return }
        #expect(e.registration == .pinnedCall(GeneratorRegistration(rewardAddress: Self.reward, generatorData: [7]), blockHash: TestChain.blockHash(200)))
        #expect(reader.callBatches == [[call]])
        #expect(result.counts.calldataMismatches == 1 && result.counts.pinnedHits == 1)
        #expect(result.issues.count == 1)
        #expect(result.issues.first?.code == .enrichmentMismatch && result.issues.first?.message.contains("declaredCompute 9") == true)
    }

    @Test func joinCalldataFillsTermsAndTheAttestedKeyWithAVerifiedEnclaveProof() async throws {
        var chain = TestChain()
        let g = Self.generator.address
        let attestation = try Self.attestation(Self.enclave)
        let signature = try Self.proof(attestation, for: g, by: Self.enclave)
        let input = TestDeployment.calldata("joinMarketplace(uint256,uint256,uint256,uint256,bool,bytes,bytes)", in: .generatorRegistry,
                                            [.uint(UInt256(3)), .uint(UInt256(2)), .uint(UInt256(500)), .uint(UInt256(40)), .bool(true), .bytes(attestation), .bytes(signature)])
        chain.transact(block: 200, from: Self.generator, to: d.generatorRegistry, input: input, emits: [
            Emit(.entityKeyRegistry, "EnclaveKeyVerified(bytes,bytes32)", [.bytes(Self.enclave.publicKey.raw64), .fixedBytes(Keccak256.hash(utf8: "img"))]),
            Emit(.entityKeyRegistry, "UpdateKey(address,uint256)", [.address(g), .uint(UInt256(3))]),
            Emit(.generatorRegistry, "JoinedMarketplace(address,uint256,uint256)", [.address(g), .uint(UInt256(3)), .uint(UInt256(2))]),
        ])
        let reader = FakeChainReader(chain)
        let result = try await Self.enricher().enrich(chain.decoded(), reader: reader)
        guard case .updateKey(let key) = result.logs[1].event, case .joinedMarketplace(let join) = result.logs[2].event else {
            Issue.record("unexpected events"); return
        }
        #expect(key.key == .calldata(Self.enclave.publicKey.raw64))
        #expect(join.terms == .calldata(MarketplaceJoinTerms(proofGenerationCost: UInt256(500), proposedTime: UInt256(40))))
        #expect(reader.callBatches.isEmpty && result.counts.calldataHits == 2)
        let enclaveCheck = try #require(result.signatureChecks.first { $0.kind == .enclave })
        #expect(enclaveCheck.matches && enclaveCheck.expected == Self.enclave.address && enclaveCheck.recovered == Self.enclave.address)
        #expect(result.signatureChecks.first { $0.kind == .admin }?.matches == true)
    }

    @Test func aTamperedEnclaveProofIsRecordedAsAMismatch() async throws {
        var chain = TestChain()
        let g = Self.generator.address
        let attestation = try Self.attestation(Self.enclave)
        var signature = try Self.proof(attestation, for: Self.reward, by: Self.enclave)  // signed for another address
        let input = TestDeployment.calldata("updateEncryptionKey(uint256,bytes,bytes)", in: .generatorRegistry, [.uint(UInt256(3)), .bytes(attestation), .bytes(signature)])
        chain.transact(block: 200, from: Self.generator, to: d.generatorRegistry, input: input, emits: [
            Emit(.entityKeyRegistry, "UpdateKey(address,uint256)", [.address(g), .uint(UInt256(3))]),
        ])
        signature[64] = 29
        let input2 = TestDeployment.calldata("updateEncryptionKey(uint256,bytes,bytes)", in: .generatorRegistry, [.uint(UInt256(4)), .bytes(attestation), .bytes(signature)])
        chain.transact(block: 200, from: Self.generator, to: d.generatorRegistry, input: input2, emits: [
            Emit(.entityKeyRegistry, "UpdateKey(address,uint256)", [.address(g), .uint(UInt256(4))]),
        ])
        let result = try await Self.enricher().enrich(chain.decoded(), reader: FakeChainReader(chain))
        let checks = result.signatureChecks.filter { $0.kind == .enclave }
        #expect(checks.count == 2)
        #expect(checks[0].matches == false && checks[0].recovered != nil && checks[0].recovered != Self.enclave.address)
        #expect(checks[0].expected == Self.enclave.address)
        #expect(checks[1].matches == false && checks[1].recovered == nil && checks[1].note.contains("v = 29"))
        guard case .updateKey(let e) = result.logs[0].event else { Issue.record("not UpdateKey"); return }
        #expect(e.key == .calldata(Self.enclave.publicKey.raw64), "the key itself still comes from the calldata")
    }

    static let body = AskBody(marketId: UInt256(3), reward: UInt256(1000), expiry: UInt256(900), timeTakenForProofGeneration: UInt256(50),
                              deadline: UInt256(1000), refundAddress: reward, proverData: [1, 2, 3, 4])

    @Test(arguments: [true, false])
    func createAskCalldataFillsTheAskWithTheRecoveredRequester(current: Bool) async throws {
        var chain = TestChain()
        let ask = "(uint256,uint256,uint256,uint256,uint256,address,bytes)"
        let args: [ABIValue] = [Pinned.askTuple(Self.body), .uint(.one), .bytes([9, 9]), .bytes([8])] + (current ? [.bytes([7])] : [])
        let input = TestDeployment.calldata(current ? "createAsk(\(ask),uint8,bytes,bytes,bytes)" : "createAsk(\(ask),uint8,bytes,bytes)", in: .proofMarketplace, args)
        let event = current
            ? Emit(.proofMarketplace, "AskCreated(uint256,bool,bytes,bytes,bytes)", [.uint(UInt256(12)), .bool(true), .bytes([9, 9]), .bytes([8]), .bytes([7])])
            : Emit(.proofMarketplace, "AskCreated(uint256,bool,bytes,bytes)", [.uint(UInt256(12)), .bool(true), .bytes([9, 9]), .bytes([8])])
        chain.transact(block: 201, from: Self.requester, to: d.proofMarketplace, input: input, type: current ? 2 : 0, emits: [event])
        let result = try await Self.enricher().enrich(chain.decoded(), reader: FakeChainReader(chain))
        guard case .askCreated(let e) = result.logs[0].event else { Issue.record("not AskCreated"); return }
        #expect(e.details == .calldata(AskDetails(body: Self.body, requester: Self.requester.address, secretType: .calldata)))
        #expect(result.signatureChecks.first?.matches == true && result.signatureChecks.first?.recovered == Self.requester.address)
    }

    @Test func aVariantMismatchOrForeignAclFallsBackToListOfAsk() async throws {
        var chain = TestChain()
        let ask = "(uint256,uint256,uint256,uint256,uint256,address,bytes)"
        let current = TestDeployment.calldata("createAsk(\(ask),uint8,bytes,bytes,bytes)", in: .proofMarketplace,
                                              [Pinned.askTuple(Self.body), .uint(.one), .bytes([]), .bytes([]), .bytes([])])
        chain.transact(block: 201, from: Self.requester, to: d.proofMarketplace, input: current, emits: [
            Emit(.proofMarketplace, "AskCreated(uint256,bool,bytes,bytes)", [.uint(UInt256(12)), .bool(false), .bytes([]), .bytes([])]),
        ])
        chain.transact(block: 201, from: Self.requester, to: d.proofMarketplace, input: current, emits: [
            Emit(.proofMarketplace, "AskCreated(uint256,bool,bytes,bytes,bytes)", [.uint(UInt256(13)), .bool(true), .bytes([1]), .bytes([]), .bytes([])]),
        ])
        let a12 = Pinned.ask(UInt256(12), body: Self.body, state: UInt256(1), requester: Self.requester.address, generator: .zero, block: 201)
        let a13 = Pinned.ask(UInt256(13), body: Self.body, state: UInt256(1), requester: Self.requester.address, generator: .zero, block: 201)
        let reader = FakeChainReader(chain, answers: [a12.0: a12.1, a13.0: a13.1])
        let result = try await Self.enricher().enrich(chain.decoded(), reader: reader)
        for log in result.logs {
            guard case .askCreated(let e) = log.event else { Issue.record("not AskCreated"); continue }
            #expect(e.details == .pinnedCall(AskDetails(body: Self.body, requester: Self.requester.address, secretType: nil), blockHash: TestChain.blockHash(201)))
        }
        #expect(result.counts.calldataMismatches == 2 && result.issues.count == 2)
        #expect(result.issues[0].message.contains("variants must match"))
        #expect(result.issues[1].message.contains("privateInputs/acl"))
    }

    @Test func verifyMatchingEngineKeyIsTheExpectedSignerOfALaterRelay() async throws {
        var chain = TestChain()
        let me = Self.enclave
        let updater = TestKeys.numbered(5)
        let attestation = try Self.attestation(me)
        let proof = try Self.proof(attestation, for: d.proofMarketplace, by: me)
        chain.transact(block: 200, from: updater, to: d.proofMarketplace,
                       input: TestDeployment.calldata("verifyMatchingEngine(bytes,bytes)", in: .proofMarketplace, [.bytes(attestation), .bytes(proof)]),
                       emits: [Emit(.entityKeyRegistry, "UpdateKey(address,uint256)", [.address(d.proofMarketplace), .uint(.zero)])])
        let g = Self.generator.address
        let hash = try KalypsoSignatures.matchingEngineMessageHash(askIds: [UInt256(12)], generators: [g], newAcls: [[4, 5]])
        let batchSignature = try PersonalMessage.sign(hash.bytes, with: me).rsv
        let relay = TestDeployment.calldata("relayBatchAssignTasks(uint256[],address[],bytes[],bytes)", in: .proofMarketplace,
                                            [.array([.uint(UInt256(12))]), .array([.address(g)]), .array([.bytes([4, 5])]), .bytes(batchSignature)])
        chain.transact(block: 201, from: TestKeys.numbered(6), to: d.proofMarketplace, input: relay, emits: [
            Emit(.generatorRegistry, "StakeLockImposed(address,uint256)", [.address(g), .uint(UInt256(10))]),
            Emit(.generatorRegistry, "ComputeLockImposed(address,uint256)", [.address(g), .uint(UInt256(2))]),
            Emit(.proofMarketplace, "TaskCreated(uint256,address,bytes)", [.uint(UInt256(12)), .address(g), .bytes([4, 5])]),
        ])
        var assigned = Self.body
        assigned.deadline = UInt256(777)
        let task = Pinned.ask(UInt256(12), body: assigned, state: UInt256(3), requester: Self.requester.address, generator: g, block: 201)
        let reader = FakeChainReader(chain, answers: [task.0: task.1])
        let result = try await Self.enricher().enrich(chain.decoded(), reader: reader)
        guard case .updateKey(let key) = result.logs[0].event, case .taskCreated(let t) = result.logs[3].event else { Issue.record("events"); return }
        #expect(key.key == .calldata(me.publicKey.raw64))
        #expect(t.deadline == .pinnedCall(UInt256(777), blockHash: TestChain.blockHash(201)))
        let enclaveCheck = try #require(result.signatureChecks.first { $0.kind == .enclave })
        #expect(enclaveCheck.matches && enclaveCheck.note.contains(d.proofMarketplace.description))
        let meCheck = try #require(result.signatureChecks.first { $0.kind == .matchingEngine })
        #expect(meCheck.matches && meCheck.expected == me.address && meCheck.recovered == me.address)

        // Without the key registration in the range and no key from the state, only the signer is recorded.
        let later = try await Self.enricher().enrich(Array(result.logs.dropFirst()), reader: reader)
        let unknown = try #require(later.signatureChecks.first { $0.kind == .matchingEngine })
        #expect(unknown.expected == nil && unknown.recovered == me.address && !unknown.matches && unknown.note.contains("unknown to the mirror"))
        // A key from the state that is not the signer's: recorded as a mismatch.
        let other = try await Self.enricher().enrich(Array(result.logs.dropFirst()), reader: reader, matchingEngineKey: Self.requester.publicKey.raw64)
        let mismatch = try #require(other.signatureChecks.first { $0.kind == .matchingEngine })
        #expect(mismatch.expected == Self.requester.address && mismatch.recovered == me.address && !mismatch.matches)
    }
}
