/// A 32-byte value: a Keccak digest, a block or transaction hash, a log topic, a `bytes32`.
///
/// Stored inline as four big-endian 64-bit words, so comparison is byte order and no heap is used.
@frozen
public struct Hash32: Hashable, Sendable, Comparable {
    /// Bytes 0–7, big-endian.
    public var w0: UInt64
    /// Bytes 8–15, big-endian.
    public var w1: UInt64
    /// Bytes 16–23, big-endian.
    public var w2: UInt64
    /// Bytes 24–31, big-endian.
    public var w3: UInt64

    /// Creates a hash from four big-endian words.
    @inlinable
    public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0; self.w1 = w1; self.w2 = w2; self.w3 = w3
    }

    /// All zero bytes.
    public static let zero = Hash32(w0: 0, w1: 0, w2: 0, w3: 0)

    /// Creates a hash from exactly 32 bytes.
    public init<C: Collection>(bytes: C) throws where C.Element == UInt8 {
        guard bytes.count == 32 else {
            throw HexError(.wrongLength, "a 32-byte hash was expected, got \(bytes.count) bytes")
        }
        let a = Array(bytes)
        self = a.withUnsafeBytes { Hash32(at: 0, of: $0) }
    }

    /// Parses `0x` followed by exactly 64 hex digits.
    public init(hex: some StringProtocol) throws {
        try self.init(bytes: Hex.decode(hex, count: 32))
    }

    /// Reads 32 bytes at `offset` of a raw buffer (the caller checks bounds).
    @inlinable
    public init(at offset: Int, of raw: UnsafeRawBufferPointer) {
        w0 = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        w1 = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
        w2 = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self))
        w3 = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self))
    }

    /// The value as a big-endian unsigned integer.
    @inlinable
    public init(_ value: UInt256) {
        self.init(w0: value.l3, w1: value.l2, w2: value.l1, w3: value.l0)
    }

    /// The 32 bytes.
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBytes { store(into: $0, at: 0) }
        return out
    }

    /// Writes the 32 bytes at `offset` of `raw` (the caller checks bounds).
    @inlinable
    public func store(into raw: UnsafeMutableRawBufferPointer, at offset: Int) {
        raw.storeBytes(of: w0.bigEndian, toByteOffset: offset, as: UInt64.self)
        raw.storeBytes(of: w1.bigEndian, toByteOffset: offset + 8, as: UInt64.self)
        raw.storeBytes(of: w2.bigEndian, toByteOffset: offset + 16, as: UInt64.self)
        raw.storeBytes(of: w3.bigEndian, toByteOffset: offset + 24, as: UInt64.self)
    }

    /// The hash read as a big-endian unsigned integer.
    @inlinable
    public var uint256: UInt256 { UInt256(l0: w3, l1: w2, l2: w1, l3: w0) }

    /// Whether all bytes are zero.
    @inlinable
    public var isZero: Bool { (w0 | w1 | w2 | w3) == 0 }

    @inlinable
    public static func < (a: Hash32, b: Hash32) -> Bool {
        (a.w0, a.w1, a.w2, a.w3) < (b.w0, b.w1, b.w2, b.w3)
    }
}

extension Hash32: CustomStringConvertible {
    /// Lowercase `0x` hex of the 32 bytes.
    public var description: String { Hex.encode(bytes) }
}

extension UInt256 {
    /// The hash read as a big-endian unsigned integer.
    @inlinable
    public init(_ hash: Hash32) { self = hash.uint256 }
}
