#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A strict, single-pass cursor over JSON bytes (RFC 8259) that never traps on bad input.
///
/// The scanner reads values in place: typed decoders (`Log`, `BlockHeader`, …) walk an object's keys and
/// decode hex straight into `Address`, `Hash32`, `UInt256` or `[UInt8]` with no `String` or `Any` per field.
/// Every read checks bounds and syntax and throws `JSONParseError` naming the byte offset.
///
/// The scanner borrows its buffer: use it only inside the `withUnsafeBytes` call that produced the pointer.
public struct JSONScanner {
    /// The bytes being scanned.
    public let buffer: UnsafeRawBufferPointer
    /// The offset of the next unread byte.
    public var position: Int
    /// The current nesting depth of arrays and objects.
    public private(set) var depth: Int
    /// The deepest nesting accepted; deeper input is rejected with `.tooDeep` (stack safety under fuzzing).
    public static let maxDepth = 512

    /// Creates a scanner at the start of `buffer`.
    public init(_ buffer: UnsafeRawBufferPointer) {
        self.buffer = buffer
        self.position = 0
        self.depth = 0
    }

    // MARK: - Bytes and whitespace

    /// The number of bytes in the buffer.
    @inlinable public var count: Int { buffer.count }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < buffer.count {
            let c = buffer[position]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            position += 1
        }
    }

    /// The next non-whitespace byte without consuming it.
    @inline(__always)
    mutating func peekByte() throws(JSONParseError) -> UInt8 {
        skipWhitespace()
        guard position < buffer.count else { throw endError("a value") }
        return buffer[position]
    }

    /// Consumes `byte` after optional whitespace, or throws naming `what` was expected.
    @inline(__always)
    mutating func expect(_ byte: UInt8, _ what: @autoclosure () -> String) throws(JSONParseError) {
        skipWhitespace()
        guard position < buffer.count else { throw endError(what()) }
        guard buffer[position] == byte else { throw unexpected(what()) }
        position += 1
    }

    func endError(_ what: String) -> JSONParseError {
        JSONParseError(.unexpectedEnd, at: position, "input ends where \(what) was expected (truncated response?)")
    }

    func unexpected(_ what: String) -> JSONParseError {
        JSONParseError(.unexpectedByte, at: position, "found \(Self.show(buffer, position)) where \(what) was expected")
    }

    /// A short printable description of the byte at `offset`.
    static func show(_ buffer: UnsafeRawBufferPointer, _ offset: Int) -> String {
        guard offset < buffer.count else { return "end of input" }
        let c = buffer[offset]
        return (0x21..<0x7f).contains(c) ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x\(String(c, radix: 16))"
    }

    /// Requires that only whitespace remains.
    public mutating func finish() throws(JSONParseError) {
        skipWhitespace()
        guard position == buffer.count else {
            throw JSONParseError(.trailingData, at: position, "\(Self.show(buffer, position)) follows the complete JSON value")
        }
    }

    // MARK: - Objects and arrays

    /// Consumes `{`; returns false (and consumes `}`) if the object is empty.
    public mutating func beginObject() throws(JSONParseError) -> Bool {
        try expect(UInt8(ascii: "{"), "'{' (an object)")
        try enter()
        if try peekByte() == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return false
        }
        return true
    }

    /// Consumes `[`; returns false (and consumes `]`) if the array is empty.
    public mutating func beginArray() throws(JSONParseError) -> Bool {
        try expect(UInt8(ascii: "["), "'[' (an array)")
        try enter()
        if try peekByte() == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return false
        }
        return true
    }

    @inline(__always)
    mutating func enter() throws(JSONParseError) {
        depth += 1
        guard depth <= Self.maxDepth else {
            throw JSONParseError(.tooDeep, at: position, "arrays and objects nest deeper than \(Self.maxDepth) levels")
        }
    }

    /// After an object member's value: consumes `,` and returns true, or consumes `}` and returns false.
    @inline(__always)
    public mutating func nextMember() throws(JSONParseError) -> Bool {
        let c = try peekByte()
        position += 1
        if c == UInt8(ascii: ",") { return true }
        if c == UInt8(ascii: "}") { depth -= 1; return false }
        position -= 1
        throw unexpected("',' or '}' after an object member")
    }

    /// After an array element: consumes `,` and returns true, or consumes `]` and returns false.
    @inline(__always)
    public mutating func nextElement() throws(JSONParseError) -> Bool {
        let c = try peekByte()
        position += 1
        if c == UInt8(ascii: ",") { return true }
        if c == UInt8(ascii: "]") { depth -= 1; return false }
        position -= 1
        throw unexpected("',' or ']' after an array element")
    }

    /// Reads an object key and the `:` after it. The key's bytes stay in the buffer (no copy).
    @inline(__always)
    public mutating func readKey() throws(JSONParseError) -> JSONKey {
        try expect(UInt8(ascii: "\""), "'\"' (an object key)")
        let start = position
        while true {
            guard position < buffer.count else { throw endError("the end of an object key") }
            let c = buffer[position]
            if c == UInt8(ascii: "\"") { break }
            guard c >= 0x20, c < 0x80, c != UInt8(ascii: "\\") else {
                // Escapes or non-ASCII: validate the whole key on the slow path.
                position = start - 1
                try skipString()
                let key = JSONKey(start: start, count: position - 1 - start, escaped: true)
                try expect(UInt8(ascii: ":"), "':' after an object key")
                return key
            }
            position += 1
        }
        let key = JSONKey(start: start, count: position - start, escaped: false)
        position += 1
        try expect(UInt8(ascii: ":"), "':' after an object key")
        return key
    }

    /// The text of a key read by `readKey` (unescaped), for messages and slow-path matching.
    public func text(of key: JSONKey) throws(JSONParseError) -> String {
        guard key.escaped else {
            return String(decoding: UnsafeRawBufferPointer(rebasing: buffer[key.start..<key.start + key.count]), as: UTF8.self)
        }
        var inner = JSONScanner(buffer)
        inner.position = key.start - 1
        return try inner.readString()
    }

    // MARK: - Literals

    /// Consumes `null` and returns true if the next value is null; otherwise consumes nothing.
    @inline(__always)
    public mutating func consumeNull() throws(JSONParseError) -> Bool {
        guard try peekByte() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    /// Reads `true` or `false`.
    public mutating func readBool() throws(JSONParseError) -> Bool {
        switch try peekByte() {
        case UInt8(ascii: "t"): try literal("true"); return true
        case UInt8(ascii: "f"): try literal("false"); return false
        default: throw JSONParseError(.wrongType, at: position, "expected true or false, found \(Self.show(buffer, position))")
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let n = word.utf8CodeUnitCount
        guard position + n <= buffer.count else { throw endError("'\(word)'") }
        let w = word.utf8Start
        for i in 0..<n where buffer[position + i] != w[i] {
            position += i
            throw unexpected("'\(word)'")
        }
        position += n
    }

    // MARK: - Strings

    /// Reads a string value, decoding escapes and validating UTF-8.
    public mutating func readString() throws(JSONParseError) -> String {
        let c = try peekByte()
        guard c == UInt8(ascii: "\"") else {
            throw JSONParseError(.wrongType, at: position, "expected a string, found \(Self.show(buffer, position))")
        }
        position += 1
        let start = position
        var ascii = true
        while position < buffer.count {
            let b = buffer[position]
            if b == UInt8(ascii: "\"") {
                let bytes = UnsafeRawBufferPointer(rebasing: buffer[start..<position])
                position += 1
                if ascii { return String(decoding: bytes, as: UTF8.self) }
                guard let s = String(validating: bytes, as: UTF8.self) else {
                    throw JSONParseError(.invalidString, at: start, "string is not valid UTF-8")
                }
                return s
            }
            if b == UInt8(ascii: "\\") { position = start; return try readEscapedString() }
            guard b >= 0x20 else { throw JSONParseError(.invalidString, at: position, "unescaped control byte 0x\(String(b, radix: 16)) in a string") }
            if b >= 0x80 { ascii = false }
            position += 1
        }
        throw endError("the end of a string")
    }

    /// Slow path: the string at `position` (after its quote) contains escapes.
    mutating func readEscapedString() throws(JSONParseError) -> String {
        var out: [UInt8] = []
        while true {
            guard position < buffer.count else { throw endError("the end of a string") }
            let b = buffer[position]
            position += 1
            switch b {
            case UInt8(ascii: "\""):
                guard let s = String(validating: out, as: UTF8.self) else {
                    throw JSONParseError(.invalidString, at: position, "string is not valid UTF-8")
                }
                return s
            case UInt8(ascii: "\\"):
                try readEscape(into: &out)
            case 0..<0x20:
                position -= 1
                throw JSONParseError(.invalidString, at: position, "unescaped control byte 0x\(String(b, radix: 16)) in a string")
            default:
                out.append(b)
            }
        }
    }

    mutating func readEscape(into out: inout [UInt8]) throws(JSONParseError) {
        guard position < buffer.count else { throw endError("an escape character") }
        let e = buffer[position]
        position += 1
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try readHex4()
            if (0xD800..<0xDC00).contains(scalar) {
                guard position + 1 < buffer.count, buffer[position] == UInt8(ascii: "\\"), buffer[position + 1] == UInt8(ascii: "u") else {
                    throw JSONParseError(.invalidString, at: position, "a high surrogate \\u\(String(scalar, radix: 16)) must be followed by a low surrogate")
                }
                position += 2
                let low = try readHex4()
                guard (0xDC00..<0xE000).contains(low) else {
                    throw JSONParseError(.invalidString, at: position, "\\u\(String(low, radix: 16)) is not a low surrogate")
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw JSONParseError(.invalidString, at: position, "lone low surrogate \\u\(String(scalar, radix: 16))")
            }
            guard let u = Unicode.Scalar(scalar) else {
                throw JSONParseError(.invalidString, at: position, "invalid code point \(scalar)")
            }
            UTF8.encode(u) { out.append($0) }
        default:
            position -= 1
            throw JSONParseError(.invalidString, at: position, "invalid escape \\\(Self.show(buffer, position))")
        }
    }

    mutating func readHex4() throws(JSONParseError) -> UInt32 {
        guard position + 4 <= buffer.count else { throw endError("four hex digits after \\u") }
        var v: UInt32 = 0
        for i in 0..<4 {
            let n = JSONScanner.nibble(buffer[position + i])
            guard n < 16 else {
                position += i
                throw JSONParseError(.invalidString, at: position, "\\u needs four hex digits")
            }
            v = v << 4 | UInt32(n)
        }
        position += 4
        return v
    }

    // MARK: - Numbers

    /// Reads an RFC 8259 number and returns its text range (not converted).
    public mutating func readNumberRange() throws(JSONParseError) -> Range<Int> {
        _ = try peekByte()
        let start = position
        func digit(_ i: Int) -> Bool { i < buffer.count && buffer[i] >= UInt8(ascii: "0") && buffer[i] <= UInt8(ascii: "9") }
        if position < buffer.count, buffer[position] == UInt8(ascii: "-") { position += 1 }
        guard digit(position) else { throw JSONParseError(.invalidNumber, at: position, "a number needs a digit here") }
        if buffer[position] == UInt8(ascii: "0") {
            position += 1
            if digit(position) { throw JSONParseError(.invalidNumber, at: position, "numbers may not have leading zeros") }
        } else {
            while digit(position) { position += 1 }
        }
        if position < buffer.count, buffer[position] == UInt8(ascii: ".") {
            position += 1
            guard digit(position) else { throw JSONParseError(.invalidNumber, at: position, "a digit must follow the decimal point") }
            while digit(position) { position += 1 }
        }
        if position < buffer.count, buffer[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < buffer.count, buffer[position] == UInt8(ascii: "+") || buffer[position] == UInt8(ascii: "-") { position += 1 }
            guard digit(position) else { throw JSONParseError(.invalidNumber, at: position, "an exponent needs digits") }
            while digit(position) { position += 1 }
        }
        return start..<position
    }

    /// Reads a non-negative JSON integer (e.g. a request id) that fits in `UInt64`.
    public mutating func readUInt64Number() throws(JSONParseError) -> UInt64 {
        let range = try readNumberRange()
        var v: UInt64 = 0
        for i in range {
            let c = buffer[i]
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else {
                throw JSONParseError(.outOfRange, at: range.lowerBound, "expected a non-negative integer")
            }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(c - UInt8(ascii: "0")))
            guard !o1, !o2 else { throw JSONParseError(.outOfRange, at: range.lowerBound, "integer does not fit in 64 bits") }
            v = a
        }
        return v
    }

    // MARK: - Skipping

    /// Skips one complete value of any type, validating its syntax.
    public mutating func skipValue() throws(JSONParseError) {
        switch try peekByte() {
        case UInt8(ascii: "{"):
            guard try beginObject() else { return }
            repeat {
                _ = try readKey()
                try skipValue()
            } while try nextMember()
        case UInt8(ascii: "["):
            guard try beginArray() else { return }
            repeat { try skipValue() } while try nextElement()
        case UInt8(ascii: "\""):
            try skipString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try readNumberRange()
        default: throw unexpected("a JSON value")
        }
    }

    /// Skips a string (at its opening quote), validating escapes and control bytes but not building it.
    mutating func skipString() throws(JSONParseError) {
        position += 1
        var sink: [UInt8] = []
        var utf8 = false
        let start = position
        while position < buffer.count {
            let b = buffer[position]
            if b == UInt8(ascii: "\"") {
                if utf8, String(validating: UnsafeRawBufferPointer(rebasing: buffer[start..<position]), as: UTF8.self) == nil {
                    throw JSONParseError(.invalidString, at: start, "string is not valid UTF-8")
                }
                position += 1
                return
            }
            if b == UInt8(ascii: "\\") {
                position += 1
                try readEscape(into: &sink)
                sink.removeAll(keepingCapacity: true)
                continue
            }
            guard b >= 0x20 else { throw JSONParseError(.invalidString, at: position, "unescaped control byte 0x\(String(b, radix: 16)) in a string") }
            if b >= 0x80 { utf8 = true }
            position += 1
        }
        throw endError("the end of a string")
    }

    /// The value of one hex digit, or a value ≥ 16 for any other byte (branch-light).
    @inline(__always)
    static func nibble(_ c: UInt8) -> UInt8 {
        let d = c &- 0x30
        let l = (c | 0x20) &- 0x61
        return d < 10 ? d : (l < 6 ? l &+ 10 : 0xFF)
    }
}

/// The location of an object key inside the scanner's buffer.
public struct JSONKey: Sendable, Hashable {
    /// Offset of the first byte after the opening quote.
    public let start: Int
    /// Number of raw bytes between the quotes.
    public let count: Int
    /// Whether the raw bytes contain a backslash escape.
    public let escaped: Bool
}
