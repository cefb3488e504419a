import EthereumKit
import JSONRPC
import Operator

/// A mined relay transaction, as the relayer needs it.
public struct RelayReceipt: Hashable, Sendable {
    /// The transaction.
    public var transactionHash: Hash32
    /// Its block.
    public var blockNumber: UInt64
    /// Gas used.
    public var gasUsed: UInt64

    /// Creates a receipt.
    public init(transactionHash: Hash32, blockNumber: UInt64, gasUsed: UInt64) {
        self.transactionHash = transactionHash
        self.blockNumber = blockNumber
        self.gasUsed = gasUsed
    }
}

/// What the relayer does on the chain, from one sending account. `TransactionRelayChain` implements it over the
/// Operator's `TransactionSender`; tests implement it over a local `KalypsoState`.
public protocol RelayChain: Sendable {
    /// The account that signs and pays for the transactions.
    var from: Address { get }
    /// `eth_call` of `call` from `from` on the `pending` block: nil if it succeeds, else the revert data (empty
    /// when the node gives none). Throws when the node cannot answer.
    func simulate(_ call: ContractCall) async throws(OperatorError) -> [UInt8]?
    /// `eth_getTransactionCount(from, pending)`.
    func pendingNonce() async throws(OperatorError) -> UInt64
    /// Fee caps for the next transactions (`eth_feeHistory` unless `overrides` give both).
    func feeQuote(_ overrides: FeeOverrides) async throws(OperatorError) -> FeeQuote
    /// Estimates gas (on `pending`, plus the margin) and signs `call` at `nonce`; a revert in the estimate throws
    /// `.simulationReverted` with the reason.
    func prepare(_ call: ContractCall, nonce: UInt64, fees: FeeQuote, gasMarginPercent: UInt64) async throws(OperatorError) -> PreparedTransaction
    /// `eth_sendRawTransaction`; a refusal (nonce, fees, funds) throws `.rejected`.
    func send(_ prepared: PreparedTransaction) async throws(OperatorError) -> Hash32
    /// Waits for the receipt (1 confirmation, `timeout`); throws `.transactionReverted`, `.dropped`, `.replaced`
    /// or `.timeout`.
    func waitForReceipt(_ prepared: PreparedTransaction, timeout: Duration) async throws(OperatorError) -> RelayReceipt
    /// The sending account's ether balance (wei).
    func balance() async throws(OperatorError) -> UInt256
    /// Decodes revert data with every known custom error.
    func decodeRevert(_ data: [UInt8]) -> RevertReason
}

/// `RelayChain` over the Operator's `TransactionSender` (EIP-1559 fees from `eth_feeHistory`, `eth_estimateGas` on
/// `pending` plus a margin, libsecp256k1 signing, receipt polling with dropped / replaced detection and revert
/// replay).
public struct TransactionRelayChain: RelayChain {
    /// The sender.
    public let sender: TransactionSender
    private let key: PrivateKey

    /// A chain view that sends with `key` (the relayer's, or the matching-engine key for `assignTask`).
    public init(sender: TransactionSender, key: PrivateKey) {
        self.sender = sender
        self.key = key
    }

    public var from: Address { key.address }

    public func simulate(_ call: ContractCall) async throws(OperatorError) -> [UInt8]? {
        do throws(JSONRPCError) {
            _ = try await sender.client.call(call.request(from: key.address), block: .pending)
            return nil
        } catch {
            if let data = error.revertData { return data }
            if error.code == .rpcError, let message = error.rpcMessage, message.lowercased().contains("revert") { return [] }
            throw OperatorError(.rpc, "eth_call \(call.function.name) (simulation) failed: \(error)")
        }
    }

    public func pendingNonce() async throws(OperatorError) -> UInt64 {
        try await sender.pendingNonce(key.address)
    }

    public func feeQuote(_ overrides: FeeOverrides) async throws(OperatorError) -> FeeQuote {
        try await FeePolicy.quote(client: sender.client, overrides: overrides)
    }

    public func prepare(_ call: ContractCall, nonce: UInt64, fees: FeeQuote, gasMarginPercent: UInt64) async throws(OperatorError) -> PreparedTransaction {
        try await sender.prepare(call, key: key, nonce: nonce, fees: fees, options: TransactionOptions(gasMarginPercent: gasMarginPercent))
    }

    public func send(_ prepared: PreparedTransaction) async throws(OperatorError) -> Hash32 {
        try await sender.send(prepared)
    }

    public func waitForReceipt(_ prepared: PreparedTransaction, timeout: Duration) async throws(OperatorError) -> RelayReceipt {
        let r = try await sender.waitForReceipt(prepared, options: TransactionOptions(confirmations: 1, timeout: timeout))
        return RelayReceipt(transactionHash: r.transactionHash, blockNumber: r.blockNumber, gasUsed: r.gasUsed)
    }

    public func balance() async throws(OperatorError) -> UInt256 {
        do throws(JSONRPCError) { return try await sender.client.getBalance(key.address) } catch {
            throw OperatorError(.rpc, "eth_getBalance(\(key.address.checksummed)) failed: \(error)")
        }
    }

    public func decodeRevert(_ data: [UInt8]) -> RevertReason { sender.abis.decodeRevert(data) }
}
