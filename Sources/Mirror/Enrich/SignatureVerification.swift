import EthereumKit
import Kalypso

/// The Kalypso EIP-191 signature schemes (§6.2, §6.5), verified with libsecp256k1 the way OpenZeppelin 5
/// `ECDSA.recover` accepts them: 65 bytes `r ‖ s ‖ v`, `v ∈ {27, 28}`, low s (§6.7).
public enum KalypsoSignatures {
    /// §6.2 `messageHash = keccak256(abi.encode(bytes attestationData, address addressToVerify))`.
    public static func enclaveMessageHash(attestationData: [UInt8], addressToVerify: Address) -> Hash32 {
        // abi.encode(bytes, address): offset 0x40, the address word, then the length and the padded bytes.
        var encoded = UInt256(UInt64(64)).bigEndianBytes + addressToVerify.word.bigEndianBytes
        encoded += UInt256(UInt64(attestationData.count)).bigEndianBytes + attestationData
        encoded += [UInt8](repeating: 0, count: (32 - attestationData.count % 32) % 32)
        return Keccak256.hash(encoded)
    }

    /// §6.5 `messageHash = keccak256(abi.encode(uint256[] askIds, address[] generators, bytes[] newAcls))`.
    public static func matchingEngineMessageHash(askIds: [UInt256], generators: [Address], newAcls: [[UInt8]]) throws -> Hash32 {
        let encoded = try ABIEncoder.encode(types: [.array(.uint(256)), .array(.address), .array(.bytes)],
                                            values: [.array(askIds.map { .uint($0) }), .array(generators.map { .address($0) }),
                                                     .array(newAcls.map { .bytes($0) })])
        return Keccak256.hash(encoded)
    }

    /// The signer of an EIP-191 signature over a 32-byte message hash, under OpenZeppelin's rules.
    /// - Throws: `CalldataProblem`-style errors as `SignatureProblem` with the reason the contract would revert.
    public static func recoverEIP191Signer(messageHash: Hash32, signature: [UInt8]) throws -> Address {
        guard signature.count == 65 else {
            throw SignatureProblem("the signature has \(signature.count) bytes; OpenZeppelin ECDSA.recover takes 65 (r ‖ s ‖ v) and reverts ECDSAInvalidSignatureLength")
        }
        guard signature[64] == 27 || signature[64] == 28 else {
            throw SignatureProblem("v = \(signature[64]); OpenZeppelin ECDSA.recover takes 27 or 28 and reverts ECDSAInvalidSignature")
        }
        do {
            let parsed = try Signature(rsv: signature)
            return try PersonalMessage.recoverSigner(messageHash.bytes, signature: parsed, rule: .lowS)
        } catch {
            throw SignatureProblem("libsecp256k1 recovers no signer (\(error)); the contract would revert")
        }
    }
}

/// A signature that does not recover.
public struct SignatureProblem: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong with the signature.
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Builds the `SignatureCheck` records (admin, enclave, matching engine).
struct SignatureChecker: Sendable {
    let deployment: KalypsoDeployment

    /// Events whose generator must be `msg.sender` of a registry call (not `AddedStake`: anyone may stake for a
    /// generator; not the lock events: the marketplace emits them through the registry).
    static func selfActingGenerator(_ event: KalypsoEvent) -> Address? {
        switch event {
        case .registeredGenerator(let e): e.generator
        case .deregisteredGenerator(let e): e.generator
        case .changedGeneratorRewardAddress(let e): e.generator
        case .joinedMarketplace(let e): e.generator
        case .requestExitMarketplace(let e): e.generator
        case .leftMarketplace(let e): e.generator
        case .requestStakeDecrease(let e): e.generator
        case .removedStake(let e): e.generator
        case .increasedCompute(let e): e.generator
        case .requestComputeDecrease(let e): e.generator
        case .decreaseCompute(let e): e.generator
        default: nil
        }
    }

    /// The admin check of one transaction: the recovered sender against the generator the registry acted for
    /// (generator transactions) or against the node's `from` (every other transaction). A node whose `from`
    /// differs from the recovered sender dominates: `expected` is then the node's `from` and the note says so.
    func admin(_ tx: TransactionContext) -> (SignatureCheck, nodeLied: Bool) {
        let position = tx.logs[0].position
        let target = tx.transaction.to.map { describe($0) } ?? "no contract (a creation)"
        guard case .recovered(let sender) = tx.sender else {
            if case .unchecked(let reason) = tx.sender {
                return (SignatureCheck(kind: .admin, position: position, expected: tx.generator ?? tx.transaction.from, recovered: nil, matches: false,
                                       note: "unchecked: \(reason)"), false)
            }
            return (SignatureCheck(kind: .admin, position: position, expected: nil, recovered: nil, matches: false, note: "unchecked"), false)
        }
        if sender != tx.transaction.from {
            let generatorNote = tx.generator.map { ", the event's generator is \($0)" } ?? ""
            return (SignatureCheck(kind: .admin, position: position, expected: tx.transaction.from, recovered: sender, matches: false,
                                   note: "NODE INCONSISTENT: the node reports from = \(tx.transaction.from) but the signature recovers \(sender) (transaction calls \(target)\(generatorNote)); do not trust this node's transaction data"), true)
        }
        guard let generator = tx.generator else {
            return (SignatureCheck(kind: .admin, position: position, expected: tx.transaction.from, recovered: sender, matches: true,
                                   note: "sender of a transaction to \(target); matches the node's from"), false)
        }
        if sender == generator {
            return (SignatureCheck(kind: .admin, position: position, expected: generator, recovered: sender, matches: true,
                                   note: "the generator signed its own call to \(target)"), false)
        }
        if tx.transaction.to != deployment.generatorRegistry {
            return (SignatureCheck(kind: .admin, position: position, expected: generator, recovered: sender, matches: false,
                                   note: "sender is a contract wallet: the transaction calls \(target), not the registry, so msg.sender (the generator \(generator)) is a contract and \(sender) is the EOA that signed for it"), false)
        }
        return (SignatureCheck(kind: .admin, position: position, expected: generator, recovered: sender, matches: false,
                               note: "unexplained: the registry was called directly, so msg.sender is the signer \(sender), yet the event names \(generator)"), false)
    }

    /// The enclave proof of possession (§6.2) in `joinMarketplace(…, true, …)`, `updateEncryptionKey`, `addIvsKey`
    /// or `verifyMatchingEngine` calldata: it must recover to the address of the attested 64-byte key.
    func enclave(attestationData: [UInt8], signature: [UInt8], addressToVerify: Address?, call: String, position: LogPosition) -> SignatureCheck {
        var expected: Address?
        var problems: [String] = []
        switch AttestationData.publicKey(attestationData) {
        case .success(let key):
            if let a = try? Address(publicKey64: key) { expected = a } else { problems.append("the attested key has \(key.count) bytes, not 64") }
        case .failure(let p):
            problems.append(p.description)
        }
        guard let addressToVerify else {
            return SignatureCheck(kind: .enclave, position: position, expected: expected, recovered: nil, matches: false,
                                  note: "unchecked: \(call): addressToVerify (msg.sender) is unknown because the transaction sender could not be recovered")
        }
        let hash = KalypsoSignatures.enclaveMessageHash(attestationData: attestationData, addressToVerify: addressToVerify)
        let recovered: Address?
        do { recovered = try KalypsoSignatures.recoverEIP191Signer(messageHash: hash, signature: signature) } catch {
            recovered = nil
            problems.append("\(error)")
        }
        let matches = recovered != nil && recovered == expected
        var note = "\(call): EIP-191 over keccak256(abi.encode(attestationData, \(addressToVerify)))"
        if matches {
            note += " recovers the attested enclave key's address"
        } else if let recovered, let expected {
            note += " recovers \(recovered), not the attested key's address \(expected); the contract requires them equal, so the mirror's view of this call is wrong"
        }
        if !problems.isEmpty { note += "; " + problems.joined(separator: "; ") }
        return SignatureCheck(kind: .enclave, position: position, expected: expected, recovered: recovered, matches: matches, note: note)
    }

    /// The matching engine's batch signature (§6.5) in `relayBatchAssignTasks` calldata. `expected` is the address
    /// of the ME key the mirror knows (`UpdateKey(proofMarketplace, 0)`), or nil: then only the signer is recorded.
    func matchingEngine(arguments: [ABIValue], expected: Address?, position: LogPosition) -> SignatureCheck {
        guard arguments.count == 4, let ids = arguments[0].arrayValue?.compactMap(\.uintValue),
              let generators = arguments[1].arrayValue?.compactMap(\.addressValue),
              let acls = arguments[2].arrayValue?.compactMap(\.bytesValue), let signature = arguments[3].bytesValue else {
            return SignatureCheck(kind: .matchingEngine, position: position, expected: expected, recovered: nil, matches: false,
                                  note: "relayBatchAssignTasks arguments do not have the (uint256[],address[],bytes[],bytes) shape")
        }
        let recovered: Address?
        var note: String
        do {
            let hash = try KalypsoSignatures.matchingEngineMessageHash(askIds: ids, generators: generators, newAcls: acls)
            recovered = try KalypsoSignatures.recoverEIP191Signer(messageHash: hash, signature: signature)
            note = "batch of \(ids.count) assignment(s) signed by \(recovered.map(\.description) ?? "?")"
        } catch {
            recovered = nil
            note = "batch of \(ids.count) assignment(s): \(error)"
        }
        guard let expected else {
            return SignatureCheck(kind: .matchingEngine, position: position, expected: nil, recovered: recovered, matches: false,
                                  note: note + "; the matching-engine key (pub_key(ProofMarketplace, 0)) is unknown to the mirror, so only the signer is recorded")
        }
        let matches = recovered == expected
        if !matches, recovered != nil {
            note += "; the mirrored matching-engine key's address is \(expected): the contract accepts any verified key of the ME family, so another verified ME key signed, or the mirrored key is stale"
        }
        return SignatureCheck(kind: .matchingEngine, position: position, expected: expected, recovered: recovered, matches: matches, note: note)
    }

    private func describe(_ address: Address) -> String {
        switch deployment.contract(at: address) {
        case .generatorRegistry?: "the GeneratorRegistry"
        case .proofMarketplace?: "the ProofMarketplace"
        case .entityKeyRegistry?: "the EntityKeyRegistry"
        case nil: address.description
        }
    }
}
