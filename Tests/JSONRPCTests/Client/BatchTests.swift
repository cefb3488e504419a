import FaultInjection
import Synchronization
import Testing
@testable import JSONRPC

@Suite struct BatchTests {
    /// Replies to a batch of eth_getBlockByNumber in reverse order; block 3 is unknown (null) and block 4 is an error.
    static let headers: @Sendable (RecordedRequest) -> FaultAction = { request in
        let items = request.calls.reversed().map { call -> String in
            let hex = call.params.split(separator: "\"")[1]
            let n = UInt64(hex.dropFirst(2), radix: 16) ?? 0
            switch n {
            case 3: return #"{"jsonrpc":"2.0","id":\#(call.id),"result":null}"#
            case 4: return #"{"id":\#(call.id),"jsonrpc":"2.0","error":{"code":-32602,"message":"invalid block"}}"#
            default:
                let block = Fixtures.blockJSON(number: n, hash: Fixtures.blockHash(n), parent: Fixtures.blockHash(n - 1))
                return #"{"result":\#(block),"jsonrpc":"2.0","id":\#(call.id)}"#
            }
        }
        return .respond(.json("[" + items.joined(separator: ",") + "]", gzip: true))
    }

    @Test func matchesOutOfOrderRepliesAndPerItemErrors() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let script = FaultScript()
        script.add(Self.headers)
        try await TestServers.with(script: script) { server in
            let client = try TestServers.client([server.url], transport: transport, maxBatchSize: 4)
            let results = try await client.getBlockHeaders(Array(1...10))
            #expect(results.count == 10)
            for (i, r) in results.enumerated() {
                let n = UInt64(i + 1)
                switch (n, r) {
                case (3, .success(nil)): break
                case (4, .failure(let e)): #expect(e.rpcCode == -32602 && e.method == "eth_getBlockByNumber")
                case (_, .success(let h?)): #expect(h.number == n && h.hash == Fixtures.blockHash(n) && h.parentHash == Fixtures.blockHash(n - 1))
                default: Issue.record("unexpected result for block \(n): \(r)")
                }
            }
            #expect(server.requests.count == 3)  // 4 + 4 + 2
            #expect(server.requests.allSatisfy { $0.isBatch })
            #expect(server.requests.map { $0.calls.count } == [4, 4, 2])
        }
    }

    @Test func resendsOnlyItemsWithRetryableErrors() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let first = Atomic<Bool>(true)
        let script = FaultScript()
        script.add { request in
            let isFirst = first.exchange(false, ordering: .relaxed)
            let parts = request.calls.enumerated().map { k, call -> String in
                if isFirst && k == 1 { return #"{"jsonrpc":"2.0","id":\#(call.id),"error":{"code":-32603,"message":"internal error"}}"# }
                if isFirst && k == 2 { return "" }  // no reply at all for this one
                return #"{"jsonrpc":"2.0","id":\#(call.id),"result":"0x\#(String(k + 10, radix: 16))"}"#
            }.filter { !$0.isEmpty }
            return .respond(.json("[" + parts.joined(separator: ",") + "]"))
        }
        try await TestServers.with(script: script) { server in
            let client = try TestServers.client([server.url], transport: transport)
            let results = try await client.batch([Eth.blockNumber(), Eth.blockNumber(), Eth.blockNumber(), Eth.chainId()])
            let values = results.map { try? $0.get() }
            #expect(values == [10, 10, 11, 13])  // items 1 and 2 were resent as the second batch's items 0 and 1
            #expect(server.requests.map { $0.calls.count } == [4, 2])
        }
    }

    @Test func wholeBatchErrorsAndTransportFailuresThrow() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let script = FaultScript()
        script.add(times: 1, .respond(.json(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"batch too large"}}"#)))
        script.add(.respond(.json("bad gateway", status: 502)))
        try await TestServers.with(script: script) { server in
            let client = try TestServers.client([server.url], transport: transport)
            await #expect { try await client.batch([Eth.chainId(), Eth.chainId()]) } throws: {
                ($0 as? JSONRPCError).map { $0.rpcCode == -32600 && !$0.isRetryable } ?? false
            }
            await #expect { try await client.batch([Eth.chainId()]) } throws: { ($0 as? JSONRPCError)?.httpStatus == 502 }
            #expect(server.requests.count == 1 + 4)
        }
    }

    @Test func unknownOrDuplicateIDsAreMalformed() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let script = FaultScript()
        script.add { request in
            let id = request.calls.first?.id ?? "0"
            return .respond(.json(#"[{"jsonrpc":"2.0","id":\#(id),"result":"0x1"},{"jsonrpc":"2.0","id":\#(id),"result":"0x1"}]"#))
        }
        try await TestServers.with(script: script) { server in
            let client = try TestServers.client([server.url], transport: transport, retry: .never)
            await #expect { try await client.batch([Eth.chainId(), Eth.chainId()]) } throws: {
                ($0 as? JSONRPCError).map { $0.code == .malformedResponse && $0.message.contains("twice") } ?? false
            }
        }
    }

    @Test func emptyBatchSendsNothing() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let client = try TestServers.client(["http://127.0.0.1:1"], transport: transport)
        let results = try await client.batch([RPCCall<JSONValue>]())
        #expect(results.isEmpty)
    }
}
