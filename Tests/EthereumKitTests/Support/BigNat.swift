@testable import EthereumKit

/// A slow, simple arbitrary-precision natural number (base 2^32 limbs, schoolbook algorithms) used as an
/// independent reference for `UInt256`. It shares no code with the type under test.
struct BigNat: Comparable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// Little-endian base-2^32 limbs with no high zero limbs (zero is `[]`).
    private(set) var limbs: [UInt32]

    init(limbs: [UInt32]) {
        self.limbs = limbs
        normalize()
    }

    init(integerLiteral value: UInt64) { self.init(value) }

    init(_ value: UInt64) { self.init(limbs: [UInt32(truncatingIfNeeded: value), UInt32(truncatingIfNeeded: value >> 32)]) }

    init(_ value: UInt256) {
        self.init(limbs: [value.l0, value.l1, value.l2, value.l3].flatMap {
            [UInt32(truncatingIfNeeded: $0), UInt32(truncatingIfNeeded: $0 >> 32)]
        })
    }

    static let zero = BigNat(limbs: [])
    static let one = BigNat(1)

    /// 2^n.
    static func power2(_ n: Int) -> BigNat {
        var l = [UInt32](repeating: 0, count: n / 32 + 1)
        l[n / 32] = 1 << UInt32(n % 32)
        return BigNat(limbs: l)
    }

    /// 2^256.
    static let modulus = power2(256)

    private mutating func normalize() { while limbs.last == 0 { limbs.removeLast() } }

    var isZero: Bool { limbs.isEmpty }

    var bitLength: Int { limbs.isEmpty ? 0 : (limbs.count - 1) * 32 + (32 - limbs[limbs.count - 1].leadingZeroBitCount) }

    func bit(_ i: Int) -> Bool { i / 32 < limbs.count && (limbs[i / 32] >> UInt32(i % 32)) & 1 == 1 }

    /// The value if it is below 2^256.
    var uint256: UInt256? {
        guard limbs.count <= 8 else { return nil }
        let l = limbs + [UInt32](repeating: 0, count: 8 - limbs.count)
        func w(_ i: Int) -> UInt64 { UInt64(l[2 * i]) | UInt64(l[2 * i + 1]) << 32 }
        return UInt256(l0: w(0), l1: w(1), l2: w(2), l3: w(3))
    }

    /// The value modulo 2^256.
    var truncated: UInt256 { BigNat(limbs: Array(limbs.prefix(8))).uint256 ?? .zero }

    static func < (a: BigNat, b: BigNat) -> Bool {
        if a.limbs.count != b.limbs.count { return a.limbs.count < b.limbs.count }
        for i in stride(from: a.limbs.count - 1, through: 0, by: -1) where a.limbs[i] != b.limbs[i] {
            return a.limbs[i] < b.limbs[i]
        }
        return false
    }

    static func + (a: BigNat, b: BigNat) -> BigNat {
        var out: [UInt32] = []
        var carry: UInt64 = 0
        for i in 0..<max(a.limbs.count, b.limbs.count) {
            let s = UInt64(i < a.limbs.count ? a.limbs[i] : 0) + UInt64(i < b.limbs.count ? b.limbs[i] : 0) + carry
            out.append(UInt32(truncatingIfNeeded: s))
            carry = s >> 32
        }
        out.append(UInt32(carry))
        return BigNat(limbs: out)
    }

    /// a − b; the caller guarantees a ≥ b.
    static func - (a: BigNat, b: BigNat) -> BigNat {
        precondition(!(a < b), "BigNat subtraction below zero")
        var out: [UInt32] = []
        var borrow: Int64 = 0
        for i in 0..<a.limbs.count {
            var d = Int64(a.limbs[i]) - Int64(i < b.limbs.count ? b.limbs[i] : 0) - borrow
            borrow = d < 0 ? 1 : 0
            if d < 0 { d += 1 << 32 }
            out.append(UInt32(d))
        }
        return BigNat(limbs: out)
    }

    static func * (a: BigNat, b: BigNat) -> BigNat {
        if a.isZero || b.isZero { return .zero }
        var out = [UInt32](repeating: 0, count: a.limbs.count + b.limbs.count)
        for i in 0..<a.limbs.count {
            var carry: UInt64 = 0
            for j in 0..<b.limbs.count {
                let t = UInt64(a.limbs[i]) * UInt64(b.limbs[j]) + UInt64(out[i + j]) + carry
                out[i + j] = UInt32(truncatingIfNeeded: t)
                carry = t >> 32
            }
            out[i + b.limbs.count] = UInt32(carry)
        }
        return BigNat(limbs: out)
    }

    func shiftedLeft(_ n: Int) -> BigNat {
        var out = [UInt32](repeating: 0, count: n / 32) + limbs + [0]
        let bits = UInt32(n % 32)
        if bits != 0 {
            for i in stride(from: out.count - 1, through: n / 32, by: -1) {
                out[i] = out[i] << bits | (i > n / 32 ? out[i - 1] >> (32 - bits) : 0)
            }
        }
        return BigNat(limbs: out)
    }

    func shiftedRight(_ n: Int) -> BigNat {
        guard n / 32 < limbs.count else { return .zero }
        var out = Array(limbs[(n / 32)...])
        let bits = UInt32(n % 32)
        if bits != 0 {
            for i in 0..<out.count {
                out[i] = out[i] >> bits | (i + 1 < out.count ? out[i + 1] << (32 - bits) : 0)
            }
        }
        return BigNat(limbs: out)
    }

    /// Bit-by-bit long division; the caller guarantees a non-zero divisor.
    func quotientAndRemainder(dividingBy d: BigNat) -> (quotient: BigNat, remainder: BigNat) {
        precondition(!d.isZero, "BigNat division by zero")
        var q = [UInt32](repeating: 0, count: limbs.count)
        var r = BigNat.zero
        for i in stride(from: bitLength - 1, through: 0, by: -1) {
            r = r.shiftedLeft(1)
            if bit(i) { r = r + BigNat.one }
            if !(r < d) {
                r = r - d
                q[i / 32] |= 1 << UInt32(i % 32)
            }
        }
        return (BigNat(limbs: q), r)
    }

    /// Division by a small number (for printing).
    private func divided(bySmall d: UInt32) -> (BigNat, UInt32) {
        var out = [UInt32](repeating: 0, count: limbs.count)
        var rem: UInt64 = 0
        for i in stride(from: limbs.count - 1, through: 0, by: -1) {
            let cur = rem << 32 | UInt64(limbs[i])
            out[i] = UInt32(cur / UInt64(d))
            rem = cur % UInt64(d)
        }
        return (BigNat(limbs: out), UInt32(rem))
    }

    /// Decimal digits.
    var description: String { digits(radix: 10) }

    /// Lowercase hex digits without prefix or leading zeros ("0" for zero).
    var hex: String { digits(radix: 16) }

    /// The digits in `radix`, by repeated division.
    private func digits(radix: UInt32) -> String {
        if isZero { return "0" }
        var digits: [Character] = []
        var v = self
        while !v.isZero {
            let (q, r) = v.divided(bySmall: radix)
            digits.append(Character(String(r, radix: Int(radix))))
            v = q
        }
        return String(digits.reversed())
    }

    /// Parses decimal digits digit by digit; nil for anything else.
    init?(decimal text: String) {
        guard !text.isEmpty else { return nil }
        var v = BigNat.zero
        for c in text.utf8 {
            guard c >= 48, c <= 57 else { return nil }
            v = v * BigNat(10) + BigNat(UInt64(c - 48))
        }
        self = v
    }
}

/// A signed reference number: sign and magnitude over `BigNat` (zero is never negative).
struct BigInt: Equatable {
    let negative: Bool
    let magnitude: BigNat

    init(negative: Bool, magnitude: BigNat) {
        self.negative = negative && !magnitude.isZero
        self.magnitude = magnitude
    }

    /// The value of a two's-complement `Int256`.
    init(_ v: Int256) {
        let raw = BigNat(v.bitPattern)
        if raw.bit(255) { self.init(negative: true, magnitude: BigNat.modulus - raw) } else { self.init(negative: false, magnitude: raw) }
    }

    static let min = BigInt(negative: true, magnitude: .power2(255))
    static let max = BigInt(negative: false, magnitude: .power2(255) - BigNat.one)

    /// The `Int256` if −2^255 ≤ self < 2^255.
    var int256: Int256? {
        if negative {
            guard !(BigNat.power2(255) < magnitude) else { return nil }
            return Int256(bitPattern: (BigNat.modulus - magnitude).truncated)
        }
        guard magnitude < BigNat.power2(255) else { return nil }
        return Int256(bitPattern: magnitude.truncated)
    }

    /// The value modulo 2^256 as an `Int256` (the wrapping result).
    var wrapped: Int256 {
        let m = magnitude.truncated
        return Int256(bitPattern: negative ? (UInt256.zero &- m) : m)
    }

    static prefix func - (a: BigInt) -> BigInt { BigInt(negative: !a.negative, magnitude: a.magnitude) }

    static func + (a: BigInt, b: BigInt) -> BigInt {
        if a.negative == b.negative { return BigInt(negative: a.negative, magnitude: a.magnitude + b.magnitude) }
        if a.magnitude < b.magnitude { return BigInt(negative: b.negative, magnitude: b.magnitude - a.magnitude) }
        return BigInt(negative: a.negative, magnitude: a.magnitude - b.magnitude)
    }

    static func - (a: BigInt, b: BigInt) -> BigInt { a + (-b) }

    static func * (a: BigInt, b: BigInt) -> BigInt {
        BigInt(negative: a.negative != b.negative, magnitude: a.magnitude * b.magnitude)
    }

    /// Truncating division: the quotient rounds toward zero and the remainder has the dividend's sign.
    func quotientAndRemainder(dividingBy d: BigInt) -> (quotient: BigInt, remainder: BigInt) {
        let (q, r) = magnitude.quotientAndRemainder(dividingBy: d.magnitude)
        return (BigInt(negative: negative != d.negative, magnitude: q), BigInt(negative: negative, magnitude: r))
    }

    /// Decimal text with a leading `-` for negative values.
    var description: String { (negative ? "-" : "") + magnitude.description }
}
