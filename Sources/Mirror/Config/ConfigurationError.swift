/// A configuration that cannot be used: which field, where it came from, and how to fix it.
///
/// The message always names the field as the user wrote it (`--confirmations`, `KALYPSO_MIRROR_CONFIRMATIONS` or
/// `"confirmations"` in the config file) and says what a valid value looks like. RPC URLs in messages are masked.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The kind of problem.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case missing = "missing value"
            case invalidValue = "invalid value"
            case unknownField = "unknown field"
            case unreadableFile = "unreadable file"
            case conflict = "conflicting values"
            case chainMismatch = "chain mismatch"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// A required field has no value in any source.
        public static let missing = Code(.missing)
        /// A value does not parse or is out of range.
        public static let invalidValue = Code(.invalidValue)
        /// The config file has a field the mirror does not know (a typo, usually).
        public static let unknownField = Code(.unknownField)
        /// The config file or the devnode info file cannot be read or is not valid JSON.
        public static let unreadableFile = Code(.unreadableFile)
        /// Two settings contradict each other (e.g. a preset's chain id and `--chain-id`).
        public static let conflict = Code(.conflict)
        /// The node or the contracts do not match the configuration (checked at start).
        public static let chainMismatch = Code(.chainMismatch)
        public var description: String { base.rawValue }
    }

    /// The kind of problem.
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
