/// An error from parsing JSON or from decoding a JSON-RPC result into a typed value.
///
/// The message names the byte offset, the field (when known) and what was expected, so a bad provider
/// response can be found in a capture.
public struct JSONParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, independent of the input.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unexpectedEnd = "unexpected end of input"
            case unexpectedByte = "unexpected byte"
            case invalidString = "invalid string"
            case invalidNumber = "invalid number"
            case invalidHex = "invalid hex"
            case outOfRange = "value out of range"
            case wrongType = "wrong type"
            case missingField = "missing field"
            case duplicateField = "duplicate field"
            case tooDeep = "nesting too deep"
            case trailingData = "trailing data"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The input ended inside a value (a truncated response).
        public static let unexpectedEnd = Code(.unexpectedEnd)
        /// A byte that cannot start or continue the value at this position.
        public static let unexpectedByte = Code(.unexpectedByte)
        /// A string with a control character, a bad escape, a lone surrogate or invalid UTF-8.
        public static let invalidString = Code(.invalidString)
        /// A number that is not RFC 8259 syntax.
        public static let invalidNumber = Code(.invalidNumber)
        /// A hex field without `0x`, with an odd digit count where bytes are expected, or with a non-hex digit.
        public static let invalidHex = Code(.invalidHex)
        /// A quantity too large for its type, or a fixed-size field with the wrong byte count.
        public static let outOfRange = Code(.outOfRange)
        /// A value of another JSON type than the field needs (for example a number where hex is expected).
        public static let wrongType = Code(.wrongType)
        /// A required field is absent.
        public static let missingField = Code(.missingField)
        /// An object names the same field twice.
        public static let duplicateField = Code(.duplicateField)
        /// Arrays or objects nested deeper than the parser allows.
        public static let tooDeep = Code(.tooDeep)
        /// Bytes other than whitespace follow the top-level value.
        public static let trailingData = Code(.trailingData)
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// The byte offset in the input where the problem was found.
    public let offset: Int
    /// What is wrong, where, and what was expected.
    public let message: String

    /// Creates an error; `message` should say what was expected at `offset`.
    public init(_ code: Code, at offset: Int, _ message: String) {
        self.code = code
        self.offset = offset
        self.message = message
    }

    public var description: String { "JSON \(code) at byte \(offset): \(message)" }
}
