import EthereumKit
import JSONRPC
import Kalypso
import Mirror
import Testing

/// Source B of §7.3: getters pinned to the log's block hash (never `latest`), failures, batching, and the
/// same-block later-transaction case.
@Suite struct EnricherPinnedTests {
    let d = TestDeployment.deployment
    static let generator = TestKeys.numbered(1)
    static let wallet = TestDeployment.address("0x7777777777777777777777777777777777777777")
    static let reward = TestDeployment.address("0x2222222222222222222222222222222222222222")
    static let other = TestDeployment.address("0x4444444444444444444444444444444444444444")

    static func enricher() throws -> Enricher { try Enricher(deployment: TestDeployment.deployment, logger: .disabled) }

    /// A generator transaction sent through a contract wallet: `tx.to` is the wallet, so there is no calldata to read.
    static func throughWallet(_ chain: inout TestChain, block: UInt64, emits: [Emit]) {
        chain.transact(block: block, from: generator, to: wallet, input: [0xb6, 0x1d, 0x27, 0xf6] + Array(repeating: 0, count: 64), emits: emits)
    }

    @Test func aContractWalletCallerIsEnrichedByAPinnedCallAndExplained() async throws {
        var chain = TestChain()
        let g = TestDeployment.address("0x9999999999999999999999999999999999999999")  // the wallet's own address as the generator
        Self.throughWallet(&chain, block: 300, emits: [Emit(.generatorRegistry, "RegisteredGenerator(address,uint256,uint256)", [.address(g), .uint(UInt256(4)), .uint(.zero)])])
        let (call, answer) = Pinned.generator(g, reward: Self.reward, data: [1, 2], block: 300)
        let reader = FakeChainReader(chain, answers: [call: answer])
        let result = try await Self.enricher().enrich(chain.decoded(), reader: reader)
        guard case .registeredGenerator(let e) = result.logs[0].event else { Issue.record("not RegisteredGenerator"); return }
        #expect(e.registration == .pinnedCall(GeneratorRegistration(rewardAddress: Self.reward, generatorData: [1, 2]), blockHash: TestChain.blockHash(300)))
        let sent = try #require(reader.callBatches.first?.first)
        #expect(sent.blockHash == TestChain.blockHash(300) && sent.to == d.generatorRegistry)
        #expect(sent.data == TestDeployment.calldata("generatorRegistry(address)", in: .generatorRegistry, [.address(g)]))
        let admin = try #require(result.signatureChecks.first)
        #expect(!admin.matches && admin.expected == g && admin.recovered == Self.generator.address)
        #expect(admin.note.contains("contract wallet") && admin.note.contains(Self.wallet.description))
        #expect(result.issues.isEmpty, "a contract wallet is explained, not an issue")
    }

    @Test func eachKindIsReadFromItsGetterAtTheBlockHash() async throws {
        var chain = TestChain()
        let g = Self.generator.address
        Self.throughWallet(&chain, block: 300, emits: [
            Emit(.generatorRegistry, "JoinedMarketplace(address,uint256,uint256)", [.address(g), .uint(UInt256(3)), .uint(UInt256(2))]),
            Emit(.entityKeyRegistry, "UpdateKey(address,uint256)", [.address(g), .uint(UInt256(3))]),
        ])
        chain.transact(block: 301, from: TestKeys.numbered(9), to: d.proofMarketplace, input: [0x15, 0xc9, 0x8a, 0x7a], emits: [
            Emit(.proofMarketplace, "MarketplaceCreated(uint256)", [.uint(UInt256(3))]),
        ])
        let row = Pinned.row(g, UInt256(3), compute: UInt256(2), cost: UInt256(500), time: UInt256(40), block: 300)
        let key = (Pinned.call(.entityKeyRegistry, "pub_key(address,uint256)", [.address(g), .uint(UInt256(3))], block: 300),
                   Pinned.output(.entityKeyRegistry, "pub_key(address,uint256)", [.bytes(TestKeys.spec.publicKey.raw64)]))
        let image = Keccak256.hash(utf8: "prover image")
        let market = MarketData(verifier: Self.other, proverImageId: image, slashingPenalty: UInt256(10), activationBlock: UInt256(401),
                                ivsImageId: image, creator: Self.reward, metadata: [0x7b, 0x7d])
        let marketCall = (Pinned.call(.proofMarketplace, "marketData(uint256)", [.uint(UInt256(3))], block: 301),
                          Pinned.output(.proofMarketplace, "marketData(uint256)", [.address(Self.other), .fixedBytes(image), .uint(UInt256(10)), .uint(UInt256(401)),
                                                                                   .fixedBytes(image), .address(Self.reward), .bytes([0x7b, 0x7d])]))
        let reader = FakeChainReader(chain, answers: [row.0: row.1, key.0: key.1, marketCall.0: marketCall.1])
        let result = try await Self.enricher().enrich(chain.decoded(), reader: reader)
        #expect(reader.callBatches.count == 1 && reader.callBatches[0].count == 3, "all pinned calls in one batch")
        #expect(reader.blockBatches == [[300, 301]], "each block once, in one batch")
        guard case .joinedMarketplace(let join) = result.logs[0].event, case .updateKey(let k) = result.logs[1].event,
              case .marketplaceCreated(let m) = result.logs[2].event else { Issue.record("events"); return }
        #expect(join.terms == .pinnedCall(MarketplaceJoinTerms(proofGenerationCost: UInt256(500), proposedTime: UInt256(40)), blockHash: TestChain.blockHash(300)))
        #expect(k.key == .pinnedCall(TestKeys.spec.publicKey.raw64, blockHash: TestChain.blockHash(300)))
        #expect(m.market == .pinnedCall(market, blockHash: TestChain.blockHash(301)), "MarketplaceCreated always uses marketData")
        #expect(result.counts.pinnedHits == 3 && result.counts.pinnedCalls == 3 && result.counts.calldataHits == 0)
        let enclave = result.signatureChecks.first { $0.kind == .enclave }
        #expect(enclave?.recovered == nil && enclave?.note.contains("came through a contract") == true)
    }

    @Test func oneCallServesEveryEventThatNeedsIt() async throws {
        var chain = TestChain()
        let g = Self.generator.address
        Self.throughWallet(&chain, block: 300, emits: [Emit(.proofMarketplace, "AskCreated(uint256,bool,bytes,bytes,bytes)", [.uint(UInt256(5)), .bool(false), .bytes([]), .bytes([]), .bytes([])])])
        Self.throughWallet(&chain, block: 300, emits: [Emit(.proofMarketplace, "TaskCreated(uint256,address,bytes)", [.uint(UInt256(5)), .address(g), .bytes([])])])
        let body = AskBody(marketId: UInt256(1), reward: UInt256(9), expiry: UInt256(500), timeTakenForProofGeneration: UInt256(30), deadline: UInt256(330),
                           refundAddress: Self.reward, proverData: [1])
        let ask = Pinned.ask(UInt256(5), body: body, state: UInt256(3), requester: Self.reward, generator: g, block: 300)
        let reader = FakeChainReader(chain, answers: [ask.0: ask.1])
        let result = try await Self.enricher().enrich(chain.decoded(), reader: reader)
        #expect(reader.callBatches == [[ask.0]])
        guard case .askCreated(let a) = result.logs[0].event, case .taskCreated(let t) = result.logs[1].event else { Issue.record("events"); return }
        #expect(a.details == .pinnedCall(AskDetails(body: body, requester: Self.reward, secretType: nil), blockHash: TestChain.blockHash(300)))
        #expect(t.deadline == .pinnedCall(UInt256(330), blockHash: TestChain.blockHash(300)))
        #expect(result.issues.count == 1 && result.issues[0].severity == .info && result.issues[0].message.contains("assignment's"),
                "an ask assigned in its own block: the pinned deadline is the assignment's, and that is said")
    }

    @Test func revertsAndRejectionsMarkTheEventUnavailable() async throws {
        var chain = TestChain()
        let g = Self.generator.address
        Self.throughWallet(&chain, block: 300, emits: [Emit(.generatorRegistry, "RegisteredGenerator(address,uint256,uint256)", [.address(g), .uint(UInt256(4)), .uint(.zero)])])
        Self.throughWallet(&chain, block: 301, emits: [Emit(.proofMarketplace, "TaskCreated(uint256,address,bytes)", [.uint(UInt256(5)), .address(g), .bytes([])])])
        let registry = Pinned.call(.generatorRegistry, "generatorRegistry(address)", [.address(g)], block: 300)
        let reader = FakeChainReader(chain, answers: [registry: Pinned.revert()])  // listOfAsk has no answer: rejected
        let result = try await Self.enricher().enrich(chain.decoded(), reader: reader)
        guard case .registeredGenerator(let r) = result.logs[0].event, case .taskCreated(let t) = result.logs[1].event else { Issue.record("events"); return }
        guard case .unavailable(let why) = r.registration.source, case .unavailable(let why2) = t.deadline.source else {
            Issue.record("expected unavailable: \(r.registration.source) \(t.deadline.source)"); return
        }
        #expect(why.contains("reverted") && why.contains("generatorRegistry(\(g))"))
        #expect(why2.contains("rejected"))
        #expect(r.registration.payload == nil && t.deadline.payload == nil)
        #expect(result.counts.unavailable == 2)
    }

    @Test func transientFailuresRetryTheRangeUnlessToldOtherwise() async throws {
        var chain = TestChain()
        let g = Self.generator.address
        Self.throughWallet(&chain, block: 300, emits: [Emit(.generatorRegistry, "RegisteredGenerator(address,uint256,uint256)", [.address(g), .uint(UInt256(4)), .uint(.zero)])])
        let registry = Pinned.call(.generatorRegistry, "generatorRegistry(address)", [.address(g)], block: 300)
        let reader = FakeChainReader(chain, answers: [registry: .failure(PinnedCallError(kind: .transient, message: "header not found"))])
        await #expect { try await Self.enricher().enrich(chain.decoded(), reader: reader) } throws: { error in
            guard let e = error as? EnrichmentError else { return false }
            return e.code == .transientRead && e.message.contains("header not found")
        }
        var lenient = try Self.enricher()
        lenient.transientCallFailures = .markUnavailable
        let result = try await lenient.enrich(chain.decoded(), reader: reader)
        guard case .registeredGenerator(let r) = result.logs[0].event, case .unavailable(let why) = r.registration.source else {
            Issue.record("expected unavailable"); return
        }
        #expect(why.contains("header not found"))
    }

    @Test func aReorgBetweenTheReadsIsABlockMismatch() async throws {
        var chain = TestChain()
        let g = Self.generator.address
        Self.throughWallet(&chain, block: 300, emits: [Emit(.generatorRegistry, "AddedStake(address,uint256)", [.address(g), .uint(UInt256(4))])])
        let moved = FakeChainReader(chain) { blocks in blocks[300]?.header.hash = Keccak256.hash(utf8: "another branch") }
        await #expect { try await Self.enricher().enrich(chain.decoded(), reader: moved) } throws: { ($0 as? EnrichmentError)?.code == .blockMismatch }
        let missing = FakeChainReader(chain) { blocks in blocks[300] = nil }
        await #expect { try await Self.enricher().enrich(chain.decoded(), reader: missing) } throws: { ($0 as? EnrichmentError)?.code == .missingBlock }
        let otherTx = FakeChainReader(chain) { blocks in
            if case .full(var txs)? = blocks[300]?.transactions {
                txs[0].hash = Keccak256.hash(utf8: "another tx")
                blocks[300]?.transactions = .full(txs)
            }
        }
        await #expect { try await Self.enricher().enrich(chain.decoded(), reader: otherTx) } throws: { ($0 as? EnrichmentError)?.code == .blockMismatch }
    }

    @Test func theClockIsTheL1BlockNumberWhenTheNodeGivesOne() async throws {
        var chain = TestChain()
        chain.l1BlockNumbers[300] = 7_000_123
        Self.throughWallet(&chain, block: 300, emits: [Emit(.generatorRegistry, "AddedStake(address,uint256)", [.address(Self.generator.address), .uint(.one)])])
        let result = try await Self.enricher().enrich(chain.decoded(), reader: FakeChainReader(chain))
        #expect(result.clocks == [300: UInt256(7_000_123)])
        #expect(result.counts.needed == 0 && result.logs == chain.decoded())
    }
}
