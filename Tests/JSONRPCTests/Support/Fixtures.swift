import EthereumKit
import Foundation
@testable import JSONRPC

/// Deterministic synthetic JSON-RPC payloads (generated, never committed as big files).
enum Fixtures {
    static func hash(_ rng: inout SplitMix64) -> Hash32 { Hash32(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next()) }
    static func address(_ rng: inout SplitMix64) -> Address { Address(hi: UInt32(truncatingIfNeeded: rng.next()), mid: rng.next(), lo: rng.next()) }

    /// `count` logs with 0–4 topics and 0–160 bytes of data, in the key order geth uses.
    static func logs(count: Int, seed: UInt64, topics fixedTopics: Int? = nil, dataBytes: Int? = nil) -> [Log] {
        var rng = SplitMix64(seed: seed)
        var out: [Log] = []
        out.reserveCapacity(count)
        var block: UInt64 = 1_000_000
        var blockHash = hash(&rng)
        var logIndex: UInt64 = 0
        for _ in 0..<count {
            if rng.next() % 4 == 0 {
                block += 1 + rng.next() % 3
                blockHash = hash(&rng)
                logIndex = 0
            }
            let topicCount = fixedTopics ?? Int(rng.next() % 5)
            let dataCount = dataBytes ?? Int(rng.next() % 161)
            out.append(Log(address: address(&rng), topics: (0..<topicCount).map { _ in hash(&rng) },
                           data: (0..<dataCount).map { _ in UInt8(truncatingIfNeeded: rng.next()) },
                           blockNumber: block, blockHash: blockHash, transactionHash: hash(&rng),
                           transactionIndex: rng.next() % 200, logIndex: logIndex, removed: false))
            logIndex += 1
        }
        return out
    }

    /// One log object as JSON text.
    static func json(_ log: Log) -> String {
        let topics = log.topics.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"address":"\#(log.address)","topics":[\#(topics)],"data":"\#(Hex.encode(log.data))","blockNumber":"0x\#(String(log.blockNumber, radix: 16))","transactionHash":"\#(log.transactionHash)","transactionIndex":"0x\#(String(log.transactionIndex, radix: 16))","blockHash":"\#(log.blockHash)","logIndex":"0x\#(String(log.logIndex, radix: 16))","removed":\#(log.removed)}"#
    }

    /// A JSON array of logs as bytes.
    static func logsArray(_ logs: [Log]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (i, l) in logs.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: json(l).utf8)
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// A full `eth_getLogs` response.
    static func getLogsResponse(_ logs: [Log], id: Int = 1) -> [UInt8] {
        Array(#"{"jsonrpc":"2.0","id":\#(id),"result":"#.utf8) + logsArray(logs) + Array("}".utf8)
    }

    /// Reference decoding through Foundation (slow, independent of the scanner).
    static func referenceLogs(_ bytes: [UInt8]) throws -> [Log] {
        guard let array = try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]] else { throw FixtureError() }
        return try array.map { o in
            func q(_ k: String) throws -> UInt64 {
                guard let s = o[k] as? String, let v = UInt256(hex: s)?.uint64 else { throw FixtureError() }
                return v
            }
            func h(_ k: String) throws -> Hash32 {
                guard let s = o[k] as? String else { throw FixtureError() }
                return try Hash32(hex: s)
            }
            guard let address = o["address"] as? String, let topics = o["topics"] as? [String], let data = o["data"] as? String else {
                throw FixtureError()
            }
            return Log(address: try Address(address), topics: try topics.map { try Hash32(hex: $0) }, data: try Hex.decode(data),
                       blockNumber: try q("blockNumber"), blockHash: try h("blockHash"), transactionHash: try h("transactionHash"),
                       transactionIndex: try q("transactionIndex"), logIndex: try q("logIndex"), removed: o["removed"] as? Bool ?? false)
        }
    }

    struct FixtureError: Error {}

    /// A geth-style block header object (post-Cancun fields) as JSON text; `transactions` is spliced in.
    static func blockJSON(number: UInt64, hash: Hash32, parent: Hash32, transactions: String = "[]") -> String {
        #"""
        {"baseFeePerGas":"0x3b9aca00","blobGasUsed":"0x0","difficulty":"0x0","excessBlobGas":"0x0",
         "extraData":"0xd883010e06846765746888676f312e32322e34856c696e7578","gasLimit":"0x1c9c380","gasUsed":"0x5208",
         "hash":"\#(hash)","logsBloom":"0x\#(String(repeating: "00", count: 256))",
         "miner":"0x95222290dd7278aa3ddd389cc1e1d165cc4bafe5","mixHash":"0x\#(String(repeating: "ab", count: 32))",
         "nonce":"0x0000000000000000","number":"0x\#(String(number, radix: 16))","parentBeaconBlockRoot":"0x\#(String(repeating: "cd", count: 32))",
         "parentHash":"\#(parent)","receiptsRoot":"0x\#(String(repeating: "01", count: 32))",
         "sha3Uncles":"0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347","size":"0x2d7",
         "stateRoot":"0x\#(String(repeating: "02", count: 32))","timestamp":"0x\#(String(1_700_000_000 + number, radix: 16))",
         "totalDifficulty":"0xc70d815d562d3cfa955","transactions":\#(transactions),
         "transactionsRoot":"0x\#(String(repeating: "03", count: 32))","uncles":[],"withdrawals":[{"index":"0x1","validatorIndex":"0x2","address":"0x\#(String(repeating: "11", count: 20))","amount":"0x3"}],
         "withdrawalsRoot":"0x\#(String(repeating: "04", count: 32))"}
        """#
    }

    /// Block hash for a synthetic block number (so parents link).
    static func blockHash(_ n: UInt64) -> Hash32 { Hash32(w0: 0xB10C, w1: 0, w2: 0, w3: n) }
}
