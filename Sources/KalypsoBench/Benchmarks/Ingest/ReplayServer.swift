import EthereumKit
import Foundation
import HTTPServer
import JSONRPC
import Telemetry

/// A JSON-RPC node that replays a `RecordedChain` from memory, over libmicrohttpd: `eth_chainId`,
/// `eth_blockNumber`, `eth_getCode` (non-empty at the contracts), `eth_getLogs` (ranges of pre-serialised logs),
/// `eth_getBlockByNumber` (full or hashes), `eth_call` (the recorded pinned calls; anything else reverts). Batches
/// included. Responses are concatenated bytes: the server costs little next to the client.
final class ReplayServer: Sendable {
    let server: HTTPServer
    let chain: RecordedChain
    var url: String { "http://127.0.0.1:\(server.port)" }

    init(_ chain: RecordedChain) throws {
        self.chain = chain
        var router = Router()
        router.add(HTTPMethod("POST"), "/", OpenAPIOperation(summary: "JSON-RPC", responses: [.json(200, "the reply", .object([]))])) { [chain] request in
            Response(contentType: Response.jsonContentType, body: Self.answer(request.body, chain))
        }
        var configuration = HTTPServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.maxBodyBytes = 16 << 20
        configuration.threads = 2
        server = try HTTPServer(configuration: configuration, router: router, document: OpenAPIDocument(title: "replay", version: "1"),
                                metrics: MetricsRegistry(), logger: .disabled)
    }

    func shutdown() { server.shutdown() }

    static func answer(_ body: [UInt8], _ chain: RecordedChain) -> [UInt8] {
        guard let request = try? JSONValue.parse(body) else { return Array(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error"}}"#.utf8) }
        if let calls = request.arrayValue {
            var out: [UInt8] = [UInt8(ascii: "[")]
            for (i, call) in calls.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                reply(call, chain, into: &out)
            }
            out.append(UInt8(ascii: "]"))
            return out
        }
        var out: [UInt8] = []
        reply(request, chain, into: &out)
        return out
    }

    static func reply(_ call: JSONValue, _ chain: RecordedChain, into out: inout [UInt8]) {
        out += Array(#"{"jsonrpc":"2.0","id":"#.utf8)
        (call["id"] ?? .null).append(to: &out)
        let params = call["params"]?.arrayValue ?? []
        func result(_ bytes: [UInt8]) { out += Array(#","result":"#.utf8); out += bytes; out.append(UInt8(ascii: "}")) }
        func quantity(_ n: UInt64) { result(Array("\"0x\(String(n, radix: 16))\"".utf8)) }
        func error(_ code: Int, _ message: String) {
            out += Array(#","error":{"code":\#(code),"message":"#.utf8)
            JSONValue.appendString(message, to: &out)
            out += Array("}}".utf8)
        }
        switch call["method"]?.stringValue ?? "" {
        case "eth_chainId": quantity(chain.deployment.chainId)
        case "eth_blockNumber": quantity(chain.head)
        case "eth_getCode": result(Array(#""0x6080""#.utf8))
        case "eth_getBlockByNumber":
            guard let tag = params.first?.stringValue else { return error(-32602, "invalid block") }
            let n = tag == "latest" ? chain.head : UInt64(tag.dropFirst(2), radix: 16) ?? .max
            guard let b = chain.blocks[n] else { return result(Array("null".utf8)) }
            result(params.count > 1 && params[1].boolValue == true ? b.full : b.hashesOnly)
        case "eth_getLogs":
            guard let filter = params.first, let from = filter["fromBlock"]?.stringValue.flatMap({ UInt64($0.dropFirst(2), radix: 16) }),
                  let to = filter["toBlock"]?.stringValue.flatMap({ UInt64($0.dropFirst(2), radix: 16) }), from <= to else {
                return error(-32602, "fromBlock/toBlock required")
            }
            result(RecordedChain.logsJSON(chain.blocks, from...min(to, chain.head)))
        case "eth_call":
            guard let request = params.first, let toText = request["to"]?.stringValue, let to = try? Address(toText),
                  let data = request["data"]?.bytesValue ?? request["input"]?.bytesValue,
                  let hashText = params.count > 1 ? params[1]["blockHash"]?.stringValue : nil, let hash = try? Hash32(hex: hashText),
                  let answer = chain.calls[RecordedChain.key(to: to, data: data, blockHash: hash)] else {
                return error(-32000, "execution reverted: not recorded")
            }
            result(answer)
        default:
            error(-32601, "method not found")
        }
    }
}
