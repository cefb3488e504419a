/// An error from reading, decrypting or encrypting a Web3 Secret Storage (v3) keystore.
/// Messages never contain the password or key material.
public struct KeystoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, independent of the input.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidJSON = "invalid JSON"
            case missingField = "missing field"
            case invalidField = "invalid field"
            case unsupported = "unsupported"
            case tooExpensive = "key derivation too expensive"
            case wrongPassword = "wrong password"
            case addressMismatch = "address mismatch"
            case cryptoFailure = "crypto failure"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The file is not a JSON object.
        public static let invalidJSON = Code(.invalidJSON)
        /// A required field is absent (the message names it, for example `crypto.kdfparams.salt`).
        public static let missingField = Code(.missingField)
        /// A field has the wrong type, length or encoding (named in the message).
        public static let invalidField = Code(.invalidField)
        /// A version, cipher, KDF or PRF this implementation does not support.
        public static let unsupported = Code(.unsupported)
        /// KDF parameters beyond the limits (memory or work) a keystore may demand.
        public static let tooExpensive = Code(.tooExpensive)
        /// The MAC does not match: the password is wrong (or the file was altered).
        public static let wrongPassword = Code(.wrongPassword)
        /// The decrypted key does not belong to the file's `address`.
        public static let addressMismatch = Code(.addressMismatch)
        /// OpenSSL failed (for example out of memory during scrypt).
        public static let cryptoFailure = Code(.cryptoFailure)
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What is wrong, where, and what to do.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = "keystore: " + message
    }

    public var description: String { message }
}
