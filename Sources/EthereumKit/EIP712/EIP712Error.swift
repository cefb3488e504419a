/// An error from parsing or hashing EIP-712 typed data.
public struct EIP712Error: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, independent of the input.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case malformed = "malformed typed data"
            case undefinedType = "undefined type"
            case invalidType = "invalid type"
            case invalidValue = "invalid value"
            case primaryType = "primary type"
            case domainMismatch = "domain mismatch"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The JSON does not have the typed-data shape (`types`, `domain`, `message`, field lists).
        public static let malformed = Code(.malformed)
        /// A field uses a type that is neither atomic nor defined in `types`.
        public static let undefinedType = Code(.undefinedType)
        /// A type name or array suffix is invalid (`uint7`, `Person[0]`, a struct named like an atomic type).
        public static let invalidType = Code(.invalidType)
        /// A value does not fit its field's type (wrong JSON kind, out of range, wrong length, unknown key).
        public static let invalidValue = Code(.invalidValue)
        /// `primaryType` is not defined, or it is missing and no unique root type exists.
        public static let primaryType = Code(.primaryType)
        /// The `domain` keys differ from the `EIP712Domain` fields (or include a non-standard key without them).
        public static let domainMismatch = Code(.domainMismatch)
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What is wrong, where (the value path), and what to do.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
