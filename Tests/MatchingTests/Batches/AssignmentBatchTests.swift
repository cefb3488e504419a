import EthereumKit
import Kalypso
@testable import Matching
import Testing

/// The matching-engine batch payload, its EIP-191 signature and the two calldata shapes (§4.6, §6.5, §11.4).
@Suite struct AssignmentBatchTests {
    /// The spec's test key: keccak256("kalypso-mirror test key").
    private let key: PrivateKey? = try? PrivateKey(bytes: Keccak256.hash(utf8: "kalypso-mirror test key").bytes)

    private func vectorBatch() throws -> AssignmentBatch {
        try AssignmentBatch(askIds: [0, 7],
                            generators: [try Address("0x1111111111111111111111111111111111111111"),
                                         try Address("0x2222222222222222222222222222222222222222")],
                            newAcls: [[], [0x01, 0x02]])
    }

    private func word(_ hex: String) -> [UInt8] {
        let digits = String(repeating: "0", count: 64 - hex.count) + hex
        return (try? Hex.decode("0x" + digits)) ?? []
    }

    @Test func theSpecVectorIsReproducedExactly() throws {
        let key = try #require(key)
        let expectedAddress = try Address("0xb8219F73de68a4E03BD56a2976975572898aeCa1")
        #expect(key.address == expectedAddress)
        let batch = try vectorBatch()
        let payload = try batch.encodedPayload()
        // §11.4, word by word.
        var expected: [UInt8] = []
        for w in ["60", "c0", "120", "2", "0", "7", "2", String(repeating: "11", count: 20), String(repeating: "22", count: 20),
                  "2", "40", "60", "0", "2"] { expected += word(w) }
        expected += [0x01, 0x02] + [UInt8](repeating: 0, count: 30)
        #expect(payload.count == 480)
        #expect(payload == expected)
        let messageHash = try Hash32(hex: "0x89c4a56bbaf215e958ea9135e4b6891b1699bb525427d349b937e6b4239a837e")
        let digest = try Hash32(hex: "0x4e64138e5499266a6e34e5f2516a2b6f02ac40615e7f9120338ddad7343a6ab2")
        #expect(try batch.messageHash() == messageHash)
        #expect(try batch.digest() == digest)
        let signed = try batch.signed(with: key)
        #expect(Hex.encode(signed.signature.rsv) == "0xa3ad7dfa1ecd46d933fbd785eb5209d79bf6dfae6a824b029ab9f648149b52b8"
                + "5ad85b45a6e2b8a1557d16732d3f3f0a45259da8eb8037d178a1b628d9d378a81b")
        #expect(signed.signature.isLowS && (signed.signature.v == 27 || signed.signature.v == 28))
        #expect(try signed.signer() == key.address)
    }

    @Test func theEmptyBatchHash() throws {
        let empty = try AssignmentBatch(askIds: [], generators: [], newAcls: [])
        let expected = try Hash32(hex: "0x9915489080799234d12c818dbd017442406686b38ae33288e035c18102ae4781")
        #expect(try empty.messageHash() == expected)
    }

    @Test func relayCalldataDecodesBackWithTheContractSignature() throws {
        let key = try #require(key)
        let signed = try vectorBatch().signed(with: key)
        let calldata = try signed.relayCalldata()
        let function = try ABIFunction(signature: "relayBatchAssignTasks(uint256[],address[],bytes[],bytes)")
        #expect(function.selector == MatchingCalldata.relayBatchAssignTasks)
        let relaySelector = try ABISelector(hex: "0xe6afc3d9")
        #expect(MatchingCalldata.relayBatchAssignTasks == relaySelector)
        #expect(Array(calldata.prefix(4)) == [0xe6, 0xaf, 0xc3, 0xd9])
        let args = try function.decodeCall(calldata)
        #expect(args[0] == .array([.uint(0), .uint(7)]))
        #expect(args[1] == .array(signed.batch.generators.map(ABIValue.address)))
        #expect(args[2] == .array([.bytes([]), .bytes([1, 2])]))
        #expect(args[3] == .bytes(signed.signature.rsv))
        // The contract recomputes the hash from the decoded arrays and recovers the ME key.
        let rebuilt = try AssignmentBatch(askIds: [0, 7], generators: signed.batch.generators, newAcls: [[], [1, 2]])
        let recovered = try SignedAssignmentBatch(batch: rebuilt, signature: Signature(rsv: args[3].bytesValue ?? [])).signer()
        #expect(recovered == key.address)
    }

    @Test func assignTaskCalldataPerItem() throws {
        let calls = try vectorBatch().assignTaskCalldata()
        let function = try ABIFunction(signature: "assignTask(uint256,address,bytes)")
        #expect(function.selector == MatchingCalldata.assignTask)
        let assignSelector = try ABISelector(hex: "0x527986d0")
        #expect(MatchingCalldata.assignTask == assignSelector)
        #expect(calls.count == 2)
        let second = try function.decodeCall(calls[1])
        let generator = try Address("0x2222222222222222222222222222222222222222")
        #expect(second == [.uint(7), .address(generator), .bytes([1, 2])])
    }

    @Test func mismatchedArraysAreAnError() throws {
        #expect(throws: MatchingError.self) {
            try AssignmentBatch(askIds: [1, 2], generators: [T.address(1)], newAcls: [[], []])
        }
        do {
            _ = try AssignmentBatch(askIds: [1], generators: [], newAcls: [[]])
        } catch let error as MatchingError {
            #expect(error.code == .arityMismatch && error.message.contains("ArityMismatch()"))
        }
    }

    @Test func aRoundsBatchesAreSignedInOrder() throws {
        let key = try #require(key)
        var b = StateBuilder()
        let m = b.market(0, penalty: 1)
        let g = b.generator(1)
        b.join(g, m, cpr: 1)
        for k in 0..<5 { b.ask(UInt64(k), market: m, reward: 100 - UInt64(k)) }
        let round = T.engine(MatchingConfiguration(maxBatchSize: 2)).round(state: b.state, now: T.now)
        let signed = try round.signedBatches(with: key)
        #expect(signed.map(\.batch) == round.batches)
        for s in signed { #expect(try s.signer() == key.address) }
        let acls = signed.flatMap { $0.batch.newAcls }
        #expect(acls.allSatisfy { $0.isEmpty }, "public asks get an empty newAcl")
    }
}

/// Re-checking a round on a newer state before sending.
@Suite struct RevalidationTests {
    @Test func assignmentsThatNoLongerHoldAreDroppedWithTheRevert() throws {
        var b = StateBuilder()
        let m = b.market(0, penalty: 1)
        let g1 = b.generator(1), g2 = b.generator(2)
        b.join(g1, m, cpr: 1, cost: 1)
        b.join(g2, m, cpr: 1, cost: 2)
        b.ask(0, market: m, reward: 300)
        b.ask(1, market: m, reward: 200, expiry: T.now + 50)
        b.ask(2, market: m, reward: 100)
        let round = T.engine().round(state: b.state, now: T.now)
        #expect(round.assignments.count == 3)
        // Meanwhile: g1 requested exit, ask 1's expiry is near, and ask 2 was assigned by someone else.
        var newer = b.state
        newer.generatorMarkets[GeneratorMarketKey(generator: g1, marketId: m)]?.state = .requestedForExit
        newer.asks[2]?.storedState = .assigned
        let check = round.revalidated(on: newer, now: T.now + 50)
        #expect(check.kept.isEmpty)
        let codes = check.dropped.map { d -> ContractRevert.Code? in
            if case .reverts(let r) = d.reason { return r.code }
            return nil
        }
        #expect(codes == [.assignOnlyToIdleGenerators, .shouldBeInCreateState, .shouldBeInCreateState])
        // On the snapshot itself everything holds, and the batches are the round's.
        let same = round.revalidated(on: b.state, now: T.now)
        #expect(same.dropped.isEmpty && same.batches(maxBatchSize: 10) == round.batches)
    }
}
