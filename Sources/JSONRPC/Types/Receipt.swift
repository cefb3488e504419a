import EthereumKit

/// A transaction receipt (`eth_getTransactionReceipt`).
public struct Receipt: Sendable, Hashable {
    /// The transaction.
    public var transactionHash: Hash32
    /// Its position in the block.
    public var transactionIndex: UInt64
    /// The block's hash.
    public var blockHash: Hash32
    /// The block's number.
    public var blockNumber: UInt64
    /// The sender.
    public var from: Address
    /// The recipient; nil for contract creation.
    public var to: Address?
    /// The created contract, if any.
    public var contractAddress: Address?
    /// Gas used by this and all earlier transactions in the block.
    public var cumulativeGasUsed: UInt64
    /// Gas used by this transaction.
    public var gasUsed: UInt64
    /// The price per gas actually paid.
    public var effectiveGasPrice: UInt256?
    /// 1 success, 0 failure (Byzantium and later); nil for older receipts with a state `root`.
    public var status: UInt8?
    /// Pre-Byzantium post-state root.
    public var root: Hash32?
    /// The logs emitted.
    public var logs: [Log]
    /// The 256-byte logs bloom.
    public var logsBloom: [UInt8]?
    /// The transaction type.
    public var type: UInt8
    /// EIP-4844 blob gas used.
    public var blobGasUsed: UInt64?
    /// EIP-4844 blob gas price.
    public var blobGasPrice: UInt256?
    /// Arbitrum: the L1 block number.
    public var l1BlockNumber: UInt64?
    /// Arbitrum: gas charged for L1 calldata.
    public var gasUsedForL1: UInt64?

    /// Whether the transaction succeeded (`status == 1`).
    public var succeeded: Bool { status == 1 }
}

extension Receipt {
    private enum Field: Int, CaseIterable {
        case transactionHash, transactionIndex, blockHash, blockNumber, from, to, contractAddress, cumulativeGasUsed
        case gasUsed, effectiveGasPrice, status, root, logs, logsBloom, type, blobGasUsed, blobGasPrice, l1BlockNumber
        case gasUsedForL1
    }
    static let keys = JSONKeySet(Field.allCases.map { "\($0)" })
    private static let required = FieldTracker.mask(Field.transactionHash.rawValue, Field.transactionIndex.rawValue,
                                                    Field.blockHash.rawValue, Field.blockNumber.rawValue, Field.from.rawValue,
                                                    Field.cumulativeGasUsed.rawValue, Field.gasUsed.rawValue, Field.logs.rawValue)

    /// Decodes a receipt object. Required: transactionHash, transactionIndex, blockHash, blockNumber, from,
    /// cumulativeGasUsed, gasUsed, logs; `type` defaults to 0.
    public static func decode(from s: inout JSONScanner) throws(JSONParseError) -> Receipt {
        let keys = Self.keys
        var r = Receipt(transactionHash: .zero, transactionIndex: 0, blockHash: .zero, blockNumber: 0, from: .zero, to: nil,
                        contractAddress: nil, cumulativeGasUsed: 0, gasUsed: 0, effectiveGasPrice: nil, status: nil, root: nil,
                        logs: [], logsBloom: nil, type: 0, blobGasUsed: nil, blobGasPrice: nil, l1BlockNumber: nil,
                        gasUsedForL1: nil)
        try s.readObject(kind: "receipt", keys: keys, required: required) { (index: Int, s: inout JSONScanner) throws(JSONParseError) in
            switch Field(rawValue: index) {
            case nil: try s.skipValue()
            case .transactionHash?: r.transactionHash = try s.readHash32("receipt.transactionHash")
            case .transactionIndex?: r.transactionIndex = try s.readQuantity("receipt.transactionIndex")
            case .blockHash?: r.blockHash = try s.readHash32("receipt.blockHash")
            case .blockNumber?: r.blockNumber = try s.readQuantity("receipt.blockNumber")
            case .from?: r.from = try s.readAddress("receipt.from")
            case .to?: r.to = try s.readOptionalAddress("receipt.to")
            case .contractAddress?: r.contractAddress = try s.readOptionalAddress("receipt.contractAddress")
            case .cumulativeGasUsed?: r.cumulativeGasUsed = try s.readQuantity("receipt.cumulativeGasUsed")
            case .gasUsed?: r.gasUsed = try s.readQuantity("receipt.gasUsed")
            case .effectiveGasPrice?: r.effectiveGasPrice = try s.readOptionalQuantity256("receipt.effectiveGasPrice")
            case .status?: r.status = try s.consumeNull() ? nil : s.readSmallQuantity("receipt.status")
            case .root?: r.root = try s.readOptionalHash32("receipt.root")
            case .logs?: r.logs = try Log.decodeArray(from: &s)
            case .logsBloom?: r.logsBloom = try s.consumeNull() ? nil : s.readData("receipt.logsBloom", count: 256)
            case .type?: r.type = try s.readSmallQuantity("receipt.type")
            case .blobGasUsed?: r.blobGasUsed = try s.readOptionalQuantity("receipt.blobGasUsed")
            case .blobGasPrice?: r.blobGasPrice = try s.readOptionalQuantity256("receipt.blobGasPrice")
            case .l1BlockNumber?: r.l1BlockNumber = try s.readOptionalQuantity("receipt.l1BlockNumber")
            case .gasUsedForL1?: r.gasUsedForL1 = try s.readOptionalQuantity("receipt.gasUsedForL1")
            }
        }
        return r
    }
}
