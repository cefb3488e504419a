/// A Solidity ABI type: the full grammar of elementary types, arrays and tuples, with any nesting.
///
/// Build one with `ABIType(parsing:)` (strict: only canonical spellings plus the `uint`/`int` aliases) or directly
/// from the cases. `description` is the canonical name used in signatures (`uint256[2][]`, `(address,bytes)`).
/// Sizes of programmatically built types are checked wherever the type is used (encoder, decoder plans), so an
/// invalid case such as `.uint(7)` is an `ABIError`, never a trap.
public indirect enum ABIType: Hashable, Sendable {
    /// `uintN`, N = 8, 16, …, 256.
    case uint(Int)
    /// `intN`, N = 8, 16, …, 256 (two's complement).
    case int(Int)
    /// `address` (20 bytes, left-padded).
    case address
    /// `bool` (0 or 1).
    case bool
    /// `bytesN`, N = 1…32 (right-padded).
    case fixedBytes(Int)
    /// `bytes`, dynamic.
    case bytes
    /// `string`, dynamic, UTF-8.
    case string
    /// `T[]`, dynamic length.
    case array(ABIType)
    /// `T[k]`, k ≥ 1.
    case fixedArray(ABIType, Int)
    /// `(T1,…,Tn)`.
    case tuple([ABIType])

    /// The deepest nesting of arrays and tuples the parser and the decoder accept.
    public static let maxNestingDepth = 32
    /// The largest static encoding (bytes) a type may have; larger fixed arrays are rejected as types.
    public static let maxStaticSize = 1 << 40
}

extension ABIType: CustomStringConvertible {
    /// The canonical type name, as used in function and event signatures.
    public var description: String {
        switch self {
        case .uint(let bits): return "uint\(bits)"
        case .int(let bits): return "int\(bits)"
        case .address: return "address"
        case .bool: return "bool"
        case .fixedBytes(let n): return "bytes\(n)"
        case .bytes: return "bytes"
        case .string: return "string"
        case .array(let element): return element.description + "[]"
        case .fixedArray(let element, let count): return element.description + "[\(count)]"
        case .tuple(let components): return "(" + components.map(\.description).joined(separator: ",") + ")"
        }
    }

    /// The canonical type name (same as `description`).
    public var canonicalName: String { description }
}

extension ABIType {
    /// Whether the encoding is dynamic (placed in the tail behind an offset): `bytes`, `string`, `T[]`, and arrays
    /// and tuples that contain a dynamic type.
    public var isDynamic: Bool {
        switch self {
        case .uint, .int, .address, .bool, .fixedBytes: return false
        case .bytes, .string, .array: return true
        case .fixedArray(let element, _): return element.isDynamic
        case .tuple(let components): return components.contains { $0.isDynamic }
        }
    }

    /// The size of the value's slot in the head of an enclosing tuple: 32 for dynamic types (the offset word),
    /// the full static encoding size otherwise. Saturates at `Int.max` for absurd programmatic types.
    public var headSize: Int {
        if isDynamic { return 32 }
        switch self {
        case .fixedArray(let element, let count):
            let (r, o) = element.headSize.multipliedReportingOverflow(by: max(count, 0))
            return o ? .max : r
        case .tuple(let components):
            var total = 0
            for c in components {
                let (r, o) = total.addingReportingOverflow(c.headSize)
                if o { return .max }
                total = r
            }
            return total
        default:
            return 32
        }
    }

    /// Whether the type is elementary (a single word or a byte string): not an array or tuple.
    public var isElementary: Bool {
        switch self {
        case .array, .fixedArray, .tuple: return false
        default: return true
        }
    }

    /// Checks sizes and nesting: N in `uintN`/`intN` is 8…256 in steps of 8, `bytesN` has 1…32, `T[k]` has k ≥ 1,
    /// tuples are not empty (except an empty parameter list at the top), nesting ≤ `maxNestingDepth`, and the
    /// static size stays ≤ `maxStaticSize`.
    public func validate() throws {
        try validate(depth: 0, path: description)
    }

    private func validate(depth: Int, path: String) throws {
        guard depth <= ABIType.maxNestingDepth else {
            throw ABIError(.invalidType, "type \(path.prefix(80)) nests arrays and tuples deeper than \(ABIType.maxNestingDepth) levels")
        }
        switch self {
        case .uint(let bits), .int(let bits):
            guard bits >= 8, bits <= 256, bits % 8 == 0 else {
                throw ABIError(.invalidType, "\(self) is not an ABI type: the size of uintN/intN must be a multiple of 8 from 8 to 256")
            }
        case .fixedBytes(let n):
            guard n >= 1, n <= 32 else {
                throw ABIError(.invalidType, "bytes\(n) is not an ABI type: bytesN needs N from 1 to 32 (use bytes for longer values)")
            }
        case .address, .bool, .bytes, .string:
            break
        case .array(let element):
            try element.validate(depth: depth + 1, path: path)
        case .fixedArray(let element, let count):
            guard count >= 1, count <= ABIType.maxStaticSize else {
                throw ABIError(.invalidType, "\(element)[\(count)] is not an ABI type: a fixed array needs a length from 1 to \(ABIType.maxStaticSize)")
            }
            try element.validate(depth: depth + 1, path: path)
        case .tuple(let components):
            guard !components.isEmpty || depth == 0 else {
                throw ABIError(.invalidType, "the empty tuple () is only allowed as an empty parameter list, not inside \(path.prefix(80))")
            }
            for c in components { try c.validate(depth: depth + 1, path: path) }
        }
        if !isElementary && !isDynamic && headSize > ABIType.maxStaticSize {
            throw ABIError(.invalidType, "type \(String(description.prefix(80))) has a static size above \(ABIType.maxStaticSize) bytes; use a smaller fixed array")
        }
    }
}

// MARK: - Parsing

extension ABIType {
    /// Parses a type string such as `uint256`, `bytes32[2][]` or `(address,(uint8,string)[])`.
    ///
    /// Strict: no whitespace, sizes as in `validate()`, no leading zeros in sizes; `uint` and `int` mean `uint256`
    /// and `int256`. The whole text `()` parses as the empty parameter list.
    /// - Throws: `ABIError` (`.invalidType`) naming the offending text and offset.
    public init(parsing text: some StringProtocol) throws {
        var parser = ABITypeParser(String(text))
        if parser.text == "()" {
            self = .tuple([])
            return
        }
        let type = try parser.parseType(depth: 0)
        try parser.expectEnd()
        try type.validate()
        self = type
    }

    /// Parses a parenthesised parameter list such as `(uint256,address[])` (or `()`) into its types.
    /// A single type without parentheses (`uint256`) is accepted as a one-element list.
    public static func parameterList(parsing text: some StringProtocol) throws -> [ABIType] {
        let type = try ABIType(parsing: text)
        if case .tuple(let components) = type, text.hasPrefix("(") { return components }
        return [type]
    }

    /// Parses a signature `name(T1,…,Tn)` (a function, event or error) into its name and parameter types.
    /// The name must be an identifier (`[A-Za-z_$][A-Za-z0-9_$]*`).
    public static func signature(parsing text: some StringProtocol) throws -> (name: String, types: [ABIType]) {
        let s = String(text)
        guard let open = s.firstIndex(of: "(") else {
            throw ABIError(.invalidSignature, "signature \"\(s.prefix(80))\" has no parameter list; write it as name(type1,type2,…)")
        }
        let name = String(s[..<open])
        guard ABITypeParser.isIdentifier(name) else {
            throw ABIError(.invalidSignature, "signature \"\(s.prefix(80))\": \"\(name.prefix(40))\" is not a valid name (letters, digits, _ and $, not starting with a digit)")
        }
        let list = s[open...]
        do {
            let type = try ABIType(parsing: list)
            guard case .tuple(let components) = type else {
                throw ABIError(.invalidSignature, "signature \"\(s.prefix(80))\" must end with one parenthesised parameter list")
            }
            return (name, components)
        } catch let e as ABIError where e.code == .invalidType {
            throw ABIError(.invalidSignature, "signature \"\(s.prefix(80))\": \(e.message)")
        }
    }
}

/// A recursive-descent parser over the UTF-8 of a type string.
struct ABITypeParser {
    let text: String
    private let bytes: [UInt8]
    private var i = 0

    init(_ text: String) {
        self.text = text
        self.bytes = Array(text.utf8)
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.utf8.first, !isDigit(first) else { return false }
        return s.utf8.allSatisfy { isIdentifierByte($0) }
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    static func isIdentifierByte(_ c: UInt8) -> Bool {
        isDigit(c) || (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "z")) || c == UInt8(ascii: "_") || c == UInt8(ascii: "$")
    }

    private var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

    private func fail(_ what: String) -> ABIError {
        let shown = text.count > 120 ? String(text.prefix(120)) + "…" : text
        return ABIError(.invalidType, "type \"\(shown)\": \(what) at offset \(i)")
    }

    mutating func expectEnd() throws {
        if let c = peek {
            throw fail("unexpected \(Self.show(c))")
        }
    }

    static func show(_ c: UInt8) -> String {
        if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { return "whitespace (types are written without spaces)" }
        return (0x21..<0x7f).contains(c) ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x\(String(c, radix: 16))"
    }

    mutating func parseType(depth: Int) throws -> ABIType {
        guard depth <= ABIType.maxNestingDepth else { throw fail("nesting deeper than \(ABIType.maxNestingDepth) levels") }
        var type: ABIType
        if peek == UInt8(ascii: "(") {
            type = try parseTuple(depth: depth + 1)
        } else {
            type = try parseElementary()
        }
        var level = depth
        while peek == UInt8(ascii: "[") {
            level += 1
            guard level <= ABIType.maxNestingDepth else { throw fail("nesting deeper than \(ABIType.maxNestingDepth) levels") }
            i += 1
            let start = i
            while let c = peek, Self.isDigit(c) { i += 1 }
            guard peek == UInt8(ascii: "]") else {
                throw fail(peek.map { "expected a digit or ']' in an array suffix, found \(Self.show($0))" } ?? "unterminated array suffix '['")
            }
            let digits = bytes[start..<i]
            i += 1
            if digits.isEmpty {
                type = .array(type)
                continue
            }
            guard digits.first != UInt8(ascii: "0") else {
                throw fail(digits.count == 1 ? "a fixed array needs at least one element ([0] is not allowed)" : "array length with a leading zero")
            }
            guard digits.count <= 13, let k = Int(String(decoding: digits, as: UTF8.self)), k <= ABIType.maxStaticSize else {
                throw fail("array length \(String(decoding: digits.prefix(20), as: UTF8.self)) is too large")
            }
            type = .fixedArray(type, k)
        }
        return type
    }

    private mutating func parseTuple(depth: Int) throws -> ABIType {
        i += 1  // "("
        guard peek != UInt8(ascii: ")") else {
            throw fail("the empty tuple () is only allowed as an empty parameter list")
        }
        var components: [ABIType] = []
        while true {
            components.append(try parseType(depth: depth))
            switch peek {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: ")"): i += 1; return .tuple(components)
            case let c?: throw fail("expected ',' or ')' in a tuple, found \(Self.show(c))")
            case nil: throw fail("unterminated tuple (missing ')')")
            }
        }
    }

    private mutating func parseElementary() throws -> ABIType {
        let start = i
        while let c = peek, Self.isIdentifierByte(c) { i += 1 }
        let word = String(decoding: bytes[start..<i], as: UTF8.self)
        if word.isEmpty {
            throw fail(peek.map { "expected a type name, found \(Self.show($0))" } ?? "expected a type name, found the end")
        }
        switch word {
        case "address": return .address
        case "bool": return .bool
        case "bytes": return .bytes
        case "string": return .string
        case "uint": return .uint(256)
        case "int": return .int(256)
        case "function": throw fail("the function type is not supported (it is encoded as bytes24; use bytes24)")
        case "tuple": throw fail("write tuples as (T1,T2,…), not tuple(…)")
        default: break
        }
        for (prefix, make) in [("uint", ABIType.uint), ("int", ABIType.int), ("bytes", ABIType.fixedBytes)] as [(String, (Int) -> ABIType)] {
            guard word.hasPrefix(prefix) else { continue }
            let digits = word.dropFirst(prefix.count)
            guard !digits.isEmpty, digits.utf8.allSatisfy(Self.isDigit), digits.count <= 4, let n = Int(digits) else { break }
            guard digits.count == 1 || digits.first != "0" else {
                i = start
                throw fail("size with a leading zero in '\(word)'")
            }
            let type = make(n)
            do { try type.validate() } catch let e as ABIError {
                i = start
                throw fail(e.message)
            }
            return type
        }
        i = start
        if word.hasPrefix("fixed") || word.hasPrefix("ufixed") {
            throw fail("fixed-point type '\(word)' is not supported")
        }
        throw fail("unknown type '\(word.prefix(40))' (elementary types: uint8…uint256, int8…int256, address, bool, bytes1…bytes32, bytes, string)")
    }
}
