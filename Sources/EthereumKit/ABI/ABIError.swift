/// An error from parsing ABI types or JSON ABIs, encoding values, or decoding ABI data, topics and revert data.
///
/// `code` says what kind of failure it is; `message` says what is wrong, where (byte offset, value path, type) and
/// what to do about it.
public struct ABIError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, independent of the input.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidType = "invalid ABI type"
            case invalidValue = "value does not match its type"
            case insufficientData = "insufficient data"
            case invalidOffset = "invalid offset"
            case invalidLength = "invalid length"
            case nonZeroPadding = "non-zero padding"
            case invalidBool = "invalid bool"
            case invalidUTF8 = "invalid UTF-8"
            case excessiveExpansion = "excessive expansion"
            case invalidSignature = "invalid signature"
            case invalidJSON = "invalid JSON ABI"
            case selectorMismatch = "selector mismatch"
            case topicMismatch = "topic mismatch"
            case unknownItem = "unknown ABI item"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// A type string does not follow the ABI grammar, or a programmatic type is out of range (`uint7`, `T[0]` …).
        public static let invalidType = Code(.invalidType)
        /// A value given for encoding does not fit its type (wrong case, out of range, wrong length, wrong count).
        public static let invalidValue = Code(.invalidValue)
        /// The data ends before a word, a length or a byte string that the type needs.
        public static let insufficientData = Code(.insufficientData)
        /// An offset points past the data, into the head it belongs to, or does not fit in 64 bits.
        public static let invalidOffset = Code(.invalidOffset)
        /// A length word is larger than the remaining data could hold.
        public static let invalidLength = Code(.invalidLength)
        /// Bits that must be zero (or a sign extension) are not: dirty uintN/intN/address high bits, bytesN or
        /// bytes/string padding.
        public static let nonZeroPadding = Code(.nonZeroPadding)
        /// A bool word is neither 0 nor 1.
        public static let invalidBool = Code(.invalidBool)
        /// A `string` holds bytes that are not valid UTF-8.
        public static let invalidUTF8 = Code(.invalidUTF8)
        /// Overlapping offsets would make the decoded value far larger than the data (a decompression bomb).
        public static let excessiveExpansion = Code(.excessiveExpansion)
        /// A function, event or error signature does not parse.
        public static let invalidSignature = Code(.invalidSignature)
        /// A JSON ABI document is malformed.
        public static let invalidJSON = Code(.invalidJSON)
        /// Call or revert data does not start with the expected 4-byte selector.
        public static let selectorMismatch = Code(.selectorMismatch)
        /// Log topics do not fit the event: wrong count or wrong topic0.
        public static let topicMismatch = Code(.topicMismatch)
        /// No function, event or error with that name, selector or topic0 in the ABI.
        public static let unknownItem = Code(.unknownItem)
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What is wrong, where, and what to do.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
