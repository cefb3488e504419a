/// An unsigned 256-bit integer: every on-chain quantity (amounts, ids, counters, block times).
///
/// Four 64-bit limbs, least significant first. Arithmetic follows Swift's integer conventions:
/// `+ - *` trap on overflow, `&+ &- &*` wrap, and the `…ReportingOverflow` forms report it.
/// Use the checked forms for data that comes from outside the process.
@frozen
public struct UInt256: Hashable, Sendable {
    /// Limb 0 (bits 0–63), the least significant.
    public var l0: UInt64
    /// Limb 1 (bits 64–127).
    public var l1: UInt64
    /// Limb 2 (bits 128–191).
    public var l2: UInt64
    /// Limb 3 (bits 192–255), the most significant.
    public var l3: UInt64

    /// Creates a value from its limbs, least significant first.
    @inlinable
    public init(l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64) {
        self.l0 = l0; self.l1 = l1; self.l2 = l2; self.l3 = l3
    }

    /// Creates a value from a 64-bit integer.
    @inlinable
    public init(_ value: UInt64) { self.init(l0: value, l1: 0, l2: 0, l3: 0) }

    /// Creates a value from a non-negative `Int`; nil if it is negative.
    @inlinable
    public init?(exactly value: Int) {
        guard value >= 0 else { return nil }
        self.init(UInt64(value))
    }

    /// Zero.
    public static let zero = UInt256(0)
    /// One.
    public static let one = UInt256(1)
    /// 2^256 − 1.
    public static let max = UInt256(l0: .max, l1: .max, l2: .max, l3: .max)
    /// The number of bits.
    public static let bitWidth = 256

    /// Whether the value is zero.
    @inlinable
    public var isZero: Bool { (l0 | l1 | l2 | l3) == 0 }

    /// The value as `UInt64` if it fits.
    @inlinable
    public var uint64: UInt64? { (l1 | l2 | l3) == 0 ? l0 : nil }

    /// The value as `Int` if it fits.
    @inlinable
    public var int: Int? {
        guard let v = uint64, v <= UInt64(Int.max) else { return nil }
        return Int(v)
    }

    /// The number of leading zero bits (256 for zero).
    @inlinable
    public var leadingZeroBitCount: Int {
        if l3 != 0 { return l3.leadingZeroBitCount }
        if l2 != 0 { return 64 + l2.leadingZeroBitCount }
        if l1 != 0 { return 128 + l1.leadingZeroBitCount }
        return 192 + l0.leadingZeroBitCount
    }

    /// The number of significant bits (0 for zero).
    @inlinable
    public var bitLength: Int { 256 - leadingZeroBitCount }

    @inlinable
    subscript(limb i: Int) -> UInt64 {
        get {
            switch i { case 0: return l0; case 1: return l1; case 2: return l2; default: return l3 }
        }
        set {
            switch i { case 0: l0 = newValue; case 1: l1 = newValue; case 2: l2 = newValue; default: l3 = newValue }
        }
    }
}

// MARK: - Comparison

extension UInt256: Comparable {
    @inlinable
    public static func < (a: UInt256, b: UInt256) -> Bool {
        if a.l3 != b.l3 { return a.l3 < b.l3 }
        if a.l2 != b.l2 { return a.l2 < b.l2 }
        if a.l1 != b.l1 { return a.l1 < b.l1 }
        return a.l0 < b.l0
    }
}

extension UInt256: ExpressibleByIntegerLiteral {
    @inlinable
    public init(integerLiteral value: UInt64) { self.init(value) }
}

// MARK: - Addition, subtraction, multiplication

extension UInt256 {
    /// `self + other` and whether it overflowed 256 bits.
    @inlinable
    public func addingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (s0, c0) = l0.addingReportingOverflow(other.l0)
        var (s1, c1) = l1.addingReportingOverflow(other.l1)
        if c0 { let (t, c) = s1.addingReportingOverflow(1); s1 = t; c1 = c1 || c }
        var (s2, c2) = l2.addingReportingOverflow(other.l2)
        if c1 { let (t, c) = s2.addingReportingOverflow(1); s2 = t; c2 = c2 || c }
        var (s3, c3) = l3.addingReportingOverflow(other.l3)
        if c2 { let (t, c) = s3.addingReportingOverflow(1); s3 = t; c3 = c3 || c }
        return (UInt256(l0: s0, l1: s1, l2: s2, l3: s3), c3)
    }

    /// `self − other` and whether it went below zero.
    @inlinable
    public func subtractingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (d0, b0) = l0.subtractingReportingOverflow(other.l0)
        var (d1, b1) = l1.subtractingReportingOverflow(other.l1)
        if b0 { let (t, b) = d1.subtractingReportingOverflow(1); d1 = t; b1 = b1 || b }
        var (d2, b2) = l2.subtractingReportingOverflow(other.l2)
        if b1 { let (t, b) = d2.subtractingReportingOverflow(1); d2 = t; b2 = b2 || b }
        var (d3, b3) = l3.subtractingReportingOverflow(other.l3)
        if b2 { let (t, b) = d3.subtractingReportingOverflow(1); d3 = t; b3 = b3 || b }
        return (UInt256(l0: d0, l1: d1, l2: d2, l3: d3), b3)
    }

    /// The low 256 bits of `self × other` and whether the product needed more.
    @inlinable
    public func multipliedReportingOverflow(by other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        var r: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var overflow = false
        withUnsafeMutableBytes(of: &r) { raw in
            let out = raw.bindMemory(to: UInt64.self)
            for i in 0..<4 {
                let a = self[limb: i]
                if a == 0 { continue }
                var carry: UInt64 = 0
                for j in 0..<4 {
                    let b = other[limb: j]
                    if i + j >= 4 {
                        if b != 0 { overflow = true }
                        continue
                    }
                    let (hi, lo) = a.multipliedFullWidth(by: b)
                    let (s1, c1) = out[i + j].addingReportingOverflow(lo)
                    let (s2, c2) = s1.addingReportingOverflow(carry)
                    out[i + j] = s2
                    carry = hi &+ (c1 ? 1 : 0) &+ (c2 ? 1 : 0)
                }
                if carry != 0 { overflow = true }
            }
        }
        return (UInt256(l0: r.0, l1: r.1, l2: r.2, l3: r.3), overflow)
    }

    /// The full 512-bit product as (high, low) halves.
    public func multipliedFullWidth(by other: UInt256) -> (high: UInt256, low: UInt256) {
        var r: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &r) { raw in
            let out = raw.bindMemory(to: UInt64.self)
            for i in 0..<4 {
                let a = self[limb: i]
                var carry: UInt64 = 0
                for j in 0..<4 {
                    let (hi, lo) = a.multipliedFullWidth(by: other[limb: j])
                    let (s1, c1) = out[i + j].addingReportingOverflow(lo)
                    let (s2, c2) = s1.addingReportingOverflow(carry)
                    out[i + j] = s2
                    carry = hi &+ (c1 ? 1 : 0) &+ (c2 ? 1 : 0)
                }
                out[i + 4] = carry
            }
        }
        return (UInt256(l0: r.4, l1: r.5, l2: r.6, l3: r.7), UInt256(l0: r.0, l1: r.1, l2: r.2, l3: r.3))
    }

    @inlinable
    public static func + (a: UInt256, b: UInt256) -> UInt256 {
        let (r, o) = a.addingReportingOverflow(b)
        precondition(!o, "UInt256 addition overflow")
        return r
    }

    @inlinable
    public static func - (a: UInt256, b: UInt256) -> UInt256 {
        let (r, o) = a.subtractingReportingOverflow(b)
        precondition(!o, "UInt256 subtraction underflow")
        return r
    }

    @inlinable
    public static func * (a: UInt256, b: UInt256) -> UInt256 {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        precondition(!o, "UInt256 multiplication overflow")
        return r
    }

    @inlinable public static func &+ (a: UInt256, b: UInt256) -> UInt256 { a.addingReportingOverflow(b).partialValue }
    @inlinable public static func &- (a: UInt256, b: UInt256) -> UInt256 { a.subtractingReportingOverflow(b).partialValue }
    @inlinable public static func &* (a: UInt256, b: UInt256) -> UInt256 { a.multipliedReportingOverflow(by: b).partialValue }
    @inlinable public static func += (a: inout UInt256, b: UInt256) { a = a + b }
    @inlinable public static func -= (a: inout UInt256, b: UInt256) { a = a - b }
    @inlinable public static func *= (a: inout UInt256, b: UInt256) { a = a * b }

    /// `self + other`, or nil on overflow.
    @inlinable
    public func adding(_ other: UInt256) -> UInt256? {
        let (r, o) = addingReportingOverflow(other); return o ? nil : r
    }

    /// `self − other`, or nil if it would go below zero.
    @inlinable
    public func subtracting(_ other: UInt256) -> UInt256? {
        let (r, o) = subtractingReportingOverflow(other); return o ? nil : r
    }

    /// `self × other`, or nil on overflow.
    @inlinable
    public func multiplied(by other: UInt256) -> UInt256? {
        let (r, o) = multipliedReportingOverflow(by: other); return o ? nil : r
    }

    /// `self − other`, or zero if it would go below zero.
    @inlinable
    public func saturatingSubtract(_ other: UInt256) -> UInt256 {
        let (r, o) = subtractingReportingOverflow(other); return o ? .zero : r
    }
}

// MARK: - Division

extension UInt256 {
    /// Quotient and remainder by a 64-bit divisor (the fast path for decimal printing and 1e18 scaling).
    @inlinable
    public func quotientAndRemainder(dividingBy divisor: UInt64) -> (quotient: UInt256, remainder: UInt64) {
        precondition(divisor != 0, "UInt256 division by zero")
        var rem: UInt64 = 0
        var q = UInt256.zero
        for i in stride(from: 3, through: 0, by: -1) {
            let (qi, ri) = divisor.dividingFullWidth((rem, self[limb: i]))
            q[limb: i] = qi
            rem = ri
        }
        return (q, rem)
    }

    /// Truncating quotient and remainder. Traps if `divisor` is zero; see `divided(by:)` for a checked form.
    public func quotientAndRemainder(dividingBy divisor: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        precondition(!divisor.isZero, "UInt256 division by zero")
        if divisor.l1 | divisor.l2 | divisor.l3 == 0 {
            let (q, r) = quotientAndRemainder(dividingBy: divisor.l0)
            return (q, UInt256(r))
        }
        if self < divisor { return (.zero, self) }
        return longDivision(by: divisor)
    }

    /// Knuth's algorithm D (TAOCP 4.3.1) on 64-bit limbs, for a divisor of 2–4 limbs with `self ≥ divisor`.
    private func longDivision(by divisor: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        let n = divisor.l3 != 0 ? 4 : divisor.l2 != 0 ? 3 : 2
        let shift = divisor[limb: n - 1].leadingZeroBitCount
        // Normalise so the divisor's top limb has its high bit set; the dividend gains a fifth limb.
        let v = divisor << shift
        let uHigh = shift == 0 ? 0 : l3 >> UInt64(64 - shift)
        let uLow = self << shift
        var q = UInt256.zero
        var r = UInt256.zero
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 5) { un in
            for i in 0..<4 { un[i] = uLow[limb: i] }
            un[4] = uHigh
            let vTop = v[limb: n - 1], vNext = v[limb: n - 2]
            for j in stride(from: 4 - n, through: 0, by: -1) {
                // Estimate the quotient limb from the top two dividend limbs, then correct it with the next one.
                var qhat: UInt64, rhat: UInt64
                var rhatOverflow = false
                if un[j + n] >= vTop {
                    qhat = .max
                    (rhat, rhatOverflow) = un[j + n - 1].addingReportingOverflow(vTop)
                } else {
                    (qhat, rhat) = vTop.dividingFullWidth((un[j + n], un[j + n - 1]))
                }
                while !rhatOverflow {
                    let (ph, pl) = qhat.multipliedFullWidth(by: vNext)
                    guard ph > rhat || (ph == rhat && pl > un[j + n - 2]) else { break }
                    qhat -= 1
                    (rhat, rhatOverflow) = rhat.addingReportingOverflow(vTop)
                }
                // Multiply and subtract qhat × v from the current window.
                var carry: UInt64 = 0, borrow: UInt64 = 0
                for i in 0..<n {
                    let (ph, pl) = qhat.multipliedFullWidth(by: v[limb: i])
                    let (p, c) = pl.addingReportingOverflow(carry)
                    carry = ph &+ (c ? 1 : 0)
                    let (d1, b1) = un[i + j].subtractingReportingOverflow(p)
                    let (d2, b2) = d1.subtractingReportingOverflow(borrow)
                    un[i + j] = d2
                    borrow = (b1 ? 1 : 0) &+ (b2 ? 1 : 0)
                }
                let (t1, b1) = un[j + n].subtractingReportingOverflow(carry)
                let (t2, b2) = t1.subtractingReportingOverflow(borrow)
                un[j + n] = t2
                if b1 || b2 {
                    // qhat was one too large (rare): add the divisor back.
                    qhat -= 1
                    var c: UInt64 = 0
                    for i in 0..<n {
                        let (s1, c1) = un[i + j].addingReportingOverflow(v[limb: i])
                        let (s2, c2) = s1.addingReportingOverflow(c)
                        un[i + j] = s2
                        c = (c1 ? 1 : 0) &+ (c2 ? 1 : 0)
                    }
                    un[j + n] = un[j + n] &+ c
                }
                q[limb: j] = qhat
            }
            // The remainder is below the divisor, so it lies in the low limbs (un[4] is zero): undo the shift.
            for i in 0..<4 { r[limb: i] = un[i] }
            r = r >> shift
        }
        return (q, r)
    }

    /// `self / divisor`, or nil if `divisor` is zero.
    @inlinable
    public func divided(by divisor: UInt256) -> UInt256? {
        divisor.isZero ? nil : quotientAndRemainder(dividingBy: divisor).quotient
    }

    /// `self % divisor`, or nil if `divisor` is zero.
    @inlinable
    public func remainder(dividingBy divisor: UInt256) -> UInt256? {
        divisor.isZero ? nil : quotientAndRemainder(dividingBy: divisor).remainder
    }

    /// `self / divisor`, or `(self, true)` if `divisor` is zero (Swift's convention for `dividedReportingOverflow`).
    @inlinable
    public func dividedReportingOverflow(by divisor: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        divisor.isZero ? (self, true) : (quotientAndRemainder(dividingBy: divisor).quotient, false)
    }

    /// `self % divisor`, or `(self, true)` if `divisor` is zero (Swift's convention).
    @inlinable
    public func remainderReportingOverflow(dividingBy divisor: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        divisor.isZero ? (self, true) : (quotientAndRemainder(dividingBy: divisor).remainder, false)
    }

    @inlinable public static func / (a: UInt256, b: UInt256) -> UInt256 { a.quotientAndRemainder(dividingBy: b).quotient }
    @inlinable public static func % (a: UInt256, b: UInt256) -> UInt256 { a.quotientAndRemainder(dividingBy: b).remainder }
}

// MARK: - Bitwise operations and shifts

extension UInt256 {
    @inlinable public static func & (a: UInt256, b: UInt256) -> UInt256 { UInt256(l0: a.l0 & b.l0, l1: a.l1 & b.l1, l2: a.l2 & b.l2, l3: a.l3 & b.l3) }
    @inlinable public static func | (a: UInt256, b: UInt256) -> UInt256 { UInt256(l0: a.l0 | b.l0, l1: a.l1 | b.l1, l2: a.l2 | b.l2, l3: a.l3 | b.l3) }
    @inlinable public static func ^ (a: UInt256, b: UInt256) -> UInt256 { UInt256(l0: a.l0 ^ b.l0, l1: a.l1 ^ b.l1, l2: a.l2 ^ b.l2, l3: a.l3 ^ b.l3) }
    @inlinable public static prefix func ~ (a: UInt256) -> UInt256 { UInt256(l0: ~a.l0, l1: ~a.l1, l2: ~a.l2, l3: ~a.l3) }

    /// Logical left shift; shifts of 256 or more give zero, negative shifts shift right (as Swift's `<<` on `Int`).
    @inlinable
    public static func << (a: UInt256, n: Int) -> UInt256 {
        if n < 0 { return n <= -256 ? .zero : a >> (0 - n) }
        if n >= 256 { return .zero }
        let limbs = n / 64, bits = UInt64(n % 64)
        var r = UInt256.zero
        for i in stride(from: 3, through: limbs, by: -1) {
            var v = a[limb: i - limbs] << bits
            if bits != 0 && i - limbs - 1 >= 0 { v |= a[limb: i - limbs - 1] >> (64 - bits) }
            r[limb: i] = v
        }
        return r
    }

    /// Logical right shift; shifts of 256 or more give zero, negative shifts shift left (as Swift's `>>` on `UInt`).
    @inlinable
    public static func >> (a: UInt256, n: Int) -> UInt256 {
        if n < 0 { return n <= -256 ? .zero : a << (0 - n) }
        if n >= 256 { return .zero }
        let limbs = n / 64, bits = UInt64(n % 64)
        var r = UInt256.zero
        for i in 0..<(4 - limbs) {
            var v = a[limb: i + limbs] >> bits
            if bits != 0 && i + limbs + 1 <= 3 { v |= a[limb: i + limbs + 1] << (64 - bits) }
            r[limb: i] = v
        }
        return r
    }

    @inlinable public static func <<= (a: inout UInt256, n: Int) { a = a << n }
    @inlinable public static func >>= (a: inout UInt256, n: Int) { a = a >> n }
}

// MARK: - Bytes

extension UInt256 {
    /// Reads a big-endian value of up to 32 bytes; nil if `bytes` is longer than 32.
    @inlinable
    public init?<C: Collection>(bigEndian bytes: C) where C.Element == UInt8 {
        guard bytes.count <= 32 else { return nil }
        var v = UInt256.zero
        var shift = (bytes.count - 1) * 8
        for b in bytes {
            v[limb: shift / 64] |= UInt64(b) << UInt64(shift % 64)
            shift -= 8
        }
        self = v
    }

    /// Reads 32 big-endian bytes at `offset` of a raw buffer (the caller checks bounds).
    @inlinable
    public init(bigEndianWordAt offset: Int, of raw: UnsafeRawBufferPointer) {
        let l3 = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        let l2 = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
        let l1 = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self))
        let l0 = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self))
        self.init(l0: l0, l1: l1, l2: l2, l3: l3)
    }

    /// The 32-byte big-endian encoding (an ABI word).
    public var bigEndianBytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBytes { store(bigEndianInto: $0, at: 0) }
        return out
    }

    /// Writes the 32-byte big-endian encoding at `offset` of `raw` (the caller checks bounds).
    @inlinable
    public func store(bigEndianInto raw: UnsafeMutableRawBufferPointer, at offset: Int) {
        raw.storeBytes(of: l3.bigEndian, toByteOffset: offset, as: UInt64.self)
        raw.storeBytes(of: l2.bigEndian, toByteOffset: offset + 8, as: UInt64.self)
        raw.storeBytes(of: l1.bigEndian, toByteOffset: offset + 16, as: UInt64.self)
        raw.storeBytes(of: l0.bigEndian, toByteOffset: offset + 24, as: UInt64.self)
    }

    /// The shortest big-endian encoding, without leading zero bytes (empty for zero); RLP's integer form.
    public var minimalBigEndianBytes: [UInt8] {
        let bytes = bigEndianBytes
        let skip = leadingZeroBitCount / 8
        return Array(bytes[skip...])
    }
}

// MARK: - Text

extension UInt256: CustomStringConvertible, CustomDebugStringConvertible {
    private static let tenPow19: UInt64 = 10_000_000_000_000_000_000

    /// The decimal digits.
    public var description: String {
        if let v = uint64 { return String(v) }
        var chunks: [UInt64] = []
        var v = self
        while !v.isZero {
            let (q, r) = v.quotientAndRemainder(dividingBy: UInt256.tenPow19)
            chunks.append(r)
            v = q
        }
        var s = String(chunks.removeLast())
        for c in chunks.reversed() {
            let part = String(c)
            s += String(repeating: "0", count: 19 - part.count) + part
        }
        return s
    }

    public var debugDescription: String { "UInt256(\(description))" }

    /// Lowercase hex with `0x` and no leading zeros (`0x0` for zero), as JSON-RPC quantities are written.
    public var hexQuantity: String {
        if isZero { return "0x0" }
        var s = ""
        var started = false
        for i in stride(from: 3, through: 0, by: -1) {
            let limb = self[limb: i]
            if !started {
                if limb == 0 { continue }
                s = String(limb, radix: 16)
                started = true
            } else {
                let part = String(limb, radix: 16)
                s += String(repeating: "0", count: 16 - part.count) + part
            }
        }
        return "0x" + s
    }

    /// Parses decimal digits (no sign, no separators); nil if empty, not decimal, or ≥ 2^256.
    public init?(decimal text: some StringProtocol) {
        let utf8 = Array(text.utf8)
        guard !utf8.isEmpty else { return nil }
        var v = UInt256.zero
        var i = 0
        while i < utf8.count {
            let end = Swift.min(i + 19, utf8.count)
            var chunk: UInt64 = 0
            var scale: UInt64 = 1
            for c in utf8[i..<end] {
                guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
                chunk = chunk * 10 + UInt64(c - UInt8(ascii: "0"))
                scale *= 10
            }
            guard let m = v.multiplied(by: UInt256(scale)), let s = m.adding(UInt256(chunk)) else { return nil }
            v = s
            i = end
        }
        self = v
    }

    /// Parses hex digits with or without `0x`, up to 64 digits (leading zeros allowed); nil otherwise.
    public init?(hex text: some StringProtocol) {
        var utf8 = Array(text.utf8)[...]
        if utf8.count >= 2, utf8[utf8.startIndex] == UInt8(ascii: "0"), utf8[utf8.startIndex + 1] | 0x20 == UInt8(ascii: "x") {
            utf8 = utf8.dropFirst(2)
        }
        guard !utf8.isEmpty else { return nil }
        while utf8.count > 1, utf8.first == UInt8(ascii: "0") { utf8 = utf8.dropFirst() }
        guard utf8.count <= 64 else { return nil }
        var v = UInt256.zero
        var shift = (utf8.count - 1) * 4
        for c in utf8 {
            let n = Hex.nibble(c)
            guard n < 16 else { return nil }
            v[limb: shift / 64] |= UInt64(n) << UInt64(shift % 64)
            shift -= 4
        }
        self = v
    }

    /// Parses `0x…` hex or decimal text; nil if it is neither or out of range.
    public init?(_ text: some StringProtocol) {
        if text.hasPrefix("0x") || text.hasPrefix("0X") { self.init(hex: text) } else { self.init(decimal: text) }
    }
}
