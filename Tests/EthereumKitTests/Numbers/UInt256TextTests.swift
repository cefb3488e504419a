import Testing
@testable import EthereumKit

/// Decimal and hex text, and big-endian bytes, of `UInt256`.
@Suite struct UInt256TextTests {
    static let maxDecimal = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
    static let maxPlusOneDecimal = "115792089237316195423570985008687907853269984665640564039457584007913129639936"

    @Test func decimalRoundTripsAndMatchesBigNat() {
        var rng = SplitMix64(seed: 0xDEC)
        var m = Mismatches()
        for _ in 0..<2000 {
            let a = rng.uint256()
            let text = a.description
            m.check(text == BigNat(a).description, "description of \(text)")
            m.check(UInt256(decimal: text) == a && UInt256(text) == a, "parse \(text)")
        }
        m.expectNone("decimal round trip")
    }

    @Test func randomDecimalTextParsesLikeBigNat() {
        var rng = SplitMix64(seed: 0xDEC2)
        var m = Mismatches()
        for _ in 0..<2000 {
            let zeros = rng.below(4) == 0 ? rng.below(40) : 0
            let digits = (0..<(1 + rng.below(85))).map { _ in Character(String(rng.below(10))) }
            let text = String(repeating: "0", count: zeros) + String(digits)
            let reference = BigNat(decimal: text)
            let expected = reference.flatMap { $0.bitLength <= 256 ? $0.uint256 : nil }
            m.check(UInt256(decimal: text) == expected, "parse \(text)")
        }
        m.expectNone("random decimal")
    }

    @Test func decimalEdgeCases() {
        #expect(UInt256(decimal: Self.maxDecimal) == .max)
        #expect(UInt256.max.description == Self.maxDecimal)
        #expect(UInt256(decimal: Self.maxPlusOneDecimal) == nil)
        #expect(UInt256(decimal: Self.maxDecimal + "0") == nil)
        #expect(UInt256(decimal: String(repeating: "9", count: 78)) == nil)
        #expect(UInt256(decimal: String(repeating: "0", count: 200) + "1") == .one)
        #expect(UInt256(decimal: String(repeating: "0", count: 200)) == .zero)
        #expect(UInt256(decimal: "0") == .zero && UInt256.zero.description == "0")
        #expect(UInt256(decimal: "18446744073709551616") == UInt256(l0: 0, l1: 1, l2: 0, l3: 0))
        #expect(UInt256(l0: 0, l1: 1, l2: 0, l3: 0).description == "18446744073709551616")
        // 10^19 and 10^38 straddle the parser's 19-digit chunks and the printer's 10^19 limbs.
        #expect(UInt256(decimal: "10000000000000000000")?.description == "10000000000000000000")
        #expect(UInt256(decimal: "100000000000000000000000000000000000000")?.description == "100000000000000000000000000000000000000")
        for bad in ["", "+1", "-1", " 1", "1 ", "1_000", "1,000", "0x10", "1e18", "１", "٣", "12a", "\u{0}"] {
            #expect(UInt256(decimal: bad) == nil, "\(bad.debugDescription) must be rejected")
        }
    }

    @Test func hexRoundTripsAndMatchesBigNat() {
        var rng = SplitMix64(seed: 0x4E8)
        var m = Mismatches()
        for _ in 0..<2000 {
            let a = rng.uint256()
            let text = a.hexQuantity
            m.check(text == "0x" + BigNat(a).hex, "hexQuantity \(text)")
            m.check(UInt256(hex: text) == a && UInt256(text) == a, "parse \(text)")
            m.check(UInt256(hex: text.dropFirst(2)) == a, "parse without 0x \(text)")
            m.check(UInt256(hex: "0x" + text.dropFirst(2).uppercased()) == a, "parse uppercase \(text)")
            m.check(UInt256(hex: Hex.encode(a.bigEndianBytes)) == a, "parse 64 digits \(text)")
        }
        m.expectNone("hex round trip")
    }

    @Test func hexEdgeCases() {
        #expect(UInt256.zero.hexQuantity == "0x0")
        #expect(UInt256(hex: "0x0") == .zero && UInt256(hex: "0") == .zero && UInt256(hex: "0x00") == .zero)
        #expect(UInt256(hex: "0x" + String(repeating: "f", count: 64)) == .max)
        #expect(UInt256(hex: "0X" + String(repeating: "F", count: 64)) == .max)
        #expect(UInt256(hex: "0x1" + String(repeating: "0", count: 64)) == nil, "2^256 must be rejected")
        #expect(UInt256(hex: "0x" + String(repeating: "0", count: 100) + "ff") == UInt256(255), "leading zeros are fine")
        #expect(UInt256.max.hexQuantity == "0x" + String(repeating: "f", count: 64))
        #expect(UInt256(l0: 0, l1: 1, l2: 0, l3: 0).hexQuantity == "0x10000000000000000")
        for bad in ["", "0x", "0X", "x1", "0xg", "0x-1", "-0x1", "0x 1", "0x1 ", "0x0x1", "0xfé"] {
            #expect(UInt256(hex: bad) == nil, "\(bad.debugDescription) must be rejected")
        }
        // `init(_:)` picks hex for 0x and decimal otherwise.
        #expect(UInt256("0x10") == UInt256(16) && UInt256("10") == UInt256(10) && UInt256("ff") == nil)
    }

    @Test func bigEndianBytesMatchBigNat() {
        var rng = SplitMix64(seed: 0xB7E5)
        var m = Mismatches()
        for _ in 0..<1000 {
            let a = rng.uint256()
            let bytes = a.bigEndianBytes
            let reference = (0..<32).map { i in UInt8(BigNat(a).shiftedRight(8 * (31 - i)).truncated.l0 & 0xff) }
            m.check(bytes == reference, "bytes of \(a)")
            m.check(UInt256(bigEndian: bytes) == a, "read back \(a)")
            let minimal = a.minimalBigEndianBytes
            m.check(minimal == Array(bytes.drop { $0 == 0 }), "minimal bytes of \(a)")
            m.check(UInt256(bigEndian: minimal) == a, "read minimal \(a)")
            // Words at an unaligned offset of a larger buffer.
            let offset = rng.below(9)
            var buffer = rng.bytes(offset + 40)
            buffer.withUnsafeMutableBytes { a.store(bigEndianInto: $0, at: offset) }
            m.check(Array(buffer[offset..<(offset + 32)]) == bytes, "store at \(offset)")
            m.check(buffer.withUnsafeBytes { UInt256(bigEndianWordAt: offset, of: $0) } == a, "load at \(offset)")
        }
        m.expectNone("bytes")
    }

    @Test func bigEndianInputOfAnyLengthUpTo32() {
        var rng = SplitMix64(seed: 0x1E)
        for length in 0...32 {
            let bytes = rng.bytes(length)
            let expected = bytes.reduce(BigNat.zero) { $0 * BigNat(256) + BigNat(UInt64($1)) }
            #expect(UInt256(bigEndian: bytes) == expected.uint256, "length \(length)")
            #expect(UInt256(bigEndian: bytes[...]) == expected.uint256, "slice of length \(length)")
        }
        #expect(UInt256(bigEndian: [UInt8](repeating: 0, count: 33)) == nil, "33 bytes are rejected even when zero")
        #expect(UInt256(bigEndian: [UInt8]()) == .zero)
        #expect(UInt256.zero.minimalBigEndianBytes.isEmpty)
        #expect(UInt256(0x0100).minimalBigEndianBytes == [1, 0])
    }
}
