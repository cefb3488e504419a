import FaultInjection
import Testing
@testable import JSONRPC

/// The fault-injection server as a proxy in front of an upstream node (here another local server).
@Suite struct FaultProxyTests {
    @Test func forwardsAndRewritesUpstreamReplies() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let node = FaultScript()
        node.add(TestServers.results(["eth_blockNumber": #""0x64""#, "eth_chainId": #""0x1""#]))
        try await TestServers.with(script: node) { upstream in
            let proxy = FaultScript(fallback: { _ in .forward })
            // A head that goes backwards: the proxy rewrites one eth_blockNumber reply.
            proxy.add(times: 1, when: FaultScript.method("eth_blockNumber"), .forwardTransformed { response in
                var r = response
                r.body = Array(r.bodyText.replacing("0x64", with: "0x63").utf8)
                return r
            })
            proxy.add(times: 1, when: FaultScript.method("eth_chainId"), .delay(.milliseconds(10), then: .respond(.json("{}", status: 500))))
            try await TestServers.with(upstream: upstream.url, script: proxy) { server in
                let client = try TestServers.client([server.url], transport: transport)
                #expect(try await client.blockNumber() == 0x63)
                #expect(try await client.blockNumber() == 0x64)
                #expect(try await client.chainId() == 1)  // 500 injected once, then forwarded
                #expect(server.requests.count == 4)
                #expect(upstream.requests.count == 3)
                #expect(upstream.requests.map(\.bodyText) == [server.requests[0], server.requests[1], server.requests[3]].map(\.bodyText))
            }
        }
    }

    @Test func forwardingToAMissingUpstreamIsA502() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        try await TestServers.with(upstream: "http://127.0.0.1:1", script: FaultScript(fallback: { _ in .forward })) { server in
            let response = try await transport.post(HTTPRequest(endpoint: RedactedURL(server.url), body: Array("{}".utf8)))
            #expect(response.status == 502)
        }
    }

    @Test func gzipIsValidForAnyLength() {
        // Stored blocks are at most 65,535 bytes: cover 0, one block, and several blocks.
        for n in [0, 1, 65_535, 65_536, 200_000] {
            let data = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let gz = Gzip.storedEncode(data)
            #expect(gz.prefix(3) == [0x1F, 0x8B, 0x08])
            #expect(gz.count == 10 + 5 * max(1, (n + 65_534) / 65_535) + n + 8)
        }
        #expect(Gzip.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
    }
}
