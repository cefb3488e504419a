import EthereumKit
import Testing
@testable import JSONRPC

@Suite struct BlockDecodingTests {
    static let h1 = "0x" + String(repeating: "a1", count: 32)
    static let r = "0x5ae5f6b7a0b1c2d3e4f5061728394a5b6c7d8e9fa0b1c2d3e4f5061728394a5b"

    /// Transactions of every type, shaped as geth returns them.
    static let legacy = #"{"blockHash":"\#(h1)","blockNumber":"0x10","from":"0x\#(String(repeating: "01", count: 20))","gas":"0x5208","gasPrice":"0x4a817c800","hash":"0x\#(String(repeating: "b1", count: 32))","input":"0x","nonce":"0x9","to":"0x\#(String(repeating: "02", count: 20))","transactionIndex":"0x0","value":"0xde0b6b3a7640000","type":"0x0","v":"0x1b","r":"\#(r)","s":"0x1"}"#
    static let eip155 = #"{"blockHash":"\#(h1)","blockNumber":"0x10","from":"0x\#(String(repeating: "01", count: 20))","gas":"0x5208","gasPrice":"0x1","hash":"0x\#(String(repeating: "b2", count: 32))","input":"0x","nonce":"0x0","to":"0x\#(String(repeating: "02", count: 20))","transactionIndex":"0x1","value":"0x0","type":"0x0","chainId":"0x776562337079","v":"0xeecac466e115","r":"\#(r)","s":"0x2"}"#
    static let dynamicFee = #"{"blockHash":"\#(h1)","blockNumber":"0x10","from":"0x\#(String(repeating: "03", count: 20))","gas":"0x186a0","gasPrice":"0x3b9aca07","maxFeePerGas":"0x77359400","maxPriorityFeePerGas":"0x7","hash":"0x\#(String(repeating: "b3", count: 32))","input":"0xa9059cbb000000000000000000000000\#(String(repeating: "04", count: 20))0000000000000000000000000000000000000000000000000000000000000001","nonce":"0x2a","to":"0x\#(String(repeating: "05", count: 20))","transactionIndex":"0x2","value":"0x0","type":"0x2","accessList":[{"address":"0x\#(String(repeating: "06", count: 20))","storageKeys":["0x\#(String(repeating: "00", count: 31))01"]}],"chainId":"0x1","v":"0x1","r":"\#(r)","s":"0x3","yParity":"0x1"}"#
    static let creation = #"{"blockHash":"\#(h1)","blockNumber":"0x10","from":"0x\#(String(repeating: "07", count: 20))","gas":"0x1","gasPrice":"0x1","maxFeePerGas":"0x1","maxPriorityFeePerGas":"0x0","hash":"0x\#(String(repeating: "b4", count: 32))","input":"0x6080","nonce":"0x0","to":null,"transactionIndex":"0x3","value":"0x0","type":"0x2","accessList":[],"chainId":"0x1","v":"0x0","r":"\#(r)","s":"0x4","yParity":"0x0"}"#
    static let blob = #"{"blockHash":"\#(h1)","blockNumber":"0x10","from":"0x\#(String(repeating: "08", count: 20))","gas":"0x5208","gasPrice":"0x2","maxFeePerGas":"0x2","maxPriorityFeePerGas":"0x1","maxFeePerBlobGas":"0x3","hash":"0x\#(String(repeating: "b5", count: 32))","input":"0x","nonce":"0x1","to":"0x\#(String(repeating: "09", count: 20))","transactionIndex":"0x4","value":"0x0","type":"0x3","accessList":[],"chainId":"0x1","blobVersionedHashes":["0x01\#(String(repeating: "aa", count: 31))"],"v":"0x0","r":"\#(r)","s":"0x5","yParity":"0x0"}"#
    static let setCode = #"{"blockHash":"\#(h1)","blockNumber":"0x10","from":"0x\#(String(repeating: "0a", count: 20))","gas":"0x5208","gasPrice":"0x2","maxFeePerGas":"0x2","maxPriorityFeePerGas":"0x1","hash":"0x\#(String(repeating: "b6", count: 32))","input":"0x","nonce":"0x1","to":"0x\#(String(repeating: "0b", count: 20))","transactionIndex":"0x5","value":"0x0","type":"0x4","accessList":[],"chainId":"0x1","authorizationList":[{"chainId":"0x1","address":"0x\#(String(repeating: "0c", count: 20))","nonce":"0x7","yParity":"0x1","r":"0x1","s":"0x2"}],"v":"0x1","r":"\#(r)","s":"0x6","yParity":"0x1"}"#

    @Test func decodesHeaderFieldsAndSkipsTransactions() throws {
        let json = Fixtures.blockJSON(number: 0x10, hash: Fixtures.blockHash(0x10), parent: Fixtures.blockHash(0xf),
                                      transactions: "[\(Self.legacy)]")
        let header = try JSONScanner.withScanner(Array(json.utf8)) { (s: inout JSONScanner) throws(JSONParseError) in try BlockHeader.decode(from: &s) }
        #expect(header.number == 0x10)
        #expect(header.hash == Fixtures.blockHash(0x10))
        #expect(header.parentHash == Fixtures.blockHash(0xf))
        #expect(header.timestamp == 1_700_000_016)
        #expect(header.baseFeePerGas == UInt256(1_000_000_000))
        #expect(header.gasLimit == 0x1c9c380)
        #expect(header.gasUsed == 0x5208)
        #expect(header.miner == (try Address("0x95222290dd7278aa3ddd389cc1e1d165cc4bafe5")))
        #expect(header.logsBloom?.count == 256)
        #expect(header.nonce == 0)
        #expect(header.totalDifficulty == UInt256(hex: "0xc70d815d562d3cfa955"))
        #expect(header.blobGasUsed == 0)
        #expect(header.parentBeaconBlockRoot == (try Hash32(hex: "0x" + String(repeating: "cd", count: 32))))
        #expect(header.withdrawalsRoot != nil)
        #expect(header.extraData?.count == 25)
        #expect(header.l1BlockNumber == nil)
    }

    @Test func decodesEveryTransactionType() throws {
        let txs = [Self.legacy, Self.eip155, Self.dynamicFee, Self.creation, Self.blob, Self.setCode].joined(separator: ",")
        let json = Fixtures.blockJSON(number: 0x10, hash: Fixtures.blockHash(0x10), parent: Fixtures.blockHash(0xf), transactions: "[\(txs)]")
        let block = try JSONScanner.withScanner(Array(json.utf8)) { (s: inout JSONScanner) throws(JSONParseError) in try Block.decode(from: &s, fullTransactions: true) }
        guard case .full(let list) = block.transactions else { Issue.record("expected full transactions"); return }
        #expect(list.count == 6)
        #expect(list.map(\.type) == [0, 0, 2, 2, 3, 4])
        #expect(list[0].chainId == nil && list[0].v == UInt256(27) && list[0].value == UInt256(1_000_000_000_000_000_000))
        #expect(list[1].chainId == 0x776562337079 && list[1].v == UInt256(hex: "0xeecac466e115"))
        #expect(list[2].maxFeePerGas == UInt256(2_000_000_000) && list[2].maxPriorityFeePerGas == UInt256(7) && list[2].yParity == 1)
        #expect(list[2].accessList?.first?.storageKeys == [Hash32(w0: 0, w1: 0, w2: 0, w3: 1)])
        #expect(list[2].input.count == 68 && list[2].input.prefix(4) == [0xa9, 0x05, 0x9c, 0xbb])
        #expect(list[2].r == UInt256(hex: Self.r))
        #expect(list[3].to == nil && list[3].input == [0x60, 0x80])
        #expect(list[4].maxFeePerBlobGas == UInt256(3) && list[4].blobVersionedHashes?.count == 1)
        let delegate = try Address("0x" + String(repeating: "0c", count: 20))
        #expect(list[5].authorizationList?.first?.nonce == 7)
        #expect(list[5].authorizationList?.first?.address == delegate)
        #expect(list.allSatisfy { $0.blockHash == (try? Hash32(hex: Self.h1)) && $0.blockNumber == 0x10 })
        #expect(block.transactions.hashes.count == 6)
    }

    @Test func decodesTransactionHashesAndEmptyLists() throws {
        let hashes = "[\"0x\(String(repeating: "c1", count: 32))\",\"0x\(String(repeating: "c2", count: 32))\"]"
        let json = Fixtures.blockJSON(number: 1, hash: Fixtures.blockHash(1), parent: Fixtures.blockHash(0), transactions: hashes)
        let block = try JSONScanner.withScanner(Array(json.utf8)) { (s: inout JSONScanner) throws(JSONParseError) in try Block.decode(from: &s, fullTransactions: false) }
        #expect(block.transactions == .hashes([try Hash32(hex: "0x" + String(repeating: "c1", count: 32)), try Hash32(hex: "0x" + String(repeating: "c2", count: 32))]))
        let empty = Fixtures.blockJSON(number: 1, hash: Fixtures.blockHash(1), parent: Fixtures.blockHash(0))
        let full = try JSONScanner.withScanner(Array(empty.utf8)) { (s: inout JSONScanner) throws(JSONParseError) in try Block.decode(from: &s, fullTransactions: true) }
        #expect(full.transactions == .full([]))
    }

    @Test func rejectsMixedTransactionListAndMissingRequiredFields() {
        let mixed = Fixtures.blockJSON(number: 1, hash: Fixtures.blockHash(1), parent: Fixtures.blockHash(0),
                                       transactions: "[\"0x\(String(repeating: "c1", count: 32))\", \(Self.legacy)]")
        #expect(throws: JSONParseError.self) {
            try JSONScanner.withScanner(Array(mixed.utf8)) { (s: inout JSONScanner) throws(JSONParseError) in try Block.decode(from: &s, fullTransactions: true) }
        }
        let noParent = Fixtures.blockJSON(number: 1, hash: Fixtures.blockHash(1), parent: Fixtures.blockHash(0))
            .replacing("\"parentHash\"", with: "\"parentHashX\"")
        #expect {
            try JSONScanner.withScanner(Array(noParent.utf8)) { (s: inout JSONScanner) throws(JSONParseError) in try BlockHeader.decode(from: &s) }
        } throws: { ($0 as? JSONParseError)?.code == .missingField && "\($0)".contains("parentHash") }
        let noFrom = Self.dynamicFee.replacing("\"from\"", with: "\"sender\"")
        #expect(throws: JSONParseError.self) {
            try JSONScanner.withScanner(Array(noFrom.utf8)) { (s: inout JSONScanner) throws(JSONParseError) in try RPCTransaction.decode(from: &s) }
        }
    }

    @Test func decodesArbitrumL1BlockNumber() throws {
        let json = #"{"number":"0x5","hash":"\#(Fixtures.blockHash(5))","parentHash":"\#(Fixtures.blockHash(4))","timestamp":"0x1","l1BlockNumber":"0x6d1f3e","transactions":[]}"#
        let header = try JSONScanner.withScanner(Array(json.utf8)) { (s: inout JSONScanner) throws(JSONParseError) in try BlockHeader.decode(from: &s) }
        #expect(header.l1BlockNumber == 0x6d1f3e)
        #expect(header.miner == nil && header.baseFeePerGas == nil)
    }

    @Test func decodesReceipt() throws {
        let log = Fixtures.json(Fixtures.logs(count: 1, seed: 3)[0])
        let json = #"{"blockHash":"\#(Self.h1)","blockNumber":"0x10","contractAddress":null,"cumulativeGasUsed":"0x33450","effectiveGasPrice":"0x3b9aca07","from":"0x\#(String(repeating: "03", count: 20))","gasUsed":"0xb411","logs":[\#(log)],"logsBloom":"0x\#(String(repeating: "00", count: 256))","status":"0x1","to":"0x\#(String(repeating: "05", count: 20))","transactionHash":"0x\#(String(repeating: "b3", count: 32))","transactionIndex":"0x2","type":"0x2","gasUsedForL1":"0x10","l1BlockNumber":"0x20"}"#
        let receipt = try JSONScanner.withScanner(Array(json.utf8)) { (s: inout JSONScanner) throws(JSONParseError) in try Receipt.decode(from: &s) }
        #expect(receipt.succeeded)
        #expect(receipt.gasUsed == 0xb411 && receipt.cumulativeGasUsed == 0x33450)
        #expect(receipt.effectiveGasPrice == UInt256(1_000_000_007))
        #expect(receipt.logs == Fixtures.logs(count: 1, seed: 3))
        #expect(receipt.contractAddress == nil && receipt.type == 2)
        #expect(receipt.l1BlockNumber == 0x20 && receipt.gasUsedForL1 == 0x10)
        let failed = json.replacing("\"status\":\"0x1\"", with: "\"status\":\"0x0\"")
        let r2 = try JSONScanner.withScanner(Array(failed.utf8)) { (s: inout JSONScanner) throws(JSONParseError) in try Receipt.decode(from: &s) }
        #expect(!r2.succeeded)
    }

    @Test func decodesFeeHistory() throws {
        let json = try JSONValue.parse(#"{"oldestBlock":"0x10","baseFeePerGas":["0x1","0x2","0x3"],"gasUsedRatio":[0.5,0.25],"reward":[["0x1","0x2"],["0x3","0x4"]],"baseFeePerBlobGas":["0x1","0x1","0x1"],"blobGasUsedRatio":[0,0]}"#)
        let fh = try FeeHistory(json: json)
        #expect(fh.oldestBlock == 16)
        #expect(fh.baseFeePerGas == [UInt256(1), UInt256(2), UInt256(3)])
        #expect(fh.gasUsedRatio == [0.5, 0.25])
        #expect(fh.reward == [[UInt256(1), UInt256(2)], [UInt256(3), UInt256(4)]])
        #expect(fh.blobGasUsedRatio == [0, 0])
        #expect(throws: JSONParseError.self) { try FeeHistory(json: try JSONValue.parse(#"{"oldestBlock":"0x1","baseFeePerGas":[1.5],"gasUsedRatio":[]}"#)) }
    }
}
