/// Locates JSON values as raw byte spans without re-encoding them (so ids and params are seen exactly as sent).
/// Lenient: it assumes well-formed input and returns nil when the structure is not what it expects.
enum RawJSON {
    /// The span of the value starting at or after `i` (whitespace skipped), or nil.
    static func value(_ b: [UInt8], from start: Int) -> Range<Int>? {
        var i = skipSpace(b, start)
        guard i < b.count else { return nil }
        let first = i
        switch b[i] {
        case UInt8(ascii: "\""):
            i += 1
            while i < b.count, b[i] != UInt8(ascii: "\"") { i += b[i] == UInt8(ascii: "\\") ? 2 : 1 }
            return i < b.count ? first..<(i + 1) : nil
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while i < b.count {
                switch b[i] {
                case UInt8(ascii: "\""):
                    guard let s = value(b, from: i) else { return nil }
                    i = s.upperBound
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return first..<(i + 1) }
                default: break
                }
                i += 1
            }
            return nil
        default:
            while i < b.count, !",}] \n\r\t".utf8.contains(b[i]) { i += 1 }
            return first..<i
        }
    }

    /// The element spans of the array at `range`.
    static func elements(_ b: [UInt8], _ range: Range<Int>) -> [Range<Int>] {
        guard b[range.lowerBound] == UInt8(ascii: "[") else { return [] }
        var out: [Range<Int>] = []
        var i = skipSpace(b, range.lowerBound + 1)
        if i < b.count, b[i] == UInt8(ascii: "]") { return [] }
        while let v = value(b, from: i) {
            out.append(v)
            i = skipSpace(b, v.upperBound)
            guard i < b.count, b[i] == UInt8(ascii: ",") else { break }
            i += 1
        }
        return out
    }

    /// The (key, value span) members of the object at `range`; keys are returned without decoding escapes.
    static func members(_ b: [UInt8], _ range: Range<Int>) -> [(String, Range<Int>)] {
        guard b[range.lowerBound] == UInt8(ascii: "{") else { return [] }
        var out: [(String, Range<Int>)] = []
        var i = skipSpace(b, range.lowerBound + 1)
        while let k = value(b, from: i), b[k.lowerBound] == UInt8(ascii: "\"") {
            i = skipSpace(b, k.upperBound)
            guard i < b.count, b[i] == UInt8(ascii: ":"), let v = value(b, from: i + 1) else { break }
            out.append((String(decoding: b[(k.lowerBound + 1)..<(k.upperBound - 1)], as: UTF8.self), v))
            i = skipSpace(b, v.upperBound)
            guard i < b.count, b[i] == UInt8(ascii: ",") else { break }
            i = skipSpace(b, i + 1)
        }
        return out
    }

    static func skipSpace(_ b: [UInt8], _ start: Int) -> Int {
        var i = start
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        return i
    }
}
