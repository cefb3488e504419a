import EthereumKit
import JSONRPC

/// What enrichment reads from the chain. `RPCChainReader` implements it over `JSONRPCClient` (batched); tests
/// inject answers and faults with their own implementation.
///
/// Reads are pinned: blocks by number as fetched for the same range (the enricher checks their hashes against the
/// logs'), calls by block hash (EIP-1898, `requireCanonical: true`). Nothing here ever reads at `latest`.
public protocol ChainReader: Sendable {
    /// The blocks with full transaction objects, by number (batched).
    /// - Throws: when any block cannot be read (transport failure, missing block): the range is retried.
    func blocksWithTransactions(_ numbers: [UInt64]) async throws -> [UInt64: Block]
    /// `eth_call`s pinned to a block hash, answered in order. A revert or an RPC error of one call is that call's
    /// failure (classified by `PinnedCallError.Kind`).
    /// - Throws: when the whole batch failed (transport): the range is retried.
    func call(_ calls: [PinnedCall]) async throws -> [Result<[UInt8], PinnedCallError>]
}

/// An `eth_call` pinned to a block hash.
public struct PinnedCall: Sendable, Hashable {
    /// The contract called.
    public var to: Address
    /// The calldata (selector and arguments).
    public var data: [UInt8]
    /// The block whose end state is read.
    public var blockHash: Hash32

    /// Creates a pinned call.
    public init(to: Address, data: [UInt8], blockHash: Hash32) {
        self.to = to; self.data = data; self.blockHash = blockHash
    }
}

/// Why one pinned `eth_call` failed, classified for the enricher's decision.
public struct PinnedCallError: Error, Sendable, Hashable, CustomStringConvertible {
    /// How the failure is treated.
    public enum Kind: String, Sendable, Hashable {
        /// The call executed and reverted (revert data or a "revert" message): the value is unavailable at that block.
        case reverted
        /// The node refused the call for good (a non-retryable JSON-RPC error: missing trie node on a pruned node,
        /// EIP-1898 not supported, invalid argument): the value is unavailable from this node.
        case rejected
        /// The failure may pass on a retry (rate limit, internal error, "header not found" while the node catches
        /// up, or a block hash that is no longer canonical after a reorg) even though the client's own retries gave
        /// up: the enricher throws
        /// (`EnrichmentError.transientRead`) so the sync layer retries the whole range.
        case transient
    }

    /// How the failure is treated.
    public var kind: Kind
    /// The revert payload, if the node returned one.
    public var revertData: [UInt8]?
    /// The node's message (secrets in URLs already masked by the client).
    public var message: String

    /// Creates a failure record.
    public init(kind: Kind, revertData: [UInt8]? = nil, message: String) {
        self.kind = kind; self.revertData = revertData; self.message = message
    }

    /// Classifies a JSON-RPC client failure of one call: reverts, then non-retryable RPC errors (rejected);
    /// everything else (retryable RPC errors, transport, malformed replies) is transient.
    public init(_ error: JSONRPCError) {
        let text = error.description
        if error.code == .rpcError {
            let lowered = (error.rpcMessage ?? error.message).lowercased()
            if error.revertData != nil || error.rpcCode == 3 || lowered.contains("revert") {
                self.init(kind: .reverted, revertData: error.revertData, message: text)
            } else if error.isRetryable || Self.blockGone.contains(where: { lowered.contains($0) }) {
                self.init(kind: .transient, message: text)
            } else {
                self.init(kind: .rejected, message: text)
            }
        } else {
            self.init(kind: .transient, message: text)
        }
    }

    /// Messages that say the pinned block is not (or no longer) canonical or known: a reorg or a lagging node,
    /// never a property of the call, so the range is retried rather than the value marked unavailable.
    static let blockGone = ["not currently canonical", "not canonical", "header not found", "block not found", "unknown block"]

    public var description: String { "\(kind.rawValue): \(message)" }
}
