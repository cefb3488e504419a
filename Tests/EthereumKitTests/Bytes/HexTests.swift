import Testing
@testable import EthereumKit

/// Strict hex parsing: prefix rules, odd lengths, bad digits (with their offset), lengths, and encoding.
@Suite struct HexTests {
    @Test func decodesValidText() throws {
        #expect(try Hex.decode("0x") == [])
        #expect(try Hex.decode("0x00") == [0])
        #expect(try Hex.decode("0xdeadBEEF") == [0xde, 0xad, 0xbe, 0xef])
        #expect(try Hex.decode("0X0a") == [0x0a], "0X is accepted, as go-ethereum's hexutil does")
        #expect(try Hex.decode("0123", prefix: .optional) == [0x01, 0x23])
        #expect(try Hex.decode("0x0123", prefix: .optional) == [0x01, 0x23])
        #expect(try Hex.decode("", prefix: .optional) == [])
        #expect(try Hex.decode("0x00ff"[...]) == [0x00, 0xff], "substrings work")
        #expect(try [UInt8](hex: "0xabcd") == [0xab, 0xcd])
    }

    @Test func missingPrefixIsAnErrorWhenRequired() {
        for text in ["", "00", "deadbeef", "x00", "0", "1x00", " 0x00"] {
            #expect(throws: HexError.self) { try Hex.decode(text) }
            let error = Self.error { try Hex.decode(text) }
            #expect(error?.code == .missingPrefix, "\(text.debugDescription): \(String(describing: error))")
            #expect(error?.message.contains("must start with 0x") == true)
        }
    }

    @Test func oddNumberOfDigitsIsAnError() {
        for (text, rule) in [("0x0", HexPrefixRule.required), ("0xabc", .required), ("abc", .optional), ("0x123", .optional), ("0", .optional)] {
            let error = Self.error { try Hex.decode(text, prefix: rule) }
            #expect(error?.code == .oddLength, "\(text): \(String(describing: error))")
            #expect(error?.message.contains("odd number of digits") == true)
        }
    }

    @Test func badDigitsNameTheirOffset() {
        let cases: [(text: String, rule: HexPrefixRule, offset: Int, shown: String)] = [
            ("0xg0", .required, 2, "'g'"),
            ("0x0g", .required, 3, "'g'"),
            ("0x00 0", .required, 4, "' '"),
            ("0x0000zz", .required, 6, "'z'"),
            ("0xx0", .required, 2, "'x'"),
            ("0x-1", .required, 2, "'-'"),
            ("zz", .optional, 0, "'z'"),
            ("00G0", .optional, 2, "'G'"),
            ("0x\u{7f}0", .required, 2, "byte 0x7f"),
            ("0xé", .required, 2, "byte 0xc3"),      // é is two UTF-8 bytes (0xc3 0xa9): the offset counts bytes
            ("0x0é0", .optional, 3, "byte 0xc3"),
        ]
        for c in cases {
            let error = Self.error { try Hex.decode(c.text, prefix: c.rule) }
            #expect(error?.code == .invalidDigit, "\(c.text.debugDescription): \(String(describing: error))")
            #expect(error?.message.contains("at offset \(c.offset)") == true, "\(c.text.debugDescription): \(error?.message ?? "no error")")
            #expect(error?.message.contains(c.shown) == true, "\(c.text.debugDescription): \(error?.message ?? "no error")")
        }
    }

    @Test func longInputIsShortenedInMessages() throws {
        let text = "0x" + String(repeating: "ab", count: 100) + "g0"
        let error = try #require(Self.error { try Hex.decode(text) })
        #expect(error.message.contains("at offset 202"))
        #expect(error.message.count < 120, "the message quotes a preview, not the whole input: \(error.message)")
    }

    @Test func exactLength() throws {
        #expect(try Hex.decode("0x0102", count: 2) == [1, 2])
        let error = Self.error { try Hex.decode("0x010203", count: 2) }
        #expect(error?.code == .wrongLength && error?.message.contains("has 3 bytes, expected 2") == true, "\(String(describing: error))")
        #expect(Self.error { try Hex.decode("0x", count: 1) }?.code == .wrongLength)
        #expect(Self.error { try Hex.decode("0x0", count: 1) }?.code == .oddLength, "format errors come before the length check")
    }

    @Test func utf8FastPathAgreesWithStringPath() throws {
        var rng = SplitMix64(seed: 0x4E7)
        var m = Mismatches()
        let alphabet = Array("0123456789abcdefABCDEFxXg ".utf8)
        for _ in 0..<2000 {
            let body = (0..<rng.below(12)).map { _ in alphabet[rng.below(alphabet.count)] }
            let raw = (rng.below(2) == 0 ? Array("0x".utf8) : []) + body
            let text = String(decoding: raw, as: UTF8.self)
            for rule in [HexPrefixRule.required, .optional] {
                let viaString = Result { try Hex.decode(text, prefix: rule) }
                let viaBytes = Result { try raw.withUnsafeBytes { try Hex.decode(utf8: $0, prefix: rule) } }
                m.check(String(describing: viaString) == String(describing: viaBytes), "\(text.debugDescription)")
            }
        }
        m.expectNone("utf8 path")
    }

    @Test func encodeRoundTrips() throws {
        var rng = SplitMix64(seed: 0xE4C)
        for length in [0, 1, 2, 19, 20, 31, 32, 33, 136, 1000] {
            let bytes = rng.bytes(length)
            let text = Hex.encode(bytes)
            #expect(text.hasPrefix("0x") && text.count == 2 + 2 * length)
            #expect(text == text.lowercased())
            #expect(try Hex.decode(text) == bytes)
            #expect(Hex.encode(bytes, prefix: false) == String(text.dropFirst(2)))
            #expect(bytes.hexString == text)
            #expect(try Hex.decode(text.uppercased().replacingOccurrences(of: "0X", with: "0x")) == bytes)
        }
        #expect(Hex.encode([0x00, 0x0f, 0xf0, 0xff]) == "0x000ff0ff")
        #expect(Hex.encode([UInt8]()) == "0x" && Hex.encode([UInt8](), prefix: false) == "")
    }

    @Test func nibbleTable() {
        for c in 0...255 {
            let expected: UInt8 = c < 128 ? (UInt8(String(Character(Unicode.Scalar(UInt8(c)))), radix: 16) ?? 0xff) : 0xff
            #expect(Hex.nibble(UInt8(c)) == expected, "byte \(c)")
        }
    }

    /// The `HexError` thrown by `body`, or nil if it did not throw one.
    static func error(_ body: () throws -> Any) -> HexError? {
        do { _ = try body(); return nil } catch let e as HexError { return e } catch { return nil }
    }
}
