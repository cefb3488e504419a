import EthereumKit

/// The packed form of an event's `fields` JSON (`EventJSON`), migration 0002: its *shape* — the text with every
/// string value replaced by `?` (keys, punctuation and literals stay) — which many events share (`event_kinds`), and
/// its values in binary (`events.field_values`), as `EventJSON.appendPacked` writes them without formatting any text.
/// `unpack` renders them with the JSON writer's own formatting, so the text is exactly `EventJSON.append`'s.
///
/// Values, one after the other: a tag byte, then
/// - `bytes`: the length (LEB128) and the bytes;
/// - `abbreviatedBytes`: the full length (LEB128) and the first 32 bytes (rendered `"0x…32 bytes……(N bytes)"`);
/// - `uint64`: the value (LEB128); `uint256`: a length byte and the big-endian bytes without leading zeros;
/// - `address`: 20 bytes; `hash`: 32 bytes.
enum PackedFields {
    /// The shape's stand-in for a value (never part of a key: keys are the writer's identifier constants).
    static let hole = UInt8(ascii: "?")
    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    enum Tag: UInt8 {
        case bytes = 1, abbreviatedBytes = 2, uint64 = 3, uint256 = 4, address = 5, hash = 6
    }

    /// The JSON text of `shape` and `values`.
    ///
    /// - Throws: `MirrorStoreError.corruptImage` when the values do not fill the shape's holes exactly.
    static func unpack(shape: String, values: [UInt8], context: String) throws -> String {
        var reader = ByteReader(values, context: context)
        var out: [UInt8] = []
        out.reserveCapacity(shape.utf8.count + values.count * 2)
        var inString = false, escaped = false
        for c in shape.utf8 {
            if inString {
                out.append(c)
                if escaped { escaped = false } else if c == backslash { escaped = true } else if c == quote { inString = false }
            } else if c == hole {
                try appendValue(&reader, to: &out)
            } else {
                out.append(c)
                if c == quote { inString = true }
            }
        }
        try reader.finish()
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendValue(_ reader: inout ByteReader, to out: inout [UInt8]) throws {
        switch try reader.enumValue(Tag.self) {
        case .bytes:
            try reader.data().withUnsafeBytes { JSONObjectWriter.hexString($0, to: &out) }
        case .abbreviatedBytes:
            let count = try reader.varint()
            let shown = try (0..<32).map { _ in try reader.u8() }
            shown.withUnsafeBytes { JSONObjectWriter.hexString($0, closing: false, to: &out) }
            JSONObjectWriter.abbreviationTail(count: Int(clamping: count), to: &out)
        case .uint64:
            JSONObjectWriter.decimalString(UInt256(try reader.varint()), to: &out)
        case .uint256:
            JSONObjectWriter.decimalString(try reader.u256(), to: &out)
        case .address:
            try reader.address().bytes.withUnsafeBytes { JSONObjectWriter.hexString($0, to: &out) }
        case .hash:
            try reader.hash().bytes.withUnsafeBytes { JSONObjectWriter.hexString($0, to: &out) }
        }
    }
}
