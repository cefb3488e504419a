/// An error from building, decoding, signing or recovering a transaction.
public struct TransactionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, independent of the input.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case malformed = "malformed RLP"
            case typeNotSupported = "transaction type not supported"
            case wrongFieldCount = "wrong number of fields"
            case invalidV = "invalid v"
            case invalidSignature = "invalid signature"
            case missingField = "missing field"
            case inconsistentFields = "inconsistent fields"
            case hashMismatch = "hash mismatch"
            case valueOverflow = "value overflow"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The bytes are not canonical RLP of the expected shape (see `offset`).
        public static let malformed = Code(.malformed)
        /// A type byte other than 0x01 (EIP-2930) or 0x02 (EIP-1559), or bytes that are neither a list nor a type.
        public static let typeNotSupported = Code(.typeNotSupported)
        /// The transaction list has too few or too many fields for its type.
        public static let wrongFieldCount = Code(.wrongFieldCount)
        /// A legacy `v` that is neither 27/28 nor ≥ 35 (EIP-155), or a typed y-parity other than 0/1.
        public static let invalidV = Code(.invalidV)
        /// r or s out of range, high s (EIP-2), or no sender recovers.
        public static let invalidSignature = Code(.invalidSignature)
        /// A JSON-RPC transaction object lacks a field its type needs.
        public static let missingField = Code(.missingField)
        /// Fields that contradict each other (for example `v` and `yParity`, or `chainId` and a legacy `v`).
        public static let inconsistentFields = Code(.inconsistentFields)
        /// The transaction hash computed from the fields differs from the one given.
        public static let hashMismatch = Code(.hashMismatch)
        /// A chain id so large that the EIP-155 `v` does not fit 256 bits.
        public static let valueOverflow = Code(.valueOverflow)
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// The byte offset in the raw transaction, when the error comes from decoding bytes.
    public let offset: Int?
    /// What is wrong, where, and what to do.
    public let message: String

    init(_ code: Code, _ message: String, offset: Int? = nil) {
        self.code = code
        self.offset = offset
        self.message = "transaction: " + message
    }

    init(_ rlp: RLPError) {
        self.init(.malformed, rlp.message, offset: rlp.offset)
    }

    init(_ secp: Secp256k1Error) {
        self.init(.invalidSignature, secp.message)
    }

    public var description: String { message }
}
