import EthereumKit

/// One method per typed `eth_` call (see `Eth` for the call values, e.g. to batch them).
extension JSONRPCClient {
    /// `eth_chainId`.
    public func chainId() async throws(JSONRPCError) -> UInt64 { try await send(Eth.chainId()) }

    /// `eth_blockNumber`.
    public func blockNumber() async throws(JSONRPCError) -> UInt64 { try await send(Eth.blockNumber()) }

    /// `eth_getBlockByNumber`; nil if the node has no such block.
    public func getBlockByNumber(_ block: BlockNumberOrTag, fullTransactions: Bool = false) async throws(JSONRPCError) -> Block? {
        try await send(Eth.getBlockByNumber(block, fullTransactions: fullTransactions))
    }

    /// `eth_getBlockByHash`; nil if the node has no such block.
    public func getBlockByHash(_ hash: Hash32, fullTransactions: Bool = false) async throws(JSONRPCError) -> Block? {
        try await send(Eth.getBlockByHash(hash, fullTransactions: fullTransactions))
    }

    /// A block header by number or tag; nil if the node has no such block.
    public func getBlockHeader(_ block: BlockNumberOrTag) async throws(JSONRPCError) -> BlockHeader? {
        try await send(Eth.getBlockHeader(block))
    }

    /// Many block headers in JSON-RPC batches, one result per number in order (nil: the node has no such block).
    public func getBlockHeaders(_ numbers: [UInt64]) async throws(JSONRPCError) -> [Result<BlockHeader?, JSONRPCError>] {
        try await batch(numbers.map { Eth.getBlockHeader(.number($0)) })
    }

    /// `eth_getLogs`.
    public func getLogs(_ filter: LogFilter) async throws(JSONRPCError) -> [Log] { try await send(Eth.getLogs(filter)) }

    /// `eth_call` of `data` on `to` at `block`; pin historical reads with `.canonical(blockHash)` (EIP-1898).
    public func call(to: Address, data: [UInt8], block: BlockSelector) async throws(JSONRPCError) -> [UInt8] {
        try await send(Eth.call(CallRequest(to: to, data: data), block: block))
    }

    /// `eth_call` with a full call request.
    public func call(_ request: CallRequest, block: BlockSelector) async throws(JSONRPCError) -> [UInt8] {
        try await send(Eth.call(request, block: block))
    }

    /// `eth_estimateGas`.
    public func estimateGas(_ request: CallRequest, block: BlockSelector? = nil) async throws(JSONRPCError) -> UInt64 {
        try await send(Eth.estimateGas(request, block: block))
    }

    /// `eth_getTransactionByHash`; nil if unknown.
    public func getTransactionByHash(_ hash: Hash32) async throws(JSONRPCError) -> RPCTransaction? {
        try await send(Eth.getTransactionByHash(hash))
    }

    /// `eth_getTransactionReceipt`; nil while pending or unknown.
    public func getTransactionReceipt(_ hash: Hash32) async throws(JSONRPCError) -> Receipt? {
        try await send(Eth.getTransactionReceipt(hash))
    }

    /// `eth_getTransactionCount` at `block` (`.pending` includes queued transactions).
    public func getTransactionCount(_ address: Address, block: BlockSelector = .pending) async throws(JSONRPCError) -> UInt64 {
        try await send(Eth.getTransactionCount(address, block: block))
    }

    /// `eth_gasPrice`.
    public func gasPrice() async throws(JSONRPCError) -> UInt256 { try await send(Eth.gasPrice()) }

    /// `eth_maxPriorityFeePerGas`.
    public func maxPriorityFeePerGas() async throws(JSONRPCError) -> UInt256 { try await send(Eth.maxPriorityFeePerGas()) }

    /// `eth_feeHistory`.
    public func feeHistory(blockCount: UInt64, newest: BlockNumberOrTag = .latest, rewardPercentiles: [Double] = []) async throws(JSONRPCError) -> FeeHistory {
        try await send(Eth.feeHistory(blockCount: blockCount, newest: newest, rewardPercentiles: rewardPercentiles))
    }

    /// `eth_sendRawTransaction`; returns the transaction hash.
    public func sendRawTransaction(_ raw: [UInt8]) async throws(JSONRPCError) -> Hash32 { try await send(Eth.sendRawTransaction(raw)) }

    /// `eth_getBalance`.
    public func getBalance(_ address: Address, block: BlockSelector = .latest) async throws(JSONRPCError) -> UInt256 {
        try await send(Eth.getBalance(address, block: block))
    }

    /// `eth_getCode`.
    public func getCode(_ address: Address, block: BlockSelector = .latest) async throws(JSONRPCError) -> [UInt8] {
        try await send(Eth.getCode(address, block: block))
    }

    /// `eth_getStorageAt`.
    public func getStorageAt(_ address: Address, slot: UInt256, block: BlockSelector = .latest) async throws(JSONRPCError) -> Hash32 {
        try await send(Eth.getStorageAt(address, slot: slot, block: block))
    }
}
