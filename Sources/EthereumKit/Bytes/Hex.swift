/// Whether a hex string must, may or must not start with `0x`.
public enum HexPrefixRule: Sendable {
    /// `0x` (or `0X`) is required; its absence is an error.
    case required
    /// `0x` is accepted but not required.
    case optional
}

/// An error from parsing hexadecimal text.
public struct HexError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, independent of the input.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case missingPrefix = "missing 0x prefix"
            case oddLength = "odd number of hex digits"
            case invalidDigit = "invalid hex digit"
            case wrongLength = "wrong length"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The text does not start with `0x` although the caller requires it.
        public static let missingPrefix = Code(.missingPrefix)
        /// The number of hex digits is odd, so they are not whole bytes.
        public static let oddLength = Code(.oddLength)
        /// A character is not one of `0-9a-fA-F`.
        public static let invalidDigit = Code(.invalidDigit)
        /// The decoded value has a different number of bytes than required.
        public static let wrongLength = Code(.wrongLength)
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// A human-readable message naming the input position and the fix.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// Strict hexadecimal encoding and decoding.
public enum Hex {
    /// Decodes hex text into bytes.
    ///
    /// - Parameters:
    ///   - text: the hex text, for example `0xdeadbeef`.
    ///   - prefix: whether `0x` is required.
    /// - Throws: `HexError` for a missing prefix, an odd number of digits or a bad digit, naming its offset.
    public static func decode(_ text: some StringProtocol, prefix: HexPrefixRule = .required) throws -> [UInt8] {
        if let bytes = try text.utf8.withContiguousStorageIfAvailable({ try decode(utf8: UnsafeRawBufferPointer($0), prefix: prefix) }) {
            return bytes
        }
        return try Array(text.utf8).withUnsafeBytes { try decode(utf8: $0, prefix: prefix) }
    }

    /// Decodes hex from raw UTF-8 bytes (no `String` needed); the fast path for JSON scanners.
    public static func decode(utf8 raw: UnsafeRawBufferPointer, prefix: HexPrefixRule = .required) throws -> [UInt8] {
        var start = 0
        if raw.count >= 2, raw[0] == UInt8(ascii: "0"), raw[1] | 0x20 == UInt8(ascii: "x") {
            start = 2
        } else if prefix == .required {
            throw HexError(.missingPrefix, "hex value \(preview(raw)) must start with 0x")
        }
        let digitCount = raw.count - start
        guard digitCount % 2 == 0 else {
            throw HexError(.oddLength, "hex value \(preview(raw)) has an odd number of digits (\(digitCount)); pad it with a leading 0")
        }
        let count = digitCount / 2
        return try [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            var i = start
            for k in 0..<count {
                let hi = nibble(raw[i]), lo = nibble(raw[i + 1])
                guard hi < 16 else { throw badDigit(raw, at: i) }
                guard lo < 16 else { throw badDigit(raw, at: i + 1) }
                out[k] = hi << 4 | lo
                i += 2
            }
            initialized = count
        }
    }

    /// Decodes hex text that must hold exactly `count` bytes.
    public static func decode(_ text: some StringProtocol, count: Int, prefix: HexPrefixRule = .required) throws -> [UInt8] {
        let bytes = try decode(text, prefix: prefix)
        guard bytes.count == count else {
            let shown = text.count > 24 ? "\(text.prefix(24))…" : String(text)
            throw HexError(.wrongLength, "hex value \"\(shown)\" has \(bytes.count) bytes, expected \(count)")
        }
        return bytes
    }

    /// Encodes bytes as lowercase hex, with `0x` unless `prefix` is false.
    public static func encode<S: Sequence>(_ bytes: S, prefix: Bool = true) -> String where S.Element == UInt8 {
        if let text = bytes.withContiguousStorageIfAvailable({ encode(UnsafeRawBufferPointer($0), prefix: prefix) }) {
            return text
        }
        return Array(bytes).withUnsafeBytes { encode($0, prefix: prefix) }
    }

    /// Encodes raw bytes as lowercase hex, with `0x` unless `prefix` is false (writes the string in place).
    public static func encode(_ raw: UnsafeRawBufferPointer, prefix: Bool = true) -> String {
        let count = raw.count * 2 + (prefix ? 2 : 0)
        return String(unsafeUninitializedCapacity: count) { out in
            var i = 0
            if prefix {
                out[0] = UInt8(ascii: "0")
                out[1] = UInt8(ascii: "x")
                i = 2
            }
            for b in raw {
                out[i] = digit(b >> 4)
                out[i + 1] = digit(b & 0x0f)
                i += 2
            }
            return count
        }
    }

    /// The lowercase ASCII hex digit of a value 0…15.
    @inline(__always)
    static func digit(_ value: UInt8) -> UInt8 { value < 10 ? UInt8(ascii: "0") &+ value : UInt8(ascii: "a") &- 10 &+ value }

    /// The value of one hex digit, or 0xff if `c` is not a hex digit.
    @inlinable @inline(__always)
    public static func nibble(_ c: UInt8) -> UInt8 {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c &- UInt8(ascii: "A") &+ 10
        default: return 0xff
        }
    }

    private static func badDigit(_ raw: UnsafeRawBufferPointer, at offset: Int) -> HexError {
        let c = raw[offset]
        let shown = (0x20..<0x7f).contains(c) ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x\(String(c, radix: 16))"
        return HexError(.invalidDigit, "invalid hex digit \(shown) at offset \(offset) in \(preview(raw))")
    }

    private static func preview(_ raw: UnsafeRawBufferPointer) -> String {
        let text = String(decoding: raw.prefix(24), as: UTF8.self)
        return raw.count > 24 ? "\"\(text)…\"" : "\"\(text)\""
    }
}

extension Array where Element == UInt8 {
    /// Decodes `0x`-prefixed hex text; see `Hex.decode`.
    public init(hex: some StringProtocol, prefix: HexPrefixRule = .required) throws {
        self = try Hex.decode(hex, prefix: prefix)
    }

    /// Lowercase `0x`-prefixed hex of these bytes.
    public var hexString: String { Hex.encode(self) }
}
