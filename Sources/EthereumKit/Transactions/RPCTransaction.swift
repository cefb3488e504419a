/// The fields of a JSON-RPC transaction object (`eth_getTransactionByHash`, `eth_getBlockByNumber(…, true)`),
/// already parsed into typed values, from which the signed transaction is rebuilt.
///
/// Use it to recover a sender yourself instead of trusting the node's `from`:
/// `try SignedTransaction(rpc: fields).recoverSender()`. Fields a type does not use are ignored
/// (notably `gasPrice` of an EIP-1559 transaction, which nodes fill with the effective price).
public struct RPCTransactionFields: Hashable, Sendable {
    /// `type` (nil means legacy, as old nodes omit it).
    public var type: UInt64?
    /// `chainId` (required for types 1 and 2; checked against `v` for EIP-155 legacy transactions).
    public var chainId: UInt256?
    /// `nonce`.
    public var nonce: UInt64
    /// `gas` (the gas limit).
    public var gas: UInt64
    /// `gasPrice` (types 0 and 1).
    public var gasPrice: UInt256?
    /// `maxFeePerGas` (type 2).
    public var maxFeePerGas: UInt256?
    /// `maxPriorityFeePerGas` (type 2).
    public var maxPriorityFeePerGas: UInt256?
    /// `to` (nil for contract creation).
    public var to: Address?
    /// `value`.
    public var value: UInt256
    /// `input` (older nodes call it `data`).
    public var input: [UInt8]
    /// `accessList` (types 1 and 2; nil is read as empty).
    public var accessList: [AccessListEntry]?
    /// `v` (legacy: 27/28 or EIP-155; typed: 0/1 and equal to `yParity` when both are present).
    public var v: UInt256?
    /// `yParity` (typed transactions).
    public var yParity: UInt256?
    /// `r`.
    public var r: UInt256
    /// `s`.
    public var s: UInt256
    /// `hash`: when present, the rebuilt transaction must hash to it.
    public var hash: Hash32?

    /// Creates the field set; pass what the node returned and nil for absent fields.
    public init(type: UInt64? = nil, chainId: UInt256? = nil, nonce: UInt64, gas: UInt64, gasPrice: UInt256? = nil,
                maxFeePerGas: UInt256? = nil, maxPriorityFeePerGas: UInt256? = nil, to: Address?, value: UInt256,
                input: [UInt8], accessList: [AccessListEntry]? = nil, v: UInt256? = nil, yParity: UInt256? = nil,
                r: UInt256, s: UInt256, hash: Hash32? = nil) {
        self.type = type
        self.chainId = chainId
        self.nonce = nonce
        self.gas = gas
        self.gasPrice = gasPrice
        self.maxFeePerGas = maxFeePerGas
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.to = to
        self.value = value
        self.input = input
        self.accessList = accessList
        self.v = v
        self.yParity = yParity
        self.r = r
        self.s = s
        self.hash = hash
    }
}

extension SignedTransaction {
    /// Rebuilds a signed transaction from JSON-RPC fields, applying the same rules as decoding raw
    /// bytes, and checks `hash` when given. Types other than 0, 1, 2 (blob, set-code, and L2 system
    /// types such as Arbitrum's 0x64–0x6a) fail with `typeNotSupported`, so a caller can skip them.
    public init(rpc f: RPCTransactionFields) throws {
        let type = f.type ?? 0
        let transaction: Transaction
        let parity: UInt8
        switch type {
        case 0:
            let gasPrice = try Self.require(f.gasPrice, "gasPrice", type)
            let v = try Self.require(f.v, "v", type)
            var chainId: UInt256? = nil
            if v == UInt256(27) || v == UInt256(28) {
                parity = UInt8(truncatingIfNeeded: v.l0 - 27)
                // A pre-EIP-155 signature commits to no chain: a `chainId` some nodes add is informational.
            } else if v >= UInt256(35) {
                let k = v - UInt256(35)
                chainId = k >> 1
                parity = UInt8(truncatingIfNeeded: k.l0 & 1)
                if let given = f.chainId, given != k >> 1 {
                    throw TransactionError(.inconsistentFields, "legacy v = \(v) implies chain id \(k >> 1) but chainId is \(given)")
                }
            } else {
                throw TransactionError(.invalidV, "legacy v = \(v) is neither 27/28 (pre-EIP-155) nor chainId·2 + 35/36 (EIP-155)")
            }
            if let y = f.yParity, y != UInt256(UInt64(parity)) {
                throw TransactionError(.inconsistentFields, "yParity \(y) contradicts v = \(v)")
            }
            transaction = .legacy(LegacyTransaction(nonce: f.nonce, gasPrice: gasPrice, gasLimit: f.gas, to: f.to,
                                                    value: f.value, data: f.input, chainId: chainId))
        case 1, 2:
            parity = try Self.typedParity(f)
            let chainId = try Self.require(f.chainId, "chainId", type)
            if type == 1 {
                transaction = .accessList(AccessListTransaction(
                    chainId: chainId, nonce: f.nonce, gasPrice: try Self.require(f.gasPrice, "gasPrice", type), gasLimit: f.gas,
                    to: f.to, value: f.value, data: f.input, accessList: f.accessList ?? []))
            } else {
                transaction = .dynamicFee(DynamicFeeTransaction(
                    chainId: chainId, nonce: f.nonce,
                    maxPriorityFeePerGas: try Self.require(f.maxPriorityFeePerGas, "maxPriorityFeePerGas", type),
                    maxFeePerGas: try Self.require(f.maxFeePerGas, "maxFeePerGas", type), gasLimit: f.gas,
                    to: f.to, value: f.value, data: f.input, accessList: f.accessList ?? []))
            }
        default:
            throw TransactionError(.typeNotSupported, "transaction type \(type) is not supported (only 0 legacy, 1 EIP-2930 and 2 EIP-1559)")
        }
        let signature: Signature
        do { signature = try Signature(r: f.r, s: f.s, yParity: parity) } catch let e as Secp256k1Error { throw TransactionError(e) }
        try self.init(transaction: transaction, signature: signature)
        if let expected = f.hash {
            let computed = hash
            guard computed == expected else {
                throw TransactionError(.hashMismatch, "the fields hash to \(computed), not to the given hash \(expected); a field was read wrongly or the node returned inconsistent data")
            }
        }
    }

    private static func typedParity(_ f: RPCTransactionFields) throws -> UInt8 {
        guard let value = f.yParity ?? f.v else {
            throw TransactionError(.missingField, "a typed transaction needs yParity (or v)")
        }
        if let y = f.yParity, let v = f.v, y != v {
            throw TransactionError(.inconsistentFields, "yParity \(y) and v \(v) differ; for typed transactions both are the y-parity")
        }
        guard value <= UInt256(1) else {
            throw TransactionError(.invalidV, "the y-parity of a typed transaction must be 0 or 1, got \(value)")
        }
        return UInt8(truncatingIfNeeded: value.l0)
    }

    private static func require<T>(_ value: T?, _ name: String, _ type: UInt64) throws -> T {
        guard let value else { throw TransactionError(.missingField, "a type-\(type) transaction object needs \(name)") }
        return value
    }
}
