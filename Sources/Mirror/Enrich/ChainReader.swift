import EthereumKit
import JSONRPC

/// What enrichment reads from the chain. Implemented over `JSONRPCClient` (batched); tests inject faults.
///
/// Reads are pinned: blocks by number as fetched in the same range, calls by block hash (EIP-1898,
/// `requireCanonical: true`). Nothing here ever reads at `latest`.
public protocol ChainReader: Sendable {
    /// The blocks with full transaction objects, by number (batched).
    func blocksWithTransactions(_ numbers: [UInt64]) async throws -> [UInt64: Block]
    /// `eth_call`s pinned to a block hash, answered in order; a revert or RPC error is that call's failure.
    func call(_ calls: [PinnedCall]) async throws -> [Result<[UInt8], JSONRPCError>]
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
