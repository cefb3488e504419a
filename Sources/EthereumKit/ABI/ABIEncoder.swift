/// Standard ABI encoding (head/tail, as `abi.encode`) and packed encoding (`abi.encodePacked`).
///
/// Values are checked against their types first: the right `ABIValue` case, `uintN`/`intN` in range, `bytesN` of
/// exactly N bytes, `T[k]` with k elements, tuples with the right arity. A mismatch is an `ABIError`
/// (`.invalidValue`) naming the value's path (`value #2[3].1`) and type, never a trap.
public enum ABIEncoder {
    /// Encodes `values` as the parameter list `types` (no selector).
    public static func encode(types: [ABIType], values: [ABIValue]) throws -> [UInt8] {
        for t in types { try t.validate() }
        guard types.count == values.count else {
            throw ABIError(.invalidValue, "\(values.count) values for \(types.count) types (\(types.map(\.description).joined(separator: ",").prefix(80))); give one value per type")
        }
        var path: [Int] = []
        for (k, (t, v)) in zip(types, values).enumerated() {
            path.append(k)
            try check(v, as: t, path: &path)
            path.removeLast()
        }
        var out: [UInt8] = []
        encodeList(types, values, into: &out)
        return out
    }

    /// Encodes a single value as a one-element parameter list (`abi.encode(value)`).
    public static func encode(_ value: ABIValue, as type: ABIType) throws -> [UInt8] {
        try encode(types: [type], values: [value])
    }

    /// Encodes a call: the 4-byte selector followed by the encoded arguments.
    public static func encodeCall(selector: ABISelector, types: [ABIType], values: [ABIValue]) throws -> [UInt8] {
        selector.bytes + (try encode(types: types, values: values))
    }

    /// Packed encoding (`abi.encodePacked`): elementary values in their natural width (`uint32` = 4 bytes,
    /// `address` = 20, `bool` = 1, `bytesN` = N, `bytes`/`string` raw), arrays as their elements padded to 32 bytes.
    /// Tuples and nested arrays have no packed encoding and are rejected.
    public static func encodePacked(types: [ABIType], values: [ABIValue]) throws -> [UInt8] {
        for t in types { try t.validate() }
        guard types.count == values.count else {
            throw ABIError(.invalidValue, "\(values.count) values for \(types.count) types; give one value per type")
        }
        var out: [UInt8] = []
        var path: [Int] = []
        for (k, (t, v)) in zip(types, values).enumerated() {
            path.append(k)
            try check(v, as: t, path: &path)
            path.removeLast()
            switch t {
            case .tuple:
                throw ABIError(.invalidValue, "value #\(k): tuples have no packed encoding")
            case .array(let e), .fixedArray(let e, _):
                guard e.isElementary, !e.isDynamic else {
                    throw ABIError(.invalidValue, "value #\(k): arrays of \(e) have no packed encoding (only arrays of static elementary types do)")
                }
                for item in v.elements ?? [] { appendWord(item, to: &out) }
            default:
                appendPacked(v, as: t, to: &out)
            }
        }
        return out
    }

    // MARK: Checking

    /// Checks that `value` has the shape `type` needs; see the type's rules above.
    public static func check(_ value: ABIValue, as type: ABIType) throws {
        try type.validate()
        var p: [Int] = []
        try check(value, as: type, path: &p)
    }

    static func check(_ value: ABIValue, as type: ABIType, path: inout [Int]) throws {
        func fail(_ what: String) -> ABIError {
            let where_ = path.isEmpty ? "value" : "value #\(path[0])" + path.dropFirst().map { "[\($0)]" }.joined()
            return ABIError(.invalidValue, "\(where_) (\(type)): \(what)")
        }
        switch (type, value) {
        case (.uint(let bits), .uint(let v)):
            guard v.bitLength <= bits else { throw fail("\(v) does not fit in \(bits) bits (max 2^\(bits) − 1)") }
        case (.int(let bits), .int(let v)):
            guard v.fits(inBits: bits) else { throw fail("\(v) does not fit in a signed \(bits)-bit integer") }
        case (.address, .address), (.bool, .bool), (.bytes, .bytes), (.string, .string):
            break
        case (.fixedBytes(let n), .fixedBytes(let b)):
            guard b.count == n else { throw fail("\(b.count) bytes given; bytes\(n) needs exactly \(n)") }
        case (.array(let element), .array(let items)):
            for (i, item) in items.enumerated() {
                path.append(i)
                try check(item, as: element, path: &path)
                path.removeLast()
            }
        case (.fixedArray(let element, let count), .array(let items)):
            guard items.count == count else { throw fail("\(items.count) elements given; \(type) needs exactly \(count)") }
            for (i, item) in items.enumerated() {
                path.append(i)
                try check(item, as: element, path: &path)
                path.removeLast()
            }
        case (.tuple(let components), .tuple(let items)):
            guard items.count == components.count else { throw fail("\(items.count) components given; the tuple has \(components.count)") }
            for (i, (c, item)) in zip(components, items).enumerated() {
                path.append(i)
                try check(item, as: c, path: &path)
                path.removeLast()
            }
        default:
            throw fail("got \(value.caseName) \(String(value.description.prefix(60)))")
        }
    }

    // MARK: Writing (values already checked)

    private static func encodeList(_ types: [ABIType], _ values: [ABIValue], into out: inout [UInt8]) {
        let start = out.count
        let head = types.reduce(0) { $0 + $1.headSize }
        out.append(contentsOf: repeatElement(0, count: head))
        var headPos = start
        for (t, v) in zip(types, values) {
            if t.isDynamic {
                writeWord(UInt256(UInt64(out.count - start)), at: headPos, in: &out)
                encodeDynamic(v, as: t, into: &out)
            } else {
                writeStatic(v, as: t, at: headPos, in: &out)
            }
            headPos += t.headSize
        }
    }

    private static func encodeDynamic(_ value: ABIValue, as type: ABIType, into out: inout [UInt8]) {
        switch (type, value) {
        case (.bytes, .bytes(let b)):
            appendByteString(b, to: &out)
        case (.string, .string(let s)):
            appendByteString(Array(s.utf8), to: &out)
        case (.array(let element), .array(let items)):
            out.append(contentsOf: UInt256(UInt64(items.count)).bigEndianBytes)
            encodeList(Array(repeating: element, count: items.count), items, into: &out)
        case (.fixedArray(let element, _), .array(let items)):
            encodeList(Array(repeating: element, count: items.count), items, into: &out)
        case (.tuple(let components), .tuple(let items)):
            encodeList(components, items, into: &out)
        default:
            break  // unreachable after check()
        }
    }

    private static func writeStatic(_ value: ABIValue, as type: ABIType, at pos: Int, in out: inout [UInt8]) {
        switch (type, value) {
        case (.fixedArray(let element, _), .array(let items)):
            var p = pos
            for item in items {
                writeStatic(item, as: element, at: p, in: &out)
                p += element.headSize
            }
        case (.tuple(let components), .tuple(let items)):
            var p = pos
            for (c, item) in zip(components, items) {
                writeStatic(item, as: c, at: p, in: &out)
                p += c.headSize
            }
        default:
            writeWord(word(value), at: pos, in: &out)
        }
    }

    /// The 32-byte word of an elementary static value (bytesN left-aligned).
    static func word(_ value: ABIValue) -> UInt256 {
        switch value {
        case .uint(let v): return v
        case .int(let v): return v.bitPattern
        case .address(let a): return a.word
        case .bool(let b): return b ? .one : .zero
        case .fixedBytes(let b):
            var padded = b
            padded.append(contentsOf: repeatElement(0, count: max(0, 32 - b.count)))
            return UInt256(bigEndian: padded.prefix(32)) ?? .zero
        default: return .zero
        }
    }

    private static func writeWord(_ w: UInt256, at pos: Int, in out: inout [UInt8]) {
        out.withUnsafeMutableBytes { w.store(bigEndianInto: $0, at: pos) }
    }

    private static func appendWord(_ value: ABIValue, to out: inout [UInt8]) {
        out.append(contentsOf: word(value).bigEndianBytes)
    }

    private static func appendByteString(_ b: [UInt8], to out: inout [UInt8]) {
        out.append(contentsOf: UInt256(UInt64(b.count)).bigEndianBytes)
        out.append(contentsOf: b)
        out.append(contentsOf: repeatElement(0, count: (32 - b.count % 32) % 32))
    }

    private static func appendPacked(_ value: ABIValue, as type: ABIType, to out: inout [UInt8]) {
        switch (type, value) {
        case (.uint(let bits), _), (.int(let bits), _):
            out.append(contentsOf: word(value).bigEndianBytes.suffix(bits / 8))
        case (.address, .address(let a)):
            out.append(contentsOf: a.bytes)
        case (.bool, .bool(let b)):
            out.append(b ? 1 : 0)
        case (.fixedBytes, .fixedBytes(let b)), (.bytes, .bytes(let b)):
            out.append(contentsOf: b)
        case (.string, .string(let s)):
            out.append(contentsOf: s.utf8)
        default:
            break
        }
    }
}

extension ABIValue {
    /// The case name, for error messages.
    var caseName: String {
        switch self {
        case .uint: return "uint"
        case .int: return "int"
        case .address: return "address"
        case .bool: return "bool"
        case .fixedBytes: return "fixedBytes"
        case .bytes: return "bytes"
        case .string: return "string"
        case .array: return "array"
        case .tuple: return "tuple"
        }
    }
}
