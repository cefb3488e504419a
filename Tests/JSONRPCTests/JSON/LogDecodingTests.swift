import EthereumKit
import Testing
@testable import JSONRPC

@Suite struct LogDecodingTests {
    /// A log exactly as geth prints it (mainnet USDC Transfer), decoded field by field.
    @Test func decodesGethLog() throws {
        let json = #"""
        [{"address":"0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48","topics":["0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef","0x00000000000000000000000028c6c06298d514db089934071355e5743bf21d60","0x0000000000000000000000009696f59e4d72e237be84ffd425dcad154bf96976"],
          "data":"0x0000000000000000000000000000000000000000000000000000000ba43b7400","blockNumber":"0x12a05f2","transactionHash":"0x6b1e6bcbbb5fb6bd0b41e5e8ba1c5b9a3d5e0ee1e0cd52cc37f3bf2ee2a7a1a5",
          "transactionIndex":"0x5b","blockHash":"0x1d59ff54b1eb26b013ce3cb5fc9dab3705b415a67127a003c3e61eb445bb8df2","blockTimestamp":"0x65a8f0b3","logIndex":"0x10c","removed":false}]
        """#
        let logs = try Log.decodeArray(Array(json.utf8))
        let log = try #require(logs.first)
        #expect(log.address == (try Address("0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48")))
        #expect(log.topics.count == 3)
        #expect(log.topics[0] == (try Hash32(hex: "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")))
        #expect(log.data == (try Hex.decode("0x0000000000000000000000000000000000000000000000000000000ba43b7400")))
        #expect(log.blockNumber == 0x12a05f2)
        #expect(log.transactionIndex == 0x5b)
        #expect(log.logIndex == 0x10c)
        #expect(log.blockTimestamp == 0x65a8f0b3)
        #expect(log.removed == false)
    }

    /// Thousands of generated logs decode exactly as a Foundation-based reference decoder reads them.
    @Test func agreesWithFoundationReference() throws {
        let logs = Fixtures.logs(count: 3_000, seed: 7)
        let bytes = Fixtures.logsArray(logs)
        let fast = try Log.decodeArray(bytes)
        #expect(fast == logs)
        #expect(fast == (try Fixtures.referenceLogs(bytes)))
    }

    @Test func acceptsUppercaseHexLeadingZerosWhitespaceAndAnyKeyOrder() throws {
        let h = "0x" + String(repeating: "AB", count: 32)
        let json = """
        [ { "removed" : true , "logIndex":"0x0001", "transactionIndex":"0X0", "blockHash":"\(h)", "transactionHash":"\(h)",
            "blockNumber":"0x00", "data":"0xDEADbeef", "topics":[ ], "address":"0x\(String(repeating: "Cd", count: 20))", "extra": {"x":[1,2,{}]} } ]
        """
        let log = try #require(try Log.decodeArray(Array(json.utf8)).first)
        #expect(log.removed)
        #expect(log.logIndex == 1)
        #expect(log.blockNumber == 0)
        #expect(log.data == [0xDE, 0xAD, 0xBE, 0xEF])
        #expect(log.blockHash == (try Hash32(hex: h)))
    }

    /// Each malformed variant of a valid log is rejected with the expected error code.
    @Test(arguments: [
        ("\"blockNumber\":\"0x10\"", "\"blockNumber\":null", JSONParseError.Code.wrongType),
        ("\"blockNumber\":\"0x10\"", "\"blockNumber\":16", .wrongType),
        ("\"blockNumber\":\"0x10\"", "\"blockNumber\":\"0x\"", .invalidHex),
        ("\"blockNumber\":\"0x10\"", "\"blockNumber\":\"10\"", .invalidHex),
        ("\"blockNumber\":\"0x10\"", "\"blockNumber\":\"0x1g\"", .invalidHex),
        ("\"blockNumber\":\"0x10\"", "\"blockNumber\":\"0x10000000000000000\"", .outOfRange),
        ("\"data\":\"0xab\"", "\"data\":\"0xabc\"", .invalidHex),
        ("\"data\":\"0xab\"", "\"data\":\"0xzz\"", .invalidHex),
        ("\"data\":\"0xab\"", "\"data\":\"0xab", .invalidHex),
        ("\"address\":\"0x00000000000000000000000000000000000000aa\"", "\"address\":\"0x000000000000000000000000000000000000aa\"", .outOfRange),
        ("\"address\":\"0x00000000000000000000000000000000000000aa\"", "\"address\":\"0x0000000000000000000000000000000000000000aa\"", .outOfRange),
        ("\"logIndex\":\"0x3\"", "\"logIndex\":\"0x3\",\"logIndex\":\"0x4\"", .duplicateField),
        ("\"logIndex\":\"0x3\",", "", .missingField),
        ("\"topics\":[]", "\"topics\":[\"0x12\"]", .outOfRange),
        ("\"topics\":[]", "\"topics\":[null]", .wrongType),
        ("\"removed\":false", "\"removed\":0", .wrongType),
    ])
    func rejectsMalformedLog(_ find: String, _ replace: String, _ code: JSONParseError.Code) throws {
        let valid = #"[{"address":"0x00000000000000000000000000000000000000aa","topics":[],"data":"0xab","blockNumber":"0x10","blockHash":"0x\#(String(repeating: "1", count: 64))","transactionHash":"0x\#(String(repeating: "2", count: 64))","transactionIndex":"0x0","logIndex":"0x3","removed":false}]"#
        #expect(throws: Never.self) { try Log.decodeArray(Array(valid.utf8)) }
        let broken = valid.replacing(find, with: replace, maxReplacements: 1)
        #expect(broken != valid)
        #expect { try Log.decodeArray(Array(broken.utf8)) } throws: { ($0 as? JSONParseError)?.code == code }
    }

    /// Every proper prefix of a valid response fails (truncated JSON never decodes to fewer logs).
    @Test func everyTruncationFails() throws {
        let bytes = Fixtures.logsArray(Fixtures.logs(count: 3, seed: 11))
        for n in 0..<bytes.count {
            #expect(throws: JSONParseError.self) { try Log.decodeArray(Array(bytes.prefix(n))) }
        }
    }

    @Test func errorNamesFieldAndOffset() {
        let json = #"[{"address":"0x00000000000000000000000000000000000000aa","topics":[],"data":"0x","blockNumber":"0xq"}]"#
        #expect {
            try Log.decodeArray(Array(json.utf8))
        } throws: {
            guard let e = $0 as? JSONParseError else { return false }
            return e.message.contains("log.blockNumber") && e.offset == json.utf8.count - 4
        }
    }

    @Test func filterEncodesTopicsAddressesAndRanges() {
        let a = Address(hi: 0, mid: 0, lo: 0xAA), b = Address(hi: 0, mid: 0, lo: 0xBB)
        let t0 = Hash32(w0: 0, w1: 0, w2: 0, w3: 1), t1 = Hash32(w0: 0, w1: 0, w2: 0, w3: 2)
        let f = LogFilter(range: 16...255, addresses: [a, b], topics: [.oneOf([t0, t1]), .any, .exactly(t1), .any])
        #expect(f.json.text == #"{"fromBlock":"0x10","toBlock":"0xff","address":["\#(a)","\#(b)"],"topics":[["\#(t0)","\#(t1)"],null,"\#(t1)"]}"#)
        let byHash = LogFilter(blocks: .hash(t0), addresses: [a])
        #expect(byHash.json.text == #"{"blockHash":"\#(t0)","address":"\#(a)"}"#)
        let tags = LogFilter(blocks: .range(from: .earliest, to: .finalized))
        #expect(tags.json.text == #"{"fromBlock":"earliest","toBlock":"finalized"}"#)
    }
}
