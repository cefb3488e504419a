/// An error from ECIES encryption or decryption (`ECIES`). Messages never contain key material or plaintext.
public struct ECIESError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, independent of the input.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case messageTooShort = "message too short"
            case invalidEphemeralKey = "invalid ephemeral key"
            case authenticationFailed = "authentication failed"
            case invalidArgument = "invalid argument"
            case cryptoFailure = "crypto failure"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The message is shorter than the 97 bytes of ephemeral key, nonce and tag.
        public static let messageTooShort = Code(.messageTooShort)
        /// The first 65 bytes are not an uncompressed secp256k1 point (`0x04‖x‖y` on the curve).
        public static let invalidEphemeralKey = Code(.invalidEphemeralKey)
        /// The AES-GCM tag does not match: the message was altered or is encrypted to another key.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// A caller-supplied nonce or plaintext has the wrong size.
        public static let invalidArgument = Code(.invalidArgument)
        /// OpenSSL or libsecp256k1 failed (out of memory, no randomness).
        public static let cryptoFailure = Code(.cryptoFailure)
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What is wrong, where, and what to do.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = "ECIES: " + message
    }

    public var description: String { message }
}
