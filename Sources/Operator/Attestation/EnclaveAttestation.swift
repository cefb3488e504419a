import EthereumKit
import Kalypso

/// An enclave attestation as the G1 contracts take it (§6.1):
/// `abi.encode(bytes attestationSignature, bytes enclavePubKey, bytes PCR0, bytes PCR1, bytes PCR2, uint256 timestampInMilliseconds)`.
///
/// `init(decoding:)` is strict: the bytes must be exactly the canonical encoding of that tuple (no trailing or
/// dirty bytes), the key 64 bytes and a point on secp256k1, each PCR 48 bytes.
public struct EnclaveAttestation: Sendable, Hashable {
    /// The attestation verifier's signature over the attestation (§6.4).
    public let attestationSignature: [UInt8]
    /// The enclave's public key: 64 bytes `x‖y`.
    public let enclavePublicKey: [UInt8]
    /// PCR0, PCR1, PCR2 (48 bytes each).
    public let pcrs: EnclavePCRs
    /// When the attestation was made, in milliseconds since the Unix epoch.
    public let timestampMilliseconds: UInt256
    /// The encoded `attestationData` (what the contracts take).
    public let encoded: [UInt8]

    /// The tuple type of `attestationData`.
    public static let tupleTypes: [ABIType] = [.bytes, .bytes, .bytes, .bytes, .bytes, .uint(256)]

    /// Parses and checks `attestationData`.
    public init(decoding data: [UInt8]) throws(OperatorError) {
        let values: [ABIValue]
        do { values = try ABIDecoder.decode(types: Self.tupleTypes, data: data) } catch {
            throw OperatorError(.attestation, "the attestation is not abi.encode(bytes signature, bytes pubkey, bytes PCR0, bytes PCR1, bytes PCR2, uint256 timestampMs) (§6.1): \(error)")
        }
        guard values.count == 6, let sig = values[0].bytesValue, let key = values[1].bytesValue, let p0 = values[2].bytesValue,
              let p1 = values[3].bytesValue, let p2 = values[4].bytesValue, let ts = values[5].uintValue else {
            throw OperatorError(.attestation, "the attestation does not have the six fields of §6.1")
        }
        try self.init(attestationSignature: sig, enclavePublicKey: key, pcrs: EnclavePCRs(pcr0: p0, pcr1: p1, pcr2: p2), timestampMilliseconds: ts)
        guard encoded == data else {
            throw OperatorError(.attestation, "the attestation is not canonically encoded (\(data.count) bytes; the canonical encoding of its fields has \(encoded.count)): re-encode it with abi.encode")
        }
    }

    /// Builds an attestation from its fields (checked as in `init(decoding:)`).
    public init(attestationSignature: [UInt8], enclavePublicKey: [UInt8], pcrs: EnclavePCRs, timestampMilliseconds: UInt256) throws(OperatorError) {
        guard enclavePublicKey.count == 64 else {
            throw OperatorError(.attestation, "the attested enclave public key has \(enclavePublicKey.count) bytes; it must be 64 (x‖y, uncompressed without 0x04)")
        }
        do { _ = try PublicKey(bytes: enclavePublicKey) } catch {
            throw OperatorError(.attestation, "the attested enclave public key is not a point on secp256k1")
        }
        for (i, pcr) in [pcrs.pcr0, pcrs.pcr1, pcrs.pcr2].enumerated() where pcr.count != 48 {
            throw OperatorError(.attestation, "PCR\(i) of the attestation has \(pcr.count) bytes; each PCR must be 48")
        }
        self.attestationSignature = attestationSignature
        self.enclavePublicKey = enclavePublicKey
        self.pcrs = pcrs
        self.timestampMilliseconds = timestampMilliseconds
        let values: [ABIValue] = [.bytes(attestationSignature), .bytes(enclavePublicKey), .bytes(pcrs.pcr0), .bytes(pcrs.pcr1),
                                  .bytes(pcrs.pcr2), .uint(timestampMilliseconds)]
        self.encoded = (try? ABIEncoder.encode(types: Self.tupleTypes, values: values)) ?? []
    }

    /// The enclave image: `keccak256(PCR0 ‖ PCR1 ‖ PCR2)` (§4.4).
    public var imageId: Hash32 { Self.imageId(pcrs) }

    /// `keccak256(PCR0 ‖ PCR1 ‖ PCR2)`.
    public static func imageId(_ pcrs: EnclavePCRs) -> Hash32 { Keccak256.hash(pcrs.pcr0 + pcrs.pcr1 + pcrs.pcr2) }

    /// The enclave key's Ethereum address.
    public var enclaveAddress: Address {
        (try? Address(publicKey64: enclavePublicKey)) ?? .zero  // 64 bytes, checked at creation
    }

    // MARK: - Proof of possession (§6.2)

    /// `keccak256(abi.encode(bytes attestationData, address addressToVerify))`: the message the enclave signs.
    public static func proofOfPossessionMessage(attestation: [UInt8], addressToVerify: Address) -> Hash32 {
        Keccak256.hash((try? ABIEncoder.encode(types: [.bytes, .address], values: [.bytes(attestation), .address(addressToVerify)])) ?? [])
    }

    /// Checks the enclave signature (65 bytes r‖s‖v, v 27/28, low s: OpenZeppelin `ECDSA.recover`'s rules, §6.7) over
    /// the EIP-191 hash of `proofOfPossessionMessage(self, generator)`, and that it recovers to the attested key.
    /// Returns the recovered address.
    @discardableResult
    public func verifyProofOfPossession(_ signature: [UInt8], generator: Address) throws(OperatorError) -> Address {
        guard signature.count == 65 else {
            throw OperatorError(.attestation, "the enclave signature has \(signature.count) bytes; it must be 65 (r‖s‖v)")
        }
        guard signature[64] == 27 || signature[64] == 28 else {
            throw OperatorError(.attestation, "the enclave signature's v is \(signature[64]); it must be 27 or 28")
        }
        let sig: Signature
        do { sig = try Signature(rsv: signature) } catch {
            throw OperatorError(.attestation, "the enclave signature is malformed: \(error)")
        }
        guard sig.isLowS else {
            throw OperatorError(.attestation, "the enclave signature has a high s; sign with a low-s (EIP-2) signer")
        }
        let message = Self.proofOfPossessionMessage(attestation: encoded, addressToVerify: generator)
        let recovered: Address
        do { recovered = try Secp256k1.recoverAddress(digest: PersonalMessage.hash(messageHash: message), signature: sig, rule: .lowS) } catch {
            throw OperatorError(.attestation, "no key recovers from the enclave signature: \(error)")
        }
        guard recovered == enclaveAddress else {
            throw OperatorError(.attestation, "the enclave signature recovers to \(recovered.checksummed), not to the attested enclave key \(enclaveAddress.checksummed): it must be the enclave's EIP-191 signature over keccak256(abi.encode(attestation, \(generator.checksummed)))")
        }
        return recovered
    }

    /// The enclave's proof-of-possession signature for `generator` (65 bytes, v 27/28).
    public func proofOfPossession(enclaveKey: PrivateKey, generator: Address) throws(OperatorError) -> [UInt8] {
        guard enclaveKey.publicKey.raw64 == enclavePublicKey else {
            throw OperatorError(.attestation, "the enclave key does not match the attested public key")
        }
        let message = Self.proofOfPossessionMessage(attestation: encoded, addressToVerify: generator)
        do { return try enclaveKey.sign(digest: PersonalMessage.hash(messageHash: message)).rsv } catch {
            throw OperatorError(.attestation, "signing the proof of possession failed: \(error)")
        }
    }

    // MARK: - EIP-712 Attestation (§6.4)

    /// `DOMAIN_SEPARATOR` of the AttestationVerifier (name `marlin.oyster.AttestationVerifier`, version 1, no chain id).
    public static let domainSeparator: Hash32 = {
        let typeHash = Keccak256.hash(utf8: "EIP712Domain(string name,string version)")
        let values: [ABIValue] = [.fixedBytes(typeHash), .fixedBytes(Keccak256.hash(utf8: "marlin.oyster.AttestationVerifier")),
                                  .fixedBytes(Keccak256.hash(utf8: "1"))]
        return Keccak256.hash((try? ABIEncoder.encode(types: [.fixedBytes(32), .fixedBytes(32), .fixedBytes(32)], values: values)) ?? [])
    }()

    /// `ATTESTATION_TYPEHASH`.
    public static let attestationTypeHash = Keccak256.hash(
        utf8: "Attestation(bytes enclavePubKey,bytes PCR0,bytes PCR1,bytes PCR2,uint256 timestampInMilliseconds)")

    /// The EIP-712 digest the attestation verifier's key signs for these fields (§6.4).
    public static func attestationDigest(enclavePublicKey: [UInt8], pcrs: EnclavePCRs, timestampMilliseconds: UInt256) -> Hash32 {
        let words: [ABIValue] = [.fixedBytes(attestationTypeHash), .fixedBytes(Keccak256.hash(enclavePublicKey)),
                                 .fixedBytes(Keccak256.hash(pcrs.pcr0)), .fixedBytes(Keccak256.hash(pcrs.pcr1)),
                                 .fixedBytes(Keccak256.hash(pcrs.pcr2)), .uint(timestampMilliseconds)]
        let types: [ABIType] = [.fixedBytes(32), .fixedBytes(32), .fixedBytes(32), .fixedBytes(32), .fixedBytes(32), .uint(256)]
        let hashStruct = Keccak256.hash((try? ABIEncoder.encode(types: types, values: words)) ?? [])
        return Keccak256.hash([0x19, 0x01] + domainSeparator.bytes + hashStruct.bytes)
    }

    /// The signer of `attestationSignature` under §6.4, or nil if it does not recover.
    public var attestationSigner: Address? {
        guard attestationSignature.count == 65, let sig = try? Signature(rsv: attestationSignature) else { return nil }
        let digest = Self.attestationDigest(enclavePublicKey: enclavePublicKey, pcrs: pcrs, timestampMilliseconds: timestampMilliseconds)
        return try? Secp256k1.recoverAddress(digest: digest, signature: sig, rule: .lowS)
    }

    /// Builds an attestation signed the way the devnode's simplified AttestationVerifier checks it: an EIP-712
    /// `Attestation` signature by its attestation signer key (Devnode/README.md, deviation 3). For tests and the
    /// devnode only: a production attestation comes from the enclave (AWS Nitro).
    public static func devnode(signer: PrivateKey, enclavePublicKey: [UInt8], pcrs: EnclavePCRs,
                               timestampMilliseconds: UInt256) throws(OperatorError) -> EnclaveAttestation {
        let digest = attestationDigest(enclavePublicKey: enclavePublicKey, pcrs: pcrs, timestampMilliseconds: timestampMilliseconds)
        let signature: [UInt8]
        do { signature = try signer.sign(digest: digest).rsv } catch {
            throw OperatorError(.attestation, "signing the attestation failed: \(error)")
        }
        return try EnclaveAttestation(attestationSignature: signature, enclavePublicKey: enclavePublicKey, pcrs: pcrs,
                                      timestampMilliseconds: timestampMilliseconds)
    }

    // MARK: - Families (§5.4)

    /// `GENERATOR_FAMILY_ID(marketId) = keccak256(abi.encode("gen", marketId))`.
    public static func generatorFamily(market: UInt256) -> Hash32 { family("gen", market) }

    /// `IVS_FAMILY_ID(marketId) = keccak256(abi.encode("ivs", marketId))`.
    public static func ivsFamily(market: UInt256) -> Hash32 { family("ivs", market) }

    private static func family(_ tag: String, _ market: UInt256) -> Hash32 {
        Keccak256.hash((try? ABIEncoder.encode(types: [.string, .uint(256)], values: [.string(tag), .uint(market)])) ?? [])
    }
}
