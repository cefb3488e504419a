import EthereumKit

/// A JSON number kept as its exact text, so no precision is lost (convert on demand).
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The RFC 8259 text of the number.
    public let text: String

    /// Wraps number text; the caller guarantees RFC 8259 syntax (the parser and the integer initialisers do).
    public init(text: String) { self.text = text }
    /// A number from an integer.
    public init(_ value: Int) { text = String(value) }
    /// A number from an unsigned integer.
    public init(_ value: UInt64) { text = String(value) }

    /// The value if it is an integer that fits in `Int64`.
    public var int64: Int64? { Int64(text) }
    /// The value if it is a non-negative integer that fits in `UInt64`.
    public var uint64: UInt64? { UInt64(text) }
    /// The value as a double (rounded).
    public var double: Double? { Double(text) }
    public var description: String { text }
}

/// A parsed JSON document for general (cold-path) responses; object members keep their order.
///
/// Hot responses (`eth_getLogs`, blocks) are decoded by the typed scanners instead, without building this tree.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    // MARK: - Accessors

    /// The member named `key` of an object (the first if repeated), or nil.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// The element at `index` of an array, or nil.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }

    /// Whether this is `null`.
    public var isNull: Bool { if case .null = self { return true } else { return false } }
    /// The string, if this is a string.
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    /// The boolean, if this is a boolean.
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    /// The members, if this is an object.
    public var objectValue: [(String, JSONValue)]? { if case .object(let o) = self { return o } else { return nil } }
    /// The number, if this is a number.
    public var numberValue: JSONNumber? { if case .number(let n) = self { return n } else { return nil } }

    /// An integer from a JSON number or a `0x` hex quantity string.
    public var uint64Value: UInt64? {
        switch self {
        case .number(let n): return n.uint64
        case .string(let s): return UInt256(hex: s).flatMap { s.hasPrefix("0x") ? $0.uint64 : nil }
        default: return nil
        }
    }

    /// A 256-bit quantity from a `0x` hex string or a non-negative JSON integer.
    public var uint256Value: UInt256? {
        switch self {
        case .number(let n): return UInt256(decimal: n.text)
        case .string(let s): return s.hasPrefix("0x") || s.hasPrefix("0X") ? UInt256(hex: s) : nil
        default: return nil
        }
    }

    /// Bytes from a `0x` hex string with an even number of digits.
    public var bytesValue: [UInt8]? {
        guard case .string(let s) = self else { return nil }
        return try? Hex.decode(s)
    }

    // MARK: - Parsing and encoding

    /// Parses a complete JSON document (strict RFC 8259; trailing bytes other than whitespace are an error).
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try JSONScanner.withScanner(bytes) { (s: inout JSONScanner) throws(JSONParseError) -> JSONValue in
            let v = try s.readValue()
            try s.finish()
            return v
        }
    }

    /// Parses JSON text.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue { try parse(Array(text.utf8)) }

    /// The compact JSON encoding.
    public var encoded: [UInt8] {
        var out: [UInt8] = []
        append(to: &out)
        return out
    }

    /// The compact JSON text.
    public var text: String { String(decoding: encoded, as: UTF8.self) }

    /// Appends the compact JSON encoding to `out`.
    public func append(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): out.append(contentsOf: n.text.utf8)
        case .string(let s): Self.appendString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, v) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                v.append(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, (k, v)) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.appendString(k, to: &out)
                out.append(UInt8(ascii: ":"))
                v.append(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Appends `s` as a JSON string literal.
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hexDigit(b >> 4))
                out.append(hexDigit(b & 0x0F))
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// The lowercase hex digit for a nibble value 0–15.
@inline(__always)
func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// Members keep the literal's order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(elements) }
    public init(nilLiteral: ()) { self = .null }
}

extension JSONScanner {
    /// Reads any JSON value into a `JSONValue` tree (depth-limited).
    public mutating func readValue() throws(JSONParseError) -> JSONValue {
        switch try peekByte() {
        case UInt8(ascii: "{"):
            var members: [(String, JSONValue)] = []
            guard try beginObject() else { return .object(members) }
            repeat {
                let key = try readKey()
                let name = try text(of: key)
                members.append((name, try readValue()))
            } while try nextMember()
            return .object(members)
        case UInt8(ascii: "["):
            var items: [JSONValue] = []
            guard try beginArray() else { return .array(items) }
            repeat { items.append(try readValue()) } while try nextElement()
            return .array(items)
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool(try readBool())
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let r = try readNumberRange()
            return .number(JSONNumber(text: String(decoding: UnsafeRawBufferPointer(rebasing: buffer[r]), as: UTF8.self)))
        default: throw unexpected("a JSON value")
        }
    }

    /// Runs `body` with a scanner over `bytes`, keeping the typed error.
    /// With `range`, the scanner sees only those bytes (offsets in errors are then relative to the range).
    public static func withScanner<R>(_ bytes: [UInt8], range: Range<Int>? = nil,
                                      _ body: (inout JSONScanner) throws(JSONParseError) -> R) throws(JSONParseError) -> R {
        var result: Result<R, JSONParseError>?
        bytes.withUnsafeBytes { raw in
            let r = range.map { $0.clamped(to: 0..<raw.count) } ?? 0..<raw.count
            var s = JSONScanner(UnsafeRawBufferPointer(rebasing: raw[r]))
            do throws(JSONParseError) { result = .success(try body(&s)) } catch { result = .failure(error) }
        }
        switch result {
        case .success(let v): return v
        case .failure(let e): throw e
        case nil: throw JSONParseError(.unexpectedEnd, at: 0, "no input")
        }
    }
}
