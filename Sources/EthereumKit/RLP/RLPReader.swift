/// A cursor over RLP bytes that decodes items in place, without building an `RLPItem` tree.
///
/// This is the strict decoder every other RLP entry point uses. It rejects every non-canonical form:
/// a single byte below 0x80 wrapped in a header, long-form lengths below 56, lengths with leading
/// zeros, lengths past the end of the enclosing item (including 32- and 64-bit overflows), and
/// (through `finish()`) trailing bytes. Every error carries the absolute byte offset.
///
/// The reader borrows its buffer: use it only inside the `withUnsafeBytes` (or `RLP.withReader`)
/// closure that produced the buffer.
public struct RLPReader {
    /// One decoded item header.
    public struct Header: Sendable, Equatable {
        /// Whether the item is a list (otherwise a byte string).
        public let isList: Bool
        /// Absolute offset of the header's first byte.
        public let offset: Int
        /// Absolute offset of the payload's first byte.
        public let payloadOffset: Int
        /// Number of payload bytes.
        public let payloadLength: Int
        /// Absolute offset just past the item.
        public var endOffset: Int { payloadOffset + payloadLength }
    }

    /// The whole input (offsets are relative to its start).
    public let buffer: UnsafeRawBufferPointer
    /// The offset of the next item.
    public private(set) var offset: Int
    /// The offset just past the last byte this reader may read (the end of the enclosing list).
    public let end: Int
    /// The list nesting depth of this reader (0 at the top level).
    public let depth: Int

    /// A reader over all of `buffer`.
    public init(_ buffer: UnsafeRawBufferPointer) {
        self.buffer = buffer
        self.offset = 0
        self.end = buffer.count
        self.depth = 0
    }

    /// A reader over `buffer` from `offset` to its end (offsets in errors stay relative to the
    /// buffer's start; used to skip a typed transaction's type byte).
    public init(_ buffer: UnsafeRawBufferPointer, startingAt offset: Int) {
        self.init(buffer: buffer, offset: Swift.min(Swift.max(offset, 0), buffer.count), end: buffer.count, depth: 0)
    }

    private init(buffer: UnsafeRawBufferPointer, offset: Int, end: Int, depth: Int) {
        self.buffer = buffer
        self.offset = offset
        self.end = end
        self.depth = depth
    }

    /// Whether every item of this reader's range has been read.
    @inlinable
    public var isAtEnd: Bool { offset >= end }

    /// Decodes the header of the next item without consuming it.
    public func peekHeader() throws -> Header {
        let o = offset
        guard o < end else {
            if end == 0 && o == 0 { throw RLPError(.empty, at: 0, "the input is empty; an RLP item has at least one byte") }
            throw RLPError(.truncated, at: o, "an item was expected but the enclosing item ends")
        }
        let b = buffer[o]
        switch b {
        case 0x00...0x7f:
            return Header(isList: false, offset: o, payloadOffset: o, payloadLength: 1)
        case 0x80...0xb7:
            let length = Int(b &- 0x80)
            let start = o + 1
            guard length <= end - start else {
                throw RLPError(.truncated, at: o, "a string announces \(length) bytes but only \(end - start) remain")
            }
            if length == 1 && buffer[start] < 0x80 {
                throw RLPError(.nonCanonicalSingleByte, at: o, "the byte 0x\(String(buffer[start], radix: 16)) must be encoded as itself, not as 0x81 0x\(String(buffer[start], radix: 16))")
            }
            return Header(isList: false, offset: o, payloadOffset: start, payloadLength: length)
        case 0xb8...0xbf:
            return try longHeader(at: o, lengthOfLength: Int(b &- 0xb7), isList: false)
        case 0xc0...0xf7:
            let length = Int(b &- 0xc0)
            let start = o + 1
            guard length <= end - start else {
                throw RLPError(.truncated, at: o, "a list announces \(length) bytes but only \(end - start) remain")
            }
            return Header(isList: true, offset: o, payloadOffset: start, payloadLength: length)
        default:
            return try longHeader(at: o, lengthOfLength: Int(b &- 0xf7), isList: true)
        }
    }

    private func longHeader(at o: Int, lengthOfLength ll: Int, isList: Bool) throws -> Header {
        let what = isList ? "list" : "string"
        guard ll <= end - (o + 1) else {
            throw RLPError(.truncated, at: o, "a long \(what) header needs \(ll) length bytes but only \(end - o - 1) remain")
        }
        guard buffer[o + 1] != 0 else {
            throw RLPError(.leadingZeroInLength, at: o + 1, "the length of a long \(what) starts with a zero byte")
        }
        var length: UInt64 = 0
        for i in 0..<ll { length = length << 8 | UInt64(buffer[o + 1 + i]) }  // ll ≤ 8: no overflow
        guard length >= 56 else {
            throw RLPError(.nonCanonicalLength, at: o, "a \(what) of \(length) bytes must use the short header form (lengths below 56)")
        }
        let start = o + 1 + ll
        guard length <= UInt64(Int.max) else {
            throw RLPError(.lengthOverflow, at: o, "a \(what) announces \(length) bytes, more than any input can hold")
        }
        guard Int(length) <= end - start else {
            throw RLPError(.truncated, at: o, "a \(what) announces \(length) bytes but only \(end - start) remain")
        }
        return Header(isList: isList, offset: o, payloadOffset: start, payloadLength: Int(length))
    }

    /// Decodes the next item's header and moves past the whole item.
    public mutating func readHeader() throws -> Header {
        let h = try peekHeader()
        offset = h.endOffset
        return h
    }

    /// Reads a byte string and returns its payload (a view into the buffer).
    public mutating func readBytes(_ field: StaticString = "value") throws -> UnsafeRawBufferPointer {
        let h = try peekHeader()
        guard !h.isList else { throw RLPError(.expectedBytes, at: h.offset, "\(field): expected a byte string, found a list") }
        offset = h.endOffset
        return UnsafeRawBufferPointer(rebasing: buffer[h.payloadOffset..<h.endOffset])
    }

    /// Reads a byte string into a new array.
    public mutating func readByteArray(_ field: StaticString = "value") throws -> [UInt8] {
        [UInt8](try readBytes(field))
    }

    /// Enters the next item, which must be a list, and returns a reader over its items.
    /// `self` moves past the whole list.
    public mutating func readList(_ field: StaticString = "list") throws -> RLPReader {
        let h = try peekHeader()
        guard h.isList else { throw RLPError(.expectedList, at: h.offset, "\(field): expected a list, found a byte string") }
        guard depth < RLP.maxDepth else {
            throw RLPError(.tooDeep, at: h.offset, "lists are nested more than \(RLP.maxDepth) levels deep")
        }
        offset = h.endOffset
        return RLPReader(buffer: buffer, offset: h.payloadOffset, end: h.endOffset, depth: depth + 1)
    }

    /// Fails unless every item in range was read (trailing bytes, or a list with too many items).
    public func finish(_ what: StaticString = "input") throws {
        guard offset >= end else {
            throw RLPError(.trailingBytes, at: offset, "\(end - offset) unexpected byte(s) after the last item of the \(what)")
        }
    }

    /// Counts the items left in this reader's range, validating each item's header (but not the
    /// contents of nested lists). Does not move the reader.
    public func remainingItemCount() throws -> Int {
        var copy = self
        var count = 0
        while !copy.isAtEnd {
            _ = try copy.readHeader()
            count += 1
        }
        return count
    }

    // MARK: Canonical integers

    /// Reads an integer of at most 8 bytes, big-endian without leading zeros (zero is the empty string).
    public mutating func readUInt64(_ field: StaticString = "integer") throws -> UInt64 {
        let at = offset
        let raw = try readBytes(field)
        try Self.checkCanonical(raw, maxBytes: 8, field: field, at: at)
        var v: UInt64 = 0
        for b in raw { v = v << 8 | UInt64(b) }
        return v
    }

    /// Reads an integer of at most 32 bytes, big-endian without leading zeros (zero is the empty string).
    public mutating func readUInt256(_ field: StaticString = "integer") throws -> UInt256 {
        let at = offset
        let raw = try readBytes(field)
        try Self.checkCanonical(raw, maxBytes: 32, field: field, at: at)
        return UInt256(bigEndian: raw) ?? .zero  // count ≤ 32 was checked
    }

    static func checkCanonical(_ raw: UnsafeRawBufferPointer, maxBytes: Int, field: StaticString, at: Int) throws {
        guard raw.count <= maxBytes else {
            throw RLPError(.integerTooLarge, at: at, "\(field): \(raw.count)-byte integer, at most \(maxBytes) bytes allowed")
        }
        if raw.count > 0 && raw[0] == 0 {
            throw RLPError(.leadingZeroInInteger, at: at, "\(field): integer has a leading zero byte (zero is encoded as 0x80)")
        }
    }

    // MARK: Fixed-size values

    /// Reads exactly 20 bytes as an address.
    public mutating func readAddress(_ field: StaticString = "address") throws -> Address {
        Address(at: 0, of: try readFixed(20, field, "an address"))
    }

    /// Reads an empty string as nil (contract creation) or exactly 20 bytes as an address.
    public mutating func readOptionalAddress(_ field: StaticString = "to") throws -> Address? {
        if let h = try? peekHeader(), !h.isList, h.payloadLength == 0 {
            offset = h.endOffset
            return nil
        }
        return Address(at: 0, of: try readFixed(20, field, "an address or nothing (contract creation)"))
    }

    /// Reads exactly 32 bytes as a hash.
    public mutating func readHash32(_ field: StaticString = "hash") throws -> Hash32 {
        Hash32(at: 0, of: try readFixed(32, field, "a 32-byte value"))
    }

    private mutating func readFixed(_ count: Int, _ field: StaticString, _ what: String) throws -> UnsafeRawBufferPointer {
        let at = offset
        let raw = try readBytes(field)
        guard raw.count == count else {
            throw RLPError(.wrongLength, at: at, "\(field): expected \(what) of \(count) bytes, found \(raw.count)")
        }
        return raw
    }

    // MARK: Generic tree

    /// Reads the next item as an `RLPItem` tree.
    public mutating func readItem() throws -> RLPItem {
        let h = try peekHeader()
        if !h.isList {
            offset = h.endOffset
            return .bytes([UInt8](UnsafeRawBufferPointer(rebasing: buffer[h.payloadOffset..<h.endOffset])))
        }
        var inner = try readList()
        var items: [RLPItem] = []
        while !inner.isAtEnd { items.append(try inner.readItem()) }
        return .list(items)
    }
}
