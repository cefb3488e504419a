import Testing
@testable import EthereumKit

/// `UInt256` arithmetic against two independent references: Swift's `UInt128` for values that fit, and the
/// schoolbook `BigNat` for the full 256-bit range. Fixed seeds, so every run checks the same values.
@Suite struct UInt256ArithmeticTests {
    static let rounds = 3000

    static func u128(_ v: UInt256) -> UInt128? { v.l2 | v.l3 == 0 ? UInt128(v.l1) << 64 | UInt128(v.l0) : nil }
    static func from(_ v: UInt128) -> UInt256 { UInt256(l0: UInt64(truncatingIfNeeded: v), l1: UInt64(truncatingIfNeeded: v >> 64), l2: 0, l3: 0) }

    @Test func additionAndSubtractionMatchBigNat() {
        var rng = SplitMix64(seed: 0xADD)
        var m = Mismatches()
        for _ in 0..<Self.rounds {
            let a = rng.uint256(), b = rng.uint256()
            let exact = BigNat(a) + BigNat(b)
            let (sum, carried) = a.addingReportingOverflow(b)
            m.check(sum == exact.truncated && carried == (exact.bitLength > 256), "\(a) + \(b)")
            m.check((a &+ b) == sum, "\(a) &+ \(b)")
            m.check(a.adding(b) == (carried ? nil : sum), "\(a).adding(\(b))")

            let (difference, borrowed) = a.subtractingReportingOverflow(b)
            let expected = a < b ? (BigNat(a) + BigNat.modulus - BigNat(b)).truncated : (BigNat(a) - BigNat(b)).truncated
            m.check(difference == expected && borrowed == (a < b), "\(a) - \(b)")
            m.check((a &- b) == difference, "\(a) &- \(b)")
            m.check(a.subtracting(b) == (borrowed ? nil : difference), "\(a).subtracting(\(b))")
            m.check(a.saturatingSubtract(b) == (borrowed ? .zero : difference), "\(a).saturatingSubtract(\(b))")
            if !carried { m.check(a + b == sum && (sum - b) == a, "trapping + / - \(a), \(b)") }
        }
        m.expectNone("add/sub")
    }

    @Test func multiplicationMatchesBigNat() {
        var rng = SplitMix64(seed: 0x5EED_0002)
        var m = Mismatches()
        for _ in 0..<Self.rounds {
            // Mix full-width operands with ones whose product is near 2^256, where overflow detection matters.
            let a = rng.uint256()
            let b = rng.below(3) == 0 ? rng.uint256() >> a.bitLength : rng.uint256()
            let exact = BigNat(a) * BigNat(b)
            let (low, overflow) = a.multipliedReportingOverflow(by: b)
            m.check(low == exact.truncated && overflow == (exact.bitLength > 256), "\(a) * \(b) overflow \(overflow)")
            m.check((a &* b) == low, "\(a) &* \(b)")
            m.check(a.multiplied(by: b) == (overflow ? nil : low), "\(a).multiplied(by: \(b))")
            let (high, low2) = a.multipliedFullWidth(by: b)
            m.check(low2 == exact.truncated && high == exact.shiftedRight(256).truncated, "full width \(a) * \(b)")
            if !overflow { m.check(a * b == low, "trapping * \(a), \(b)") }
        }
        m.expectNone("mul")
    }

    @Test func divisionMatchesBigNat() {
        var rng = SplitMix64(seed: 0xD1F)
        var m = Mismatches()
        for i in 0..<Self.rounds {
            let a = rng.uint256()
            var b: UInt256
            switch i % 5 {
            case 0: b = UInt256(rng.next() | 1)                       // the 64-bit fast path
            case 1: b = rng.uint256() >> rng.below(256)               // any size
            case 2: b = a >> rng.below(8)                             // quotient 1…255
            case 3: b = a &+ UInt256(rng.next() % 3)                  // quotient 0 or 1, remainder a or 0
            default: b = rng.uint256()
            }
            if b.isZero { b = .one }
            let (q, r) = a.quotientAndRemainder(dividingBy: b)
            let (eq, er) = BigNat(a).quotientAndRemainder(dividingBy: BigNat(b))
            m.check(q == eq.truncated && r == er.truncated, "\(a) divmod \(b) gave \(q), \(r)")
            m.check(a / b == q && a % b == r, "/ and % for \(a), \(b)")
            m.check(a.divided(by: b) == q && a.remainder(dividingBy: b) == r, "checked division \(a), \(b)")
            m.check(a.dividedReportingOverflow(by: b) == (q, false), "dividedReportingOverflow \(a), \(b)")
            m.check(a.remainderReportingOverflow(dividingBy: b) == (r, false), "remainderReportingOverflow \(a), \(b)")
            if let small = b.uint64 {
                let (qs, rs) = a.quotientAndRemainder(dividingBy: small)
                m.check(qs == q && UInt256(rs) == r, "64-bit divisor \(a) / \(small)")
            }
        }
        m.expectNone("divmod")
    }

    /// Divisors just above a power of two make the first quotient-limb estimate of long division too large by
    /// one even after its correction step (Knuth's rare "add back" case): 2^255 / (2^191 + 1) is the smallest.
    @Test func divisionAddBackCases() {
        var m = Mismatches()
        for k in [65, 100, 127, 128, 129, 150, 191, 192, 200, 254] {
            for small in [1, 2, 3, 255] as [UInt64] {
                let v = (UInt256.one << k) &+ UInt256(small)
                for u in [UInt256.one << 255, UInt256.max, (UInt256.one << 255) &- .one, v << (255 - k), (v << (255 - k)) &- .one,
                          (UInt256.one << 255) | UInt256(small - 1), UInt256.max << 64] {
                    let (q, r) = u.quotientAndRemainder(dividingBy: v)
                    let (eq, er) = BigNat(u).quotientAndRemainder(dividingBy: BigNat(v))
                    m.check(q == eq.truncated && r == er.truncated, "\(u) divmod \(v)")
                }
            }
        }
        m.expectNone("add-back division")
    }

    @Test func divisionEdgeCases() {
        let max = UInt256.max
        #expect(max.quotientAndRemainder(dividingBy: max) == (.one, .zero))
        #expect(max.quotientAndRemainder(dividingBy: .one) == (max, .zero))
        #expect(max.quotientAndRemainder(dividingBy: UInt256.one << 255) == (.one, max >> 1))
        #expect(UInt256.zero.quotientAndRemainder(dividingBy: max) == (.zero, .zero))
        #expect((max &- .one).quotientAndRemainder(dividingBy: max) == (.zero, max &- .one))
        #expect(max.divided(by: .zero) == nil)
        #expect(max.remainder(dividingBy: .zero) == nil)
        #expect(max.dividedReportingOverflow(by: .zero) == (max, true))
        #expect(UInt256(7).remainderReportingOverflow(dividingBy: .zero) == (UInt256(7), true))
        // 10^18 scaling, the common case for token amounts.
        let wei = UInt256(decimal: "123456789012345678901234567890")!
        #expect(wei / UInt256(1_000_000_000_000_000_000) == UInt256(123_456_789_012))
        #expect(wei % UInt256(1_000_000_000_000_000_000) == UInt256(345_678_901_234_567_890))
    }

    @Test func arithmeticMatchesUInt128() {
        var rng = SplitMix64(seed: 128)
        var m = Mismatches()
        for _ in 0..<Self.rounds {
            let x = UInt128(rng.next()) << 64 | UInt128(rng.next())
            let y = (UInt128(rng.next()) << 64 | UInt128(rng.next())) >> rng.below(128)
            let a = Self.from(x), b = Self.from(y)
            let (s, so) = x.addingReportingOverflow(y)
            m.check(Self.u128(a &+ b) == (so ? nil : s), "UInt128 add \(x) + \(y)")
            if x >= y { m.check(Self.u128(a - b) == x - y, "UInt128 sub \(x) - \(y)") }
            let (p, po) = x.multipliedReportingOverflow(by: y)
            if !po { m.check(Self.u128(a * b) == p, "UInt128 mul \(x) * \(y)") }
            if y != 0 {
                m.check(Self.u128(a / b) == x / y && Self.u128(a % b) == x % y, "UInt128 divmod \(x), \(y)")
            }
            m.check((a < b) == (x < y) && (a == b) == (x == y) && (a >= b) == (x >= y), "UInt128 compare \(x), \(y)")
            let n = rng.below(130)
            m.check(Self.u128(a >> n) == x >> n, "UInt128 \(x) >> \(n)")
            m.check(a.description == x.description, "UInt128 description \(x)")
            m.check(a.hexQuantity == "0x" + String(x, radix: 16), "UInt128 hex \(x)")
            m.check(a.leadingZeroBitCount == 128 + x.leadingZeroBitCount, "UInt128 lzc \(x)")
        }
        m.expectNone("UInt128 reference")
    }

    @Test(arguments: [0, 1, 31, 63, 64, 65, 127, 128, 129, 191, 192, 193, 254, 255])
    func shiftsMatchBigNat(by n: Int) {
        var rng = SplitMix64(seed: UInt64(n) &+ 0x5417)
        var m = Mismatches()
        for _ in 0..<300 {
            let a = rng.uint256()
            let left = BigNat(a).shiftedLeft(n).truncated
            let right = BigNat(a).shiftedRight(n).truncated
            m.check(a << n == left, "\(a) << \(n)")
            m.check(a >> n == right, "\(a) >> \(n)")
            m.check(a >> -n == left && a << -n == right, "negative shifts of \(a) by \(n)")
            var b = a
            b <<= n
            m.check(b == left, "<<= \(n)")
            b = a
            b >>= n
            m.check(b == right, ">>= \(n)")
        }
        m.expectNone("shift by \(n)")
    }

    @Test(arguments: [256, 257, 300, 1024, Int.max, -256, -257, -1024, Int.min])
    func shiftsOfAtLeast256GiveZero(by n: Int) {
        #expect(UInt256.max << n == .zero)
        #expect(UInt256.max >> n == .zero)
        #expect(UInt256.one << n == .zero)
    }

    @Test func comparisonsMatchBigNat() {
        var rng = SplitMix64(seed: 0xC0)
        var m = Mismatches()
        for _ in 0..<Self.rounds {
            let a = rng.uint256()
            // Often equal in the high limbs, so the lower limbs decide.
            let b = rng.below(2) == 0 ? rng.uint256() : UInt256(l0: rng.next(), l1: rng.below(2) == 0 ? a.l1 : rng.next(), l2: a.l2, l3: a.l3)
            let (x, y) = (BigNat(a), BigNat(b))
            m.check((a < b) == (x < y) && (a > b) == (y < x) && (a <= b) == !(y < x) && (a == b) == (x == y), "compare \(a), \(b)")
            m.check(a.bitLength == x.bitLength && a.leadingZeroBitCount == 256 - x.bitLength, "bit length \(a)")
        }
        m.expectNone("compare")
    }

    @Test func bitwiseOperationsWorkPerByte() {
        var rng = SplitMix64(seed: 0xB17)
        var m = Mismatches()
        for _ in 0..<500 {
            let a = rng.uint256(), b = rng.uint256()
            let (x, y) = (a.bigEndianBytes, b.bigEndianBytes)
            m.check((a & b).bigEndianBytes == zip(x, y).map { $0 & $1 }, "&")
            m.check((a | b).bigEndianBytes == zip(x, y).map { $0 | $1 }, "|")
            m.check((a ^ b).bigEndianBytes == zip(x, y).map { $0 ^ $1 }, "^")
            m.check((~a).bigEndianBytes == x.map { ~$0 }, "~")
        }
        m.expectNone("bitwise")
    }

    @Test func smallConversions() {
        #expect(UInt256(exactly: -1) == nil)
        #expect(UInt256(exactly: Int.max) == UInt256(UInt64(Int.max)))
        #expect(UInt256(UInt64.max).uint64 == .max)
        #expect((UInt256(UInt64.max) &+ .one).uint64 == nil)
        #expect(UInt256(UInt64(Int.max)).int == Int.max)
        #expect(UInt256(UInt64(Int.max) + 1).int == nil)
        #expect(UInt256.max.int == nil)
        #expect(UInt256.zero.isZero && !UInt256.one.isZero && UInt256.zero.bitLength == 0)
        #expect(UInt256.max.bitLength == 256 && UInt256.max.leadingZeroBitCount == 0)
        #expect(UInt256.zero.leadingZeroBitCount == 256)
        let literal: UInt256 = 42
        #expect(literal == UInt256(42))
    }

    @Test func checkedFormsReportOverflowAtTheEdges() {
        let max = UInt256.max
        #expect(max.addingReportingOverflow(.one) == (.zero, true))
        #expect(max.adding(.one) == nil)
        #expect((max &+ max) == max &- .one)
        #expect(UInt256.zero.subtractingReportingOverflow(.one) == (max, true))
        #expect(UInt256.zero.subtracting(.one) == nil)
        #expect(UInt256.zero.saturatingSubtract(max) == .zero)
        #expect(max.multipliedReportingOverflow(by: max) == (.one, true))
        #expect((UInt256.one << 128).multiplied(by: UInt256.one << 127) == UInt256.one << 255)
        #expect((UInt256.one << 128).multiplied(by: UInt256.one << 128) == nil)
        // An overflowing product whose low 256 bits are zero must still be reported.
        #expect((UInt256.one << 200).multipliedReportingOverflow(by: UInt256.one << 100) == (.zero, true))
        #expect(max.multipliedFullWidth(by: max) == (max &- .one, .one))
    }
}
