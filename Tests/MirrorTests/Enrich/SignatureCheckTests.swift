import EthereumKit
import JSONRPC
import Kalypso
import Mirror
import Testing

/// Admin signatures recovered from the rebuilt signing hash, and the §11.4 vectors of the EIP-191 schemes.
@Suite struct SignatureCheckTests {
    let d = TestDeployment.deployment
    static let generator = TestKeys.numbered(1)

    func stakeChain(type: UInt8 = 2, from key: PrivateKey = generator, edit: @escaping (inout RPCTransaction) -> Void = { _ in }) -> TestChain {
        var chain = TestChain()
        let input = TestDeployment.calldata("increaseDeclaredCompute(uint256)", in: .generatorRegistry, [.uint(UInt256(2))])
        chain.transact(block: 600, from: key, to: d.generatorRegistry, input: input, type: type, emits: [
            Emit(.generatorRegistry, "IncreasedCompute(address,uint256)", [.address(Self.generator.address), .uint(UInt256(2))]),
        ], edit: edit)
        return chain
    }

    func admin(_ chain: TestChain) async throws -> (SignatureCheck, EnrichmentResult) {
        let result = try await Enricher(deployment: d, logger: .disabled).enrich(chain.decoded(), reader: FakeChainReader(chain))
        let check = try #require(result.signatureChecks.first { $0.kind == .admin })
        return (check, result)
    }

    @Test(arguments: [UInt8(0), 1, 2])
    func theSenderIsRecoveredForEveryClassicType(type: UInt8) async throws {
        let (check, result) = try await admin(stakeChain(type: type))
        #expect(check.matches && check.recovered == Self.generator.address && check.expected == Self.generator.address)
        #expect(check.note.contains("signed its own call"))
        #expect(result.counts.sendersRecovered == 1 && result.counts.sendersUnchecked == 0)
    }

    @Test func anotherSignerOfADirectRegistryCallIsAnUnexplainedMismatch() async throws {
        let (check, _) = try await admin(stakeChain(from: TestKeys.numbered(8)) { tx in tx.from = TestKeys.numbered(8).address })
        #expect(!check.matches && check.recovered == TestKeys.numbered(8).address && check.expected == Self.generator.address)
        #expect(check.note.contains("unexplained"))
    }

    @Test func aNodeThatLiesAboutFromIsALoudAlert() async throws {
        let liar = TestDeployment.address("0x5555555555555555555555555555555555555555")
        let (check, result) = try await admin(stakeChain { tx in tx.from = liar })
        #expect(!check.matches && check.expected == liar && check.recovered == Self.generator.address)
        #expect(check.note.contains("NODE INCONSISTENT"))
        #expect(result.issues.contains { $0.severity == .alert && $0.code == .enrichmentMismatch })
    }

    @Test(arguments: [UInt8(3), 4, 0x6a])
    func unsupportedTypesAreRecordedAsUnchecked(type: UInt8) async throws {
        let (check, result) = try await admin(stakeChain { tx in tx.type = type })
        #expect(!check.matches && check.recovered == nil && check.note.hasPrefix("unchecked"))
        #expect(check.note.contains("not one the mirror can rebuild"))
        #expect(result.counts.sendersUnchecked == 1)
    }

    @Test func fieldsThatDoNotHashToTheTransactionHashAreUnchecked() async throws {
        let (check, _) = try await admin(stakeChain { tx in tx.nonce += 1 })
        #expect(check.recovered == nil && check.note.contains("inconsistent data"))
    }

    @Test func marketplaceTransactionsAreCheckedAgainstTheNodesFrom() async throws {
        var chain = TestChain()
        let submitter = TestKeys.numbered(4)
        chain.transact(block: 601, from: submitter, to: d.proofMarketplace, input: [0xc2, 0x44, 0xa7, 0xb9], emits: [
            Emit(.generatorRegistry, "StakeLockReleased(address,uint256)", [.address(Self.generator.address), .uint(UInt256(10))]),
            Emit(.generatorRegistry, "ComputeLockReleased(address,uint256)", [.address(Self.generator.address), .uint(UInt256(2))]),
            Emit(.proofMarketplace, "ProofCreated(uint256,bytes)", [.uint(UInt256(5)), .bytes([1])]),
        ])
        let (check, result) = try await admin(chain)
        #expect(check.matches && check.expected == submitter.address && check.recovered == submitter.address)
        #expect(check.position == result.logs[0].position, "one admin check per transaction, at its first log")
        #expect(result.signatureChecks.count == 1)
    }

    @Test func aLargeRangeIsRecoveredOnAllCoresInLogOrder() async throws {
        var chain = TestChain()
        let keys = (1...5).map { TestKeys.numbered(UInt8(20 + $0)) }
        for i in 0..<150 {
            let key = keys[i % keys.count]
            chain.transact(block: 800 + UInt64(i / 10), from: key, to: d.generatorRegistry, input: [0xad, 0xc9, 0x77, 0x2e], emits: [
                Emit(.generatorRegistry, "AddedStake(address,uint256)", [.address(Self.generator.address), .uint(UInt256(UInt64(i)))]),
            ])
        }
        let result = try await Enricher(deployment: d, logger: .disabled).enrich(chain.decoded(), reader: FakeChainReader(chain))
        #expect(result.signatureChecks.count == 150 && result.counts.sendersRecovered == 150)
        #expect(result.signatureChecks.map(\.position) == result.logs.map(\.position))
        #expect(result.signatureChecks.enumerated().allSatisfy { $0.element.matches && $0.element.recovered == keys[$0.offset % keys.count].address })
    }

    // MARK: §11.4 vectors

    static let specAddress = TestDeployment.address("0xb8219F73de68a4E03BD56a2976975572898aeCa1")

    static func hex(_ text: String) -> [UInt8] {
        do { return try Hex.decode(text) } catch { preconditionFailure("\(error)") }
    }

    @Test func theSpecKeyIsTheVectorKey() {
        #expect(TestKeys.spec.address == Self.specAddress)
        #expect(TestKeys.spec.publicKey.raw64 == Self.hex("0x036d7519363bd28591f03fe9b15d7192778ee42c1e6d5abcd2a8236ae59590f31a79cd5b9a4161908f004d060c23f6627d341c5e1202c93d728f54efe61a187c"))
    }

    @Test func matchingEngineVector() throws {
        let g1 = TestDeployment.address("0x1111111111111111111111111111111111111111")
        let g2 = TestDeployment.address("0x2222222222222222222222222222222222222222")
        let hash = try KalypsoSignatures.matchingEngineMessageHash(askIds: [.zero, UInt256(7)], generators: [g1, g2], newAcls: [[], [1, 2]])
        #expect(hash == (try Hash32(hex: "0x89c4a56bbaf215e958ea9135e4b6891b1699bb525427d349b937e6b4239a837e")))
        #expect(PersonalMessage.hash(messageHash: hash) == (try Hash32(hex: "0x4e64138e5499266a6e34e5f2516a2b6f02ac40615e7f9120338ddad7343a6ab2")))
        let signature = Self.hex("0xa3ad7dfa1ecd46d933fbd785eb5209d79bf6dfae6a824b029ab9f648149b52b85ad85b45a6e2b8a1557d16732d3f3f0a45259da8eb8037d178a1b628d9d378a81b")
        #expect(try KalypsoSignatures.recoverEIP191Signer(messageHash: hash, signature: signature) == Self.specAddress)
        #expect(try PersonalMessage.sign(hash.bytes, with: TestKeys.spec).rsv == signature, "RFC 6979 reproduces the vector")
        let empty = try KalypsoSignatures.matchingEngineMessageHash(askIds: [], generators: [], newAcls: [])
        #expect(empty == (try Hash32(hex: "0x9915489080799234d12c818dbd017442406686b38ae33288e035c18102ae4781")))
    }

    @Test func enclaveVector() throws {
        let attestation = try EnricherCalldataTests.attestation(TestKeys.spec)
        #expect(attestation.count == 704)
        #expect(Keccak256.hash(attestation) == (try Hash32(hex: "0x1542007b3eed578a908fc51ede691f80be03a762a07a1d3d3595f38b68081d3c")))
        let to = TestDeployment.address("0x3333333333333333333333333333333333333333")
        let hash = KalypsoSignatures.enclaveMessageHash(attestationData: attestation, addressToVerify: to)
        #expect(hash == (try Hash32(hex: "0xdace8b32091e002b101144a098be96ee2c0dbd8f8bb586de62beacd61b01142c")))
        #expect(PersonalMessage.hash(messageHash: hash) == (try Hash32(hex: "0xa59e4d7b8bee7beed29dfbdfb3b32ccb9cddedd88ca3aebd33003620a2d87a5c")))
        let signature = Self.hex("0x4e2bf6b94277ecb15f241ec08da30ea2130258ae598edf8cda3b142fd29007c259de4b76c6a2e20e75940721d415fe9a731d5efa1ab6e8720ef514eec3eb6dbf1c")
        #expect(try KalypsoSignatures.recoverEIP191Signer(messageHash: hash, signature: signature) == Self.specAddress)
    }

    @Test func tamperedSignaturesDoNotRecoverTheSigner() throws {
        let to = TestDeployment.address("0x3333333333333333333333333333333333333333")
        let hash = KalypsoSignatures.enclaveMessageHash(attestationData: try EnricherCalldataTests.attestation(TestKeys.spec), addressToVerify: to)
        let good = Self.hex("0x4e2bf6b94277ecb15f241ec08da30ea2130258ae598edf8cda3b142fd29007c259de4b76c6a2e20e75940721d415fe9a731d5efa1ab6e8720ef514eec3eb6dbf1c")
        var flipped = good
        flipped[10] ^= 0x01
        #expect((try? KalypsoSignatures.recoverEIP191Signer(messageHash: hash, signature: flipped)) != Self.specAddress)
        var parity = good
        parity[64] = 0x1b
        #expect((try? KalypsoSignatures.recoverEIP191Signer(messageHash: hash, signature: parity)) != Self.specAddress)
        var yParityForm = good
        yParityForm[64] = 1  // OpenZeppelin takes only v = 27/28
        #expect(throws: SignatureProblem.self) { try KalypsoSignatures.recoverEIP191Signer(messageHash: hash, signature: yParityForm) }
        #expect(throws: SignatureProblem.self) { try KalypsoSignatures.recoverEIP191Signer(messageHash: hash, signature: Array(good.prefix(64))) }
        // The high-s twin recovers the same key for ecrecover but OpenZeppelin (and we) reject it.
        let s = UInt256(bigEndian: Array(good[32..<64])) ?? .zero
        let n = UInt256(l0: 0xBFD2_5E8C_D036_4141, l1: 0xBAAE_DCE6_AF48_A03B, l2: 0xFFFF_FFFF_FFFF_FFFE, l3: 0xFFFF_FFFF_FFFF_FFFF)
        let highS = Array(good[0..<32]) + (n - s).bigEndianBytes + [good[64] == 27 ? 28 : 27]
        #expect(throws: SignatureProblem.self) { try KalypsoSignatures.recoverEIP191Signer(messageHash: hash, signature: highS) }
    }
}
