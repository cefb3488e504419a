import EthereumKit

/// The result of `eth_feeHistory`.
public struct FeeHistory: Sendable, Hashable {
    /// The first block of the returned range.
    public var oldestBlock: UInt64
    /// Base fee per block, including the block after the range (one more entry than blocks).
    public var baseFeePerGas: [UInt256]
    /// Gas used / gas limit per block.
    public var gasUsedRatio: [Double]
    /// Per block, the priority fee at each requested percentile (nil if no percentiles were requested).
    public var reward: [[UInt256]]?
    /// EIP-4844 blob base fee per block, if the node reports it.
    public var baseFeePerBlobGas: [UInt256]?
    /// EIP-4844 blob gas used ratio per block, if the node reports it.
    public var blobGasUsedRatio: [Double]?

    /// Decodes the `eth_feeHistory` result (a cold path: through `JSONValue`).
    public init(json: JSONValue) throws(JSONParseError) {
        func fail(_ what: String) -> JSONParseError {
            JSONParseError(.wrongType, at: 0, "eth_feeHistory result: \(what)")
        }
        guard case .object = json else { throw fail("expected an object") }
        guard let oldest = json["oldestBlock"]?.uint64Value else { throw fail("oldestBlock must be a hex quantity") }
        oldestBlock = oldest
        func quantities(_ v: JSONValue?, _ name: String) throws(JSONParseError) -> [UInt256] {
            guard let items = v?.arrayValue else { throw fail("\(name) must be an array") }
            var out: [UInt256] = []
            for item in items {
                guard let q = item.uint256Value else { throw fail("\(name) holds a value that is not a hex quantity") }
                out.append(q)
            }
            return out
        }
        func ratios(_ v: JSONValue?, _ name: String) throws(JSONParseError) -> [Double] {
            guard let items = v?.arrayValue else { throw fail("\(name) must be an array") }
            var out: [Double] = []
            for item in items {
                guard let d = item.numberValue?.double else { throw fail("\(name) holds a value that is not a number") }
                out.append(d)
            }
            return out
        }
        baseFeePerGas = try quantities(json["baseFeePerGas"], "baseFeePerGas")
        gasUsedRatio = try ratios(json["gasUsedRatio"], "gasUsedRatio")
        if let r = json["reward"], !r.isNull {
            guard let rows = r.arrayValue else { throw fail("reward must be an array") }
            var out: [[UInt256]] = []
            for row in rows { out.append(try quantities(row, "reward[]")) }
            reward = out
        } else {
            reward = nil
        }
        if let b = json["baseFeePerBlobGas"], !b.isNull { baseFeePerBlobGas = try quantities(b, "baseFeePerBlobGas") } else { baseFeePerBlobGas = nil }
        if let b = json["blobGasUsedRatio"], !b.isNull { blobGasUsedRatio = try ratios(b, "blobGasUsedRatio") } else { blobGasUsedRatio = nil }
    }
}

/// The transaction-like object `eth_call` and `eth_estimateGas` take.
public struct CallRequest: Sendable, Hashable {
    /// The caller (defaults to the zero address on most nodes).
    public var from: Address?
    /// The contract called; nil to simulate a creation.
    public var to: Address?
    /// Gas limit for the call.
    public var gas: UInt64?
    /// Legacy gas price.
    public var gasPrice: UInt256?
    /// EIP-1559 fee cap.
    public var maxFeePerGas: UInt256?
    /// EIP-1559 tip cap.
    public var maxPriorityFeePerGas: UInt256?
    /// Wei sent.
    public var value: UInt256?
    /// Calldata.
    public var data: [UInt8]?

    /// Creates a call request.
    public init(from: Address? = nil, to: Address?, gas: UInt64? = nil, gasPrice: UInt256? = nil,
                maxFeePerGas: UInt256? = nil, maxPriorityFeePerGas: UInt256? = nil, value: UInt256? = nil, data: [UInt8]? = nil) {
        self.from = from; self.to = to; self.gas = gas; self.gasPrice = gasPrice; self.maxFeePerGas = maxFeePerGas
        self.maxPriorityFeePerGas = maxPriorityFeePerGas; self.value = value; self.data = data
    }

    /// The wire object (calldata is sent as `input`, which geth, erigon, reth and nethermind all accept,
    /// and also as `data` for older nodes).
    public var json: JSONValue {
        var m: [(String, JSONValue)] = []
        if let from { m.append(("from", .address(from))) }
        if let to { m.append(("to", .address(to))) }
        if let gas { m.append(("gas", .quantity(gas))) }
        if let gasPrice { m.append(("gasPrice", .quantity(gasPrice))) }
        if let maxFeePerGas { m.append(("maxFeePerGas", .quantity(maxFeePerGas))) }
        if let maxPriorityFeePerGas { m.append(("maxPriorityFeePerGas", .quantity(maxPriorityFeePerGas))) }
        if let value { m.append(("value", .quantity(value))) }
        if let data {
            m.append(("input", .data(data)))
            m.append(("data", .data(data)))
        }
        return .object(m)
    }
}
