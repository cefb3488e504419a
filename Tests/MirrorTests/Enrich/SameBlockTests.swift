import EthereumKit
import JSONRPC
import Kalypso
import Mirror
import Testing

/// §7.3 "[inferred] converges": a pinned call sees the state at the end of the block. When a later transaction of
/// the same block changes the row, the calldata path is exact; the pinned path records the later value for the
/// earlier event (or detects the contradiction and marks it unavailable), and the reduced state still converges.
@Suite struct SameBlockTests {
    static let d = TestDeployment.deployment
    static let key = TestKeys.numbered(1)
    static let wallet = TestDeployment.address("0x7777777777777777777777777777777777777777")
    static let rewardA = TestDeployment.address("0x2222222222222222222222222222222222222222")
    static let rewardB = TestDeployment.address("0x3333333333333333333333333333333333333333")
    static let e18 = UInt256(1_000_000_000_000_000_000)

    /// Registration (block 399), then in block 400: join market 3 (cost 500, time 40), leave it, and — if
    /// `rejoin` — join again (cost 900, time 80); plus a reward-address change after the registration in block 399.
    /// `direct`: the generator's EOA calls the registry (calldata available); otherwise a contract wallet does.
    static func scenario(direct: Bool, rejoin: Bool) -> (TestChain, Address) {
        var chain = TestChain()
        let g = direct ? key.address : wallet
        func send(_ block: UInt64, _ signature: String, _ args: [ABIValue], _ emits: [Emit]) {
            let input = TestDeployment.calldata(signature, in: .generatorRegistry, args)
            if direct {
                chain.transact(block: block, from: key, to: d.generatorRegistry, input: input, emits: emits)
            } else {
                chain.transact(block: block, from: key, to: wallet, input: [0xb6, 0x1d, 0x27, 0xf6] + input, emits: emits)
            }
        }
        send(399, "register(address,uint256,uint256,bytes)", [.address(rewardA), .uint(UInt256(8)), .uint(UInt256(100)), .bytes([1])],
             [Emit(.generatorRegistry, "RegisteredGenerator(address,uint256,uint256)", [.address(g), .uint(UInt256(8)), .uint(UInt256(100))])])
        send(399, "changeRewardAddress(address)", [.address(rewardB)],
             [Emit(.generatorRegistry, "ChangedGeneratorRewardAddress(address,address)", [.address(g), .address(rewardB)])])
        let join = "joinMarketplace(uint256,uint256,uint256,uint256,bool,bytes,bytes)"
        send(400, join, [.uint(UInt256(3)), .uint(UInt256(2)), .uint(UInt256(500)), .uint(UInt256(40)), .bool(false), .bytes([]), .bytes([])],
             [Emit(.generatorRegistry, "JoinedMarketplace(address,uint256,uint256)", [.address(g), .uint(UInt256(3)), .uint(UInt256(2))])])
        send(400, "leaveMarketplace(uint256)", [.uint(UInt256(3))],
             [Emit(.generatorRegistry, "LeftMarketplace(address,uint256)", [.address(g), .uint(UInt256(3))])])
        if rejoin {
            send(400, join, [.uint(UInt256(3)), .uint(UInt256(2)), .uint(UInt256(900)), .uint(UInt256(80)), .bool(false), .bytes([]), .bytes([])],
                 [Emit(.generatorRegistry, "JoinedMarketplace(address,uint256,uint256)", [.address(g), .uint(UInt256(3)), .uint(UInt256(2))])])
        }
        return (chain, g)
    }

    /// A reader whose pinned calls return the end-of-block values: reward B, and the row as the last transaction
    /// of block 400 left it (re-joined at 900/80, or gone).
    static func endOfBlockReader(_ chain: TestChain, _ g: Address, rejoin: Bool) -> FakeChainReader {
        let registry = Pinned.generator(g, reward: rewardB, data: [1], block: 399)
        let row = rejoin ? Pinned.row(g, UInt256(3), compute: UInt256(2), cost: UInt256(900), time: UInt256(80), block: 400)
                         : Pinned.row(g, UInt256(3), state: .zero, compute: .zero, cost: .zero, time: .zero, block: 400)
        return FakeChainReader(chain, answers: [registry.0: registry.1, row.0: row.1])
    }

    static func terms(_ logs: [KalypsoLog]) -> [Enrichment<MarketplaceJoinTerms>] {
        logs.compactMap { if case .joinedMarketplace(let e) = $0.event { return e.terms } else { return nil } }
    }

    static func reduce(_ logs: [KalypsoLog]) -> KalypsoState {
        var state = KalypsoState()
        _ = KalypsoReducer.apply(TransactionLogs.group(logs), to: &state)
        return state
    }

    @Test func theCalldataPathIsExactWhenALaterTransactionChangesTheRow() async throws {
        let (chain, g) = Self.scenario(direct: true, rejoin: true)
        let reader = Self.endOfBlockReader(chain, g, rejoin: true)
        let result = try await Enricher(deployment: Self.d, logger: .disabled).enrich(chain.decoded(), reader: reader)
        #expect(reader.callBatches.isEmpty)
        #expect(Self.terms(result.logs) == [.calldata(MarketplaceJoinTerms(proofGenerationCost: UInt256(500), proposedTime: UInt256(40))),
                                            .calldata(MarketplaceJoinTerms(proofGenerationCost: UInt256(900), proposedTime: UInt256(80)))])
        guard case .registeredGenerator(let r) = result.logs[0].event else { Issue.record("not RegisteredGenerator"); return }
        #expect(r.registration.payload?.rewardAddress == Self.rewardA, "the reward at registration, not the end-of-block one")
    }

    /// What remains inexact: through a contract wallet the first join records the re-join's terms (the end-of-block
    /// row has the same compute, so nothing contradicts it), and the registration records the later reward address.
    /// The reduced state is the same as with exact calldata.
    @Test func thePinnedPathRecordsEndOfBlockValuesButTheStateConverges() async throws {
        let (walletChain, walletG) = Self.scenario(direct: false, rejoin: true)
        let reader = Self.endOfBlockReader(walletChain, walletG, rejoin: true)
        let pinned = try await Enricher(deployment: Self.d, logger: .disabled).enrich(walletChain.decoded(), reader: reader)
        #expect(reader.callBatches.count == 1 && reader.callBatches[0].count == 2, "one row read serves both joins")
        let late = MarketplaceJoinTerms(proofGenerationCost: UInt256(900), proposedTime: UInt256(80))
        #expect(Self.terms(pinned.logs) == [.pinnedCall(late, blockHash: TestChain.blockHash(400)), .pinnedCall(late, blockHash: TestChain.blockHash(400))])
        guard case .registeredGenerator(let r) = pinned.logs[0].event else { Issue.record("not RegisteredGenerator"); return }
        #expect(r.registration.payload?.rewardAddress == Self.rewardB)

        let (directChain, directG) = Self.scenario(direct: true, rejoin: true)
        let exact = try await Enricher(deployment: Self.d, logger: .disabled).enrich(directChain.decoded(), reader: Self.endOfBlockReader(directChain, directG, rejoin: true))
        let a = Self.reduce(pinned.logs), b = Self.reduce(exact.logs)
        #expect(a.row(walletG, UInt256(3))?.proofGenerationCost == UInt256(900) && b.row(directG, UInt256(3))?.proofGenerationCost == UInt256(900))
        #expect(a.row(walletG, UInt256(3))?.proposedTime == b.row(directG, UInt256(3))?.proposedTime)
        #expect(a.generators[walletG]?.rewardAddress == Self.rewardB && b.generators[directG]?.rewardAddress == Self.rewardB)
        #expect(a.generators[walletG]?.sumOfComputeAllocations == b.generators[directG]?.sumOfComputeAllocations)
    }

    /// A leave without a re-join: the end-of-block row is empty, which contradicts the join. The enricher says so
    /// (unavailable) instead of storing zeros; the LeftMarketplace that follows removes the row anyway.
    @Test func aContradictingEndOfBlockReadIsDetectedAndMarkedUnavailable() async throws {
        let (chain, g) = Self.scenario(direct: false, rejoin: false)
        let result = try await Enricher(deployment: Self.d, logger: .disabled).enrich(chain.decoded(), reader: Self.endOfBlockReader(chain, g, rejoin: false))
        let terms = Self.terms(result.logs)
        guard terms.count == 1, case .unavailable(let why) = terms[0].source else { Issue.record("expected unavailable: \(terms)"); return }
        #expect(why.contains("later transaction of the same block"))
        let state = Self.reduce(result.logs)
        #expect(state.row(g, UInt256(3)) == nil && state.generators[g]?.activeMarketplaces == .zero)
    }

    /// A deregistration later in the same block empties `generatorRegistry(g)`: detected, not stored as zeros.
    @Test func aLaterDeregistrationIsDetected() async throws {
        var chain = TestChain()
        chain.transact(block: 500, from: Self.key, to: Self.wallet, input: [1, 2, 3, 4], emits: [
            Emit(.generatorRegistry, "RegisteredGenerator(address,uint256,uint256)", [.address(Self.wallet), .uint(UInt256(8)), .uint(.zero)]),
        ])
        chain.transact(block: 500, from: Self.key, to: Self.wallet, input: [1, 2, 3, 5], emits: [
            Emit(.generatorRegistry, "DeregisteredGenerator(address)", [.address(Self.wallet)]),
        ])
        let empty = Pinned.generator(Self.wallet, reward: .zero, data: [], compute: .zero, block: 500)
        let result = try await Enricher(deployment: Self.d, logger: .disabled).enrich(chain.decoded(), reader: FakeChainReader(chain, answers: [empty.0: empty.1]))
        guard case .registeredGenerator(let r) = result.logs[0].event, case .unavailable(let why) = r.registration.source else {
            Issue.record("expected unavailable"); return
        }
        #expect(why.contains("deregistered later in the same block"))
        #expect(Self.reduce(result.logs).generators[Self.wallet] == nil)
    }
}
