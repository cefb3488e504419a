/// An error from the matching layer: building or encoding a batch, re-encrypting a private ask's ACL, or a benchmark
/// that cannot be set up.
///
/// `code` says what kind of failure it is; `message` says what is wrong, where, and what to do about it.
public struct MatchingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case arityMismatch = "arity mismatch"
            case invalidShape = "invalid shape"
            case undecryptableAcl = "undecryptable ACL"
            case invalidAclPlaintext = "invalid ACL plaintext"
            case invalidGeneratorKey = "invalid generator key"
            case encryptionFailed = "encryption failed"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The arrays of a batch have different lengths.
        public static let arityMismatch = Code(.arityMismatch)
        /// A synthetic-state shape cannot be built (for example no markets for the asks).
        public static let invalidShape = Code(.invalidShape)
        /// A private ask's ACL does not decrypt with the matching-engine key (malformed, altered, or for another key).
        public static let undecryptableAcl = Code(.undecryptableAcl)
        /// A private ask's ACL decrypts, but not to the 32-byte AES key it must hold.
        public static let invalidAclPlaintext = Code(.invalidAclPlaintext)
        /// A generator's market key is not a 64-byte secp256k1 point.
        public static let invalidGeneratorKey = Code(.invalidGeneratorKey)
        /// Encrypting the new ACL failed (no secure randomness, OpenSSL failure).
        public static let encryptionFailed = Code(.encryptionFailed)
        public var description: String { base.rawValue }
    }

    /// The kind.
    public let code: Code
    /// What is wrong, where, and what to do.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
