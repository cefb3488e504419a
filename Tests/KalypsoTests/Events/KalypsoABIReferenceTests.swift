import Testing
import EthereumKit
@testable import Kalypso

@Suite struct KalypsoABIReferenceTests {
    /// Every topic0 literal equals keccak256 of its canonical signature (G1, inherited and other generations).
    @Test func topic0IsKeccakOfSignature() {
        let all = KalypsoTopics.g1 + KalypsoTopics.inherited + KalypsoTopics.otherGenerations
        for entry in all {
            #expect(Keccak256.hash(Array(entry.signature.utf8)) == entry.topic0, "\(entry.declaration)")
            #expect(!entry.topic0.isZero, "malformed literal for \(entry.signature)")
        }
        #expect(all.count == 42 + 8 + 37)
    }

    /// The canonical signature is the declaration with names and `indexed` removed (enums as uint8).
    @Test func signatureMatchesDeclaration() {
        for entry in KalypsoTopics.g1 + KalypsoTopics.otherGenerations {
            let open = entry.declaration.firstIndex(of: "(") ?? entry.declaration.endIndex
            let name = entry.declaration[..<open]
            let params = entry.declaration[open...].dropFirst().dropLast()
                .split(separator: ",").map { $0.split(separator: " ").first.map(String.init) ?? "" }
                .map { $0 == "SecretType" ? "uint8" : $0 }
            #expect(entry.signature == "\(name)(\(params.joined(separator: ",")))", "\(entry.declaration)")
        }
    }

    /// Each spec section's count, contract and SDK flag.
    @Test func g1TableShape() {
        let byContract = Dictionary(grouping: KalypsoTopics.g1, by: { $0.contract })
        #expect(byContract[.generatorRegistry]?.count == 18)
        #expect(byContract[.proofMarketplace]?.count == 14)
        #expect(byContract[.entityKeyRegistry]?.count == 10)
        #expect(KalypsoTopics.stakeSlashed.inSDKBuild == false)
        #expect(KalypsoTopics.askCreated.inSDKBuild == false)
        #expect(KalypsoTopics.askCreatedLegacy.inSDKBuild == true)
        #expect(Set((KalypsoTopics.g1 + KalypsoTopics.inherited).map(\.topic0)).count == 50, "handled topic0s are distinct")
    }

    /// No other-generation topic0 collides with a handled one; the lookups find each entry.
    @Test func otherGenerationsAreDistinct() {
        for entry in KalypsoTopics.otherGenerations {
            #expect(KalypsoTopics.handled(entry.topic0) == nil, "\(entry.signature) collides with a handled topic0")
            #expect(KalypsoTopics.otherGeneration(entry.topic0) == entry)
            #expect(entry.generation != .g1)
        }
        for entry in KalypsoTopics.g1 + KalypsoTopics.inherited {
            #expect(KalypsoTopics.handled(entry.topic0) == entry)
        }
    }

    /// Every error selector is the first 4 bytes of keccak256 of its signature.
    @Test func errorSelectors() {
        for entry in KalypsoErrors.all {
            let hash = Keccak256.hash(Array(entry.signature.utf8)).bytes
            #expect(Array(hash.prefix(4)) == entry.selectorBytes, "\(entry.signature)")
            #expect(KalypsoErrors.decode(selectorOf: entry.selectorBytes + [0, 1]) == entry)
        }
        #expect(KalypsoErrors.all.count == 66)
        #expect(Set(KalypsoErrors.all.map(\.selector)).count == KalypsoErrors.all.count)
        #expect(KalypsoErrors.decode(selectorOf: [0x01, 0x02]) == nil)
    }

    /// `NO_ENCLAVE_ID` is keccak256 of three all-zero 48-byte PCRs (§4.4).
    @Test func noEnclaveId() {
        #expect(Keccak256.hash([UInt8](repeating: 0, count: 144)) == MarketData.noEnclaveId)
        #expect(!MarketData.isEnclaveImage(.zero))
        #expect(!MarketData.isEnclaveImage(MarketData.noEnclaveId))
        #expect(MarketData.isEnclaveImage(F.hash(1)))
    }
}
