/// A 4-byte function or error selector: the first 4 bytes of keccak256 of the canonical signature.
public struct ABISelector: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The 4 bytes as a big-endian integer.
    public let rawValue: UInt32

    /// Creates a selector from its big-endian value.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The selector of a canonical signature such as `transfer(address,uint256)` (not re-parsed or normalised).
    public init(signature: String) {
        self.init(rawValue: UInt32(truncatingIfNeeded: Keccak256.hash(utf8: signature).w0 >> 32))
    }

    /// The first 4 bytes of `data`; nil if it is shorter.
    public init?<C: Collection>(prefixOf data: C) where C.Element == UInt8 {
        guard data.count >= 4 else { return nil }
        self.init(rawValue: data.prefix(4).reduce(0) { $0 << 8 | UInt32($1) })
    }

    /// Parses `0x` and 8 hex digits.
    public init(hex: String) throws {
        let b = try Hex.decode(hex, count: 4)
        self.init(rawValue: b.reduce(0) { $0 << 8 | UInt32($1) })
    }

    /// The 4 bytes.
    public var bytes: [UInt8] {
        [UInt8(rawValue >> 24), UInt8(truncatingIfNeeded: rawValue >> 16), UInt8(truncatingIfNeeded: rawValue >> 8), UInt8(truncatingIfNeeded: rawValue)]
    }

    /// `0x` and 8 lowercase hex digits.
    public var description: String { Hex.encode(bytes) }

    public static func < (a: ABISelector, b: ABISelector) -> Bool { a.rawValue < b.rawValue }
}

/// Strict ABI decoding of parameter lists; see `ABIDecodingPlan` for the rules.
///
/// For repeated decoding of the same types, build an `ABIDecodingPlan` once (events, functions and errors do this
/// themselves) instead of calling these conveniences, which build one per call.
public enum ABIDecoder {
    /// Decodes `data` (no selector) as the parameter list `types`.
    public static func decode(types: [ABIType], data: UnsafeRawBufferPointer) throws -> [ABIValue] {
        try ABIDecodingPlan(types: types).decode(data)
    }

    /// Decodes `data` (no selector) as the parameter list `types`.
    public static func decode(types: [ABIType], data: [UInt8]) throws -> [ABIValue] {
        try ABIDecodingPlan(types: types).decode(data)
    }

    /// Decodes `data` as a single value of `type` (`abi.decode(data, (T))`).
    public static func decode(_ type: ABIType, data: [UInt8]) throws -> ABIValue {
        let values = try decode(types: [type], data: data)
        return values[0]
    }

    /// Result of one `fuzz` run.
    public enum FuzzOutcome: Sendable, Equatable {
        /// The derived types or the data were rejected with an `ABIError` (the normal case for random input).
        case rejected
        /// The data decoded, and re-encoding then decoding gave the same values.
        case roundTripped
        /// Decoding succeeded but the round trip did not reproduce the values: a bug; the harness should abort.
        case invariantViolated(String)
    }

    /// A libFuzzer entry point: derives up to 4 types from the first bytes of `data`, decodes the rest with them, and
    /// checks that `decode(encode(values)) == values`. Never traps; returns what happened.
    ///
    /// The type bytes form a small prefix code: each type takes one byte (kind = byte % 12: uint/int with size from
    /// the next byte, address, bool, bytesN, bytes, string, T[], T[k], tuple of 1–3 members), nested at most 4 deep.
    public static func fuzz(_ data: UnsafeRawBufferPointer) -> FuzzOutcome {
        let count = Int((data.first ?? 0) % 4) + 1
        let (types, used) = fuzzTypes(UnsafeRawBufferPointer(rebasing: data[min(1, data.count)...]), count: count)
        let payload = UnsafeRawBufferPointer(rebasing: data[min(1 + used, data.count)...])
        do {
            let plan = try ABIDecodingPlan(types: types)
            let values = try plan.decode(payload)
            let encoded = try ABIEncoder.encode(types: types, values: values)
            let again = try plan.decode(encoded)
            guard again == values else { return .invariantViolated("decode(encode(v)) != v for \(types)") }
            return .roundTripped
        } catch let e as ABIError {
            _ = e.message
            return .rejected
        } catch {
            return .invariantViolated("unexpected error type \(error)")
        }
    }

    /// The `count` types the prefix code of `fuzz` reads from the start of `data`, and how many bytes they took
    /// (past the end of `data` the code reads zeros, so `consumed` may exceed `data.count`). For fuzz harnesses that
    /// build other descriptors (event parameters, …) from the same code.
    public static func fuzzTypes(_ data: UnsafeRawBufferPointer, count: Int) -> (types: [ABIType], consumed: Int) {
        var cursor = FuzzTypeReader(data)
        let types = (0..<max(count, 0)).map { _ in cursor.type(depth: 0) }
        return (types, cursor.position)
    }
}

/// Reads fuzz bytes as a type description; out of bytes means zeros.
private struct FuzzTypeReader {
    let data: UnsafeRawBufferPointer
    var position = 0

    init(_ data: UnsafeRawBufferPointer) { self.data = data }

    mutating func next() -> UInt8 {
        defer { position += 1 }
        return position < data.count ? data[position] : 0
    }

    mutating func type(depth: Int) -> ABIType {
        let b = next()
        let kind = depth >= 4 ? b % 7 : b % 12
        switch kind {
        case 0: return .uint(Int(next() % 32 + 1) * 8)
        case 1: return .int(Int(next() % 32 + 1) * 8)
        case 2: return .address
        case 3: return .bool
        case 4: return .fixedBytes(Int(next() % 32) + 1)
        case 5: return .bytes
        case 6: return .string
        case 7, 8: return .array(type(depth: depth + 1))
        case 9: return .fixedArray(type(depth: depth + 1), Int(next() % 4) + 1)
        default:
            let n = Int(next() % 3) + 1
            return .tuple((0..<n).map { _ in type(depth: depth + 1) })
        }
    }
}
