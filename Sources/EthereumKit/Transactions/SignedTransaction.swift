/// A signed transaction: the fields plus (r, s, y-parity), with serialisation, hash and sender recovery.
///
/// Every `SignedTransaction` satisfies Ethereum's signature rules: 1 ≤ r, s < n and s ≤ n/2 (EIP-2);
/// for legacy EIP-155 transactions `v = chainId·2 + 35 + yParity` fits 256 bits.
public struct SignedTransaction: Hashable, Sendable {
    /// The signed fields.
    public let transaction: Transaction
    /// The signature (low s).
    public let signature: Signature

    /// Pairs fields and a signature; fails on a high-s signature or a chain id too large for an EIP-155 `v`.
    public init(transaction: Transaction, signature: Signature) throws {
        do { try signature.check(.lowS) } catch let e as Secp256k1Error { throw TransactionError(e) }
        if case .legacy(let t) = transaction, let chainId = t.chainId {
            guard Self.eip155V(chainId: chainId, yParity: signature.yParity) != nil else {
                throw TransactionError(.valueOverflow, "chain id \(chainId) is too large: v = chainId·2 + 35 + yParity does not fit 256 bits")
            }
        }
        self.transaction = transaction
        self.signature = signature
    }

    /// The `v` field as encoded: 27/28 (pre-EIP-155), chainId·2 + 35 + yParity (EIP-155), or the
    /// y-parity 0/1 (typed transactions).
    public var v: UInt256 {
        switch transaction {
        case .legacy(let t):
            guard let chainId = t.chainId else { return UInt256(UInt64(27 + signature.yParity)) }
            return Self.eip155V(chainId: chainId, yParity: signature.yParity) ?? .max  // checked at init
        case .accessList, .dynamicFee:
            return UInt256(UInt64(signature.yParity))
        }
    }

    /// The serialised transaction (what `eth_sendRawTransaction` takes): the RLP list for legacy
    /// transactions, `type ‖ rlp([…, yParity, r, s])` for typed ones.
    public var rawBytes: [UInt8] {
        var w = RLPWriter(capacity: 128 + transaction.data.count)
        if transaction.type != 0 { w.append(rawByte: transaction.type) }
        w.appendList { w in
            transaction.appendFields(to: &w)
            w.append(v)
            w.append(signature.r)
            w.append(signature.s)
        }
        return w.bytes
    }

    /// The transaction hash: keccak256 of `rawBytes`.
    public var hash: Hash32 { Keccak256.hash(rawBytes) }

    /// The signing hash of the fields (see `Transaction.signingPayload`).
    public var signingHash: Hash32 { transaction.signingHash }

    /// The sender: the address recovered from the signature over the signing hash (EIP-2 rule).
    public func recoverSender() throws -> Address {
        do {
            return try Secp256k1.recoverAddress(digest: transaction.signingHash, signature: signature, rule: .lowS)
        } catch let e as Secp256k1Error {
            throw TransactionError(e)
        }
    }

    static func eip155V(chainId: UInt256, yParity: UInt8) -> UInt256? {
        let (doubled, o1) = chainId.multipliedReportingOverflow(by: UInt256(2))
        let (v, o2) = doubled.addingReportingOverflow(UInt256(UInt64(35 + yParity)))
        return o1 || o2 ? nil : v
    }
}
