import EthereumKit
import Kalypso
@testable import Matching
import Testing

/// `ECIESAclReencryptor`: real ECIES ACLs through the engine (keys from fixed seeds).
@Suite struct ECIESAclReencryptorTests {
    static func key(_ seed: UInt64) throws -> PrivateKey {
        var g = SplitMix64(seed: seed)
        while true { if let key = try? PrivateKey(bytes: g.bytes(32)) { return key } }
    }

    static let proofMarketplace = T.address(990)

    /// A private market with two generators holding real market keys, the matching-engine key registered at
    /// `pub_key(proofMarketplace, 0)`, and one AES key per ask id.
    struct Fixture {
        var b = StateBuilder()
        let market: UInt256
        let engineKey: PrivateKey
        var generatorKeys: [Address: PrivateKey] = [:]
        var aesKeys: [UInt256: [UInt8]] = [:]

        init(generators: Int = 2, declared: UInt64 = 100) throws {
            engineKey = try ECIESAclReencryptorTests.key(1)
            market = b.market(0, isPrivate: true)
            let pm = ECIESAclReencryptorTests.proofMarketplace
            b.state.keys[KeyID(owner: pm, keyIndex: .zero)] = EnclaveKey(owner: pm, keyIndex: .zero, publicKey: engineKey.publicKey.raw64,
                                                                         updatedInBlock: 1)
            for n in 1...UInt64(generators) {
                let g = b.generator(n, declared: declared)
                b.join(g, market, cpr: 10, cost: n)
                let k = try ECIESAclReencryptorTests.key(100 + n)
                generatorKeys[g] = k
                b.state.keys[KeyID(owner: g, keyIndex: market)] = EnclaveKey(owner: g, keyIndex: market, publicKey: k.publicKey.raw64,
                                                                             updatedInBlock: 1)
            }
        }

        /// A private ask whose ACL is its AES key encrypted to `recipient` (default: the matching-engine key).
        mutating func ask(_ id: UInt64, reward: UInt64 = 100, plaintext: [UInt8]? = nil, recipient: PublicKey? = nil) throws {
            b.ask(id, market: market, reward: reward)
            var g = SplitMix64(seed: 7_000 + id)
            let aes = plaintext ?? g.bytes(32)
            aesKeys[UInt256(id)] = aes
            b.state.asks[UInt256(id)]?.acl = try ECIES.encrypt(aes, to: recipient ?? engineKey.publicKey)
        }

        var reencryptor: ECIESAclReencryptor {
            ECIESAclReencryptor(matchingEngineKey: engineKey, proofMarketplace: ECIESAclReencryptorTests.proofMarketplace)
        }

        func round() -> MatchingRound {
            T.engine(MatchingConfiguration(aclReencryptor: reencryptor)).round(state: b.state, now: T.now)
        }
    }

    @Test func everyNewAclDecryptsWithTheChosenGeneratorsKeyToTheAsksAesKey() throws {
        var f = try Fixture()
        for id in 0..<6 { try f.ask(UInt64(id), reward: 100 + UInt64(id)) }
        let round = f.round()
        #expect(round.assignments.count == 6)
        var decrypted = 0
        for a in round.assignments {
            #expect(a.isPrivate && a.newAcl.count == 129 && a.newAcl.count <= 130)
            let key = try #require(f.generatorKeys[a.generator])
            if try ECIES.decrypt(a.newAcl, with: key) == f.aesKeys[a.askId] { decrypted += 1 }
            #expect(throws: ECIESError.self) { try ECIES.decrypt(a.newAcl, with: f.engineKey) }
        }
        #expect(decrypted == 6)
        // The same engine and oracle decisions (the oracle re-encrypts too: fresh ephemeral keys, so compare the rest).
        let oracle = BruteForceOracle.round(state: f.b.state, now: T.now, configuration: MatchingConfiguration(aclReencryptor: f.reencryptor))
        #expect(oracle.assignedTo == round.assignedTo)
    }

    @Test func anAclForAnotherKeySkipsTheAskAndConsumesNothing() throws {
        var f = try Fixture(generators: 1, declared: 10)     // room for one task
        try f.ask(0, reward: 200, recipient: try Self.key(999).publicKey)
        try f.ask(1, reward: 100)
        let round = f.round()
        guard case .skipped(.aclReencryptionFailed(_, let message))? = round.decision(for: 0)?.outcome else {
            Issue.record("ask 0 should be skipped: \(String(describing: round.decision(for: 0)))")
            return
        }
        #expect(message.contains("does not decrypt with the matching-engine key") && message.contains("tag does not match"))
        #expect(round.assignedTo == [1: try #require(f.generatorKeys.keys.first)])
        #expect(round.summary.skipped[.aclReencryptionFailed] == 1)
    }

    @Test func malformedAclsAreRefusedWithAStatedReason() throws {
        var f = try Fixture(generators: 1)
        try f.ask(0, plaintext: Array(repeating: 1, count: 31))
        try f.ask(1, plaintext: Array(repeating: 1, count: 33))
        f.b.ask(2, market: f.market)
        f.b.state.asks[2]?.acl = Array(repeating: 0x04, count: 129)  // the shape of an ACL, not a curve point
        f.b.ask(3, market: f.market)
        f.b.state.asks[3]?.acl = []
        let r = f.reencryptor
        let g = try #require(f.generatorKeys.first)
        var codes: [MatchingError.Code] = []
        for id in 0..<4 {
            let ask = try #require(f.b.state.asks[UInt256(UInt64(id))])
            let error = #expect(throws: MatchingError.self) {
                try r.reencrypt(ask: ask, for: g.key, generatorKey: g.value.publicKey.raw64)
            }
            codes.append(error?.code ?? .invalidShape)
        }
        #expect(codes == [.invalidAclPlaintext, .invalidAclPlaintext, .undecryptableAcl, .undecryptableAcl])
        let round = f.round()
        #expect(round.assignments.isEmpty && round.summary.skipped[.aclReencryptionFailed] == 4)
    }

    @Test func aGeneratorKeyOffTheCurveIsRefused() throws {
        var f = try Fixture(generators: 1)
        try f.ask(0)
        let g = try #require(f.generatorKeys.keys.first)
        let ask = try #require(f.b.state.asks[0])
        let error = #expect(throws: MatchingError.self) {
            try f.reencryptor.reencrypt(ask: ask, for: g, generatorKey: Array(repeating: 0, count: 64))
        }
        #expect(error?.code == .invalidGeneratorKey)
    }

    @Test func aDifferentRegisteredEngineKeySkipsPrivateAsksSayingSo() throws {
        var f = try Fixture()
        try f.ask(0)
        let other = try Self.key(2)
        let pm = Self.proofMarketplace
        f.b.state.keys[KeyID(owner: pm, keyIndex: .zero)]?.publicKey = other.publicKey.raw64
        let publicMarket = f.b.market(1)
        let g = try #require(f.generatorKeys.keys.min())
        f.b.join(g, publicMarket, cpr: 1)
        f.b.ask(1, market: publicMarket)
        let round = f.round()
        guard case .skipped(.aclReencryptorUnavailable(let reason))? = round.decision(for: 0)?.outcome else {
            Issue.record("ask 0 should be skipped: \(String(describing: round.decision(for: 0)))")
            return
        }
        #expect(reason.contains(f.engineKey.address.checksummed) && reason.contains(other.address.checksummed))
        #expect(reason.contains("pub_key(\(pm.checksummed), 0)"))
        #expect(round.assignedTo == [1: g] && round.assignments.first?.newAcl == [])
        #expect(f.reencryptor.unavailability(in: f.b.state) == reason)
    }

    @Test func anUnmirroredEngineKeyLeavesTheDecisionToEachAcl() throws {
        var f = try Fixture()
        try f.ask(0)
        f.b.state.keys[KeyID(owner: Self.proofMarketplace, keyIndex: .zero)] = nil
        #expect(f.reencryptor.unavailability(in: f.b.state) == nil)
        #expect(f.round().assignments.count == 1)
    }
}
