import EthereumKit
import Kalypso
import Matching
@testable import MatchRunner
@testable import Operator
import Synchronization

/// A `RelayChain` over a local `KalypsoState`: simulations and sends apply the contract's predicate
/// (`tentativelyAssign`, items in order, one failure reverts the whole call) after checking the matching-engine
/// signature; nonces must be exact, as on the devnode. Receipts follow a script.
final class FakeChain: RelayChain {
    enum ReceiptOutcome: Sendable { case success, reverted, dropped, timeout }

    struct World: Sendable {
        var state: KalypsoState
        var clock: UInt256
        var nonce: UInt64 = 0
        var balance = UInt256(10) * UInt256(1_000_000_000_000_000_000)
        var baseFee = UInt256(1_000_000_000)
        /// Every call simulated, as the ask ids it carried.
        var simulations: [[UInt256]] = []
        /// Every transaction accepted, in order, with the ask ids it carried and whether it reverted when mined.
        var sent: [(hash: Hash32, nonce: UInt64, askIds: [UInt256], reverted: Bool)] = []
        /// Transactions mined with status 0.
        var reverted = 0
        /// The next send is refused with this message (once).
        var refuseNextSend: String?
        /// The receipt of the n-th send (0-based); default success.
        var receipts: [Int: ReceiptOutcome] = [:]
    }

    let key: PrivateKey
    /// The verified matching-engine signer.
    let matchingEngine: Address
    let proofMarketplace: Address
    let abis: OperatorABIs
    let world: Mutex<World>

    init(state: KalypsoState, clock: UInt256, key: PrivateKey, matchingEngine: Address, proofMarketplace: Address) throws {
        self.key = key
        self.matchingEngine = matchingEngine
        self.proofMarketplace = proofMarketplace
        abis = try OperatorABIs.embedded()
        world = Mutex(World(state: state, clock: clock))
    }

    var from: Address { key.address }

    /// Runs `body` on the world.
    func with<T>(_ body: (inout World) -> T) -> T { world.withLock { body(&$0) } }

    // MARK: Executing calls like the contract

    /// The ask ids and the outcome of `call` on `state` (mutated only when `apply`): nil = success, else revert data.
    func execute(_ call: ContractCall, sender: Address, on world: inout World, apply: Bool) -> (asks: [UInt256], revert: [UInt8]?) {
        var items: [(UInt256, Address, [UInt8])] = []
        switch call.function.name {
        case "relayBatchAssignTasks":
            let ids = call.arguments[0].arrayValue?.compactMap(\.uintValue) ?? []
            let gens = call.arguments[1].arrayValue?.compactMap(\.addressValue) ?? []
            let acls = call.arguments[2].arrayValue?.compactMap(\.bytesValue) ?? []
            let rsv = call.arguments[3].bytesValue ?? []
            guard let batch = try? AssignmentBatch(askIds: ids, generators: gens, newAcls: acls) else {
                return (ids, ABISelector(signature: "ArityMismatch()").bytes)
            }
            let signer = (try? Signature(rsv: rsv)).flatMap { try? SignedAssignmentBatch(batch: batch, signature: $0).signer() }
            guard signer == matchingEngine else { return (ids, ABISelector(signature: "AttestationAutherKeyNotVerified()").bytes) }
            items = (0..<ids.count).map { (ids[$0], gens[$0], acls[$0]) }
        case "assignTask":
            guard sender == matchingEngine else { return ([], ABISelector(signature: "AttestationAutherKeyNotVerified()").bytes) }
            items = [(call.arguments[0].uintValue ?? .zero, call.arguments[1].addressValue ?? .zero, call.arguments[2].bytesValue ?? [])]
        default:
            return ([], [])
        }
        var work = world.state
        for (id, g, acl) in items {
            switch work.tentativelyAssign(askId: id, to: g, newAcl: acl, now: world.clock + 1) {
            case .eligible: continue
            case .reverts(let r): return (items.map(\.0), r.revertData)
            case .indeterminate: return (items.map(\.0), [])
            }
        }
        if apply { world.state = work }
        return (items.map(\.0), nil)
    }

    // MARK: RelayChain

    func simulate(_ call: ContractCall) async throws(OperatorError) -> [UInt8]? {
        world.withLock { w in
            let r = execute(call, sender: key.address, on: &w, apply: false)
            w.simulations.append(r.asks)
            return r.revert
        }
    }

    func pendingNonce() async throws(OperatorError) -> UInt64 { world.withLock { $0.nonce } }

    func feeQuote(_ overrides: FeeOverrides) async throws(OperatorError) -> FeeQuote {
        let base = world.withLock { $0.baseFee }
        let tip = overrides.maxPriorityFeePerGas ?? UInt256(1_000_000_000)
        return FeeQuote(maxFeePerGas: overrides.maxFeePerGas ?? (base * UInt256(2) + tip), maxPriorityFeePerGas: tip, nextBaseFee: base,
                        source: "fake")
    }

    func prepare(_ call: ContractCall, nonce: UInt64, fees: FeeQuote, gasMarginPercent: UInt64) async throws(OperatorError) -> PreparedTransaction {
        let tx = Transaction.dynamicFee(DynamicFeeTransaction(chainId: UInt256(31337), nonce: nonce, maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
                                                              maxFeePerGas: fees.maxFeePerGas, gasLimit: 1_000_000, to: call.to, value: .zero,
                                                              data: call.data))
        do {
            return PreparedTransaction(call: call, from: key.address, signed: try tx.signed(with: key), fees: fees, gasEstimate: 800_000)
        } catch {
            throw OperatorError(.invalidInput, "signing failed: \(error)")
        }
    }

    func send(_ prepared: PreparedTransaction) async throws(OperatorError) -> Hash32 {
        try world.withLock { (w: inout World) throws(OperatorError) -> Hash32 in
            if let message = w.refuseNextSend {
                w.refuseNextSend = nil
                throw OperatorError(.rejected, "the node refused \(prepared.call.function.name): \(message)")
            }
            guard prepared.nonce == w.nonce else {
                throw OperatorError(.rejected, "the node refused it: nonce too \(prepared.nonce < w.nonce ? "low" : "high")")
            }
            w.nonce += 1
            let index = w.sent.count
            let outcome = w.receipts[index] ?? .success
            let r = execute(prepared.call, sender: prepared.from, on: &w, apply: outcome == .success)
            let reverted = r.revert != nil || outcome == .reverted
            if reverted { w.reverted += 1 }
            w.sent.append((prepared.hash, prepared.nonce, r.asks, reverted))
            return prepared.hash
        }
    }

    func waitForReceipt(_ prepared: PreparedTransaction, timeout: Duration) async throws(OperatorError) -> RelayReceipt {
        let (index, reverted, outcome) = world.withLock { w -> (Int, Bool, ReceiptOutcome) in
            let i = w.sent.firstIndex { $0.hash == prepared.hash } ?? -1
            return (i, i >= 0 && w.sent[i].reverted, w.receipts[i] ?? .success)
        }
        switch outcome {
        case .success, .reverted:
            if reverted { throw OperatorError(.transactionReverted, "transaction \(prepared.hash) reverted", transactionHash: prepared.hash) }
            return RelayReceipt(transactionHash: prepared.hash, blockNumber: UInt64(100 + index), gasUsed: 500_000)
        case .dropped: throw OperatorError(.dropped, "transaction \(prepared.hash) was dropped", transactionHash: prepared.hash)
        case .timeout: throw OperatorError(.timeout, "transaction \(prepared.hash) has no receipt", transactionHash: prepared.hash)
        }
    }

    func balance() async throws(OperatorError) -> UInt256 { world.withLock { $0.balance } }

    func decodeRevert(_ data: [UInt8]) -> RevertReason { abis.decodeRevert(data) }
}
