import EthereumKit
import Foundation
import JSONRPC
import Mirror

/// The recorded chain `Benchmarks/ingest/make_chain.py` writes (see its header for the files), loaded for the
/// ingest and catch-up benchmarks: per block the pre-serialised JSON the replay server sends, and the ranges.
final class RecordedChain: Sendable {
    struct BlockRecordJSON: Sendable {
        let number: UInt64
        let hash: Hash32
        let parentHash: Hash32
        /// `eth_getBlockByNumber(n, true)` result.
        let full: [UInt8]
        /// `eth_getBlockByNumber(n, false)` result (transaction hashes).
        let hashesOnly: [UInt8]
        /// The block's logs as JSON objects joined by commas (no brackets); empty when none.
        let logs: [UInt8]
        let logCount: Int
    }

    let directory: String
    let deployment: KalypsoDeployment
    let head: UInt64
    let logCount: Int
    let rangeSize: UInt64
    /// Blocks by number (startBlock … head).
    let blocks: [UInt64: BlockRecordJSON]
    /// Pinned call results by "to|data|blockHash" (lowercase hex).
    let calls: [String: [UInt8]]
    /// The eth_getLogs result (a JSON array) of each range, in order, with its bounds.
    let ranges: [(range: ClosedRange<UInt64>, body: [UInt8])]

    static func key(to: Address, data: [UInt8], blockHash: Hash32) -> String { "\(to)|\(Hex.encode(data))|\(blockHash)" }

    /// Loads the chain in `directory`; nil with a reason if it is missing or broken.
    static func load(_ directory: String) -> Result<RecordedChain, BenchLoadError> {
        do { return .success(try RecordedChain(directory)) } catch let e as BenchLoadError { return .failure(e) } catch {
            return .failure(BenchLoadError(message: "\(error)"))
        }
    }

    private init(_ directory: String) throws {
        self.directory = directory
        func read(_ name: String) throws -> [UInt8] {
            guard let data = FileManager.default.contents(atPath: "\(directory)/\(name)") else {
                throw BenchLoadError(message: "\(directory)/\(name) is missing: run `make bench` (it writes the recorded chain with Benchmarks/ingest/make_chain.py)")
            }
            return Array(data)
        }
        let meta = try JSONValue.parse(try read("meta.json"))
        func address(_ k: String) throws -> Address { try Address(meta[k]?.stringValue ?? "") }
        guard let chainId = meta["chainId"]?.uint64Value, let start = meta["startBlock"]?.uint64Value, let head = meta["head"]?.uint64Value,
              let logs = meta["logs"]?.uint64Value, let rangeSize = meta["range"]?.uint64Value else {
            throw BenchLoadError(message: "\(directory)/meta.json lacks fields; delete the folder and run make bench again")
        }
        deployment = KalypsoDeployment(chainId: chainId, generatorRegistry: try address("generatorRegistry"),
                                       proofMarketplace: try address("proofMarketplace"), entityKeyRegistry: try address("entityKeyRegistry"),
                                       startBlock: start)
        self.head = head
        self.logCount = Int(logs)
        self.rangeSize = rangeSize

        var blocks: [UInt64: BlockRecordJSON] = [:]
        let text = try read("blocks.jsonl")
        var lineStart = 0
        for i in text.indices where text[i] == UInt8(ascii: "\n") {
            let line = Array(text[lineStart..<i])
            lineStart = i + 1
            let record = try JSONValue.parse(line)
            guard let block = record["block"], let n = block["number"]?.uint64Value, let hashText = block["hash"]?.stringValue,
                  let parentText = block["parentHash"]?.stringValue, let logList = record["logs"]?.arrayValue,
                  case .object(let members)? = Optional(block) else {
                throw BenchLoadError(message: "blocks.jsonl: a line is not a block record")
            }
            let hashesOnly = JSONValue.object(members.map { key, value in
                key == "transactions" ? (key, .array((value.arrayValue ?? []).compactMap { $0["hash"] })) : (key, value)
            })
            var logsText: [UInt8] = []
            for (k, log) in logList.enumerated() {
                if k > 0 { logsText.append(UInt8(ascii: ",")) }
                log.append(to: &logsText)
            }
            blocks[n] = BlockRecordJSON(number: n, hash: try Hash32(hex: hashText), parentHash: try Hash32(hex: parentText),
                                        full: block.encoded, hashesOnly: hashesOnly.encoded, logs: logsText, logCount: logList.count)
        }
        self.blocks = blocks

        var calls: [String: [UInt8]] = [:]
        let callText = try read("calls.jsonl")
        lineStart = 0
        for i in callText.indices where callText[i] == UInt8(ascii: "\n") {
            let record = try JSONValue.parse(Array(callText[lineStart..<i]))
            lineStart = i + 1
            guard let to = record["to"]?.stringValue, let data = record["data"]?.bytesValue, let hash = record["blockHash"]?.stringValue,
                  let result = record["result"]?.stringValue else { continue }
            calls[Self.key(to: try Address(to), data: data, blockHash: try Hash32(hex: hash))] = Array(("\"" + result + "\"").utf8)
        }
        self.calls = calls

        var ranges: [(ClosedRange<UInt64>, [UInt8])] = []
        var from = start
        while from <= head {
            let to = min(head, from + rangeSize - 1)
            ranges.append((from...to, Self.logsJSON(blocks, from...to)))
            from = to + 1
        }
        self.ranges = ranges
    }

    /// The eth_getLogs result for `range`.
    static func logsJSON(_ blocks: [UInt64: BlockRecordJSON], _ range: ClosedRange<UInt64>) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        var first = true
        for n in range {
            guard let b = blocks[n], b.logCount > 0 else { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            out += b.logs
            first = false
        }
        out.append(UInt8(ascii: "]"))
        return out
    }
}

struct BenchLoadError: Error, Sendable { let message: String }
