import EthereumKit
import Kalypso
@testable import Mirror
import Testing

/// `StateVerifier` against a responder that answers the getters from a second `KalypsoState` (the "chain").
@Suite struct StateVerifierTests {
    static let deployment = KalypsoDeployment(chainId: 1, generatorRegistry: Address(hi: 0, mid: 0, lo: 1),
                                              proofMarketplace: Address(hi: 0, mid: 0, lo: 2),
                                              entityKeyRegistry: Address(hi: 0, mid: 0, lo: 3), startBlock: 1)
    static let g1 = Address(hi: 0, mid: 0, lo: 0x100)
    static let g2 = Address(hi: 0, mid: 0, lo: 0x200)
    static let block = Checkpoint(blockNumber: 50, blockHash: Hash32(UInt256(50)))

    static func state() -> KalypsoState {
        var s = KalypsoState()
        s.generators[g1] = Generator.registered(address: g1, rewardAddress: g1, declaredCompute: 100, initialStake: 1000,
                                                generatorData: Array("{}".utf8), block: 2)
        s.generators[g1]?.sumOfComputeAllocations = 10
        s.generators[g1]?.activeMarketplaces = 1
        s.markets[0] = Market(id: 0, data: MarketData(verifier: Address(hi: 0, mid: 0, lo: 9), proverImageId: .zero, slashingPenalty: 5,
                                                      activationBlock: 3, ivsImageId: .zero, creator: g2, metadata: [1, 2]), createdInBlock: 3)
        s.markets[1] = Market(id: 1, data: MarketData(verifier: Address(hi: 0, mid: 0, lo: 9), proverImageId: .zero, slashingPenalty: 7,
                                                      activationBlock: 3, ivsImageId: .zero, creator: g2, metadata: []), createdInBlock: 3)
        let row = GeneratorMarket(generator: g1, marketId: 0, state: .joined, computePerRequestRequired: 10, proofGenerationCost: 4,
                                  proposedTime: 20, activeRequests: 0, joinedInBlock: 4)
        s.generatorMarkets[row.key] = row
        s.asks[0] = Ask(id: 0, body: AskBody(marketId: 0, reward: 9, expiry: 100, timeTakenForProofGeneration: 10, deadline: 0,
                                             refundAddress: g2, proverData: [7]),
                        storedState: .create, requester: g2, hasPrivateInputs: false, secretData: [], acl: [], extraData: [],
                        secretType: .calldata, createdInBlock: 5)
        s.keys[KeyID(owner: g1, keyIndex: 0)] = EnclaveKey(owner: g1, keyIndex: 0, publicKey: [UInt8](repeating: 4, count: 64), updatedInBlock: 4)
        s.pricing[.calldata] = Pricing(secretType: .calldata, costPerInputBytes: 3, minProvingTime: 2)
        return s
    }

    /// Answers the getters as the contracts would for `chain` at clock `now`.
    static func responder(_ chain: KalypsoState, now: UInt256, revert: UInt32? = nil) throws -> StateVerifier.CallBatch {
        let g = try KalypsoGetters()
        return { calls in
            calls.map { call -> Result<[UInt8], any Error> in
                do {
                    guard let selector = ABISelector(prefixOf: call.data) else { throw SyncError(.inconsistentNode, "short call") }
                    if selector.rawValue == revert { throw SyncError(.inconsistentNode, "execution reverted") }
                    return .success(try Self.answer(g, selector, call.data, chain, now))
                } catch {
                    return .failure(error)
                }
            }
        }
    }

    static func answer(_ g: KalypsoGetters, _ selector: ABISelector, _ data: [UInt8], _ s: KalypsoState, _ now: UInt256) throws -> [UInt8] {
        switch selector {
        case g.generatorRegistry.selector:
            let a = try g.generatorRegistry.decodeCall(data)[0].addressValue ?? .zero
            let x = s.generators[a] ?? .zero(a)
            return try g.generatorRegistry.encodeOutput([.address(x.rewardAddress ?? .zero), .uint(x.totalStake), .uint(x.sumOfComputeAllocations),
                                                         .uint(x.computeConsumed), .uint(x.stakeLocked), .uint(x.activeMarketplaces),
                                                         .uint(x.declaredCompute), .uint(x.intendedStakeUtilization),
                                                         .uint(x.intendedComputeUtilization), .bytes(x.generatorData ?? [])])
        case g.generatorInfoPerMarket.selector:
            let args = try g.generatorInfoPerMarket.decodeCall(data)
            let r = s.row(args[0].addressValue ?? .zero, args[1].uintValue ?? .zero)
            return try g.generatorInfoPerMarket.encodeOutput([.uint(UInt256(UInt64(r?.state.rawValue ?? 0))), .uint(r?.computePerRequestRequired ?? .zero),
                                                              .uint(r?.proofGenerationCost ?? .zero), .uint(r?.proposedTime ?? .zero),
                                                              .uint(r?.activeRequests ?? .zero)])
        case g.getGeneratorState.selector:
            let args = try g.getGeneratorState.decodeCall(data)
            let r = s.getGeneratorState(args[0].addressValue ?? .zero, args[1].uintValue ?? .zero)
            return try g.getGeneratorState.encodeOutput([.uint(UInt256(UInt64(r?.state.rawValue ?? 0))), .uint(r?.idleCapacity ?? .zero)])
        case g.marketCounter.selector:
            return try g.marketCounter.encodeOutput([.uint(UInt256(UInt64(s.markets.count)))])
        case g.marketData.selector:
            let m = s.markets[try g.marketData.decodeCall(data)[0].uintValue ?? .zero]?.data
            return try g.marketData.encodeOutput([.address(m?.verifier ?? .zero), .fixedBytes((m?.proverImageId ?? .zero).bytes),
                                                  .uint(m?.slashingPenalty ?? .zero), .uint(m?.activationBlock ?? .zero),
                                                  .fixedBytes((m?.ivsImageId ?? .zero).bytes), .address(m?.creator ?? .zero), .bytes(m?.metadata ?? [])])
        case g.askCounter.selector:
            return try g.askCounter.encodeOutput([.uint(UInt256(UInt64(s.asks.count)))])
        case g.listOfAsk.selector:
            let id = try g.listOfAsk.decodeCall(data)[0].uintValue ?? .zero
            let a = s.asks[id], b = a?.body
            return try g.listOfAsk.encodeOutput([
                .tuple([.uint(b?.marketId ?? .zero), .uint(b?.reward ?? .zero), .uint(b?.expiry ?? .zero), .uint(b?.timeTakenForProofGeneration ?? .zero),
                        .uint(b?.deadline ?? .zero), .address(b?.refundAddress ?? .zero), .bytes(b?.proverData ?? [])]),
                .uint(UInt256(UInt64(a?.storedState.rawValue ?? 0))), .address(a?.requester ?? .zero), .address(a?.generator ?? .zero)])
        case g.getAskState.selector:
            let id = try g.getAskState.decodeCall(data)[0].uintValue ?? .zero
            return try g.getAskState.encodeOutput([.uint(UInt256(UInt64(s.getAskState(id, now: now)?.rawValue ?? 0)))])
        case g.publicKey.selector:
            let args = try g.publicKey.decodeCall(data)
            let k = s.keys[KeyID(owner: args[0].addressValue ?? .zero, keyIndex: args[1].uintValue ?? .zero)]
            return try g.publicKey.encodeOutput([.bytes(k?.publicKey ?? [])])
        case g.costPerInputBytes.selector, g.minProvingTime.selector:
            let f = selector == g.costPerInputBytes.selector ? g.costPerInputBytes : g.minProvingTime
            let t = SecretType(rawValue: UInt8(try f.decodeCall(data)[0].uint64Value ?? 0)) ?? .null
            let p = s.pricing(for: t)
            return try f.encodeOutput([.uint(selector == g.costPerInputBytes.selector ? p.costPerInputBytes : p.minProvingTime)])
        default:
            throw SyncError(.inconsistentNode, "unexpected selector \(selector)")
        }
    }

    static func verify(mirror: KalypsoState, chain: KalypsoState, revert: UInt32? = nil) async throws -> VerificationReport {
        try await StateVerifier(deployment: deployment).verify(mirror, at: block, clock: 50, call: try responder(chain, now: 50, revert: revert))
    }

    @Test func anIdenticalChainHasNoMismatches() async throws {
        let report = try await Self.verify(mirror: Self.state(), chain: Self.state())
        #expect(report.mismatches == [])
        #expect(report.checked.first { $0.kind == "generator-market pairs" }?.count == 2)  // market 1 has no row: checked as NULL
        #expect(report.calls > 10)
    }

    @Test func aDifferentFieldIsReportedByName() async throws {
        var chain = Self.state()
        chain.generators[Self.g1]?.totalStake = 999
        let report = try await Self.verify(mirror: Self.state(), chain: chain)
        #expect(report.mismatches.map(\.field) == ["totalStake"])
        #expect(report.mismatches.first?.mirror == "1000")
        #expect(report.mismatches.first?.chain == "999")
    }

    @Test func aJoinTheMirrorMissedShowsUpAsARowState() async throws {
        var chain = Self.state()
        let row = GeneratorMarket(generator: Self.g1, marketId: 1, state: .joined, computePerRequestRequired: 1, proofGenerationCost: 1,
                                  proposedTime: 1, activeRequests: 0, joinedInBlock: 9)
        chain.generatorMarkets[row.key] = row
        let report = try await Self.verify(mirror: Self.state(), chain: chain)
        #expect(report.mismatches.contains { $0.entity.contains("market 1") && $0.field == "state" && $0.mirror == "NULL" && $0.chain == "JOINED" })
    }

    @Test func aGeneratorRegisteredOnChainButNotMirroredIsReported() async throws {
        var mirror = Self.state()
        mirror.asks[0]?.generator = Self.g2   // the mirror knows g2 only as an ask's generator
        var chain = mirror
        chain.generators[Self.g2] = Generator.registered(address: Self.g2, rewardAddress: Self.g2, declaredCompute: 5, initialStake: 5,
                                                         generatorData: [], block: 3)
        let report = try await Self.verify(mirror: mirror, chain: chain)
        #expect(report.mismatches.contains { $0.entity == "generator \(Self.g2.checksummed)" && $0.field == "registration" })
    }

    @Test func derivedStatesAndCountsAreCompared() async throws {
        var chain = Self.state()
        chain.generators[Self.g1]?.computeConsumed = 50   // idle capacity 50: WIP instead of JOINED
        chain.asks[1] = Ask(id: 1, body: nil, storedState: .create, requester: nil, hasPrivateInputs: false, secretData: [], acl: [],
                            extraData: [], secretType: nil, createdInBlock: 6)
        let fields = Set(try await Self.verify(mirror: Self.state(), chain: chain).mismatches.map(\.field))
        #expect(fields.isSuperset(of: ["computeConsumed", "getGeneratorState.state", "getGeneratorState.idleCapacity", "askCounter"]))
    }

    @Test func aFailedCallIsAMismatch() async throws {
        let report = try await Self.verify(mirror: Self.state(), chain: Self.state(), revert: 0x6c8d_f518)  // listOfAsk
        #expect(report.mismatches.count == 1)
        #expect(report.mismatches.first?.chain.contains("the call failed") == true)
    }
}
