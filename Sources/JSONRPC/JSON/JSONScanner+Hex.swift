#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EthereumKit

/// Hex readers for JSON-RPC values: quantities (`"0x1a"`) and data (`"0xdeadbeef"`), decoded in place.
///
/// Quantities accept leading zeros (some providers send them) but reject an empty digit string and values
/// that do not fit the target type. Data must have an even number of digits. Fixed-size values (`Address`,
/// `Hash32`) must have exactly their length. `field` names the JSON field in error messages.
extension JSONScanner {
    /// Consumes `"0x` and returns the offset of the first digit.
    @inline(__always)
    mutating func openHex(_ field: StaticString) throws(JSONParseError) -> Int {
        skipWhitespace()
        guard position < buffer.count else { throw endError("hex string \(field)") }
        guard buffer[position] == UInt8(ascii: "\"") else {
            let what = buffer[position] == UInt8(ascii: "n") ? "null" : Self.show(buffer, position)
            throw JSONParseError(.wrongType, at: position, "\(field) must be a 0x-prefixed hex string, found \(what)")
        }
        guard position + 3 <= buffer.count else { position = buffer.count; throw endError("hex digits of \(field)") }
        guard buffer[position + 1] == UInt8(ascii: "0"), buffer[position + 2] | 0x20 == UInt8(ascii: "x") else {
            throw JSONParseError(.invalidHex, at: position + 1, "\(field) must start with 0x")
        }
        position += 3
        return position
    }

    /// The offset of the closing quote of a hex string whose digits start at `start`.
    @inline(__always)
    func closingQuote(from start: Int, _ field: StaticString) throws(JSONParseError) -> Int {
        guard start < buffer.count, let base = buffer.baseAddress,
              let hit = memchr(base + start, Int32(UInt8(ascii: "\"")), buffer.count - start) else {
            throw JSONParseError(.unexpectedEnd, at: buffer.count, "input ends inside hex string \(field) (truncated response?)")
        }
        return UnsafeRawPointer(hit) - base
    }

    /// A precise error for a hex string at `start` that failed a fast check.
    func hexError(_ field: StaticString, start: Int, expectedDigits: Int?) -> JSONParseError {
        var i = start
        while i < buffer.count, buffer[i] != UInt8(ascii: "\"") {
            if Self.nibble(buffer[i]) >= 16 {
                return JSONParseError(.invalidHex, at: i, "\(field): \(Self.show(buffer, i)) is not a hex digit")
            }
            i += 1
        }
        if i >= buffer.count {
            return JSONParseError(.unexpectedEnd, at: i, "input ends inside hex string \(field) (truncated response?)")
        }
        let digits = i - start
        if let expected = expectedDigits {
            return JSONParseError(.outOfRange, at: start, "\(field) must have \(expected) hex digits (\(expected / 2) bytes), has \(digits)")
        }
        return JSONParseError(.invalidHex, at: start, "\(field) has an odd number of hex digits (\(digits))")
    }

    @inline(__always)
    func word(at i: Int, digits: Int, _ bad: inout UInt8) -> UInt64 {
        if digits == 16 {
            let (a, okA) = Self.hex8(buffer, at: i)
            let (b, okB) = Self.hex8(buffer, at: i + 8)
            if !(okA && okB) { bad = 0xFF }
            return UInt64(a.byteSwapped) << 32 | UInt64(b.byteSwapped)
        }
        if digits == 8 {
            let (a, ok) = Self.hex8(buffer, at: i)
            if !ok { bad = 0xFF }
            return UInt64(a.byteSwapped)
        }
        var w: UInt64 = 0
        for k in 0..<digits {
            let n = Self.nibble(buffer[i + k])
            bad |= n
            w = w << 4 | UInt64(n & 0x0F)
        }
        return w
    }

    /// Decodes the 8 hex digits at `offset` (the caller checks `offset + 8 <= count`) with SWAR arithmetic:
    /// returns the 4 decoded bytes in memory order (first byte in the low bits) and whether all 8 were hex digits.
    ///
    /// Per byte x (all < 0x80): digit ⇔ 0x30 ≤ x ≤ 0x39, letter ⇔ 0x61 ≤ (x | 0x20) ≤ 0x66; the nibble is
    /// (x & 0xF) + 9·bit6(x). Range tests add a bias so the byte's high bit says "≥ lo" / "> hi" without carries.
    @inline(__always)
    static func hex8(_ buffer: UnsafeRawBufferPointer, at offset: Int) -> (UInt32, Bool) {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let x = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        let ascii = x & high == 0
        let digit = (x &+ ones &* (0x80 - 0x30)) & ~(x &+ ones &* (0x7F - 0x39))
        let l = x | ones &* 0x20
        let letter = (l &+ ones &* (0x80 - 0x61)) & ~(l &+ ones &* (0x7F - 0x66))
        let valid = ascii && (digit | letter) & high == high
        let v = (x & (ones &* 0x0F)) &+ ((x >> 6) & ones) &* 9
        let pairs = ((v << 4) | (v >> 8)) & 0x00FF_00FF_00FF_00FF
        let quads = (pairs | (pairs >> 8)) & 0x0000_FFFF_0000_FFFF
        return (UInt32(truncatingIfNeeded: quads | (quads >> 16)), valid)
    }

    /// Reads `"0x"` + 64 hex digits.
    @inline(__always)
    public mutating func readHash32(_ field: StaticString = "hash") throws(JSONParseError) -> Hash32 {
        let s = try openHex(field)
        guard s + 64 < buffer.count else { throw hexError(field, start: s, expectedDigits: 64) }
        var bad: UInt8 = 0
        let h = Hash32(w0: word(at: s, digits: 16, &bad), w1: word(at: s + 16, digits: 16, &bad),
                       w2: word(at: s + 32, digits: 16, &bad), w3: word(at: s + 48, digits: 16, &bad))
        guard bad < 16, buffer[s + 64] == UInt8(ascii: "\"") else { throw hexError(field, start: s, expectedDigits: 64) }
        position = s + 65
        return h
    }

    /// Reads `"0x"` + 40 hex digits.
    @inline(__always)
    public mutating func readAddress(_ field: StaticString = "address") throws(JSONParseError) -> Address {
        let s = try openHex(field)
        guard s + 40 < buffer.count else { throw hexError(field, start: s, expectedDigits: 40) }
        var bad: UInt8 = 0
        let a = Address(hi: UInt32(truncatingIfNeeded: word(at: s, digits: 8, &bad)), mid: word(at: s + 8, digits: 16, &bad),
                        lo: word(at: s + 24, digits: 16, &bad))
        guard bad < 16, buffer[s + 40] == UInt8(ascii: "\"") else { throw hexError(field, start: s, expectedDigits: 40) }
        position = s + 41
        return a
    }

    /// Reads a quantity that must fit in 64 bits (block numbers, indices, gas, timestamps).
    @inline(__always)
    public mutating func readQuantity(_ field: StaticString = "quantity") throws(JSONParseError) -> UInt64 {
        let s = try openHex(field)
        var i = s
        var v: UInt64 = 0
        while i < buffer.count {
            let n = Self.nibble(buffer[i])
            if n >= 16 { break }
            guard v >> 60 == 0 else { throw JSONParseError(.outOfRange, at: s, "\(field) does not fit in 64 bits") }
            v = v << 4 | UInt64(n)
            i += 1
        }
        guard i < buffer.count, buffer[i] == UInt8(ascii: "\"") else { throw hexError(field, start: s, expectedDigits: nil) }
        guard i > s else { throw JSONParseError(.invalidHex, at: s, "\(field) is \"0x\" with no digits; a quantity needs at least one (0x0)") }
        position = i + 1
        return v
    }

    /// Reads a quantity up to 256 bits (values, balances, fees, difficulty).
    @inline(__always)
    public mutating func readQuantity256(_ field: StaticString = "quantity") throws(JSONParseError) -> UInt256 {
        let s = try openHex(field)
        var i = s
        while i < buffer.count, Self.nibble(buffer[i]) < 16 { i += 1 }
        guard i < buffer.count, buffer[i] == UInt8(ascii: "\"") else { throw hexError(field, start: s, expectedDigits: nil) }
        guard i > s else { throw JSONParseError(.invalidHex, at: s, "\(field) is \"0x\" with no digits; a quantity needs at least one (0x0)") }
        var first = s
        while i - first > 1, buffer[first] == UInt8(ascii: "0") { first += 1 }
        guard i - first <= 64 else { throw JSONParseError(.outOfRange, at: s, "\(field) does not fit in 256 bits") }
        var limbs: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var end = i
        var limb = 0
        var bad: UInt8 = 0
        while end > first {
            let n = min(16, end - first)
            let w = word(at: end - n, digits: n, &bad)
            switch limb { case 0: limbs.0 = w; case 1: limbs.1 = w; case 2: limbs.2 = w; default: limbs.3 = w }
            limb += 1
            end -= n
        }
        position = i + 1
        return UInt256(l0: limbs.0, l1: limbs.1, l2: limbs.2, l3: limbs.3)
    }

    /// Reads hex data of any even length (`"0x"` is empty).
    @inline(__always)
    public mutating func readData(_ field: StaticString = "data") throws(JSONParseError) -> [UInt8] {
        let s = try openHex(field)
        let q = try closingQuote(from: s, field)
        let digits = q - s
        guard digits & 1 == 0 else { throw hexError(field, start: s, expectedDigits: nil) }
        let n = digits >> 1
        var bad: UInt8 = 0
        let buffer = self.buffer
        let bytes = [UInt8](unsafeUninitializedCapacity: n) { out, initialized in
            var j = s
            var k = 0
            if let base = out.baseAddress {
                let raw = UnsafeMutableRawPointer(base)
                while k + 4 <= n {
                    let (quad, ok) = Self.hex8(buffer, at: j)
                    if !ok { bad = 0xFF }
                    raw.storeBytes(of: quad.littleEndian, toByteOffset: k, as: UInt32.self)
                    k += 4
                    j += 8
                }
            }
            while k < n {
                let hi = Self.nibble(buffer[j]), lo = Self.nibble(buffer[j + 1])
                bad |= hi | lo
                out[k] = hi << 4 | (lo & 0x0F)
                j += 2
                k += 1
            }
            initialized = n
        }
        guard bad < 16 else { throw hexError(field, start: s, expectedDigits: nil) }
        position = q + 1
        return bytes
    }

    /// Reads hex data that must have exactly `count` bytes.
    public mutating func readData(_ field: StaticString, count: Int) throws(JSONParseError) -> [UInt8] {
        let start = position
        let bytes = try readData(field)
        guard bytes.count == count else {
            throw JSONParseError(.outOfRange, at: start, "\(field) must have \(count) bytes, has \(bytes.count)")
        }
        return bytes
    }

    /// Reads an array of values with `element`, or an empty array.
    @inline(__always)
    public mutating func readArray<T>(reserving capacity: Int = 0, _ element: (inout JSONScanner) throws(JSONParseError) -> T) throws(JSONParseError) -> [T] {
        var out: [T] = []
        guard try beginArray() else { return out }
        out.reserveCapacity(capacity)
        repeat { out.append(try element(&self)) } while try nextElement()
        return out
    }

    /// Reads `null` as nil, anything else with `value`.
    @inline(__always)
    public mutating func readOptional<T>(_ value: (inout JSONScanner) throws(JSONParseError) -> T) throws(JSONParseError) -> T? {
        if try consumeNull() { return nil }
        return try value(&self)
    }
}

/// Nullable and array forms of the hex readers, for the typed decoders.
extension JSONScanner {
    /// `null` or a 64-bit quantity.
    @inline(__always)
    public mutating func readOptionalQuantity(_ field: StaticString) throws(JSONParseError) -> UInt64? {
        if try consumeNull() { return nil }
        return try readQuantity(field)
    }

    /// `null` or a 256-bit quantity.
    @inline(__always)
    public mutating func readOptionalQuantity256(_ field: StaticString) throws(JSONParseError) -> UInt256? {
        if try consumeNull() { return nil }
        return try readQuantity256(field)
    }

    /// `null` or an address.
    @inline(__always)
    public mutating func readOptionalAddress(_ field: StaticString) throws(JSONParseError) -> Address? {
        if try consumeNull() { return nil }
        return try readAddress(field)
    }

    /// `null` or a hash.
    @inline(__always)
    public mutating func readOptionalHash32(_ field: StaticString) throws(JSONParseError) -> Hash32? {
        if try consumeNull() { return nil }
        return try readHash32(field)
    }

    /// `null` or hex data.
    @inline(__always)
    public mutating func readOptionalData(_ field: StaticString) throws(JSONParseError) -> [UInt8]? {
        if try consumeNull() { return nil }
        return try readData(field)
    }

    /// An array of hashes.
    @inline(__always)
    public mutating func readHash32Array(_ field: StaticString) throws(JSONParseError) -> [Hash32] {
        try readArray(reserving: 4) { (s: inout JSONScanner) throws(JSONParseError) in try s.readHash32(field) }
    }

    /// A quantity that must fit in 8 bits (transaction type, status, yParity).
    public mutating func readSmallQuantity(_ field: StaticString) throws(JSONParseError) -> UInt8 {
        let start = position
        let v = try readQuantity(field)
        guard v <= UInt64(UInt8.max) else { throw JSONParseError(.outOfRange, at: start, "\(field) must be at most 0xff, is 0x\(String(v, radix: 16))") }
        return UInt8(v)
    }
}
