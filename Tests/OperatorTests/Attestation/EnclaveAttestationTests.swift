import EthereumKit
import Kalypso
import Operator
import Testing

/// The §11.4 vectors of kalypso-contracts.md (attestation layout, proof of possession, EIP-712 attestation) and
/// the local checks join-market / update-key run before sending.
@Suite struct EnclaveAttestationTests {
    static let testKey = Keccak256.hash(utf8: "kalypso-mirror test key")
    static let pcrs = EnclavePCRs(pcr0: [UInt8](repeating: 1, count: 48), pcr1: [UInt8](repeating: 2, count: 48),
                                  pcr2: [UInt8](repeating: 3, count: 48))
    static let timestamp = UInt256(1_700_000_000_000)
    static let verifier = Address(hi: 0x3333_3333, mid: 0x3333_3333_3333_3333, lo: 0x3333_3333_3333_3333)

    static func key() throws -> PrivateKey { try PrivateKey(bytes: testKey.bytes) }

    static func vectorAttestation() throws -> EnclaveAttestation {
        try EnclaveAttestation(attestationSignature: [UInt8](repeating: 0xaa, count: 65), enclavePublicKey: try key().publicKey.raw64,
                               pcrs: pcrs, timestampMilliseconds: timestamp)
    }

    @Test func theTestKeyIsTheSpecs() throws {
        let k = try Self.key()
        #expect(testKeyHex(k) == "0x5e5dd4a68c42774348dc0f735ac43cca30c10371bfdc80765198febaddc74012")
        #expect(k.address.checksummed == "0xb8219F73de68a4E03BD56a2976975572898aeCa1")
        #expect(Hex.encode(k.publicKey.raw64) == "0x036d7519363bd28591f03fe9b15d7192778ee42c1e6d5abcd2a8236ae59590f31a79cd5b9a4161908f004d060c23f6627d341c5e1202c93d728f54efe61a187c")
    }

    private func testKeyHex(_ k: PrivateKey) -> String { k.withUnsafeSecretBytes { Hex.encode(Array($0)) } }

    @Test func attestationLayoutAndImageId() throws {
        let a = try Self.vectorAttestation()
        #expect(a.encoded.count == 704)
        #expect(Keccak256.hash(a.encoded).description == "0x1542007b3eed578a908fc51ede691f80be03a762a07a1d3d3595f38b68081d3c")
        #expect(a.imageId.description == "0x79415a8460aad0c8ae8d2eb4b4c7a7cb2d4d546b453e170add25071572b0fd69")
        #expect(a.enclaveAddress == (try Self.key()).address)
        let decoded = try EnclaveAttestation(decoding: a.encoded)
        #expect(decoded == a)
    }

    @Test func proofOfPossessionVector() throws {
        let a = try Self.vectorAttestation()
        let message = EnclaveAttestation.proofOfPossessionMessage(attestation: a.encoded, addressToVerify: Self.verifier)
        #expect(message.description == "0xdace8b32091e002b101144a098be96ee2c0dbd8f8bb586de62beacd61b01142c")
        #expect(PersonalMessage.hash(messageHash: message).description == "0xa59e4d7b8bee7beed29dfbdfb3b32ccb9cddedd88ca3aebd33003620a2d87a5c")
        let signature = try a.proofOfPossession(enclaveKey: try Self.key(), generator: Self.verifier)
        #expect(Hex.encode(signature) == "0x4e2bf6b94277ecb15f241ec08da30ea2130258ae598edf8cda3b142fd29007c259de4b76c6a2e20e75940721d415fe9a731d5efa1ab6e8720ef514eec3eb6dbf1c")
        #expect(try a.verifyProofOfPossession(signature, generator: Self.verifier) == (try Self.key()).address)
    }

    @Test func eip712AttestationVector() throws {
        #expect(EnclaveAttestation.domainSeparator.description == "0x0de834feb03c214f785e75b2828ffeceb322312d4487e2fb9640ca5fc32542c7")
        #expect(EnclaveAttestation.attestationTypeHash.description == "0x6889df476ca38f3f4b417c17eb496682eb401b4f41a2259741a78acc481ea805")
        let k = try Self.key()
        let digest = EnclaveAttestation.attestationDigest(enclavePublicKey: k.publicKey.raw64, pcrs: Self.pcrs, timestampMilliseconds: Self.timestamp)
        #expect(digest.description == "0x9fa518529d7bcedcbe490b2768405c761f210a7fd166df100d11211b3268a46e")
        let built = try EnclaveAttestation.devnode(signer: k, enclavePublicKey: k.publicKey.raw64, pcrs: Self.pcrs, timestampMilliseconds: Self.timestamp)
        #expect(Hex.encode(built.attestationSignature) == "0xb59f46289268a58814fca5ab0c1b65f553173398374cb5d714e92b56ea236fa7770eb85b0c46d4d875604d3ab3356ac7fe6a65e7d4a03feb210cd4ad178f89731b")
        #expect(built.attestationSigner == k.address)
    }

    @Test func familyIds() {
        #expect(EnclaveAttestation.generatorFamily(market: .zero).description == "0x9e6b31bcea1a6a5696216c9400a807c5809bb993c58c3bb6927215bf03b2f273")
        #expect(EnclaveAttestation.generatorFamily(market: .one).description == "0x47d55e03d521c29c24de48703b238525b3d3c2106250ce95df766894db179bf6")
        #expect(EnclaveAttestation.ivsFamily(market: .zero).description == "0x92fa716bcacfd49919bfbf2f7c098b471c39205d720d8770242b14fd668c0b95")
        #expect(EnclaveAttestation.ivsFamily(market: .one).description == "0xf7a9830ab4a61d7c3d98d9977f7730b6f6255e5e224d982e866248ab39d02386")
    }

    // MARK: - Refusals

    static func refuses(_ expected: String, _ body: () throws -> Void) {
        #expect {
            try body()
        } throws: { error in
            guard let e = error as? OperatorError, e.code == .attestation else { return false }
            return e.message.contains(expected)
        }
    }

    @Test func refusesSignaturesThatAreNotTheEnclaves() throws {
        let a = try Self.vectorAttestation()
        let good = try a.proofOfPossession(enclaveKey: try Self.key(), generator: Self.verifier)
        // Signed for another generator: recovers to some other address.
        Self.refuses("not to the attested enclave key") { try a.verifyProofOfPossession(good, generator: .zero) }
        // Signed by another key.
        let other = try PrivateKey(bytes: Keccak256.hash(utf8: "other").bytes)
        let foreign = try other.sign(digest: PersonalMessage.hash(messageHash: EnclaveAttestation.proofOfPossessionMessage(attestation: a.encoded, addressToVerify: Self.verifier))).rsv
        Self.refuses("recovers to \(other.address.checksummed)") { try a.verifyProofOfPossession(foreign, generator: Self.verifier) }
        // Wrong length, v = 0/1, high s.
        Self.refuses("must be 65") { try a.verifyProofOfPossession(Array(good.prefix(64)), generator: Self.verifier) }
        var yParity = good
        yParity[64] -= 27
        Self.refuses("must be 27 or 28") { try a.verifyProofOfPossession(yParity, generator: Self.verifier) }
        let sig = try Signature(rsv: good)
        let highS = Secp256k1Curve.n - sig.s
        let flipped = sig.r.bigEndianBytes + highS.bigEndianBytes + [sig.v == 27 ? 28 : 27]
        Self.refuses("high s") { try a.verifyProofOfPossession(flipped, generator: Self.verifier) }
    }

    @Test func refusesMalformedAttestations() throws {
        let a = try Self.vectorAttestation()
        Self.refuses("not canonically encoded") { _ = try EnclaveAttestation(decoding: a.encoded + [0]) }
        Self.refuses("§6.1") { _ = try EnclaveAttestation(decoding: Array(a.encoded.prefix(600))) }
        Self.refuses("must be 64") {
            _ = try EnclaveAttestation(attestationSignature: [], enclavePublicKey: [UInt8](repeating: 1, count: 65), pcrs: Self.pcrs, timestampMilliseconds: .zero)
        }
        Self.refuses("not a point on secp256k1") {
            _ = try EnclaveAttestation(attestationSignature: [], enclavePublicKey: [UInt8](repeating: 0, count: 64), pcrs: Self.pcrs, timestampMilliseconds: .zero)
        }
        Self.refuses("PCR1 of the attestation has 32 bytes") {
            _ = try EnclaveAttestation(attestationSignature: [], enclavePublicKey: try Self.key().publicKey.raw64,
                                       pcrs: EnclavePCRs(pcr0: Self.pcrs.pcr0, pcr1: [UInt8](repeating: 2, count: 32), pcr2: Self.pcrs.pcr2),
                                       timestampMilliseconds: .zero)
        }
        Self.refuses("does not match the attested public key") {
            _ = try a.proofOfPossession(enclaveKey: try PrivateKey(bytes: Keccak256.hash(utf8: "x").bytes), generator: Self.verifier)
        }
    }
}
