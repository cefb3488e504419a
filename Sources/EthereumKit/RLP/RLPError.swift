/// An error from decoding RLP (Recursive Length Prefix) bytes.
///
/// `offset` is the byte offset in the input where the problem was found, so a malformed transaction
/// or trie node can be pinpointed.
public struct RLPError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, independent of the input.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case empty = "empty input"
            case truncated = "truncated"
            case trailingBytes = "trailing bytes"
            case nonCanonicalSingleByte = "single byte below 0x80 wrapped in a string header"
            case nonCanonicalLength = "long-form length below 56"
            case leadingZeroInLength = "leading zero in a length"
            case lengthOverflow = "length does not fit the input"
            case tooDeep = "nesting too deep"
            case expectedBytes = "expected a byte string, found a list"
            case expectedList = "expected a list, found a byte string"
            case leadingZeroInInteger = "leading zero in an integer"
            case integerTooLarge = "integer too large"
            case wrongLength = "wrong length"
            case wrongItemCount = "wrong number of list items"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The input has no bytes at all.
        public static let empty = Code(.empty)
        /// A header announces more bytes than remain.
        public static let truncated = Code(.truncated)
        /// Bytes are left after the top-level item (or after a list's last item inside the list).
        public static let trailingBytes = Code(.trailingBytes)
        /// `0x81 0x00…0x7f`: a single byte below 0x80 must be encoded as itself.
        public static let nonCanonicalSingleByte = Code(.nonCanonicalSingleByte)
        /// A length below 56 written in the long form (`0xb8`/`0xf8` …).
        public static let nonCanonicalLength = Code(.nonCanonicalLength)
        /// A long-form length starts with a zero byte.
        public static let leadingZeroInLength = Code(.leadingZeroInLength)
        /// A length is so large it cannot be a length of this input (including int32/int64 overflows).
        public static let lengthOverflow = Code(.lengthOverflow)
        /// Lists nested deeper than `RLP.maxDepth`.
        public static let tooDeep = Code(.tooDeep)
        /// A list where a byte string (integer, address, data) was expected.
        public static let expectedBytes = Code(.expectedBytes)
        /// A byte string where a list was expected.
        public static let expectedList = Code(.expectedList)
        /// An integer with a leading zero byte (integers are big-endian without leading zeros; zero is empty).
        public static let leadingZeroInInteger = Code(.leadingZeroInInteger)
        /// An integer wider than its field (for example more than 8 bytes for a nonce, 32 for a value).
        public static let integerTooLarge = Code(.integerTooLarge)
        /// A fixed-size field (address, hash) with the wrong number of bytes.
        public static let wrongLength = Code(.wrongLength)
        /// A list with a different number of items than its schema requires.
        public static let wrongItemCount = Code(.wrongItemCount)
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// The byte offset in the input where the problem was found.
    public let offset: Int
    /// What is wrong, where, and what to do.
    public let message: String

    init(_ code: Code, at offset: Int, _ message: String) {
        self.code = code
        self.offset = offset
        self.message = "RLP: \(message) at byte offset \(offset)"
    }

    public var description: String { message }
}
