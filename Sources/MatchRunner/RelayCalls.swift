import EthereumKit
import Matching
import Operator

/// How assignments reach the ProofMarketplace.
public enum RelayEntryPoint: Sendable {
    /// `relayBatchAssignTasks(askIds, generators, newAcls, signature)`, signed EIP-191 by the matching-engine key and
    /// sent (and paid for) by the relayer account; batches of up to `maxBatchSize`. Without a key (a dry run
    /// only) batches are reported unsigned and cannot be simulated.
    case relayBatch(matchingEngineKey: PrivateKey?)
    /// `assignTask(askId, generator, newAcl)`, one transaction per assignment, sent by the matching-engine key itself
    /// (it must hold ether; no signature argument).
    case assignTask

    /// The function name, for reports.
    public var functionName: String {
        switch self {
        case .relayBatch: return "relayBatchAssignTasks"
        case .assignTask: return "assignTask"
        }
    }
}

/// One transaction's worth of assignments, ready to simulate or send.
public struct BatchCall: Sendable {
    /// The assignments, in batch order.
    public let items: [Assignment]
    /// The matching-engine signature (nil for `assignTask`).
    public let signed: SignedAssignmentBatch?
    /// The contract call.
    public let call: ContractCall
}

/// Builds the ProofMarketplace calls of batches (`relayBatchAssignTasks` signed with the ME key, or `assignTask`).
public struct RelayCalls: Sendable {
    /// The ProofMarketplace.
    public let proofMarketplace: Address
    /// The entry point.
    public let entryPoint: RelayEntryPoint
    private let relayFunction: ABIFunction
    private let assignFunction: ABIFunction

    /// Looks the two functions up in the embedded ProofMarketplace ABI.
    public init(proofMarketplace: Address, entryPoint: RelayEntryPoint, abis: OperatorABIs) throws(OperatorError) {
        self.proofMarketplace = proofMarketplace
        self.entryPoint = entryPoint
        relayFunction = try abis.function(abis.proofMarketplace, "relayBatchAssignTasks")
        assignFunction = try abis.function(abis.proofMarketplace, "assignTask")
    }

    /// The most items one transaction can take: `maxBatchSize` for relayed batches, 1 for `assignTask`.
    public func batchSize(_ maxBatchSize: Int) -> Int {
        switch entryPoint {
        case .relayBatch: return max(1, maxBatchSize)
        case .assignTask: return 1
        }
    }

    /// Whether calls carry a matching-engine signature (or are `assignTask`, which needs none): false for an
    /// unsigned dry run, whose calls cannot be simulated.
    public var canSign: Bool {
        if case .relayBatch(nil) = entryPoint { return false }
        return true
    }

    /// The call for `items` (signed anew: the signature covers the exact arrays). `items` must not be empty; for
    /// `assignTask` only the first item is used.
    public func call(_ items: [Assignment]) throws(OperatorError) -> BatchCall {
        switch entryPoint {
        case .relayBatch(let key):
            let batch = AssignmentBatch(assignments: items)
            var signed: SignedAssignmentBatch?
            if let key {
                do { signed = try batch.signed(with: key) } catch {
                    throw OperatorError(.invalidInput, "signing the batch of asks \(items.map { "\($0.askId)" }.joined(separator: ", ")) failed: \(error)")
                }
            }
            let call = try ContractCall(contract: "ProofMarketplace", to: proofMarketplace, function: relayFunction,
                                        arguments: [.array(batch.askIds.map(ABIValue.uint)), .array(batch.generators.map(ABIValue.address)),
                                                    .array(batch.newAcls.map(ABIValue.bytes)), .bytes(signed?.signature.rsv ?? [])],
                                        purpose: "relay \(items.count) assignment(s)")
            return BatchCall(items: items, signed: signed, call: call)
        case .assignTask:
            let a = items[0]
            let call = try ContractCall(contract: "ProofMarketplace", to: proofMarketplace, function: assignFunction,
                                        arguments: [.uint(a.askId), .address(a.generator), .bytes(a.newAcl)], purpose: "assign ask \(a.askId)")
            return BatchCall(items: [a], signed: nil, call: call)
        }
    }
}

/// What a revert of a batch simulation means for its items.
enum RevertScope: Equatable {
    /// One item fails (the contract's per-item checks): drop it, naming it if the error carries the ask id.
    case item(namedAsk: UInt256?)
    /// The whole batch fails whatever its items (signature, authorisation, pause, arity): nothing to drop.
    case batch

    /// Errors raised for the batch as a whole (§4.6, §6.5; OpenZeppelin ECDSA, AccessControl, Pausable).
    static let batchErrors: Set<String> = [
        "ECDSAInvalidSignature", "ECDSAInvalidSignatureLength", "ECDSAInvalidSignatureS", "ArityMismatch", "EnforcedPause",
        "AccessControlUnauthorizedAccount", "AttestationAutherKeyNotVerified", "AttestationAutherImageNotInFamily",
        "AttestationAutherImageNotWhitelisted", "AttestationAutherAttestationTooOld", "EnclaveKeyNotVerified",
        "ReentrancyGuardReentrantCall",
    ]

    /// Errors that name the failing ask in their first argument.
    static let namingErrors: Set<String> = ["ProofPriceMismatch", "ProofTimeMismatch"]

    /// The scope of `reason`. Anything unknown (empty data, panics, other errors) is treated as an item failure,
    /// so the search finds the first item that fails.
    static func of(_ reason: RevertReason) -> RevertScope {
        guard case .custom(let error, let values) = reason else { return .item(namedAsk: nil) }
        if batchErrors.contains(error.name) { return .batch }
        if namingErrors.contains(error.name) { return .item(namedAsk: values.first?.uintValue) }
        return .item(namedAsk: nil)
    }
}

/// Finds the first failing item of a batch whose simulation reverts, with O(log n) simulations of prefixes.
///
/// The items apply sequentially, so if a prefix reverts every longer prefix reverts too: the shortest failing
/// prefix ends with the first failing item.
enum CulpritSearch {
    /// `reverts(k)` simulates the first `k` items (`k ≥ 1`) and returns the revert data, or nil if they pass.
    /// `count` items together are known to revert with `data`. Returns the index of the first failing item and
    /// the revert data of the shortest failing prefix.
    static func firstFailing(count: Int, data: [UInt8],
                             reverts: (Int) async throws(OperatorError) -> [UInt8]?) async throws(OperatorError) -> (index: Int, data: [UInt8]) {
        var good = 0, bad = count, badData = data
        while bad - good > 1 {
            let mid = (good + bad) / 2
            if let d = try await reverts(mid) {
                bad = mid
                badData = d
            } else {
                good = mid
            }
        }
        return (bad - 1, badData)
    }
}
