/// The packed form of an `events.fields` JSON text (`EventJSON`), migration 0002: its *shape* — the text with every
/// string value replaced by `?` (keys, punctuation and literals stay) — which many events share (`event_kinds`), and
/// its string values in binary (`events.field_values`): `0x` lowercase hex as its bytes, a canonical decimal of up to
/// 19 digits as an integer, anything else as its text (escapes kept). `unpack` rebuilds the exact text.
///
/// Values, one after the other: a tag byte (0 text, 1 hex, 2 decimal), then the text's length (LEB128) and bytes, the
/// hex's byte count (LEB128) and bytes, or the decimal's value (LEB128).
enum PackedFields {
    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), colon = UInt8(ascii: ":")
    private static let hole = UInt8(ascii: "?")
    private enum Tag: UInt8 { case text = 0, hex = 1, decimal = 2 }

    /// Appends the shape of `json` to `shape` and its values to `values`; returns false when `json` is not a text
    /// `unpack` rebuilds exactly (an unterminated string, or a `?` outside strings) — then store the text itself.
    static func pack(_ json: [UInt8], shape: inout [UInt8], values: inout [UInt8]) -> Bool {
        json.withUnsafeBufferPointer { j in
            let n = j.count
            var i = 0
            while i < n {
                let c = j[i]
                guard c == quote else {
                    if c == hole { return false }
                    shape.append(c)
                    i += 1
                    continue
                }
                var end = i + 1
                while end < n && j[end] != quote { end += j[end] == backslash ? 2 : 1 }
                guard end < n else { return false }
                var next = end + 1
                while next < n, j[next] == 0x20 || j[next] == 0x0A || j[next] == 0x0D || j[next] == 0x09 { next += 1 }
                if next < n && j[next] == colon {
                    shape.append(contentsOf: j[i...end])
                } else {
                    shape.append(hole)
                    appendValue(UnsafeBufferPointer(rebasing: j[(i + 1)..<end]), to: &values)
                }
                i = end + 1
            }
            return true
        }
    }

    /// The JSON text of `shape` and `values` (as `pack` split it).
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
                out.append(quote)
                try appendText(of: &reader, to: &out)
                out.append(quote)
            } else {
                out.append(c)
                if c == quote { inString = true }
            }
        }
        try reader.finish()
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendValue(_ v: UnsafeBufferPointer<UInt8>, to values: inout [UInt8]) {
        let n = v.count
        if n >= 2, n % 2 == 0, v[0] == UInt8(ascii: "0"), v[1] == UInt8(ascii: "x"), v[2...].allSatisfy({ nibble($0) != nil }) {
            values.append(Tag.hex.rawValue)
            ByteWriter.varint(UInt64(n / 2 - 1), to: &values)
            var i = 2
            while i < n {
                values.append((nibble(v[i]) ?? 0) << 4 | (nibble(v[i + 1]) ?? 0))
                i += 2
            }
        } else if n >= 1, n <= 19, v[0] != UInt8(ascii: "0") || n == 1, v.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            values.append(Tag.decimal.rawValue)
            ByteWriter.varint(v.reduce(0) { $0 * 10 + UInt64($1 - UInt8(ascii: "0")) }, to: &values)
        } else {
            values.append(Tag.text.rawValue)
            ByteWriter.varint(UInt64(n), to: &values)
            values.append(contentsOf: v)
        }
    }

    private static func appendText(of reader: inout ByteReader, to out: inout [UInt8]) throws {
        switch try reader.enumValue(Tag.self) {
        case .text:
            out.append(contentsOf: try reader.data())
        case .hex:
            let digits: [UInt8] = Array("0123456789abcdef".utf8)
            out.append(UInt8(ascii: "0")); out.append(UInt8(ascii: "x"))
            for b in try reader.data() {
                out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0x0F)])
            }
        case .decimal:
            out.append(contentsOf: String(try reader.varint()).utf8)
        }
    }

    /// A lowercase hex digit's value.
    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
