/// An error from secp256k1 keys, signatures, signing, recovery or verification.
public struct Secp256k1Error: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, independent of the input.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidPrivateKey = "invalid private key"
            case invalidPublicKey = "invalid public key"
            case invalidRecoveryID = "invalid v / recovery id"
            case rOutOfRange = "r out of range"
            case sOutOfRange = "s out of range"
            case highS = "s above n/2"
            case recoveryFailed = "no public key recovers from this signature"
            case invalidEncoding = "invalid signature encoding"
            case signingFailed = "signing failed"
            case randomnessUnavailable = "no secure randomness"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// Not 32 bytes, zero, or not below the curve order n.
        public static let invalidPrivateKey = Code(.invalidPrivateKey)
        /// Wrong length or prefix, or not a point on the curve.
        public static let invalidPublicKey = Code(.invalidPublicKey)
        /// `v` is not 27/28 (or 0/1 where y-parity is accepted); a legacy transaction `v` that fits no rule.
        public static let invalidRecoveryID = Code(.invalidRecoveryID)
        /// r is zero or ≥ n.
        public static let rOutOfRange = Code(.rOutOfRange)
        /// s is zero or ≥ n.
        public static let sOutOfRange = Code(.sOutOfRange)
        /// s > n/2 where EIP-2 (or Bitcoin's low-s rule) applies.
        public static let highS = Code(.highS)
        /// r is not the x-coordinate of a curve point (or the result is the point at infinity).
        public static let recoveryFailed = Code(.recoveryFailed)
        /// A DER, compact or `r‖s‖v` signature that is malformed.
        public static let invalidEncoding = Code(.invalidEncoding)
        /// libsecp256k1 refused to sign (cannot happen with a valid key and the default nonce function).
        public static let signingFailed = Code(.signingFailed)
        /// The operating system could not provide random bytes.
        public static let randomnessUnavailable = Code(.randomnessUnavailable)
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What is wrong, where, and what to do. Never contains secret material.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
