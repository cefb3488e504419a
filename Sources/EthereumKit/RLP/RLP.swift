/// One RLP value: a byte string or a list of values.
public enum RLPItem: Hashable, Sendable {
    /// A byte string (integers are big-endian byte strings without leading zeros).
    case bytes([UInt8])
    /// A list of items.
    case list([RLPItem])

    /// The canonical encoding of an unsigned integer (no leading zeros; zero is the empty string).
    public init(_ value: UInt64) { self = .bytes(RLP.minimalBytes(value)) }

    /// The canonical encoding of an unsigned 256-bit integer.
    public init(_ value: UInt256) { self = .bytes(value.minimalBigEndianBytes) }

    /// The 20 bytes of an address.
    public init(_ address: Address) { self = .bytes(address.bytes) }

    /// The byte string, or nil for a list.
    public var bytesValue: [UInt8]? {
        if case .bytes(let b) = self { return b }
        return nil
    }

    /// The items, or nil for a byte string.
    public var listValue: [RLPItem]? {
        if case .list(let l) = self { return l }
        return nil
    }

    /// The byte string read as a canonical integer (≤ 32 bytes, no leading zero); nil otherwise.
    public var uint256Value: UInt256? {
        guard case .bytes(let b) = self, b.count <= 32, b.first != 0 else { return nil }
        return UInt256(bigEndian: b)
    }
}

/// Recursive Length Prefix encoding, as used by Ethereum transactions, blocks and tries.
public enum RLP {
    /// The deepest list nesting the decoder accepts (deeper input is an error, never a stack overflow).
    public static let maxDepth = 512

    /// Encodes an item.
    public static func encode(_ item: RLPItem) -> [UInt8] {
        var w = RLPWriter()
        w.append(item)
        return w.bytes
    }

    /// Decodes exactly one item that spans all of `bytes` (strict: see `RLPReader`).
    public static func decode(_ bytes: [UInt8]) throws -> RLPItem {
        try bytes.withUnsafeBytes { try decode($0) }
    }

    /// Decodes exactly one item that spans all of `raw`.
    public static func decode(_ raw: UnsafeRawBufferPointer) throws -> RLPItem {
        var reader = RLPReader(raw)
        let item = try reader.readItem()
        try reader.finish()
        return item
    }

    /// Runs `body` with a reader over `bytes`.
    public static func withReader<R>(_ bytes: [UInt8], _ body: (inout RLPReader) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { raw in
            var reader = RLPReader(raw)
            return try body(&reader)
        }
    }

    /// The canonical integer bytes of `value` (big-endian, no leading zeros, empty for zero).
    public static func minimalBytes(_ value: UInt64) -> [UInt8] {
        let count = (64 - value.leadingZeroBitCount + 7) / 8
        return (0..<count).map { UInt8(truncatingIfNeeded: value >> UInt64(8 * (count - 1 - $0))) }
    }

    /// Fuzz entry point: decodes `data`; if it decodes, re-encodes it and checks the round trip.
    ///
    /// Never traps on any input. Returns false only if an invariant is broken (a decoded item that
    /// does not re-encode to the same bytes); a fuzz harness should abort on false.
    @discardableResult
    public static func fuzz(_ data: UnsafeRawBufferPointer) -> Bool {
        guard let item = try? decode(data) else { return true }
        return encode(item).elementsEqual(data)
    }
}
