/// A 20-byte Ethereum account address.
///
/// Stored inline (4 + 8 + 8 bytes, big-endian). `description` is lowercase hex, as JSON outputs use;
/// `checksummed` is the EIP-55 mixed-case form for people.
@frozen
public struct Address: Hashable, Sendable, Comparable {
    /// Bytes 0–3, big-endian.
    public var hi: UInt32
    /// Bytes 4–11, big-endian.
    public var mid: UInt64
    /// Bytes 12–19, big-endian.
    public var lo: UInt64

    /// Creates an address from its three big-endian parts.
    @inlinable
    public init(hi: UInt32, mid: UInt64, lo: UInt64) {
        self.hi = hi; self.mid = mid; self.lo = lo
    }

    /// The zero address.
    public static let zero = Address(hi: 0, mid: 0, lo: 0)

    /// Creates an address from exactly 20 bytes.
    public init<C: Collection>(bytes: C) throws where C.Element == UInt8 {
        guard bytes.count == 20 else {
            throw AddressError(.wrongLength, "an address has 20 bytes, got \(bytes.count)")
        }
        let a = Array(bytes)
        self = a.withUnsafeBytes { Address(at: 0, of: $0) }
    }

    /// Reads 20 bytes at `offset` of a raw buffer (the caller checks bounds).
    @inlinable
    public init(at offset: Int, of raw: UnsafeRawBufferPointer) {
        hi = UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        mid = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt64.self))
        lo = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt64.self))
    }

    /// The address in the low 20 bytes of a 32-byte word; nil if the top 12 bytes are not zero.
    @inlinable
    public init?(word: UInt256) {
        guard word.l3 == 0, word.l2 >> 32 == 0 else { return nil }
        self.init(hi: UInt32(truncatingIfNeeded: word.l2), mid: word.l1, lo: word.l0)
    }

    /// The address as a left-padded 32-byte word.
    @inlinable
    public var word: UInt256 { UInt256(l0: lo, l1: mid, l2: UInt64(hi), l3: 0) }

    /// The address of a public key: the last 20 bytes of keccak256 of the 64-byte uncompressed point (no 0x04).
    public init(publicKey64 key: some Collection<UInt8>) throws {
        guard key.count == 64 else {
            throw AddressError(.wrongLength, "an uncompressed public key without 0x04 has 64 bytes, got \(key.count)")
        }
        let h = Keccak256.hash(key)
        self.init(hi: UInt32(truncatingIfNeeded: h.w1), mid: h.w2, lo: h.w3)
    }

    /// Parses `0x` and 40 hex digits. All-lowercase and all-uppercase are accepted as they are;
    /// mixed case must be a valid EIP-55 checksum.
    public init(_ text: some StringProtocol) throws {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "0"), utf8[1] | 0x20 == UInt8(ascii: "x") else {
            throw AddressError(.missingPrefix, "address \"\(text.prefix(44))\" must start with 0x")
        }
        guard utf8.count == 42 else {
            throw AddressError(.wrongLength, "address \"\(text.prefix(44))\" must have 40 hex digits after 0x, has \(utf8.count - 2)")
        }
        let bytes: [UInt8]
        do { bytes = try Hex.decode(text) } catch let e as HexError {
            throw AddressError(.invalidHex, "address: \(e.message)")
        }
        try self.init(bytes: bytes)
        let letters = utf8[2...].filter { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "F")) }
        let hasLower = letters.contains { $0 >= UInt8(ascii: "a") }
        let hasUpper = letters.contains { $0 <= UInt8(ascii: "F") }
        if hasLower && hasUpper {
            let expected = checksummed
            guard expected == String(text) || expected.dropFirst(2) == String(text).dropFirst(2) else {
                throw AddressError(.badChecksum, "address \(text) has mixed case but an invalid EIP-55 checksum (expected \(expected)); check for a typo, or write it all lowercase")
            }
        }
    }

    /// The 20 bytes.
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 20)
        out.withUnsafeMutableBytes { store(into: $0, at: 0) }
        return out
    }

    /// Writes the 20 bytes at `offset` of `raw` (the caller checks bounds).
    @inlinable
    public func store(into raw: UnsafeMutableRawBufferPointer, at offset: Int) {
        raw.storeBytes(of: hi.bigEndian, toByteOffset: offset, as: UInt32.self)
        raw.storeBytes(of: mid.bigEndian, toByteOffset: offset + 4, as: UInt64.self)
        raw.storeBytes(of: lo.bigEndian, toByteOffset: offset + 12, as: UInt64.self)
    }

    /// Whether this is the zero address.
    @inlinable
    public var isZero: Bool { hi == 0 && mid == 0 && lo == 0 }

    /// The EIP-55 mixed-case checksum form.
    public var checksummed: String {
        let lower = Array(Hex.encode(bytes, prefix: false).utf8)
        let hash = Keccak256.hash(lower).bytes
        var out: [UInt8] = [UInt8(ascii: "0"), UInt8(ascii: "x")]
        for (i, c) in lower.enumerated() {
            let nibble = i % 2 == 0 ? hash[i / 2] >> 4 : hash[i / 2] & 0x0f
            out.append(c >= UInt8(ascii: "a") && nibble >= 8 ? c - 32 : c)
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inlinable
    public static func < (a: Address, b: Address) -> Bool { (a.hi, a.mid, a.lo) < (b.hi, b.mid, b.lo) }
}

extension Address: CustomStringConvertible {
    /// Lowercase `0x` hex.
    public var description: String { Hex.encode(bytes) }
}

/// An error from parsing or building an `Address`.
public struct AddressError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case missingPrefix = "missing 0x prefix", wrongLength = "wrong length"
            case invalidHex = "invalid hex", badChecksum = "bad EIP-55 checksum"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The text does not start with `0x`.
        public static let missingPrefix = Code(.missingPrefix)
        /// Not 20 bytes (or not 40 digits).
        public static let wrongLength = Code(.wrongLength)
        /// A character is not a hex digit.
        public static let invalidHex = Code(.invalidHex)
        /// Mixed case that is not the EIP-55 checksum.
        public static let badChecksum = Code(.badChecksum)
        public var description: String { base.rawValue }
    }
    /// The kind of failure.
    public let code: Code
    /// What is wrong and how to fix it.
    public let message: String
    init(_ code: Code, _ message: String) { self.code = code; self.message = message }
    public var description: String { message }
}
