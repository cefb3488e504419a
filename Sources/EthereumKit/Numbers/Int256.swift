/// A signed 256-bit integer in two's complement, as Solidity's `int256`.
@frozen
public struct Int256: Hashable, Sendable {
    /// The two's-complement bits.
    public var bitPattern: UInt256

    /// Creates a value from its two's-complement bits.
    @inlinable
    public init(bitPattern: UInt256) { self.bitPattern = bitPattern }

    /// Creates a value from an `Int`.
    @inlinable
    public init(_ value: Int) {
        let ext: UInt64 = value < 0 ? .max : 0
        bitPattern = UInt256(l0: UInt64(bitPattern: Int64(value)), l1: ext, l2: ext, l3: ext)
    }

    /// Zero.
    public static let zero = Int256(bitPattern: .zero)
    /// 2^255 − 1.
    public static let max = Int256(bitPattern: UInt256(l0: .max, l1: .max, l2: .max, l3: UInt64(Int64.max)))
    /// −2^255.
    public static let min = Int256(bitPattern: UInt256(l0: 0, l1: 0, l2: 0, l3: 1 << 63))

    /// Whether the value is below zero.
    @inlinable
    public var isNegative: Bool { bitPattern.l3 >> 63 == 1 }

    /// The absolute value as an unsigned integer (2^255 for `min`).
    @inlinable
    public var magnitude: UInt256 { isNegative ? (~bitPattern) &+ .one : bitPattern }

    /// The value as `Int` if it fits.
    public var int: Int? {
        let ext: UInt64 = isNegative ? .max : 0
        guard bitPattern.l1 == ext, bitPattern.l2 == ext, bitPattern.l3 == ext else { return nil }
        let v = Int64(bitPattern: bitPattern.l0)
        guard (v < 0) == isNegative else { return nil }
        return Int(v)
    }

    /// Creates `−magnitude` or `+magnitude`; nil if it does not fit in 256 signed bits.
    public init?(sign negative: Bool, magnitude: UInt256) {
        if negative {
            guard magnitude <= Int256.min.bitPattern else { return nil }
            bitPattern = (~magnitude) &+ .one
        } else {
            guard magnitude <= Int256.max.bitPattern else { return nil }
            bitPattern = magnitude
        }
    }

    /// Whether the value is the sign extension of a `bits`-bit integer, that is −2^(bits−1) ≤ self < 2^(bits−1)
    /// (for ABI `intN` decoding). Always true from 256 bits; for `bits` ≤ 0 only zero fits.
    public func fits(inBits bits: Int) -> Bool {
        if bits >= 256 { return true }
        if bits <= 0 { return bitPattern.isZero }
        let shifted = arithmeticShiftRight(bits - 1)
        return shifted.bitPattern.isZero || shifted.bitPattern == .max
    }

    /// Arithmetic right shift (sign-filling): shifts of 256 or more give 0 or −1; a negative `n` shifts left
    /// (dropping high bits), as Swift's `>>` on `Int` does.
    public func arithmeticShiftRight(_ n: Int) -> Int256 {
        if n < 0 { return n <= -256 ? .zero : Int256(bitPattern: bitPattern << (0 - n)) }
        if n == 0 { return self }
        if n >= 256 { return isNegative ? Int256(bitPattern: .max) : .zero }
        var r = bitPattern >> n
        if isNegative { r = r | ~(UInt256.max >> n) }
        return Int256(bitPattern: r)
    }

    /// Arithmetic right shift; see `arithmeticShiftRight(_:)`.
    public static func >> (a: Int256, n: Int) -> Int256 { a.arithmeticShiftRight(n) }

    /// Left shift of the two's-complement bits (high bits are dropped, as `&<<` on `Int`); negative `n` shifts right.
    public static func << (a: Int256, n: Int) -> Int256 {
        n < 0 ? a.arithmeticShiftRight(n <= -256 ? 256 : 0 - n) : Int256(bitPattern: a.bitPattern << n)
    }
}

extension Int256: Comparable {
    @inlinable
    public static func < (a: Int256, b: Int256) -> Bool {
        if a.isNegative != b.isNegative { return a.isNegative }
        return a.bitPattern < b.bitPattern
    }
}

extension Int256: ExpressibleByIntegerLiteral {
    @inlinable
    public init(integerLiteral value: Int) { self.init(value) }
}

extension Int256 {
    /// `self + other` and whether it overflowed the signed range.
    public func addingReportingOverflow(_ other: Int256) -> (partialValue: Int256, overflow: Bool) {
        let r = Int256(bitPattern: bitPattern &+ other.bitPattern)
        let overflow = isNegative == other.isNegative && r.isNegative != isNegative
        return (r, overflow)
    }

    /// `self − other` and whether it overflowed the signed range.
    public func subtractingReportingOverflow(_ other: Int256) -> (partialValue: Int256, overflow: Bool) {
        let r = Int256(bitPattern: bitPattern &- other.bitPattern)
        let overflow = isNegative != other.isNegative && r.isNegative != isNegative
        return (r, overflow)
    }

    /// `self × other` and whether it overflowed the signed range.
    public func multipliedReportingOverflow(by other: Int256) -> (partialValue: Int256, overflow: Bool) {
        let (m, o) = magnitude.multipliedReportingOverflow(by: other.magnitude)
        let negative = isNegative != other.isNegative && !m.isZero
        let wrapped = Int256(bitPattern: bitPattern &* other.bitPattern)
        guard !o, let exact = Int256(sign: negative, magnitude: m) else { return (wrapped, true) }
        return (exact, false)
    }

    /// Truncating quotient and remainder (Solidity semantics: the remainder has the dividend's sign).
    /// Reports overflow for `min / −1`; traps on division by zero.
    public func quotientAndRemainderReportingOverflow(dividingBy divisor: Int256) -> (quotient: Int256, remainder: Int256, overflow: Bool) {
        precondition(!divisor.bitPattern.isZero, "Int256 division by zero")
        let (q, r) = magnitude.quotientAndRemainder(dividingBy: divisor.magnitude)
        let qNegative = isNegative != divisor.isNegative
        let remainder = Int256(sign: isNegative, magnitude: r) ?? .zero
        guard let quotient = Int256(sign: qNegative && !q.isZero, magnitude: q) else {
            return (Int256.min, .zero, true)
        }
        return (quotient, remainder, false)
    }

    /// `self / divisor` (truncating), or `(self, true)` for a zero divisor and `(min, true)` for `min / −1`.
    public func dividedReportingOverflow(by divisor: Int256) -> (partialValue: Int256, overflow: Bool) {
        if divisor.bitPattern.isZero { return (self, true) }
        let r = quotientAndRemainderReportingOverflow(dividingBy: divisor)
        return (r.quotient, r.overflow)
    }

    /// `self % divisor` (sign of the dividend), or `(self, true)` for a zero divisor and `(0, true)` for `min % −1`.
    public func remainderReportingOverflow(dividingBy divisor: Int256) -> (partialValue: Int256, overflow: Bool) {
        if divisor.bitPattern.isZero { return (self, true) }
        let r = quotientAndRemainderReportingOverflow(dividingBy: divisor)
        return (r.remainder, r.overflow)
    }

    /// `self + other`, or nil if the result is outside the signed range.
    public func adding(_ other: Int256) -> Int256? {
        let (r, o) = addingReportingOverflow(other); return o ? nil : r
    }

    /// `self − other`, or nil if the result is outside the signed range.
    public func subtracting(_ other: Int256) -> Int256? {
        let (r, o) = subtractingReportingOverflow(other); return o ? nil : r
    }

    /// `self × other`, or nil if the result is outside the signed range.
    public func multiplied(by other: Int256) -> Int256? {
        let (r, o) = multipliedReportingOverflow(by: other); return o ? nil : r
    }

    /// `self / divisor` (truncating), or nil for a zero divisor or `min / −1`.
    public func divided(by divisor: Int256) -> Int256? {
        let (r, o) = dividedReportingOverflow(by: divisor); return o ? nil : r
    }

    /// `self % divisor` (sign of the dividend), or nil for a zero divisor. `min % −1` is 0, as in Solidity and the EVM.
    public func remainder(dividingBy divisor: Int256) -> Int256? {
        divisor.bitPattern.isZero ? nil : quotientAndRemainderReportingOverflow(dividingBy: divisor).remainder
    }

    /// The negation, and whether it overflowed (only for `min`).
    public func negatedReportingOverflow() -> (partialValue: Int256, overflow: Bool) {
        let r = Int256(bitPattern: (~bitPattern) &+ .one)
        return (r, self == .min)
    }

    public static func + (a: Int256, b: Int256) -> Int256 {
        let (r, o) = a.addingReportingOverflow(b); precondition(!o, "Int256 addition overflow"); return r
    }
    public static func - (a: Int256, b: Int256) -> Int256 {
        let (r, o) = a.subtractingReportingOverflow(b); precondition(!o, "Int256 subtraction overflow"); return r
    }
    public static func * (a: Int256, b: Int256) -> Int256 {
        let (r, o) = a.multipliedReportingOverflow(by: b); precondition(!o, "Int256 multiplication overflow"); return r
    }
    public static func / (a: Int256, b: Int256) -> Int256 {
        let r = a.quotientAndRemainderReportingOverflow(dividingBy: b); precondition(!r.overflow, "Int256 division overflow"); return r.quotient
    }
    /// The remainder with the dividend's sign; `min % −1` is 0 (Solidity and EVM `SMOD`), division by zero traps.
    public static func % (a: Int256, b: Int256) -> Int256 {
        a.quotientAndRemainderReportingOverflow(dividingBy: b).remainder
    }
    public static prefix func - (a: Int256) -> Int256 {
        let (r, o) = a.negatedReportingOverflow(); precondition(!o, "Int256 negation overflow"); return r
    }
    public static func &+ (a: Int256, b: Int256) -> Int256 { a.addingReportingOverflow(b).partialValue }
    public static func &- (a: Int256, b: Int256) -> Int256 { a.subtractingReportingOverflow(b).partialValue }
    public static func &* (a: Int256, b: Int256) -> Int256 { a.multipliedReportingOverflow(by: b).partialValue }
}

extension Int256: CustomStringConvertible {
    /// Decimal, with a leading `-` for negative values.
    public var description: String { isNegative ? "-" + magnitude.description : magnitude.description }

    /// Parses an optional `-` or `+` followed by decimal digits, or `0x` hex (as a magnitude); nil if out of range.
    public init?(_ text: some StringProtocol) {
        var body = Substring(text)
        var negative = false
        if body.hasPrefix("-") { negative = true; body = body.dropFirst() } else if body.hasPrefix("+") { body = body.dropFirst() }
        guard let m = UInt256(body) else { return nil }
        self.init(sign: negative, magnitude: m)
    }
}
