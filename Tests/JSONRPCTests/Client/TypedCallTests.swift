import EthereumKit
import FaultInjection
import Testing
@testable import JSONRPC

/// Typed `eth_` calls: the exact request each sends and the typed value decoded from a node-shaped reply.
@Suite struct TypedCallTests {
    static let addr = Address(hi: 0x11, mid: 0x22, lo: 0x33)
    static let h = Hash32(w0: 1, w1: 2, w2: 3, w3: 4)

    func run(_ results: [String: String], _ body: (JSONRPCClient, FaultInjectionServer) async throws -> Void) async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let script = FaultScript()
        script.add(TestServers.results(results))
        try await TestServers.with(script: script) { server in
            let client = try TestServers.client([server.url], transport: transport)
            try await body(client, server)
        }
    }

    @Test func scalarsAndState() async throws {
        try await run([
            "eth_chainId": #""0x776562337079""#, "eth_blockNumber": #""0x1b4""#, "eth_gasPrice": #""0x3b9aca00""#,
            "eth_maxPriorityFeePerGas": #""0x59682f00""#, "eth_getBalance": #""0xde0b6b3a7640000""#,
            "eth_getCode": #""0x6080604052""#, "eth_getStorageAt": #""0x000000000000000000000000000000000000000000000000000000000000002a""#,
            "eth_getTransactionCount": #""0x5""#, "eth_estimateGas": #""0x5208""#,
            "eth_sendRawTransaction": #""\#(Self.h)""#,
        ]) { (client: JSONRPCClient, server: FaultInjectionServer) async throws in
            #expect(try await client.chainId() == 131_277_322_940_537)
            #expect(try await client.blockNumber() == 436)
            #expect(try await client.gasPrice() == UInt256(1_000_000_000))
            #expect(try await client.maxPriorityFeePerGas() == UInt256(1_500_000_000))
            #expect(try await client.getBalance(Self.addr, block: .number(5)) == UInt256(1_000_000_000_000_000_000))
            #expect(try await client.getCode(Self.addr) == [0x60, 0x80, 0x60, 0x40, 0x52])
            #expect(try await client.getStorageAt(Self.addr, slot: UInt256(3), block: .canonical(Self.h)) == Hash32(w0: 0, w1: 0, w2: 0, w3: 42))
            #expect(try await client.getTransactionCount(Self.addr) == 5)
            #expect(try await client.estimateGas(CallRequest(from: Self.addr, to: Self.addr, value: UInt256(1))) == 21_000)
            #expect(try await client.sendRawTransaction([0x02, 0xf8]) == Self.h)
            let params = server.requests.flatMap(\.calls).map { "\($0.method) \($0.params)" }
            #expect(params.contains(#"eth_getBalance ["\#(Self.addr)","0x5"]"#))
            #expect(params.contains(#"eth_getStorageAt ["\#(Self.addr)","0x3",{"blockHash":"\#(Self.h)","requireCanonical":true}]"#))
            #expect(params.contains(#"eth_getTransactionCount ["\#(Self.addr)","pending"]"#))
            #expect(params.contains(#"eth_getCode ["\#(Self.addr)","latest"]"#))
            #expect(params.contains(#"eth_sendRawTransaction ["0x02f8"]"#))
            #expect(params.contains(#"eth_estimateGas [{"from":"\#(Self.addr)","to":"\#(Self.addr)","value":"0x1"}]"#))
        }
    }

    @Test func callIsPinnedWithEIP1898AndRevertDataSurfaces() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let script = FaultScript()
        script.add(times: 1, TestServers.results(["eth_call": #""0x00000000000000000000000000000000000000000000000000000000000000ff""#]))
        script.add(TestServers.answer { _ in #""error":{"code":3,"message":"execution reverted: not owner","data":"0x08c379a0"}"# })
        try await TestServers.with(script: script) { server in
            let client = try TestServers.client([server.url], transport: transport)
            let out = try await client.call(to: Self.addr, data: [0x12, 0x34], block: .canonical(Self.h))
            #expect(out.count == 32 && out[31] == 0xff)
            #expect(server.requests[0].calls[0].params == #"[{"to":"\#(Self.addr)","input":"0x1234","data":"0x1234"},{"blockHash":"\#(Self.h)","requireCanonical":true}]"#)
            await #expect { try await client.call(to: Self.addr, data: [], block: .latest) } throws: { error in
                guard let e = error as? JSONRPCError else { return false }
                return e.code == .rpcError && e.rpcCode == 3 && e.revertData == [0x08, 0xc3, 0x79, 0xa0] && !e.isRetryable
            }
            #expect(server.requests.count == 2)  // a revert is not retried
        }
    }

    @Test func logsBlocksTransactionsReceipts() async throws {
        let logs = Fixtures.logs(count: 25, seed: 99)
        let block = Fixtures.blockJSON(number: 0x10, hash: Fixtures.blockHash(0x10), parent: Fixtures.blockHash(0xf),
                                       transactions: "[\(BlockDecodingTests.dynamicFee)]")
        let receipt = #"{"blockHash":"\#(Fixtures.blockHash(0x10))","blockNumber":"0x10","contractAddress":null,"cumulativeGasUsed":"0x5208","effectiveGasPrice":"0x1","from":"0x\#(String(repeating: "03", count: 20))","gasUsed":"0x5208","logs":[],"logsBloom":"0x\#(String(repeating: "00", count: 256))","status":"0x1","to":null,"transactionHash":"\#(Self.h)","transactionIndex":"0x0","type":"0x2"}"#
        try await run([
            "eth_getLogs": String(decoding: Fixtures.logsArray(logs), as: UTF8.self), "eth_getBlockByNumber": block, "eth_getBlockByHash": "null",
            "eth_getTransactionByHash": BlockDecodingTests.dynamicFee, "eth_getTransactionReceipt": receipt,
            "eth_feeHistory": #"{"oldestBlock":"0x1","baseFeePerGas":["0x1","0x2"],"gasUsedRatio":[0.5],"reward":[["0x3"]]}"#,
        ]) { (client: JSONRPCClient, server: FaultInjectionServer) async throws in
            let filter = LogFilter(range: 16...32, addresses: [Self.addr], topics: [.exactly(Self.h)])
            #expect(try await client.getLogs(filter) == logs)
            let full = try #require(try await client.getBlockByNumber(.number(0x10), fullTransactions: true))
            #expect(full.header.number == 0x10 && full.transactions.count == 1)
            let header = try #require(try await client.getBlockHeader(.finalized))
            #expect(header.parentHash == Fixtures.blockHash(0xf))
            #expect(try await client.getBlockByHash(Self.h) == nil)
            #expect(try await client.getTransactionByHash(Self.h)?.nonce == 0x2a)
            #expect(try await client.getTransactionReceipt(Self.h)?.succeeded == true)
            let fees = try await client.feeHistory(blockCount: 1, newest: .latest, rewardPercentiles: [50])
            #expect(fees.reward == [[UInt256(3)]])
            let calls = server.requests.flatMap(\.calls)
            #expect(calls[0].params == #"[{"fromBlock":"0x10","toBlock":"0x20","address":"\#(Self.addr)","topics":["\#(Self.h)"]}]"#)
            #expect(calls[1].params == #"["0x10",true]"#)
            #expect(calls[2].params == #"["finalized",false]"#)
            #expect(calls.last?.params == #"["0x1","latest",[50.0]]"#)
        }
    }

    @Test func genericCallsReturnJSONValues() async throws {
        try await run(["net_version": #""421614""#, "web3_clientVersion": #"{"name":"devnode","v":[1,2]}"#]) { (client: JSONRPCClient, _: FaultInjectionServer) async throws in
            #expect(try await client.send(RPCCall(method: "net_version")) == "421614")
            let v = try await client.send(RPCCall(method: "web3_clientVersion", params: []))
            #expect(v["v"]?[1] == 2)
            await #expect { try await client.send(RPCCall(method: "eth_unknown")) } throws: { ($0 as? JSONRPCError)?.rpcCode == -32601 }
        }
    }
}
