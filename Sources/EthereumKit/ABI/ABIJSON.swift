import Foundation

/// The JSON conventions for ABI values (those of `generated/abi_roundtrip.json`):
/// `uintN`/`intN` as decimal strings, `address` as lowercase `0x` hex, `bool` as `true`/`false`, `bytesN` and
/// `bytes` as `0x` hex, `string` as a JSON string, arrays and tuples as JSON arrays.
///
/// Input is type-directed and a little more liberal: integers may also be JSON numbers (exact ones only) or `0x`
/// hex strings, addresses may be EIP-55 checksummed (a mixed-case address must have a valid checksum).
public enum ABIJSON {
    /// A JSON string literal for `s` (quotes, backslashes and control characters escaped; other text as UTF-8).
    public static func quote(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Parses JSON text (any JSON value, fragments allowed) with Foundation; for cold paths such as tests and tools.
    public static func parse(_ text: String) throws -> Any {
        do {
            return try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            throw ABIError(.invalidValue, "not valid JSON: \(String(text.prefix(60)))")
        }
    }
}

extension ABIValue {
    /// The value as JSON text in the conventions of `ABIJSON` (compact, no whitespace).
    public var jsonText: String {
        var out = ""
        appendJSON(to: &out)
        return out
    }

    /// Appends the JSON text of the value to `out`.
    public func appendJSON(to out: inout String) {
        switch self {
        case .uint(let v): out += "\"\(v)\""
        case .int(let v): out += "\"\(v)\""
        case .address(let a): out += "\"\(a)\""
        case .bool(let b): out += b ? "true" : "false"
        case .fixedBytes(let b), .bytes(let b): out += "\"" + Hex.encode(b) + "\""
        case .string(let s): out += ABIJSON.quote(s)
        case .array(let items), .tuple(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.appendJSON(to: &out)
            }
            out += "]"
        }
    }

    /// Converts a JSON object (as `JSONSerialization` returns it) to a value of `type`.
    /// - Throws: `ABIError` (`.invalidValue`) naming the path and what was expected.
    public init(json: Any, as type: ABIType) throws {
        try type.validate()
        self = try LooseValue(json: json, path: "value").convert(to: type, path: "value")
    }

    /// Parses JSON text and converts it to a value of `type`.
    public init(jsonText: String, as type: ABIType) throws {
        try self.init(json: ABIJSON.parse(jsonText), as: type)
    }

    /// Converts a command-line argument to a value of `type`, in the style of foundry's `cast`:
    /// integers in decimal or `0x` hex, hex for bytes and addresses, `true`/`false`, and arrays and tuples as
    /// `[a,b,…]` whose elements may be bare (`[0xab…,0xcd…]`) or JSON strings (`["a, b","c"]`).
    /// A top-level `string` argument is taken literally.
    public init(argument text: String, as type: ABIType) throws {
        try type.validate()
        if type == .string {
            self = .string(text)
            return
        }
        var parser = ArgumentParser(text)
        let loose = try parser.parseTop()
        self = try loose.convert(to: type, path: "value")
    }
}

/// A JSON or command-line value before its type is applied.
enum LooseValue {
    /// Bare command-line text or a JSON string.
    case text(String)
    /// An exact integer from a JSON number, as decimal text.
    case integer(String)
    case bool(Bool)
    case null
    case list([LooseValue])

    init(json: Any, path: String) throws {
        switch json {
        case let s as String:
            self = .text(s)
        case let n as NSNumber:
            self = try LooseValue.number(n, path: path)
        case is NSNull:
            self = .null
        case let a as [Any]:
            self = .list(try a.enumerated().map { try LooseValue(json: $0.element, path: "\(path)[\($0.offset)]") })
        default:
            throw ABIError(.invalidValue, "\(path): JSON objects are not ABI values; write tuples as JSON arrays")
        }
    }

    private static func number(_ n: NSNumber, path: String) throws -> LooseValue {
        let objCType = String(cString: n.objCType)
        if objCType == "c" {  // how JSONSerialization marks true/false
            return .bool(n.boolValue)
        }
        if n is NSDecimalNumber {
            let text = n.description
            guard !text.isEmpty, text.drop(while: { $0 == "-" }).allSatisfy(\.isNumber) else {
                throw ABIError(.invalidValue, "\(path): \(text) is not an integer")
            }
            return .integer(text)
        }
        switch objCType {
        case "d", "f":
            let d = n.doubleValue
            guard d == d.rounded(), abs(d) < 9007199254740992 else {
                throw ABIError(.invalidValue, "\(path): \(n) is not an exact integer; write large integers as decimal strings")
            }
            return .integer(String(Int64(d)))
        case "Q":
            return .integer(String(n.uint64Value))
        default:
            return .integer(String(n.int64Value))
        }
    }

    var shown: String {
        switch self {
        case .text(let s): return ABIJSON.quote(String(s.prefix(60)))
        case .integer(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .list(let items): return "a list of \(items.count)"
        }
    }

    func convert(to type: ABIType, path: String) throws -> ABIValue {
        func fail(_ what: String) -> ABIError { ABIError(.invalidValue, "\(path) (\(type)): \(what)") }
        switch (type, self) {
        case (.uint(let bits), .text(let s)), (.uint(let bits), .integer(let s)):
            guard !s.hasPrefix("-"), !s.hasPrefix("+"), let v = UInt256(s) else {
                throw fail("\(shown) is not an unsigned integer (decimal or 0x hex)")
            }
            guard v.bitLength <= bits else { throw fail("\(s) does not fit in \(bits) bits") }
            return .uint(v)
        case (.int(let bits), .text(let s)), (.int(let bits), .integer(let s)):
            guard !s.hasPrefix("+"), let v = Int256(s) else { throw fail("\(shown) is not an integer (decimal or 0x hex)") }
            guard v.fits(inBits: bits) else { throw fail("\(s) does not fit in a signed \(bits)-bit integer") }
            return .int(v)
        case (.address, .text(let s)):
            do { return .address(try Address(s)) } catch let e as AddressError { throw fail(e.message) }
        case (.bool, .bool(let b)):
            return .bool(b)
        case (.bool, .text(let s)) where s == "true" || s == "false":
            return .bool(s == "true")
        case (.fixedBytes(let n), .text(let s)):
            let b = try hex(s, fail)
            guard b.count == n else { throw fail("\(b.count) bytes given; bytes\(n) needs exactly \(n)") }
            return .fixedBytes(b)
        case (.bytes, .text(let s)):
            return .bytes(try hex(s, fail))
        case (.string, .text(let s)):
            return .string(s)
        case (.array(let element), .list(let items)):
            return .array(try items.enumerated().map { try $0.element.convert(to: element, path: "\(path)[\($0.offset)]") })
        case (.fixedArray(let element, let count), .list(let items)):
            guard items.count == count else { throw fail("\(items.count) elements given; \(type) needs exactly \(count)") }
            return .array(try items.enumerated().map { try $0.element.convert(to: element, path: "\(path)[\($0.offset)]") })
        case (.tuple(let components), .list(let items)):
            guard items.count == components.count else { throw fail("\(items.count) components given; the tuple has \(components.count)") }
            return .tuple(try zip(components, items).enumerated().map { try $0.element.1.convert(to: $0.element.0, path: "\(path)[\($0.offset)]") })
        default:
            let expected: String
            switch type {
            case .array, .fixedArray, .tuple: expected = "a list [ … ]"
            case .bool: expected = "true or false"
            case .uint, .int: expected = "an integer"
            default: expected = "a string"
            }
            throw fail("expected \(expected), got \(shown)")
        }
    }

    private func hex(_ s: String, _ fail: (String) -> ABIError) throws -> [UInt8] {
        do { return try Hex.decode(s) } catch let e as HexError { throw fail(e.message) }
    }
}

/// Parses `cast`-style command-line values: `[a,b]` lists, JSON strings, bare words.
struct ArgumentParser {
    private let bytes: [UInt8]
    private let text: String
    private var i = 0

    init(_ text: String) {
        self.text = text
        self.bytes = Array(text.utf8)
    }

    private func fail(_ what: String) -> ABIError {
        ABIError(.invalidValue, "argument \"\(text.prefix(60))\": \(what) at offset \(i)")
    }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0a || bytes[i] == 0x0d { i += 1 }
    }

    mutating func parseTop() throws -> LooseValue {
        skipSpace()
        let value = try parseValue(depth: 0)
        skipSpace()
        guard i == bytes.count else { throw fail("unexpected text after the value") }
        return value
    }

    private mutating func parseValue(depth: Int) throws -> LooseValue {
        guard depth <= ABIType.maxNestingDepth else { throw fail("lists nested too deeply") }
        guard i < bytes.count else { throw fail("missing value") }
        switch bytes[i] {
        case UInt8(ascii: "["), UInt8(ascii: "("):
            let close = bytes[i] == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: ")")
            i += 1
            skipSpace()
            var items: [LooseValue] = []
            if i < bytes.count, bytes[i] == close { i += 1; return .list(items) }
            while true {
                skipSpace()
                items.append(try parseValue(depth: depth + 1))
                skipSpace()
                guard i < bytes.count else { throw fail("unterminated list") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == close { i += 1; return .list(items) }
                throw fail("expected ',' or '\(Character(Unicode.Scalar(close)))'")
            }
        case UInt8(ascii: "\""):
            return .text(try parseString())
        default:
            let start = i
            while i < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "(")].contains(bytes[i]) { i += 1 }
            var word = String(decoding: bytes[start..<i], as: UTF8.self)
            while word.last?.isWhitespace == true { word.removeLast() }
            guard !word.isEmpty else { throw fail("missing value") }
            return .text(word)
        }
    }

    private mutating func parseString() throws -> String {
        let start = i
        i += 1
        var escaped = false
        while i < bytes.count {
            let c = bytes[i]
            i += 1
            if escaped { escaped = false; continue }
            if c == UInt8(ascii: "\\") { escaped = true; continue }
            if c == UInt8(ascii: "\"") {
                let literal = String(decoding: bytes[start..<i], as: UTF8.self)
                guard let s = try? JSONSerialization.jsonObject(with: Data(literal.utf8), options: [.fragmentsAllowed]) as? String else {
                    throw fail("invalid JSON string \(literal.prefix(40))")
                }
                return s
            }
        }
        throw fail("unterminated string")
    }
}
