import EthereumKit

/// One entry of an EIP-2930 access list.
public struct AccessListEntry: Sendable, Hashable {
    /// The account.
    public var address: Address
    /// Its storage slots.
    public var storageKeys: [Hash32]
    /// Creates an entry.
    public init(address: Address, storageKeys: [Hash32]) { self.address = address; self.storageKeys = storageKeys }
}

/// One EIP-7702 set-code authorization.
public struct SetCodeAuthorization: Sendable, Hashable {
    /// The chain id the authorization is valid on (0: any).
    public var chainId: UInt256
    /// The code address to delegate to.
    public var address: Address
    /// The authority's nonce.
    public var nonce: UInt64
    /// The signature's y parity.
    public var yParity: UInt8
    /// The signature's r.
    public var r: UInt256
    /// The signature's s.
    public var s: UInt256
}

/// A transaction object as geth returns it (`eth_getTransactionByHash`, full blocks).
///
/// Fields that only some transaction types carry are optional. `from` is the node's claim; callers that must
/// not trust it recover the sender from the signature.
public struct RPCTransaction: Sendable, Hashable {
    /// The EIP-2718 type: 0 legacy, 1 access list, 2 dynamic fee, 3 blob, 4 set-code (others on L2s).
    public var type: UInt8
    /// The chain id (absent for pre-EIP-155 legacy transactions).
    public var chainId: UInt64?
    /// The sender's nonce.
    public var nonce: UInt64
    /// The recipient; nil for contract creation.
    public var to: Address?
    /// Wei sent.
    public var value: UInt256
    /// Calldata (or init code).
    public var input: [UInt8]
    /// Gas limit.
    public var gas: UInt64
    /// Gas price (legacy / 2930), or the effective price of a mined 1559 transaction.
    public var gasPrice: UInt256?
    /// EIP-1559 fee cap.
    public var maxFeePerGas: UInt256?
    /// EIP-1559 tip cap.
    public var maxPriorityFeePerGas: UInt256?
    /// EIP-4844 blob fee cap.
    public var maxFeePerBlobGas: UInt256?
    /// EIP-4844 blob hashes.
    public var blobVersionedHashes: [Hash32]?
    /// EIP-2930 access list.
    public var accessList: [AccessListEntry]?
    /// EIP-7702 authorizations.
    public var authorizationList: [SetCodeAuthorization]?
    /// Signature v (legacy: 27/28 or EIP-155 `chainId·2+35/36`; typed: the y parity).
    public var v: UInt256
    /// Signature r.
    public var r: UInt256
    /// Signature s.
    public var s: UInt256
    /// Signature y parity (typed transactions).
    public var yParity: UInt8?
    /// The transaction hash.
    public var hash: Hash32
    /// The sender as the node reports it.
    public var from: Address
    /// The containing block's hash; nil while pending.
    public var blockHash: Hash32?
    /// The containing block's number; nil while pending.
    public var blockNumber: UInt64?
    /// The position in the block; nil while pending.
    public var transactionIndex: UInt64?
}

extension RPCTransaction {
    private enum Field: Int, CaseIterable {
        case type, chainId, nonce, to, value, input, gas, gasPrice, maxFeePerGas, maxPriorityFeePerGas, maxFeePerBlobGas
        case blobVersionedHashes, accessList, authorizationList, v, r, s, yParity, hash, from, blockHash, blockNumber
        case transactionIndex
    }
    static let keys = JSONKeySet(Field.allCases.map { "\($0)" })
    private static let required = FieldTracker.mask(Field.nonce.rawValue, Field.value.rawValue, Field.input.rawValue,
                                                    Field.gas.rawValue, Field.v.rawValue, Field.r.rawValue, Field.s.rawValue,
                                                    Field.hash.rawValue, Field.from.rawValue)

    /// Decodes one transaction object. Required: nonce, value, input, gas, v, r, s, hash, from; `type` defaults to 0.
    public static func decode(from s: inout JSONScanner) throws(JSONParseError) -> RPCTransaction {
        let keys = Self.keys
        var tx = RPCTransaction(type: 0, chainId: nil, nonce: 0, to: nil, value: .zero, input: [], gas: 0, gasPrice: nil,
                                maxFeePerGas: nil, maxPriorityFeePerGas: nil, maxFeePerBlobGas: nil, blobVersionedHashes: nil,
                                accessList: nil, authorizationList: nil, v: .zero, r: .zero, s: .zero, yParity: nil,
                                hash: .zero, from: .zero, blockHash: nil, blockNumber: nil, transactionIndex: nil)
        try s.readObject(kind: "transaction", keys: keys, required: required) { (index: Int, s: inout JSONScanner) throws(JSONParseError) in
            switch Field(rawValue: index) {
            case nil: try s.skipValue()
            case .type?: tx.type = try s.readSmallQuantity("tx.type")
            case .chainId?: tx.chainId = try s.readOptionalQuantity("tx.chainId")
            case .nonce?: tx.nonce = try s.readQuantity("tx.nonce")
            case .to?: tx.to = try s.readOptionalAddress("tx.to")
            case .value?: tx.value = try s.readQuantity256("tx.value")
            case .input?: tx.input = try s.readData("tx.input")
            case .gas?: tx.gas = try s.readQuantity("tx.gas")
            case .gasPrice?: tx.gasPrice = try s.readOptionalQuantity256("tx.gasPrice")
            case .maxFeePerGas?: tx.maxFeePerGas = try s.readOptionalQuantity256("tx.maxFeePerGas")
            case .maxPriorityFeePerGas?: tx.maxPriorityFeePerGas = try s.readOptionalQuantity256("tx.maxPriorityFeePerGas")
            case .maxFeePerBlobGas?: tx.maxFeePerBlobGas = try s.readOptionalQuantity256("tx.maxFeePerBlobGas")
            case .blobVersionedHashes?:
                tx.blobVersionedHashes = try s.consumeNull() ? nil : s.readHash32Array("tx.blobVersionedHashes[]")
            case .accessList?:
                tx.accessList = try s.consumeNull() ? nil : s.readArray { (s: inout JSONScanner) throws(JSONParseError) in try decodeAccessListEntry(from: &s) }
            case .authorizationList?:
                tx.authorizationList = try s.consumeNull() ? nil : s.readArray { (s: inout JSONScanner) throws(JSONParseError) in try decodeAuthorization(from: &s) }
            case .v?: tx.v = try s.readQuantity256("tx.v")
            case .r?: tx.r = try s.readQuantity256("tx.r")
            case .s?: tx.s = try s.readQuantity256("tx.s")
            case .yParity?: tx.yParity = try s.consumeNull() ? nil : s.readSmallQuantity("tx.yParity")
            case .hash?: tx.hash = try s.readHash32("tx.hash")
            case .from?: tx.from = try s.readAddress("tx.from")
            case .blockHash?: tx.blockHash = try s.readOptionalHash32("tx.blockHash")
            case .blockNumber?: tx.blockNumber = try s.readOptionalQuantity("tx.blockNumber")
            case .transactionIndex?: tx.transactionIndex = try s.readOptionalQuantity("tx.transactionIndex")
            }
        }
        return tx
    }

    private static let accessKeys = JSONKeySet(["address", "storageKeys"])

    static func decodeAccessListEntry(from s: inout JSONScanner) throws(JSONParseError) -> AccessListEntry {
        var entry = AccessListEntry(address: .zero, storageKeys: [])
        try s.readObject(kind: "access list entry", keys: accessKeys, required: 0b11) { (index: Int, s: inout JSONScanner) throws(JSONParseError) in
            if index == 0 { entry.address = try s.readAddress("accessList[].address") } else { entry.storageKeys = try s.readHash32Array("accessList[].storageKeys[]") }
        }
        return entry
    }

    private static let authorizationKeys = JSONKeySet(["chainId", "address", "nonce", "yParity", "r", "s"])

    static func decodeAuthorization(from s: inout JSONScanner) throws(JSONParseError) -> SetCodeAuthorization {
        var a = SetCodeAuthorization(chainId: .zero, address: .zero, nonce: 0, yParity: 0, r: .zero, s: .zero)
        try s.readObject(kind: "authorization", keys: authorizationKeys, required: 0b111111) { (index: Int, s: inout JSONScanner) throws(JSONParseError) in
            switch index {
            case 0: a.chainId = try s.readQuantity256("authorizationList[].chainId")
            case 1: a.address = try s.readAddress("authorizationList[].address")
            case 2: a.nonce = try s.readQuantity("authorizationList[].nonce")
            case 3: a.yParity = try s.readSmallQuantity("authorizationList[].yParity")
            case 4: a.r = try s.readQuantity256("authorizationList[].r")
            case 5: a.s = try s.readQuantity256("authorizationList[].s")
            default: try s.skipValue()
            }
        }
        return a
    }
}
