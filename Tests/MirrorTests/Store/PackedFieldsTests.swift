import EthereumKit
@testable import Mirror
import Testing

/// `PackedFields` splits an event's fields JSON into a shape and binary values and rebuilds the exact text.
@Suite struct PackedFieldsTests {
    static func pack(_ json: String) -> (shape: String, values: [UInt8])? {
        var shape: [UInt8] = [], values: [UInt8] = []
        guard PackedFields.pack(Array(json.utf8), shape: &shape, values: &values) else { return nil }
        return (String(decoding: shape, as: UTF8.self), values)
    }

    static let texts = [
        #"{"generator":"0x1d4f115da9d478c11d4ef363dfbd1d2c4b8fb68d","stake":"1000000000000000000"}"#,
        #"{"askId":"0","hasPrivateInputs":false,"secret_data":"0x","acl":"0x","extraData":"0x","enrichment":{"marketId":"0","reward":"610000000000000000","secretType":"1"}}"#,
        #"{"askId":"0","proof":"0x290decd9548b62a8d60345a988386fc84ba6bc95484008f6362f93160ef3e563…(128 bytes)"}"#,
        // Not packed as numbers or hex: leading zeros, 20 digits, uppercase or odd-length hex, a lone sign.
        #"{"a":"007","b":"18446744073709551616","c":"0xABCD","d":"0x123","e":"-1","f":"","g":"0x0g"}"#,
        // Escapes, a question mark and a colon inside values and keys, arrays, nesting, whitespace, non-ASCII.
        #"{"q?":"what?","esc":"a\"b\\","colon":"x:y","list":["1","0xff",null,true,2.5],"nested":{"k" : "v","e":[]},"u":"é🙂"}"#,
        #"{}"#, #"[]"#, #""solo""#,
    ]

    @Test func textsRoundTripExactly() throws {
        for text in Self.texts {
            let packed = try #require(Self.pack(text), "\(text)")
            #expect(!packed.shape.isEmpty)
            #expect(try PackedFields.unpack(shape: packed.shape, values: packed.values, context: "test") == text)
        }
    }

    @Test func numbersAndHexAreStoredInBinary() throws {
        let packed = try #require(Self.pack(Self.texts[0]))
        #expect(packed.shape == #"{"generator":?,"stake":?}"#)
        // Tag 1, 20 bytes of address; tag 2 and the LEB128 of 10^18 (9 bytes).
        #expect(packed.values.count == 1 + 1 + 20 + 1 + 9)
        #expect(try #require(Self.pack(Self.texts[3])).values.count > 40)
    }

    @Test func textsItCannotRebuildAreRefused() {
        #expect(Self.pack(#"{"a":"unterminated}"#) == nil)
        #expect(Self.pack(#"{"a":?}"#) == nil)
        #expect(Self.pack(#"{"a":"b\"#) == nil)
    }

    @Test func valuesThatDoNotFitTheShapeAreCorrupt() throws {
        let packed = try #require(Self.pack(Self.texts[0]))
        #expect(throws: MirrorStoreError.self) { try PackedFields.unpack(shape: packed.shape, values: Array(packed.values.dropLast()), context: "test") }
        #expect(throws: MirrorStoreError.self) { try PackedFields.unpack(shape: packed.shape, values: packed.values + [2, 1], context: "test") }
        #expect(throws: MirrorStoreError.self) { try PackedFields.unpack(shape: packed.shape + "?", values: packed.values, context: "test") }
        #expect(throws: MirrorStoreError.self) { try PackedFields.unpack(shape: packed.shape, values: [9] + packed.values.dropFirst(), context: "test") }
    }

    /// Random strings of JSON-ish characters (fixed seed): whatever packs rebuilds exactly.
    @Test func randomTextsRoundTrip() throws {
        var rng = SplitMix64(seed: 0x5eed_f1e1d5)
        let alphabet = Array(#"{}[]":,?\ 0123456789abcdefx-é"#.unicodeScalars)
        var packedCount = 0
        for _ in 0..<5_000 {
            var s = String.UnicodeScalarView()
            for _ in 0..<Int(rng.next() % 40) { s.append(alphabet[Int(rng.next() % UInt64(alphabet.count))]) }
            let text = String(s)
            guard let packed = Self.pack(text) else { continue }
            packedCount += 1
            #expect(try PackedFields.unpack(shape: packed.shape, values: packed.values, context: "test") == text)
        }
        #expect(packedCount > 500)
    }
}
