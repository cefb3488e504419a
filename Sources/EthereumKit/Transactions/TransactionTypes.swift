/// One EIP-2930 access-list entry: an address and the storage slots the transaction pre-declares.
public struct AccessListEntry: Hashable, Sendable {
    /// The account.
    public var address: Address
    /// The storage keys (32 bytes each).
    public var storageKeys: [Hash32]

    /// Creates an entry.
    public init(address: Address, storageKeys: [Hash32] = []) {
        self.address = address
        self.storageKeys = storageKeys
    }
}

/// A legacy (type 0) transaction: pre-EIP-155 when `chainId` is nil, EIP-155 otherwise.
public struct LegacyTransaction: Hashable, Sendable {
    /// The sender's nonce.
    public var nonce: UInt64
    /// Wei per gas.
    public var gasPrice: UInt256
    /// The gas limit.
    public var gasLimit: UInt64
    /// The recipient, or nil for a contract creation.
    public var to: Address?
    /// Wei sent.
    public var value: UInt256
    /// Call data or init code.
    public var data: [UInt8]
    /// The EIP-155 chain id the signature commits to; nil for a pre-EIP-155 (v = 27/28) transaction.
    public var chainId: UInt256?

    /// Creates a legacy transaction.
    public init(nonce: UInt64, gasPrice: UInt256, gasLimit: UInt64, to: Address?, value: UInt256 = .zero,
                data: [UInt8] = [], chainId: UInt256?) {
        self.nonce = nonce
        self.gasPrice = gasPrice
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.chainId = chainId
    }
}

/// An EIP-2930 (type 1) transaction.
public struct AccessListTransaction: Hashable, Sendable {
    /// The chain id.
    public var chainId: UInt256
    /// The sender's nonce.
    public var nonce: UInt64
    /// Wei per gas.
    public var gasPrice: UInt256
    /// The gas limit.
    public var gasLimit: UInt64
    /// The recipient, or nil for a contract creation.
    public var to: Address?
    /// Wei sent.
    public var value: UInt256
    /// Call data or init code.
    public var data: [UInt8]
    /// The access list.
    public var accessList: [AccessListEntry]

    /// Creates an EIP-2930 transaction.
    public init(chainId: UInt256, nonce: UInt64, gasPrice: UInt256, gasLimit: UInt64, to: Address?,
                value: UInt256 = .zero, data: [UInt8] = [], accessList: [AccessListEntry] = []) {
        self.chainId = chainId
        self.nonce = nonce
        self.gasPrice = gasPrice
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.accessList = accessList
    }
}

/// An EIP-1559 (type 2) transaction.
public struct DynamicFeeTransaction: Hashable, Sendable {
    /// The chain id.
    public var chainId: UInt256
    /// The sender's nonce.
    public var nonce: UInt64
    /// The tip per gas offered to the block producer.
    public var maxPriorityFeePerGas: UInt256
    /// The most the sender pays per gas (base fee + tip).
    public var maxFeePerGas: UInt256
    /// The gas limit.
    public var gasLimit: UInt64
    /// The recipient, or nil for a contract creation.
    public var to: Address?
    /// Wei sent.
    public var value: UInt256
    /// Call data or init code.
    public var data: [UInt8]
    /// The access list.
    public var accessList: [AccessListEntry]

    /// Creates an EIP-1559 transaction.
    public init(chainId: UInt256, nonce: UInt64, maxPriorityFeePerGas: UInt256, maxFeePerGas: UInt256, gasLimit: UInt64,
                to: Address?, value: UInt256 = .zero, data: [UInt8] = [], accessList: [AccessListEntry] = []) {
        self.chainId = chainId
        self.nonce = nonce
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.maxFeePerGas = maxFeePerGas
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.accessList = accessList
    }
}

/// The fields all transaction types share.
protocol TransactionBody: Sendable {
    var chainIdIfAny: UInt256? { get }
    var nonce: UInt64 { get }
    var gasLimit: UInt64 { get }
    var to: Address? { get }
    var value: UInt256 { get }
    var data: [UInt8] { get }
    var accessListIfAny: [AccessListEntry] { get }
}

extension LegacyTransaction: TransactionBody {
    var chainIdIfAny: UInt256? { chainId }
    var accessListIfAny: [AccessListEntry] { [] }
}

extension AccessListTransaction: TransactionBody {
    var chainIdIfAny: UInt256? { chainId }
    var accessListIfAny: [AccessListEntry] { accessList }
}

extension DynamicFeeTransaction: TransactionBody {
    var chainIdIfAny: UInt256? { chainId }
    var accessListIfAny: [AccessListEntry] { accessList }
}

/// An unsigned transaction of one of the supported types.
public enum Transaction: Hashable, Sendable {
    /// Type 0 (pre-EIP-155 or EIP-155).
    case legacy(LegacyTransaction)
    /// Type 1 (EIP-2930).
    case accessList(AccessListTransaction)
    /// Type 2 (EIP-1559).
    case dynamicFee(DynamicFeeTransaction)

    /// The EIP-2718 type: 0, 1 or 2.
    public var type: UInt8 {
        switch self {
        case .legacy: 0
        case .accessList: 1
        case .dynamicFee: 2
        }
    }

    /// The fields every type has, through the shared protocol.
    private var body: any TransactionBody {
        switch self {
        case .legacy(let t): t
        case .accessList(let t): t
        case .dynamicFee(let t): t
        }
    }

    /// The chain id (nil only for a pre-EIP-155 legacy transaction).
    public var chainId: UInt256? { body.chainIdIfAny }
    /// The sender's nonce.
    public var nonce: UInt64 { body.nonce }
    /// The gas limit.
    public var gasLimit: UInt64 { body.gasLimit }
    /// The recipient (nil for a contract creation).
    public var to: Address? { body.to }
    /// Wei sent.
    public var value: UInt256 { body.value }
    /// Call data or init code.
    public var data: [UInt8] { body.data }
    /// The access list (empty for legacy transactions).
    public var accessList: [AccessListEntry] { body.accessListIfAny }

    /// The bytes the sender signs:
    /// - legacy pre-EIP-155: `rlp([nonce, gasPrice, gasLimit, to, value, data])`
    /// - legacy EIP-155: `rlp([nonce, gasPrice, gasLimit, to, value, data, chainId, 0, 0])`
    /// - EIP-2930: `0x01 ‖ rlp([chainId, nonce, gasPrice, gasLimit, to, value, data, accessList])`
    /// - EIP-1559: `0x02 ‖ rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data, accessList])`
    public var signingPayload: [UInt8] {
        var w = RLPWriter(capacity: 64 + data.count)
        if type != 0 { w.append(rawByte: type) }
        w.appendList { w in
            appendFields(to: &w)
            if case .legacy(let t) = self, let chainId = t.chainId {
                w.append(chainId)
                w.append(UInt64(0))
                w.append(UInt64(0))
            }
        }
        return w.bytes
    }

    /// keccak256 of `signingPayload`: the digest the sender's key signs.
    public var signingHash: Hash32 { Keccak256.hash(signingPayload) }

    /// Signs with `key` (RFC 6979, low s) and returns the signed transaction.
    public func signed(with key: PrivateKey) throws -> SignedTransaction {
        let signature: Signature
        do { signature = try key.sign(digest: signingHash) } catch let e as Secp256k1Error { throw TransactionError(e) }
        return try SignedTransaction(transaction: self, signature: signature)
    }

    /// Writes the fields common to the signing payload and the signed encoding (all but v, r, s).
    func appendFields(to w: inout RLPWriter) {
        switch self {
        case .legacy(let t):
            w.append(t.nonce); w.append(t.gasPrice); w.append(t.gasLimit)
            w.append(optional: t.to); w.append(t.value); w.append(bytes: t.data)
        case .accessList(let t):
            w.append(t.chainId); w.append(t.nonce); w.append(t.gasPrice); w.append(t.gasLimit)
            w.append(optional: t.to); w.append(t.value); w.append(bytes: t.data)
            Self.append(t.accessList, to: &w)
        case .dynamicFee(let t):
            w.append(t.chainId); w.append(t.nonce); w.append(t.maxPriorityFeePerGas); w.append(t.maxFeePerGas)
            w.append(t.gasLimit); w.append(optional: t.to); w.append(t.value); w.append(bytes: t.data)
            Self.append(t.accessList, to: &w)
        }
    }

    static func append(_ accessList: [AccessListEntry], to w: inout RLPWriter) {
        w.appendList { w in
            for entry in accessList {
                w.appendList { w in
                    w.append(entry.address)
                    w.appendList { w in for key in entry.storageKeys { w.append(key) } }
                }
            }
        }
    }
}
