import EthereumKit
import Testing
@testable import JSONRPC

/// The SWAR hex fast path against the scalar nibble decoder, byte by byte.
@Suite struct HexScanTests {
    /// Every byte value at every one of the 8 positions: validity and decoded bytes match the scalar decoder.
    @Test func swarMatchesScalarForEveryByteAtEveryPosition() {
        let base: [UInt8] = Array("0123abCD".utf8)
        var mismatches = 0
        for position in 0..<8 {
            for value in 0...255 {
                var digits = base
                digits[position] = UInt8(value)
                let (quad, ok) = digits.withUnsafeBytes { JSONScanner.hex8($0, at: 0) }
                let nibbles = digits.map { JSONScanner.nibble($0) }
                let scalarOK = nibbles.allSatisfy { $0 < 16 }
                if ok != scalarOK { mismatches += 1; continue }
                guard ok else { continue }
                var expected: UInt32 = 0
                for k in 0..<4 {
                    let byte = UInt32(nibbles[2 * k] << 4 | nibbles[2 * k + 1])
                    expected |= byte << UInt32(8 * k)
                }
                if quad != expected { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
    }

    @Test func wordsAndDataOfEveryLengthRoundTrip() throws {
        var rng = SplitMix64(seed: 12)
        for n in 0..<80 {
            let bytes = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            var text = Hex.encode(bytes)
            if n % 3 == 0 { text = text.uppercased().replacing("0X", with: "0x") }
            let decoded = try JSONScanner.withScanner(Array("\"\(text)\"".utf8)) { (s: inout JSONScanner) throws(JSONParseError) in try s.readData("d") }
            #expect(decoded == bytes)
            if n <= 32, n > 0 {
                let q = try JSONScanner.withScanner(Array("\"\(text)\"".utf8)) { (s: inout JSONScanner) throws(JSONParseError) in try s.readQuantity256("q") }
                #expect(q == UInt256(bigEndian: bytes))
            }
        }
        let h = Hash32(w0: 0x0123_4567_89AB_CDEF, w1: 0xFEDC_BA98_7654_3210, w2: 0, w3: .max)
        let parsed = try JSONScanner.withScanner(Array("\"\(h.description.uppercased().replacing("0X", with: "0x"))\"".utf8)) { (s: inout JSONScanner) throws(JSONParseError) in try s.readHash32() }
        #expect(parsed == h)
    }

    @Test func quantityBounds() throws {
        func q(_ t: String) throws(JSONParseError) -> UInt64 {
            try JSONScanner.withScanner(Array("\"\(t)\"".utf8)) { (s: inout JSONScanner) throws(JSONParseError) in try s.readQuantity("q") }
        }
        #expect(try q("0xffffffffffffffff") == .max)
        #expect(try q("0x0000000000000000000001") == 1)
        #expect(throws: JSONParseError.self) { try q("0x10000000000000000") }
        #expect(throws: JSONParseError.self) { try q("0x") }
        #expect(throws: JSONParseError.self) { try q("ff") }
        #expect(throws: JSONParseError.self) { try q("0x-1") }
        #expect(throws: JSONParseError.self) {
            try JSONScanner.withScanner(Array("\"0x1\(String(repeating: "0", count: 64))\"".utf8)) { (s: inout JSONScanner) throws(JSONParseError) in try s.readQuantity256("q") }
        }
    }
}
