/// Builds canonical RLP into a byte array, field by field (the fast path for transactions).
public struct RLPWriter: Sendable {
    /// The encoded bytes so far.
    public private(set) var bytes: [UInt8]

    /// An empty writer, optionally with reserved capacity.
    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends a byte string.
    public mutating func append(bytes payload: some Collection<UInt8>) {
        if payload.count == 1, let b = payload.first, b < 0x80 {
            bytes.append(b)
            return
        }
        appendHeader(payload.count, shortBase: 0x80)
        bytes.append(contentsOf: payload)
    }

    /// Appends a canonical unsigned integer (zero is the empty string).
    public mutating func append(_ value: UInt64) {
        if value == 0 { bytes.append(0x80); return }
        if value < 0x80 { bytes.append(UInt8(value)); return }
        let count = (64 - value.leadingZeroBitCount + 7) / 8
        bytes.append(0x80 + UInt8(count))
        for i in stride(from: count - 1, through: 0, by: -1) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(8 * i))) }
    }

    /// Appends a canonical unsigned 256-bit integer.
    public mutating func append(_ value: UInt256) {
        if let small = value.uint64 { append(small); return }
        append(bytes: value.minimalBigEndianBytes)
    }

    /// Appends the 20 bytes of an address.
    public mutating func append(_ address: Address) {
        bytes.append(0x80 + 20)
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: 20))
        bytes.withUnsafeMutableBytes { address.store(into: $0, at: start) }
    }

    /// Appends an address, or the empty string for nil (a contract creation's `to`).
    public mutating func append(optional address: Address?) {
        if let address { append(address) } else { bytes.append(0x80) }
    }

    /// Appends the 32 bytes of a hash.
    public mutating func append(_ hash: Hash32) {
        bytes.append(0x80 + 32)
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: 32))
        bytes.withUnsafeMutableBytes { hash.store(into: $0, at: start) }
    }

    /// Appends a list whose items `body` writes.
    public mutating func appendList(_ body: (inout RLPWriter) throws -> Void) rethrows {
        let start = bytes.count
        try body(&self)
        let length = bytes.count - start
        if length < 56 {
            bytes.insert(0xc0 + UInt8(length), at: start)
        } else {
            let ll = (64 - UInt64(length).leadingZeroBitCount + 7) / 8
            var header: [UInt8] = [0xf7 + UInt8(ll)]
            for i in stride(from: ll - 1, through: 0, by: -1) { header.append(UInt8(truncatingIfNeeded: length >> (8 * i))) }
            bytes.insert(contentsOf: header, at: start)
        }
    }

    /// Appends an item tree.
    public mutating func append(_ item: RLPItem) {
        switch item {
        case .bytes(let b): append(bytes: b)
        case .list(let items): appendList { w in for i in items { w.append(i) } }
        }
    }

    /// Appends bytes that already are RLP (for example a pre-encoded sub-list).
    public mutating func append(encoded raw: some Sequence<UInt8>) {
        bytes.append(contentsOf: raw)
    }

    /// Appends a raw byte that is not RLP (a typed transaction's type prefix).
    public mutating func append(rawByte: UInt8) {
        bytes.append(rawByte)
    }

    private mutating func appendHeader(_ length: Int, shortBase: UInt8) {
        if length < 56 {
            bytes.append(shortBase + UInt8(length))
        } else {
            let ll = (64 - UInt64(length).leadingZeroBitCount + 7) / 8
            bytes.append(shortBase + 55 + UInt8(ll))
            for i in stride(from: ll - 1, through: 0, by: -1) { bytes.append(UInt8(truncatingIfNeeded: length >> (8 * i))) }
        }
    }
}
