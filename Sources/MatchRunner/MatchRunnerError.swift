/// An error of the match runner: a relay that cannot start or go on. Messages say what is wrong, where, and what to
/// do; they never contain a private key.
public struct MatchRunnerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case configuration = "configuration"
            case wrongMatchingEngineKey = "wrong matching-engine key"
            case chain = "chain"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The settings are incomplete or contradict each other.
        public static let configuration = Code(.configuration)
        /// The signing key is not the matching-engine key the ProofMarketplace verified: every relay would revert.
        public static let wrongMatchingEngineKey = Code(.wrongMatchingEngineKey)
        /// The node could not be used.
        public static let chain = Code(.chain)
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

    public var description: String { message }
}
