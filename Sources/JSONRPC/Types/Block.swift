import EthereumKit

/// A block header as `eth_getBlockByNumber` / `eth_getBlockByHash` return it.
///
/// `number`, `hash`, `parentHash` and `timestamp` are required; fields a node or fork may omit are optional.
public struct BlockHeader: Sendable, Hashable {
    /// The block number.
    public var number: UInt64
    /// The block hash.
    public var hash: Hash32
    /// The parent's hash (reorg detection links on this).
    public var parentHash: Hash32
    /// Seconds since the Unix epoch.
    public var timestamp: UInt64
    /// EIP-1559 base fee (London and later).
    public var baseFeePerGas: UInt256?
    /// Gas limit.
    public var gasLimit: UInt64?
    /// Gas used.
    public var gasUsed: UInt64?
    /// Fee recipient.
    public var miner: Address?
    /// State trie root.
    public var stateRoot: Hash32?
    /// Transactions trie root.
    public var transactionsRoot: Hash32?
    /// Receipts trie root.
    public var receiptsRoot: Hash32?
    /// The 256-byte logs bloom.
    public var logsBloom: [UInt8]?
    /// Extra data.
    public var extraData: [UInt8]?
    /// Mix hash / prevRandao.
    public var mixHash: Hash32?
    /// The 8-byte proof-of-work nonce, as an integer.
    public var nonce: UInt64?
    /// Ommers hash.
    public var sha3Uncles: Hash32?
    /// Proof-of-work difficulty (0 after the merge).
    public var difficulty: UInt256?
    /// Total difficulty (dropped by newer nodes).
    public var totalDifficulty: UInt256?
    /// RLP size in bytes.
    public var size: UInt64?
    /// EIP-4895 withdrawals root.
    public var withdrawalsRoot: Hash32?
    /// EIP-4844 blob gas used.
    public var blobGasUsed: UInt64?
    /// EIP-4844 excess blob gas.
    public var excessBlobGas: UInt64?
    /// EIP-4788 parent beacon block root.
    public var parentBeaconBlockRoot: Hash32?
    /// EIP-7685 requests hash.
    public var requestsHash: Hash32?
    /// Arbitrum: the L1 block number this L2 block was built at (what `block.number` returns in contracts there).
    public var l1BlockNumber: UInt64?

    /// A header with the required fields; the others are nil.
    public init(number: UInt64, hash: Hash32, parentHash: Hash32, timestamp: UInt64) {
        self.number = number; self.hash = hash; self.parentHash = parentHash; self.timestamp = timestamp
    }
}

/// The transactions of a block: hashes, or full objects when requested.
public enum BlockTransactions: Sendable, Hashable {
    /// Transaction hashes (`fullTransactions: false`).
    case hashes([Hash32])
    /// Full transaction objects (`fullTransactions: true`).
    case full([RPCTransaction])

    /// The hashes in either form.
    public var hashes: [Hash32] {
        switch self {
        case .hashes(let h): return h
        case .full(let txs): return txs.map(\.hash)
        }
    }

    /// The number of transactions.
    public var count: Int {
        switch self {
        case .hashes(let h): return h.count
        case .full(let txs): return txs.count
        }
    }
}

/// A block: its header, its transactions and its ommer hashes.
public struct Block: Sendable, Hashable {
    /// The header fields.
    public var header: BlockHeader
    /// The transactions, as hashes or objects.
    public var transactions: BlockTransactions
    /// Ommer (uncle) hashes.
    public var uncles: [Hash32]
}

extension Block {
    /// How to treat the `transactions` array while decoding.
    enum TransactionMode { case skip, hashes, full }

    private enum Field: Int, CaseIterable {
        case number, hash, parentHash, timestamp, baseFeePerGas, gasLimit, gasUsed, miner, stateRoot, transactionsRoot
        case receiptsRoot, logsBloom, extraData, mixHash, nonce, sha3Uncles, difficulty, totalDifficulty, size
        case withdrawalsRoot, blobGasUsed, excessBlobGas, parentBeaconBlockRoot, requestsHash, l1BlockNumber
        case transactions, uncles
    }
    static let keys = JSONKeySet(Field.allCases.map { "\($0)" })
    private static let required = FieldTracker.mask(Field.number.rawValue, Field.hash.rawValue, Field.parentHash.rawValue,
                                                    Field.timestamp.rawValue)

    /// Decodes a block object; `mode` says whether to skip, collect hashes, or decode full transactions.
    static func decode(from s: inout JSONScanner, mode: TransactionMode) throws(JSONParseError) -> Block {
        let keys = Self.keys
        var h = BlockHeader(number: 0, hash: .zero, parentHash: .zero, timestamp: 0)
        var txs: BlockTransactions = mode == .full ? .full([]) : .hashes([])
        var uncles: [Hash32] = []
        try s.readObject(kind: "block", keys: keys, required: required) { (index: Int, s: inout JSONScanner) throws(JSONParseError) in
            switch Field(rawValue: index) {
            case nil: try s.skipValue()
            case .number?: h.number = try s.readQuantity("block.number")
            case .hash?: h.hash = try s.readHash32("block.hash")
            case .parentHash?: h.parentHash = try s.readHash32("block.parentHash")
            case .timestamp?: h.timestamp = try s.readQuantity("block.timestamp")
            case .baseFeePerGas?: h.baseFeePerGas = try s.readOptionalQuantity256("block.baseFeePerGas")
            case .gasLimit?: h.gasLimit = try s.readOptionalQuantity("block.gasLimit")
            case .gasUsed?: h.gasUsed = try s.readOptionalQuantity("block.gasUsed")
            case .miner?: h.miner = try s.readOptionalAddress("block.miner")
            case .stateRoot?: h.stateRoot = try s.readOptionalHash32("block.stateRoot")
            case .transactionsRoot?: h.transactionsRoot = try s.readOptionalHash32("block.transactionsRoot")
            case .receiptsRoot?: h.receiptsRoot = try s.readOptionalHash32("block.receiptsRoot")
            case .logsBloom?: h.logsBloom = try s.consumeNull() ? nil : s.readData("block.logsBloom", count: 256)
            case .extraData?: h.extraData = try s.readOptionalData("block.extraData")
            case .mixHash?: h.mixHash = try s.readOptionalHash32("block.mixHash")
            case .nonce?: h.nonce = try s.readOptionalQuantity("block.nonce")
            case .sha3Uncles?: h.sha3Uncles = try s.readOptionalHash32("block.sha3Uncles")
            case .difficulty?: h.difficulty = try s.readOptionalQuantity256("block.difficulty")
            case .totalDifficulty?: h.totalDifficulty = try s.readOptionalQuantity256("block.totalDifficulty")
            case .size?: h.size = try s.readOptionalQuantity("block.size")
            case .withdrawalsRoot?: h.withdrawalsRoot = try s.readOptionalHash32("block.withdrawalsRoot")
            case .blobGasUsed?: h.blobGasUsed = try s.readOptionalQuantity("block.blobGasUsed")
            case .excessBlobGas?: h.excessBlobGas = try s.readOptionalQuantity("block.excessBlobGas")
            case .parentBeaconBlockRoot?: h.parentBeaconBlockRoot = try s.readOptionalHash32("block.parentBeaconBlockRoot")
            case .requestsHash?: h.requestsHash = try s.readOptionalHash32("block.requestsHash")
            case .l1BlockNumber?: h.l1BlockNumber = try s.readOptionalQuantity("block.l1BlockNumber")
            case .uncles?: uncles = try s.readHash32Array("block.uncles[]")
            case .transactions?:
                if mode == .skip { try s.skipValue() } else { txs = try decodeTransactions(from: &s, mode: mode) }
            }
        }
        return Block(header: h, transactions: txs, uncles: uncles)
    }

    /// The `transactions` array: hash strings or objects (whichever the node sent; they may not be mixed).
    static func decodeTransactions(from s: inout JSONScanner, mode: TransactionMode) throws(JSONParseError) -> BlockTransactions {
        let start = s.position
        guard try s.beginArray() else { return mode == .full ? .full([]) : .hashes([]) }
        if try s.peekByte() == UInt8(ascii: "\"") {
            var hashes: [Hash32] = []
            repeat { hashes.append(try s.readHash32("block.transactions[]")) } while try s.nextElement()
            return .hashes(hashes)
        }
        var txs: [RPCTransaction] = []
        repeat {
            guard try s.peekByte() == UInt8(ascii: "{") else {
                throw JSONParseError(.wrongType, at: s.position, "block.transactions (array at byte \(start)) mixes hashes and objects")
            }
            txs.append(try RPCTransaction.decode(from: &s))
        } while try s.nextElement()
        return .full(txs)
    }
}

extension BlockHeader {
    /// Decodes a block object's header fields, skipping its transactions.
    public static func decode(from s: inout JSONScanner) throws(JSONParseError) -> BlockHeader {
        try Block.decode(from: &s, mode: .skip).header
    }
}

extension Block {
    /// Decodes a block object with its transactions (hashes or full objects, as the node sent them;
    /// `fullTransactions` only decides the form of an empty list).
    public static func decode(from s: inout JSONScanner, fullTransactions: Bool) throws(JSONParseError) -> Block {
        try decode(from: &s, mode: fullTransactions ? .full : .hashes)
    }
}
