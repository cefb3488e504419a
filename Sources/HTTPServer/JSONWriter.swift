/// Builds a JSON document straight into UTF-8 bytes: no `Any`, no Foundation, no intermediate strings.
///
/// Commas are inserted automatically: a key or an array element written after a complete value gets one.
/// Strings are escaped per RFC 8259 (`"`, `\`, and control characters; everything else is copied as UTF-8).
/// Non-finite doubles are written as `null`. The writer does not check that objects and arrays are balanced:
/// use the closure forms `object { … }` and `array { … }`, which always close what they open.
///
/// ```swift
/// var w = JSONWriter()
/// w.object { w in
///     w.field("block", 1234)
///     w.field("hash", "0xabc…")
///     w.key("markets"); w.array { w in for id in ids { w.value(id) } }
/// }
/// let response = Response(json: w)
/// ```
public struct JSONWriter: Sendable {
    @usableFromInline var bytes_: [UInt8]

    /// The bytes written so far.
    public var bytes: [UInt8] { bytes_ }

    /// Creates an empty writer with room for `capacity` bytes.
    public init(capacity: Int = 256) {
        bytes_ = []
        bytes_.reserveCapacity(capacity)
    }

    /// The document as a `String`.
    public var string: String { String(decoding: bytes_, as: UTF8.self) }

    // MARK: Structure

    /// Writes `{` (after a comma if needed).
    @inlinable public mutating func beginObject() { separate(); bytes_.append(UInt8(ascii: "{")) }
    /// Writes `}`.
    @inlinable public mutating func endObject() { bytes_.append(UInt8(ascii: "}")) }
    /// Writes `[` (after a comma if needed).
    @inlinable public mutating func beginArray() { separate(); bytes_.append(UInt8(ascii: "[")) }
    /// Writes `]`.
    @inlinable public mutating func endArray() { bytes_.append(UInt8(ascii: "]")) }

    /// Writes an object whose members `body` writes.
    @inlinable public mutating func object(_ body: (inout JSONWriter) throws -> Void) rethrows {
        beginObject()
        try body(&self)
        endObject()
    }

    /// Writes an array whose elements `body` writes.
    @inlinable public mutating func array(_ body: (inout JSONWriter) throws -> Void) rethrows {
        beginArray()
        try body(&self)
        endArray()
    }

    /// Writes an object member's key and the colon; the next value written is its value.
    @inlinable public mutating func key(_ name: String) {
        separate()
        appendEscaped(name)
        bytes_.append(UInt8(ascii: ":"))
    }

    // MARK: Values

    /// Writes a string value.
    @inlinable public mutating func value(_ s: String) { separate(); appendEscaped(s) }
    /// Writes a string value, or `null`.
    @inlinable public mutating func value(_ s: String?) { if let s { value(s) } else { null() } }
    /// Writes a signed integer.
    @inlinable public mutating func value(_ n: Int) { value(Int64(n)) }
    /// Writes a signed integer.
    @inlinable public mutating func value(_ n: Int64) {
        separate()
        if n < 0 {
            bytes_.append(UInt8(ascii: "-"))
            appendDigits(n.magnitude)
        } else {
            appendDigits(UInt64(n))
        }
    }
    /// Writes an unsigned integer.
    @inlinable public mutating func value(_ n: UInt64) { separate(); appendDigits(n) }
    /// Writes an unsigned integer.
    @inlinable public mutating func value(_ n: UInt32) { value(UInt64(n)) }
    /// Writes an unsigned integer.
    @inlinable public mutating func value(_ n: UInt) { value(UInt64(n)) }
    /// Writes a number (shortest round-trip form); NaN and infinities become `null`.
    public mutating func value(_ d: Double) {
        guard d.isFinite else { return null() }
        if d == d.rounded(), d.magnitude < 1e15 {
            value(Int64(d))  // `5` rather than `5.0`
            return
        }
        separate()
        bytes_.append(contentsOf: d.description.utf8)
    }
    /// Writes `true` or `false`.
    @inlinable public mutating func value(_ b: Bool) {
        separate()
        bytes_.append(contentsOf: b ? Self.trueBytes : Self.falseBytes)
    }
    /// Writes `null`.
    @inlinable public mutating func null() { separate(); bytes_.append(contentsOf: Self.nullBytes) }

    /// Writes an already-encoded JSON value verbatim (the caller vouches that it is valid JSON).
    @inlinable public mutating func raw(_ json: String) { separate(); bytes_.append(contentsOf: json.utf8) }
    /// Writes an already-encoded JSON value verbatim (the caller vouches that it is valid JSON).
    @inlinable public mutating func raw(_ json: [UInt8]) { separate(); bytes_.append(contentsOf: json) }

    // MARK: Members (key + value)

    /// Writes `"name":"value"`.
    @inlinable public mutating func field(_ name: String, _ v: String) { key(name); value(v) }
    /// Writes `"name":"value"` or `"name":null`.
    @inlinable public mutating func field(_ name: String, _ v: String?) { key(name); value(v) }
    /// Writes `"name":n`.
    @inlinable public mutating func field(_ name: String, _ v: Int) { key(name); value(v) }
    /// Writes `"name":n`.
    @inlinable public mutating func field(_ name: String, _ v: Int64) { key(name); value(v) }
    /// Writes `"name":n`.
    @inlinable public mutating func field(_ name: String, _ v: UInt64) { key(name); value(v) }
    /// Writes `"name":n`.
    @inlinable public mutating func field(_ name: String, _ v: UInt32) { key(name); value(v) }
    /// Writes `"name":n`.
    @inlinable public mutating func field(_ name: String, _ v: UInt) { key(name); value(v) }
    /// Writes `"name":x` (`null` if not finite).
    public mutating func field(_ name: String, _ v: Double) { key(name); value(v) }
    /// Writes `"name":true|false`.
    @inlinable public mutating func field(_ name: String, _ v: Bool) { key(name); value(v) }
    /// Writes `"name":null`.
    @inlinable public mutating func fieldNull(_ name: String) { key(name); null() }
    /// Writes `"name":{…}` with members from `body`.
    @inlinable public mutating func field(_ name: String, object body: (inout JSONWriter) throws -> Void) rethrows {
        key(name)
        try object(body)
    }
    /// Writes `"name":[…]` with elements from `body`.
    @inlinable public mutating func field(_ name: String, array body: (inout JSONWriter) throws -> Void) rethrows {
        key(name)
        try array(body)
    }

    // MARK: Helpers

    /// `s` as a JSON string literal, quotes included.
    public static func quoted(_ s: String) -> String {
        var w = JSONWriter(capacity: s.utf8.count + 2)
        w.value(s)
        return w.string
    }

    @usableFromInline static let trueBytes: [UInt8] = Array("true".utf8)
    @usableFromInline static let falseBytes: [UInt8] = Array("false".utf8)
    @usableFromInline static let nullBytes: [UInt8] = Array("null".utf8)

    /// Writes a comma unless the previous byte opens a container or ends a key.
    @inlinable mutating func separate() {
        guard let last = bytes_.last else { return }
        if last != UInt8(ascii: "{") && last != UInt8(ascii: "[") && last != UInt8(ascii: ":") {
            bytes_.append(UInt8(ascii: ","))
        }
    }

    @inlinable mutating func appendDigits(_ n: UInt64) {
        if n < 10 {
            bytes_.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: n))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var i = 20
            var v = n
            while v > 0 {
                i -= 1
                buffer[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10)
                v /= 10
            }
            bytes_.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[i..<20]))
        }
    }

    @inlinable mutating func appendEscaped(_ s: String) {
        var s = s
        s.withUTF8 { appendEscaped(utf8: $0) }
    }

    @usableFromInline mutating func appendEscaped(utf8 source: UnsafeBufferPointer<UInt8>) {
        bytes_.append(UInt8(ascii: "\""))
        var runStart = 0
        var i = 0
        let n = source.count
        while i < n {
            let b = source[i]
            if b >= 0x20 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") {
                i += 1
                continue
            }
            if runStart < i { bytes_.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<i])) }
            bytes_.append(UInt8(ascii: "\\"))
            switch b {
            case UInt8(ascii: "\""): bytes_.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): bytes_.append(UInt8(ascii: "\\"))
            case 0x0A: bytes_.append(UInt8(ascii: "n"))
            case 0x0D: bytes_.append(UInt8(ascii: "r"))
            case 0x09: bytes_.append(UInt8(ascii: "t"))
            case 0x08: bytes_.append(UInt8(ascii: "b"))
            case 0x0C: bytes_.append(UInt8(ascii: "f"))
            default:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes_.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          hex[Int(b >> 4)], hex[Int(b & 0xF)]])
            }
            i += 1
            runStart = i
        }
        if runStart < n { bytes_.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<n])) }
        bytes_.append(UInt8(ascii: "\""))
    }
}
