import Testing
@testable import EthereumKit

/// `Int256` against Swift's `Int128` (values that fit) and the sign-magnitude `BigInt` reference (full range).
@Suite struct Int256Tests {
    static let rounds = 3000
    static let minDecimal = "-57896044618658097711785492504343953926634992332820282019728792003956564819968"
    static let maxDecimal = "57896044618658097711785492504343953926634992332820282019728792003956564819967"

    static func from(_ v: Int128) -> Int256 {
        let ext: UInt64 = v < 0 ? .max : 0
        return Int256(bitPattern: UInt256(l0: UInt64(truncatingIfNeeded: v), l1: UInt64(truncatingIfNeeded: v >> 64), l2: ext, l3: ext))
    }

    static func i128(_ v: Int256) -> Int128? {
        let ext: UInt64 = v.isNegative ? .max : 0
        guard v.bitPattern.l2 == ext, v.bitPattern.l3 == ext else { return nil }
        let r = Int128(bitPattern: UInt128(v.bitPattern.l1) << 64 | UInt128(v.bitPattern.l0))
        return (r < 0) == v.isNegative ? r : nil
    }

    @Test func arithmeticMatchesInt128() {
        var rng = SplitMix64(seed: 0x1128)
        var m = Mismatches()
        for _ in 0..<Self.rounds {
            let x = Int128(bitPattern: UInt128(rng.next()) << 64 | UInt128(rng.next())) >> rng.below(127)
            let y = Int128(bitPattern: UInt128(rng.next()) << 64 | UInt128(rng.next())) >> rng.below(127)
            let a = Self.from(x), b = Self.from(y)
            m.check(Self.i128(a) == x, "conversion \(x)")
            let (s, so) = x.addingReportingOverflow(y)
            if !so { m.check(Self.i128(a + b) == s, "add \(x) + \(y)") }
            let (d, dob) = x.subtractingReportingOverflow(y)
            if !dob { m.check(Self.i128(a - b) == d, "sub \(x) - \(y)") }
            let (p, po) = x.multipliedReportingOverflow(by: y)
            if !po { m.check(Self.i128(a * b) == p, "mul \(x) * \(y)") }
            if y != 0 && !(x == .min && y == -1) {
                m.check(Self.i128(a / b) == x / y && Self.i128(a % b) == x % y, "divmod \(x), \(y)")
            }
            m.check((a < b) == (x < y) && (a == b) == (x == y) && (a > b) == (x > y), "compare \(x), \(y)")
            m.check(a.description == x.description && Int256(x.description) == a, "text \(x)")
            let n = rng.below(130)
            m.check(Self.i128(a >> n) == x >> n, "\(x) >> \(n)")
            m.check(a.int == Int(exactly: x), "int \(x)")
        }
        m.expectNone("Int128 reference")
    }

    @Test func addSubMulMatchBigInt() {
        var rng = SplitMix64(seed: 0x5161)
        var m = Mismatches()
        for _ in 0..<Self.rounds {
            let a = rng.int256(), b = rng.int256()
            let (x, y) = (BigInt(a), BigInt(b))
            for (name, exact, got) in [("+", x + y, a.addingReportingOverflow(b)),
                                       ("-", x - y, a.subtractingReportingOverflow(b)),
                                       ("*", x * y, a.multipliedReportingOverflow(by: b))] {
                let fits = exact.int256
                m.check(got.partialValue == exact.wrapped && got.overflow == (fits == nil), "\(a) \(name) \(b) = \(exact.description), got \(got)")
            }
            m.check((a &+ b) == (x + y).wrapped && (a &- b) == (x - y).wrapped && (a &* b) == (x * y).wrapped, "wrapping \(a), \(b)")
            m.check(a.adding(b) == (x + y).int256 && a.subtracting(b) == (x - y).int256 && a.multiplied(by: b) == (x * y).int256, "checked \(a), \(b)")
        }
        m.expectNone("add/sub/mul")
    }

    @Test func divisionMatchesBigInt() {
        var rng = SplitMix64(seed: 0xD1F5)
        var m = Mismatches()
        for i in 0..<Self.rounds {
            let a = rng.int256()
            var b = i % 3 == 0 ? Int256(Int(truncatingIfNeeded: rng.next()) >> rng.below(64)) : rng.int256()
            if b == .zero { b = Int256(-1) }
            let (eq, er) = BigInt(a).quotientAndRemainder(dividingBy: BigInt(b))
            let r = a.quotientAndRemainderReportingOverflow(dividingBy: b)
            if let q = eq.int256 {
                m.check(r.quotient == q && r.remainder == er.int256 && !r.overflow, "\(a) divmod \(b) gave \(r)")
                m.check(a / b == q && a % b == er.int256, "/ and % \(a), \(b)")
                m.check(a.divided(by: b) == q && a.remainder(dividingBy: b) == er.int256, "checked division \(a), \(b)")
            } else {
                m.check(a == .min && b == Int256(-1) && r.overflow, "only min / -1 overflows, got \(a) / \(b)")
            }
            m.check(r.remainder.isNegative == false || a.isNegative, "remainder takes the dividend's sign: \(a) % \(b)")
        }
        m.expectNone("divmod")
    }

    @Test func minMaxAndMinusOneEdges() {
        let min = Int256.min, max = Int256.max, minusOne = Int256(-1)
        #expect(min.description == Self.minDecimal && max.description == Self.maxDecimal)
        #expect(Int256(Self.minDecimal) == min && Int256(Self.maxDecimal) == max)
        #expect(min.quotientAndRemainderReportingOverflow(dividingBy: minusOne).overflow)
        #expect(min.dividedReportingOverflow(by: minusOne) == (min, true))
        #expect(min.divided(by: minusOne) == nil)
        #expect(min.remainderReportingOverflow(dividingBy: minusOne) == (.zero, true))
        #expect(min.remainder(dividingBy: minusOne) == .zero, "min % -1 is 0, as EVM SMOD")
        #expect(min % minusOne == .zero)
        #expect(min / Int256(1) == min && min % Int256(1) == .zero)
        #expect(min / min == Int256(1) && max / min == .zero && max % min == max)
        #expect(min / max == minusOne && min % max == minusOne)
        #expect(min.multipliedReportingOverflow(by: minusOne) == (min, true))
        #expect(min.negatedReportingOverflow() == (min, true))
        #expect(max.negatedReportingOverflow() == (Int256(bitPattern: min.bitPattern &+ .one), false))
        #expect(max.addingReportingOverflow(Int256(1)) == (min, true))
        #expect(min.subtractingReportingOverflow(Int256(1)) == (max, true))
        #expect(minusOne.multipliedReportingOverflow(by: minusOne) == (Int256(1), false))
        #expect(min.magnitude == UInt256.one << 255 && max.magnitude == (UInt256.one << 255) &- .one && minusOne.magnitude == .one)
        #expect(Int256(-7) / Int256(2) == Int256(-3) && Int256(-7) % Int256(2) == minusOne)
        #expect(Int256(7) / Int256(-2) == Int256(-3) && Int256(7) % Int256(-2) == Int256(1))
        #expect(Int256(-7) / Int256(-2) == Int256(3) && Int256(-7) % Int256(-2) == minusOne)
        #expect(Int256(5).dividedReportingOverflow(by: .zero) == (Int256(5), true))
        #expect(Int256(5).divided(by: .zero) == nil && Int256(5).remainder(dividingBy: .zero) == nil)
        #expect(min < minusOne && minusOne < .zero && .zero < max && min < max)
        #expect(Int256(Int.min).int == Int.min && Int256(Int.max).int == Int.max)
        #expect(Int256(bitPattern: UInt256(UInt64(Int.max) + 1)).int == nil)
        #expect((Int256(Int.min) &- Int256(1)).int == nil)
    }

    @Test func twosComplement() {
        var rng = SplitMix64(seed: 0x2C)
        var m = Mismatches()
        for _ in 0..<1000 {
            let a = rng.int256()
            let negated = Int256(bitPattern: ~a.bitPattern &+ .one)
            m.check(a.negatedReportingOverflow().partialValue == negated, "negation of \(a)")
            if a != .min { m.check(-a == negated && -(-a) == a, "prefix - of \(a)") }
            m.check(Int256(sign: a.isNegative, magnitude: a.magnitude) == a, "sign and magnitude of \(a)")
            m.check(BigInt(a).description == a.description, "description of \(a)")
            m.check(Int256(a.description) == a, "parse of \(a)")
        }
        m.expectNone("two's complement")
        #expect(Int256(bitPattern: .max) == Int256(-1))
        #expect(Int256(-5).bitPattern == UInt256.max &- UInt256(4))
        #expect(Int256(sign: true, magnitude: .zero) == .zero, "-0 is 0")
        #expect(Int256(sign: true, magnitude: UInt256.one << 255) == .min)
        #expect(Int256(sign: false, magnitude: UInt256.one << 255) == nil)
        #expect(Int256(sign: true, magnitude: (UInt256.one << 255) &+ .one) == nil)
        let literal: Int256 = -42
        #expect(literal == Int256(-42) && literal.int == -42)
    }

    @Test func parsing() {
        #expect(Int256("-0") == .zero && Int256("+0") == .zero && Int256("+5") == Int256(5))
        #expect(Int256("-0x10") == Int256(-16) && Int256("0x10") == Int256(16))
        #expect(Int256("-0x8" + String(repeating: "0", count: 63)) == .min)
        #expect(Int256("0x8" + String(repeating: "0", count: 63)) == nil, "2^255 does not fit")
        #expect(Int256(String(Self.maxDecimal.dropLast()) + "8") == nil, "max + 1")
        #expect(Int256(String(Self.minDecimal.dropLast()) + "9") == nil, "min − 1")
        for bad in ["", "-", "+", "--1", "-+1", "+-1", " 1", "1 ", "- 1", "0x", "-0x", "1e3", "0x-1"] {
            #expect(Int256(bad) == nil, "\(bad.debugDescription) must be rejected")
        }
    }

    @Test func fitsInBitsMatchesRange() {
        var rng = SplitMix64(seed: 0xF175)
        var m = Mismatches()
        for _ in 0..<Self.rounds {
            let bits = 1 + rng.below(256)
            // Values near the boundary of `bits` as well as random ones.
            let edge = BigInt(negative: rng.below(2) == 0, magnitude: BigNat.power2(bits - 1))
            let a = rng.below(2) == 0 ? rng.int256() : (edge + BigInt(negative: rng.below(2) == 0, magnitude: BigNat(UInt64(rng.below(2))))).wrapped
            let x = BigInt(a)
            let low = BigInt(negative: true, magnitude: BigNat.power2(bits - 1))
            let inRange = !(x.negative && low.magnitude < x.magnitude) && !(!x.negative && !(x.magnitude < BigNat.power2(bits - 1)))
            m.check(a.fits(inBits: bits) == inRange, "\(a) fits in \(bits) bits")
        }
        m.expectNone("fits(inBits:)")
        #expect(Int256(127).fits(inBits: 8) && !Int256(128).fits(inBits: 8))
        #expect(Int256(-128).fits(inBits: 8) && !Int256(-129).fits(inBits: 8))
        #expect(Int256(-1).fits(inBits: 1) && Int256.zero.fits(inBits: 1) && !Int256(1).fits(inBits: 1))
        #expect(Int256.min.fits(inBits: 256) && !Int256.min.fits(inBits: 255) && Int256.max.fits(inBits: 300))
        #expect(Int256.zero.fits(inBits: 0) && !Int256(-1).fits(inBits: 0) && !Int256(1).fits(inBits: -5))
    }

    @Test func arithmeticShiftRightMatchesFloorDivision() {
        var rng = SplitMix64(seed: 0xA5A)
        var m = Mismatches()
        for _ in 0..<Self.rounds {
            let a = rng.int256()
            let n = [0, 1, 63, 64, 65, 127, 128, 254, 255][rng.below(9)] + (rng.below(3) == 0 ? rng.below(256) : 0)
            let x = BigInt(a)
            // floor(x / 2^n): for negative x, −ceil(|x| / 2^n).
            let expected: BigInt
            if n >= 256 {
                expected = BigInt(negative: x.negative, magnitude: x.negative ? .one : .zero)
            } else if x.negative {
                expected = BigInt(negative: true, magnitude: (x.magnitude + BigNat.power2(n) - BigNat.one).shiftedRight(n))
            } else {
                expected = BigInt(negative: false, magnitude: x.magnitude.shiftedRight(n))
            }
            m.check(a.arithmeticShiftRight(n) == expected.int256 && a >> n == expected.int256, "\(a) >> \(n)")
            if n > 0 && n < 256 {
                let left = (x * BigInt(negative: false, magnitude: BigNat.power2(n))).wrapped
                m.check(a << n == left && a.arithmeticShiftRight(-n) == left && a >> -n == left, "\(a) << \(n)")
                m.check(a << -n == expected.int256, "\(a) << -\(n)")
            }
        }
        m.expectNone("arithmetic shift")
        #expect(Int256(-1) >> 255 == Int256(-1) && Int256(-1) >> 256 == Int256(-1) && Int256(-1) >> Int.max == Int256(-1))
        #expect(Int256.min >> 255 == Int256(-1) && Int256.max >> 255 == .zero && Int256.max >> 254 == Int256(1))
        #expect(Int256(-2) >> 1 == Int256(-1) && Int256(-3) >> 1 == Int256(-2))
        #expect(Int256(5) >> 0 == Int256(5) && Int256(5) << 0 == Int256(5))
        #expect(Int256(1) << 255 == .min && Int256(1) << 256 == .zero && Int256(-1) << Int.min == Int256(-1))
        #expect(Int256(-8).arithmeticShiftRight(Int.min) == .zero, "shift left by more than 255 bits")
    }
}
