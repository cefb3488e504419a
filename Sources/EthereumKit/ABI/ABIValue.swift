/// A decoded (or to-be-encoded) ABI value. Decoding is type-directed: fixed (`T[k]`) and dynamic (`T[]`) arrays are
/// both `.array`, `uintN` of any N is `.uint`, and so on; the `ABIType` says which one it was.
///
/// Recursion goes through `Array`, so the enum needs no `indirect` boxes: a `.uint` or `.address` lives inline
/// and decoding a word allocates nothing.
public enum ABIValue: Hashable, Sendable {
    /// `uintN`.
    case uint(UInt256)
    /// `intN`.
    case int(Int256)
    /// `address`.
    case address(Address)
    /// `bool`.
    case bool(Bool)
    /// `bytesN`: exactly N bytes.
    case fixedBytes([UInt8])
    /// `bytes`.
    case bytes([UInt8])
    /// `string`.
    case string(String)
    /// `T[k]` or `T[]`.
    case array([ABIValue])
    /// `(T1,…,Tn)`.
    case tuple([ABIValue])
}

// MARK: - Typed accessors (nil on a case mismatch)

extension ABIValue {
    /// The value of a `.uint`, else nil.
    @inlinable public var uintValue: UInt256? { if case .uint(let v) = self { return v }; return nil }
    /// The value of an `.int`, else nil.
    @inlinable public var intValue: Int256? { if case .int(let v) = self { return v }; return nil }
    /// The value of an `.address`, else nil.
    @inlinable public var addressValue: Address? { if case .address(let v) = self { return v }; return nil }
    /// The value of a `.bool`, else nil.
    @inlinable public var boolValue: Bool? { if case .bool(let v) = self { return v }; return nil }
    /// The bytes of a `.fixedBytes`, else nil.
    @inlinable public var fixedBytesValue: [UInt8]? { if case .fixedBytes(let v) = self { return v }; return nil }
    /// The bytes of a `.bytes`, else nil.
    @inlinable public var bytesValue: [UInt8]? { if case .bytes(let v) = self { return v }; return nil }
    /// The text of a `.string`, else nil.
    @inlinable public var stringValue: String? { if case .string(let v) = self { return v }; return nil }
    /// The elements of an `.array`, else nil.
    @inlinable public var arrayValue: [ABIValue]? { if case .array(let v) = self { return v }; return nil }
    /// The components of a `.tuple`, else nil.
    @inlinable public var tupleValue: [ABIValue]? { if case .tuple(let v) = self { return v }; return nil }

    /// A `.uint` that fits in `UInt64`, else nil.
    @inlinable public var uint64Value: UInt64? { uintValue?.uint64 }
    /// A `.uint` or `.int` that fits in `Int`, else nil.
    public var intExactValue: Int? {
        switch self {
        case .uint(let v): return v.int
        case .int(let v): return v.int
        default: return nil
        }
    }
    /// A `bytes32` value (`.fixedBytes` of exactly 32 bytes) as a `Hash32`, else nil.
    public var hash32Value: Hash32? {
        guard case .fixedBytes(let b) = self, b.count == 32 else { return nil }
        return try? Hash32(bytes: b)
    }
    /// The bytes of a `.bytes` or `.fixedBytes`, else nil.
    public var anyBytesValue: [UInt8]? {
        switch self {
        case .bytes(let b), .fixedBytes(let b): return b
        default: return nil
        }
    }
    /// The elements of an `.array` or the components of a `.tuple`, else nil.
    public var elements: [ABIValue]? {
        switch self {
        case .array(let v), .tuple(let v): return v
        default: return nil
        }
    }
}

extension ABIValue {
    /// A `bytes32` value from a `Hash32`.
    public static func fixedBytes(_ hash: Hash32) -> ABIValue { .fixedBytes(hash.bytes) }

    /// Whether this value has the shape `type` needs (case, sizes, ranges, lengths), without encoding it.
    public func matches(_ type: ABIType) -> Bool {
        (try? ABIEncoder.check(self, as: type)) != nil
    }
}

extension ABIValue: CustomStringConvertible {
    /// A compact, human-readable form: decimal integers, `0x` bytes and addresses, quoted strings, `[…]` arrays and
    /// `(…)` tuples. For the JSON form use `ABIValue.json`.
    public var description: String {
        switch self {
        case .uint(let v): return v.description
        case .int(let v): return v.description
        case .address(let a): return a.description
        case .bool(let b): return b ? "true" : "false"
        case .fixedBytes(let b), .bytes(let b): return Hex.encode(b)
        case .string(let s): return ABIJSON.quote(s)
        case .array(let vs): return "[" + vs.map(\.description).joined(separator: ", ") + "]"
        case .tuple(let vs): return "(" + vs.map(\.description).joined(separator: ", ") + ")"
        }
    }
}
