import Testing
@testable import JSONRPC

/// The endpoint selector's latency samples are the transport's own timing of each exchange, not the time around
/// `await`, which also holds however long the task waited for a thread in a busy process.
@Suite struct EndpointLatencyTests {
    /// Answers every single call with 0x2a and reports `transferTime` as its timing of the exchange.
    struct FixedTimeTransport: HTTPTransport {
        let transferTime: Duration?

        func post(_ request: HTTPRequest) async throws(JSONRPCError) -> HTTPResponse {
            let text = String(decoding: request.body, as: UTF8.self)
            let id = text.split(separator: #""id":"#).dropFirst().first?.prefix { $0.isNumber } ?? "0"
            let body = #"{"jsonrpc":"2.0","id":\#(id),"result":"0x2a"}"#
            return HTTPResponse(status: 200, headers: [], body: Array(body.utf8), transferTime: transferTime)
        }
    }

    static func client(_ transport: some HTTPTransport) throws -> JSONRPCClient {
        try JSONRPCClient(configuration: JSONRPCClientConfiguration(endpoints: [RPCEndpoint("http://127.0.0.1:1")], jitterSeed: 1),
                          logger: .disabled, transport: transport)
    }

    @Test func theTransportsTransferTimeIsTheLatencySample() async throws {
        let client = try Self.client(FixedTimeTransport(transferTime: .microseconds(1_234)))
        #expect(try await client.blockNumber() == 42)
        #expect(client.endpointHealth[0].latency == Duration.microseconds(1_234).seconds)
    }

    @Test func withoutATransferTimeTheWallClockIsUsed() async throws {
        let client = try Self.client(FixedTimeTransport(transferTime: nil))
        #expect(try await client.blockNumber() == 42)
        #expect((client.endpointHealth[0].latency ?? -1) >= 0)
        #expect(client.endpointHealth[0].successes == 1)
    }
}
