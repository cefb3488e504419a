import EthereumKit

/// Typed `eth_` calls, for `JSONRPCClient.send` and `.batch` (the client also has one method per call).
///
/// Results are decoded straight from the response bytes: hex into `UInt64`, `UInt256`, `Address`, `Hash32`,
/// `[UInt8]`; logs, blocks, transactions and receipts by their single-pass decoders.
public enum Eth {
    /// `eth_chainId`.
    public static func chainId() -> RPCCall<UInt64> { quantity("eth_chainId", []) }

    /// `eth_blockNumber`.
    public static func blockNumber() -> RPCCall<UInt64> { quantity("eth_blockNumber", []) }

    /// `eth_gasPrice`.
    public static func gasPrice() -> RPCCall<UInt256> { quantity256("eth_gasPrice", []) }

    /// `eth_maxPriorityFeePerGas`.
    public static func maxPriorityFeePerGas() -> RPCCall<UInt256> { quantity256("eth_maxPriorityFeePerGas", []) }

    /// `eth_getBlockByNumber` with full transactions or hashes; nil if the node has no such block.
    public static func getBlockByNumber(_ block: BlockNumberOrTag, fullTransactions: Bool) -> RPCCall<Block?> {
        RPCCall(method: "eth_getBlockByNumber", params: [block.json, .bool(fullTransactions)]) { (s: inout JSONScanner) throws(JSONParseError) in
            try s.consumeNull() ? nil : Block.decode(from: &s, fullTransactions: fullTransactions)
        }
    }

    /// `eth_getBlockByHash`; nil if the node has no such block.
    public static func getBlockByHash(_ hash: Hash32, fullTransactions: Bool) -> RPCCall<Block?> {
        RPCCall(method: "eth_getBlockByHash", params: [.hash(hash), .bool(fullTransactions)]) { (s: inout JSONScanner) throws(JSONParseError) in
            try s.consumeNull() ? nil : Block.decode(from: &s, fullTransactions: fullTransactions)
        }
    }

    /// The header of a block by number or tag (`eth_getBlockByNumber`, hashes only, transaction list skipped).
    public static func getBlockHeader(_ block: BlockNumberOrTag) -> RPCCall<BlockHeader?> {
        RPCCall(method: "eth_getBlockByNumber", params: [block.json, .bool(false)]) { (s: inout JSONScanner) throws(JSONParseError) in
            try s.consumeNull() ? nil : BlockHeader.decode(from: &s)
        }
    }

    /// The header of a block by hash (`eth_getBlockByHash`, transaction list skipped).
    public static func getBlockHeader(hash: Hash32) -> RPCCall<BlockHeader?> {
        RPCCall(method: "eth_getBlockByHash", params: [.hash(hash), .bool(false)]) { (s: inout JSONScanner) throws(JSONParseError) in
            try s.consumeNull() ? nil : BlockHeader.decode(from: &s)
        }
    }

    /// `eth_getLogs`.
    public static func getLogs(_ filter: LogFilter) -> RPCCall<[Log]> {
        RPCCall(method: "eth_getLogs", params: [filter.json]) { (s: inout JSONScanner) throws(JSONParseError) in try Log.decodeArray(from: &s) }
    }

    /// `eth_call` at `block` (a number, a tag, or EIP-1898 `{blockHash, requireCanonical}`); returns the return data.
    /// A revert is a `JSONRPCError` whose `revertData` holds the revert payload.
    public static func call(_ request: CallRequest, block: BlockSelector) -> RPCCall<[UInt8]> {
        data("eth_call", [request.json, block.json])
    }

    /// `eth_estimateGas` (the block parameter is omitted when nil, for nodes that do not take it).
    public static func estimateGas(_ request: CallRequest, block: BlockSelector? = nil) -> RPCCall<UInt64> {
        quantity("eth_estimateGas", [request.json] + (block.map { [$0.json] } ?? []))
    }

    /// `eth_getTransactionByHash`; nil if unknown.
    public static func getTransactionByHash(_ hash: Hash32) -> RPCCall<RPCTransaction?> {
        RPCCall(method: "eth_getTransactionByHash", params: [.hash(hash)]) { (s: inout JSONScanner) throws(JSONParseError) in
            try s.consumeNull() ? nil : RPCTransaction.decode(from: &s)
        }
    }

    /// `eth_getTransactionReceipt`; nil while pending or unknown.
    public static func getTransactionReceipt(_ hash: Hash32) -> RPCCall<Receipt?> {
        RPCCall(method: "eth_getTransactionReceipt", params: [.hash(hash)]) { (s: inout JSONScanner) throws(JSONParseError) in
            try s.consumeNull() ? nil : Receipt.decode(from: &s)
        }
    }

    /// `eth_getTransactionCount` (the nonce) at `block`; use `.pending` to include queued transactions.
    public static func getTransactionCount(_ address: Address, block: BlockSelector) -> RPCCall<UInt64> {
        quantity("eth_getTransactionCount", [.address(address), block.json])
    }

    /// `eth_getBalance` at `block`.
    public static func getBalance(_ address: Address, block: BlockSelector) -> RPCCall<UInt256> {
        quantity256("eth_getBalance", [.address(address), block.json])
    }

    /// `eth_getCode` at `block`.
    public static func getCode(_ address: Address, block: BlockSelector) -> RPCCall<[UInt8]> {
        data("eth_getCode", [.address(address), block.json])
    }

    /// `eth_getStorageAt`: the 32-byte word in `slot` at `block` (shorter replies are left-padded).
    public static func getStorageAt(_ address: Address, slot: UInt256, block: BlockSelector) -> RPCCall<Hash32> {
        RPCCall(method: "eth_getStorageAt", params: [.address(address), .quantity(slot), block.json]) { (s: inout JSONScanner) throws(JSONParseError) in
            let start = s.position
            let bytes = try s.readData("result")
            guard bytes.count <= 32 else {
                throw JSONParseError(.outOfRange, at: start, "eth_getStorageAt returned \(bytes.count) bytes; a storage word has 32")
            }
            return Hash32(UInt256(bigEndian: bytes) ?? .zero)
        }
    }

    /// `eth_feeHistory` for `blockCount` blocks ending at `newest`, with priority-fee `rewardPercentiles` (0–100).
    public static func feeHistory(blockCount: UInt64, newest: BlockNumberOrTag, rewardPercentiles: [Double]) -> RPCCall<FeeHistory> {
        let percentiles = JSONValue.array(rewardPercentiles.map { .number(JSONNumber(text: $0.isFinite ? "\($0)" : "0")) })
        return RPCCall(method: "eth_feeHistory", params: [.quantity(blockCount), newest.json, percentiles]) { (s: inout JSONScanner) throws(JSONParseError) in
            try FeeHistory(json: s.readValue())
        }
    }

    /// `eth_sendRawTransaction`; returns the transaction hash.
    public static func sendRawTransaction(_ raw: [UInt8]) -> RPCCall<Hash32> {
        RPCCall(method: "eth_sendRawTransaction", params: [.data(raw)]) { (s: inout JSONScanner) throws(JSONParseError) in try s.readHash32("result") }
    }

    // MARK: - Result shapes

    static func quantity(_ method: String, _ params: [JSONValue]) -> RPCCall<UInt64> {
        RPCCall(method: method, params: params) { (s: inout JSONScanner) throws(JSONParseError) in try s.readQuantity("result") }
    }

    static func quantity256(_ method: String, _ params: [JSONValue]) -> RPCCall<UInt256> {
        RPCCall(method: method, params: params) { (s: inout JSONScanner) throws(JSONParseError) in try s.readQuantity256("result") }
    }

    static func data(_ method: String, _ params: [JSONValue]) -> RPCCall<[UInt8]> {
        RPCCall(method: method, params: params) { (s: inout JSONScanner) throws(JSONParseError) in try s.readData("result") }
    }
}
