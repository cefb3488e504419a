import Testing
@testable import JSONRPC

@Suite struct JSONParserTests {
    @Test func parsesEveryValueKind() throws {
        let v = try JSONValue.parse(#" { "a" : [1, -2.5e3, 0, true, false, null, "x\n\u00e9\ud83d\ude00"], "b": {} , "c": [] } "#)
        #expect(v["a"]?[0] == 1)
        #expect(v["a"]?[1]?.numberValue?.double == -2500)
        #expect(v["a"]?[3] == true)
        #expect(v["a"]?[5]?.isNull == true)
        #expect(v["a"]?[6]?.stringValue == "x\né😀")
        #expect(v["b"] == .object([]))
        #expect(v["c"] == .array([]))
        #expect(v["missing"] == nil)
    }

    @Test func keepsMemberOrderAndRoundTrips() throws {
        let text = #"{"z":1,"a":"q\"\\\u0001","m":[null,{"k":false}]}"#
        let v = try JSONValue.parse(text)
        #expect(v.objectValue?.map(\.0) == ["z", "a", "m"])
        #expect(v.text == text)
        #expect(try JSONValue.parse(v.text) == v)
    }

    @Test func keepsBigNumbersExact() throws {
        let v = try JSONValue.parse("[123456789012345678901234567890, 18446744073709551615]")
        #expect(v[0]?.numberValue?.text == "123456789012345678901234567890")
        #expect(v[1]?.uint64Value == UInt64.max)
    }

    @Test(arguments: [
        "", " ", "{", "[1,]", "{\"a\":1,}", "[01]", "[1.]", "[.5]", "[-]", "[1e]", "\"abc", "\"a\u{1}\"", "[\"\\x\"]",
        "{\"a\" 1}", "{a:1}", "[1] x", "tru", "nul", "[\"\\ud800\"]", "[\"\\udc00\"]", "[\"\\u12\"]", "+1", "[1,,2]",
        "{\"a\":1 \"b\":2}", "[NaN]", "[Infinity]",
    ])
    func rejectsMalformedInput(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONValue.parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D]) }
    }

    @Test func limitsNestingDepth() {
        let deep = String(repeating: "[", count: JSONScanner.maxDepth + 1) + String(repeating: "]", count: JSONScanner.maxDepth + 1)
        #expect { try JSONValue.parse(deep) } throws: { ($0 as? JSONParseError)?.code == .tooDeep }
        let ok = String(repeating: "[", count: JSONScanner.maxDepth) + String(repeating: "]", count: JSONScanner.maxDepth)
        #expect(throws: Never.self) { try JSONValue.parse(ok) }
    }

    @Test func reportsOffsetOfTruncation() {
        #expect { try JSONValue.parse("{\"result\":[1,2") } throws: {
            guard let e = $0 as? JSONParseError else { return false }
            return e.code == .unexpectedEnd && e.offset == 14
        }
    }

    @Test func escapedKeysMatchTypedFields() throws {
        // "blockNumber" written with an escape still maps to the field.
        let json = #"{"address":"0x00000000000000000000000000000000000000aa","topics":[],"data":"0x","block\u004eumber":"0x10","blockHash":"0x\#(String(repeating: "1", count: 64))","transactionHash":"0x\#(String(repeating: "2", count: 64))","transactionIndex":"0x0","logIndex":"0x3"}"#
        let logs = try Log.decodeArray(Array("[\(json)]".utf8))
        #expect(logs.first?.blockNumber == 16)
    }
}
