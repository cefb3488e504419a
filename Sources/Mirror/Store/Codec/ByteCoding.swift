import EthereumKit

/// Appends the compact binary primitives of `EntityCodec` to a byte buffer.
///
/// - integers up to 64 bits: unsigned LEB128 (7 bits per byte, low bits first);
/// - `UInt256`: one length byte `n` (0…32) and the `n` big-endian bytes without leading zeros;
/// - `Address` 20 bytes, `Hash32` 32 bytes, as stored on chain;
/// - byte strings: their length (LEB128) and the bytes;
/// - optionals: a tag byte 0 (absent) or 1 (present) and the value.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    mutating func u8(_ v: UInt8) { bytes.append(v) }

    mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }

    mutating func varint(_ value: UInt64) { Self.varint(value, to: &bytes) }

    /// Appends `value` as unsigned LEB128 to `bytes`.
    static func varint(_ value: UInt64, to bytes: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func u256(_ v: UInt256) {
        let length = (v.bitLength + 7) / 8
        bytes.append(UInt8(length))
        var shift = (length - 1) * 8
        while shift >= 0 {
            let limb: UInt64
            switch shift / 64 {
            case 0: limb = v.l0
            case 1: limb = v.l1
            case 2: limb = v.l2
            default: limb = v.l3
            }
            bytes.append(UInt8(truncatingIfNeeded: limb >> UInt64(shift % 64)))
            shift -= 8
        }
    }

    mutating func address(_ a: Address) {
        withUnsafeBytes(of: a.hi.bigEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: a.mid.bigEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: a.lo.bigEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func hash(_ h: Hash32) {
        withUnsafeBytes(of: h.w0.bigEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: h.w1.bigEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: h.w2.bigEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: h.w3.bigEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func data(_ d: [UInt8]) {
        varint(UInt64(d.count))
        bytes.append(contentsOf: d)
    }

    /// Writes the presence tag, then `body` when the value is present.
    mutating func optional<T>(_ v: T?, _ body: (inout ByteWriter, T) -> Void) {
        guard let v else { bytes.append(0); return }
        bytes.append(1)
        body(&self, v)
    }

    /// A set of hashes in ascending order (so equal sets encode equally).
    mutating func hashSet(_ set: Set<Hash32>) {
        varint(UInt64(set.count))
        for h in set.sorted() { hash(h) }
    }
}

/// Reads what `ByteWriter` wrote; every read checks bounds and throws a `MirrorStoreError` `.corruptImage`.
struct ByteReader {
    private let bytes: [UInt8]
    private(set) var offset = 0
    /// What is being decoded, for error messages.
    let context: String

    init(_ bytes: [UInt8], context: String) {
        self.bytes = bytes
        self.context = context
    }

    var isAtEnd: Bool { offset == bytes.count }

    private func failure(_ what: String) -> MirrorStoreError {
        MirrorStoreError(.corruptImage, "\(context): \(what) at byte \(offset) of \(bytes.count); the stored image is damaged or was written by another version — rebuild the database with a fresh sync")
    }

    mutating func u8() throws -> UInt8 {
        guard offset < bytes.count else { throw failure("unexpected end") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func bool() throws -> Bool {
        switch try u8() {
        case 0: return false
        case 1: return true
        case let other: throw failure("boolean byte \(other)")
        }
    }

    mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try u8()
            guard shift < 64, shift != 63 || b <= 1 else { throw failure("integer longer than 64 bits") }
            value |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return value }
            shift += 7
        }
    }

    mutating func count() throws -> Int {
        let n = try varint()
        guard n <= UInt64(bytes.count - offset) else { throw failure("length \(n) beyond the end") }
        return Int(n)
    }

    mutating func u256() throws -> UInt256 {
        let n = Int(try u8())
        guard n <= 32 else { throw failure("uint256 length \(n)") }
        guard n <= bytes.count - offset else { throw failure("uint256 beyond the end") }
        guard n == 0 || bytes[offset] != 0 else { throw failure("uint256 with a leading zero byte") }
        defer { offset += n }
        return UInt256(bigEndian: bytes[offset..<offset + n]) ?? .zero
    }

    private mutating func fixed(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n <= bytes.count - offset else { throw failure("\(n)-byte field beyond the end") }
        defer { offset += n }
        return bytes[offset..<offset + n]
    }

    mutating func address() throws -> Address {
        let slice = try fixed(20)
        return slice.withUnsafeBytes { Address(at: 0, of: $0) }
    }

    mutating func hash() throws -> Hash32 {
        let slice = try fixed(32)
        return slice.withUnsafeBytes { Hash32(at: 0, of: $0) }
    }

    mutating func data() throws -> [UInt8] {
        Array(try fixed(try count()))
    }

    mutating func optional<T>(_ body: (inout ByteReader) throws -> T) throws -> T? {
        switch try u8() {
        case 0: return nil
        case 1: return try body(&self)
        case let other: throw failure("optional tag \(other)")
        }
    }

    mutating func hashSet() throws -> Set<Hash32> {
        let n = try count()
        var set = Set<Hash32>(minimumCapacity: n)
        for _ in 0..<n { set.insert(try hash()) }
        guard set.count == n else { throw failure("a hash set with duplicates") }
        return set
    }

    /// A raw enum value, or an error naming the type.
    mutating func enumValue<T: RawRepresentable>(_ type: T.Type) throws -> T where T.RawValue == UInt8 {
        let raw = try u8()
        guard let v = T(rawValue: raw) else { throw failure("\(T.self) value \(raw)") }
        return v
    }

    func finish() throws {
        guard isAtEnd else { throw failure("\(bytes.count - offset) trailing bytes") }
    }
}
