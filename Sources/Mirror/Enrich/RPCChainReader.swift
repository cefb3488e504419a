import EthereumKit
import JSONRPC

/// `ChainReader` over a `JSONRPCClient`: one JSON-RPC batch of `eth_getBlockByNumber(n, true)` for the blocks and
/// one of `eth_call` with the EIP-1898 selector `{blockHash, requireCanonical: true}` for the pinned calls (the client
/// splits batches at its `maxBatchSize` and retries only the calls that failed transiently).
public struct RPCChainReader: ChainReader {
    /// The client (its retries, failover, rate limit and metrics apply).
    public let client: JSONRPCClient

    /// Creates a reader over `client`.
    public init(client: JSONRPCClient) { self.client = client }

    /// The blocks with full transactions.
    /// - Throws: the client's error when the batch fails or any block's call fails after the retries, and
    ///   `EnrichmentError.missingBlock` when the node has no such block (it is behind, or the block was reorged away).
    public func blocksWithTransactions(_ numbers: [UInt64]) async throws -> [UInt64: Block] {
        guard !numbers.isEmpty else { return [:] }
        let results = try await client.batch(numbers.map { Eth.getBlockByNumber(.number($0), fullTransactions: true) })
        var blocks: [UInt64: Block] = [:]
        for (n, result) in zip(numbers, results) {
            guard let block = try result.get() else {
                throw EnrichmentError(.missingBlock, "eth_getBlockByNumber(\(n), true) returned null: the node does not have the block (it is behind, or the block was reorged away); sync the range again")
            }
            blocks[n] = block
        }
        return blocks
    }

    /// The pinned calls, each pinned with `BlockSelector.canonical(blockHash)`; failures are classified by
    /// `PinnedCallError(_:)`.
    /// - Throws: the client's error when the batch as a whole fails (transport, HTTP) after the retries.
    public func call(_ calls: [PinnedCall]) async throws -> [Result<[UInt8], PinnedCallError>] {
        guard !calls.isEmpty else { return [] }
        let results = try await client.batch(calls.map { Eth.call(CallRequest(to: $0.to, data: $0.data), block: .canonical($0.blockHash)) })
        return results.map { result in result.mapError { PinnedCallError($0) } }
    }
}
