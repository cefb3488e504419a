import EthereumKit
import Kalypso

/// One batch of assignments as `relayBatchAssignTasks` takes it: index-aligned `askIds`, `generators`, `newAcls`.
///
/// The matching-engine signature (§6.5) is EIP-191 over `keccak256(abi.encode(uint256[] askIds, address[] generators,
/// bytes[] newAcls))`. The message carries no chain id, contract address, nonce or expiry (a contract limitation):
/// use a distinct ME key per deployment and keep signed batches private until broadcast.
public struct AssignmentBatch: Hashable, Sendable {
    /// `uint256[] askIds`.
    public let askIds: [UInt256]
    /// `address[] generators`, aligned with `askIds`.
    public let generators: [Address]
    /// `bytes[] newAcls`, aligned with `askIds` (empty for public asks).
    public let newAcls: [[UInt8]]

    /// Creates a batch; the three arrays must have the same length (the contract reverts `ArityMismatch()` otherwise).
    public init(askIds: [UInt256], generators: [Address], newAcls: [[UInt8]]) throws {
        guard askIds.count == generators.count, askIds.count == newAcls.count else {
            throw MatchingError(.arityMismatch, "a batch needs as many generators and newAcls as askIds "
                                + "(got \(askIds.count) askIds, \(generators.count) generators, \(newAcls.count) newAcls); "
                                + "the contract would revert ArityMismatch()")
        }
        self.askIds = askIds
        self.generators = generators
        self.newAcls = newAcls
    }

    /// The batch of `assignments`, in their order.
    public init(assignments: some Collection<Assignment>) {
        askIds = assignments.map(\.askId)
        generators = assignments.map(\.generator)
        newAcls = assignments.map(\.newAcl)
    }

    /// `assignments` in order, in batches of at most `maxBatchSize` (at least 1).
    public static func split(_ assignments: [Assignment], maxBatchSize: Int) -> [AssignmentBatch] {
        let size = max(1, maxBatchSize)
        return stride(from: 0, to: assignments.count, by: size).map { start in
            AssignmentBatch(assignments: assignments[start..<min(assignments.count, start + size)])
        }
    }

    /// The number of assignments.
    public var count: Int { askIds.count }

    /// `abi.encode(uint256[] askIds, address[] generators, bytes[] newAcls)`: the signed payload.
    public func encodedPayload() throws -> [UInt8] {
        try ABIEncoder.encode(types: Self.payloadTypes, values: payloadValues)
    }

    /// `keccak256(abi.encode(askIds, generators, newAcls))`: the message hash the contract recomputes.
    public func messageHash() throws -> Hash32 {
        Keccak256.hash(try encodedPayload())
    }

    /// The EIP-191 digest that is signed: `keccak256("\x19Ethereum Signed Message:\n32" ‖ messageHash)`.
    public func digest() throws -> Hash32 {
        PersonalMessage.hash(messageHash: try messageHash())
    }

    /// Signs the batch with the matching-engine key: RFC 6979, low s, `v ∈ {27, 28}` (what OpenZeppelin 5's
    /// `ECDSA.recover` accepts).
    public func signed(with key: PrivateKey) throws -> SignedAssignmentBatch {
        let signature = try key.sign(digest: try digest())
        return SignedAssignmentBatch(batch: self, signature: signature)
    }

    /// `assignTask(askId, generator, newAcl)` calldata (selector `0x527986d0`) for each item: for an ME key that pays
    /// its own gas (the sender must be the verified ME enclave key; no signature argument).
    public func assignTaskCalldata() throws -> [[UInt8]] {
        try (0..<count).map { k in
            try ABIEncoder.encodeCall(selector: MatchingCalldata.assignTask, types: [.uint(256), .address, .bytes],
                                      values: [.uint(askIds[k]), .address(generators[k]), .bytes(newAcls[k])])
        }
    }

    static let payloadTypes: [ABIType] = [.array(.uint(256)), .array(.address), .array(.bytes)]

    var payloadValues: [ABIValue] {
        [.array(askIds.map(ABIValue.uint)), .array(generators.map(ABIValue.address)), .array(newAcls.map(ABIValue.bytes))]
    }
}

/// A batch with its matching-engine signature.
public struct SignedAssignmentBatch: Hashable, Sendable {
    /// The batch.
    public let batch: AssignmentBatch
    /// The signature (`r ‖ s ‖ v`, 65 bytes on the wire).
    public let signature: Signature

    /// Pairs a batch with a signature (for example one read back from an audit log).
    public init(batch: AssignmentBatch, signature: Signature) {
        self.batch = batch
        self.signature = signature
    }

    /// The address the contract will recover (it must be a verified key of the matching-engine family), under
    /// OpenZeppelin's low-s rule.
    public func signer() throws -> Address {
        try Secp256k1.recoverAddress(digest: try batch.digest(), signature: signature, rule: .lowS)
    }

    /// `relayBatchAssignTasks(uint256[] askIds, address[] generators, bytes[] newAcls, bytes signature)` calldata
    /// (selector `0xe6afc3d9`); anyone may send it.
    public func relayCalldata() throws -> [UInt8] {
        try ABIEncoder.encodeCall(selector: MatchingCalldata.relayBatchAssignTasks,
                                  types: AssignmentBatch.payloadTypes + [.bytes],
                                  values: batch.payloadValues + [.bytes(signature.rsv)])
    }
}

/// The two assignment entry points of the G1 ProofMarketplace (§4.6).
public enum MatchingCalldata {
    /// `relayBatchAssignTasks(uint256[],address[],bytes[],bytes)` = `0xe6afc3d9`.
    public static let relayBatchAssignTasks = ABISelector(signature: "relayBatchAssignTasks(uint256[],address[],bytes[],bytes)")
    /// `assignTask(uint256,address,bytes)` = `0x527986d0`.
    public static let assignTask = ABISelector(signature: "assignTask(uint256,address,bytes)")
}

extension MatchingRound {
    /// Signs every batch with the matching-engine key, in order.
    public func signedBatches(with key: PrivateKey) throws -> [SignedAssignmentBatch] {
        try batches.map { try $0.signed(with: key) }
    }
}
