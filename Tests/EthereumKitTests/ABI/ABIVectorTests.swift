import Testing
import Foundation
@testable import EthereumKit

@Suite struct ABIVectorTests {
    /// Every valid case of `generated/abi_roundtrip.json` encodes byte-exact and decodes to the listed values;
    /// the 5 Solidity-spec examples also match their signature and selector.
    @Test func roundtripValid() throws {
        let file = "generated/abi_roundtrip.json"
        let root = try #require(try Vectors.json(file) as? [String: Any])
        let cases = try #require(root["valid"] as? [[String: Any]])
        var passed = 0
        var signatures = 0
        for c in cases {
            let id = c["id"] as? String ?? "?"
            let typeNames = try #require(c["types"] as? [String])
            let types = try typeNames.map { try ABIType(parsing: $0) }
            #expect(types.map(\.description) == typeNames, "canonical names \(id)")
            let jsonValues = try #require(c["values"] as? [Any])
            let values = try zip(jsonValues, types).map { try ABIValue(json: $0.0, as: $0.1) }
            let expected = try Hex.decode(try #require(c["encoding"] as? String))
            let encoded = try ABIEncoder.encode(types: types, values: values)
            let decoded = try ABIDecoder.decode(types: types, data: expected)
            var ok = encoded == expected && decoded == values
            #expect(encoded == expected, "encode \(id)")
            #expect(decoded == values, "decode \(id)")
            // The JSON writer reproduces the vector's values (re-parsed, so key order and spacing don't matter).
            for (value, type) in zip(decoded, types) {
                let reparsed = try ABIValue(jsonText: value.jsonText, as: type)
                #expect(reparsed == value, "json text \(id)")
                ok = ok && reparsed == value
            }
            if let signature = c["signature"] as? String, let selector = c["selector"] as? String {
                let parsed = try ABIType.signature(parsing: signature)
                #expect(parsed.types == types, "signature types \(id)")
                let function = try ABIFunction(name: parsed.name, inputs: types.map { ABIParameter(name: "", type: $0) })
                #expect(function.signature == signature, "signature \(id)")
                #expect(function.selector.description == selector, "selector \(id)")
                ok = ok && function.signature == signature && function.selector.description == selector
                signatures += 1
            }
            if ok { passed += 1 }
        }
        #expect(signatures == 5)
        Vectors.report(file, passed: passed, of: cases.count, note: "valid: encode byte-exact + decode, \(signatures) spec signatures/selectors")
    }

    /// Every invalid case of `generated/abi_roundtrip.json` is rejected (only that decoding fails is asserted, not the
    /// Python error class).
    @Test func roundtripInvalid() throws {
        let file = "generated/abi_roundtrip.json"
        let root = try #require(try Vectors.json(file) as? [String: Any])
        let cases = try #require(root["invalid"] as? [[String: Any]])
        var passed = 0
        for c in cases {
            let id = c["id"] as? String ?? "?"
            let types = try (try #require(c["types"] as? [String])).map { try ABIType(parsing: $0) }
            let data = try Hex.decode(try #require(c["data"] as? String))
            do {
                let values = try ABIDecoder.decode(types: types, data: data)
                Issue.record("\(id) (\(c["description"] ?? "")) decoded to \(values)")
            } catch let e as ABIError {
                #expect(!e.message.isEmpty)
                passed += 1
            }
        }
        Vectors.report(file, passed: passed, of: cases.count, note: "invalid: all rejected")
    }

    /// `ethereum-tests/ABITests/basic_abi_tests.json`: JSON numbers, and ASCII text for `bytesN`/`bytes`/`string`.
    @Test func basicABITests() throws {
        let file = "ethereum-tests/ABITests/basic_abi_tests.json"
        let root = try #require(try Vectors.json(file) as? [String: [String: Any]])
        var passed = 0
        for (name, c) in root.sorted(by: { $0.key < $1.key }) {
            let types = try (try #require(c["types"] as? [String])).map { try ABIType(parsing: $0) }
            let args = try #require(c["args"] as? [Any])
            let values = try zip(args, types).map { arg, type -> ABIValue in
                switch (type, arg) {
                case (.fixedBytes, let s as String): return .fixedBytes(Array(s.utf8))
                case (.bytes, let s as String): return .bytes(Array(s.utf8))
                default: return try ABIValue(json: arg, as: type)
                }
            }
            let expected = try Hex.decode(try #require(c["result"] as? String), prefix: .optional)
            let encoded = try ABIEncoder.encode(types: types, values: values)
            let decoded = try ABIDecoder.decode(types: types, data: expected)
            #expect(encoded == expected, "encode \(name)")
            #expect(decoded == values, "decode \(name)")
            if encoded == expected && decoded == values { passed += 1 }
        }
        #expect(passed == root.count)
        Vectors.report(file, passed: passed, of: root.count)
    }
}
