import FaultInjection
import Testing
@testable import JSONRPC

/// The libcurl transport against a real HTTP server on 127.0.0.1 (port 0).
///
/// Timeouts are either hang guards far beyond any reply, or meant to fire (against `.hang`); the time limit only
/// stops a hung test.
@Suite(.timeLimit(.minutes(5))) struct CurlTransportTests {
    func request(_ server: FaultInjectionServer, body: String = #"{"jsonrpc":"2.0","id":1,"method":"m","params":[]}"#,
                 timeout: Duration = .seconds(60), maxBytes: Int = 1 << 20) -> HTTPRequest {
        HTTPRequest(endpoint: RedactedURL(server.url + "/rpc"), body: Array(body.utf8), headers: [("X-Test", "1")],
                    connectTimeout: .seconds(60), timeout: timeout, maxResponseBytes: maxBytes)
    }

    @Test func postsJSONAndReturnsStatusHeadersBody() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 2)
        defer { transport.shutdown() }
        let script = FaultScript()
        script.add(.respond(.json(#"{"ok":true}"#, status: 429, headers: [("Retry-After", "7")])))
        try await TestServers.with(script: script) { server in
            let response = try await transport.post(request(server))
            #expect(response.status == 429)
            #expect(response.header("Retry-After") == "7")
            #expect(String(decoding: response.body, as: UTF8.self) == #"{"ok":true}"#)
            #expect(response.transferTime.map { $0 > .zero } == true, "libcurl's own timing of the exchange")
            let seen = try #require(server.requests.first)
            #expect(seen.method == "POST" && seen.path == "/rpc")
            #expect(seen.header("content-type") == "application/json")
            #expect(seen.header("x-test") == "1")
            #expect(seen.header("expect") == nil)
            #expect(seen.bodyText == #"{"jsonrpc":"2.0","id":1,"method":"m","params":[]}"#)
        }
    }

    @Test func decodesGzipAndAdvertisesEncodings() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let payload = String(repeating: #"{"k":"0123456789abcdef"},"#, count: 10_000)
        let script = FaultScript()
        script.add(.respond(.json("[" + payload + "{}]", gzip: true)))
        try await TestServers.with(script: script) { server in
            let response = try await transport.post(request(server))
            #expect(String(decoding: response.body, as: UTF8.self) == "[" + payload + "{}]")
            #expect(server.requests.first?.header("accept-encoding")?.contains("gzip") == true)
        }
    }

    @Test func reusesTheConnection() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let script = FaultScript()
        script.add(.respond(.json("{}")))
        try await TestServers.with(script: script) { server in
            for _ in 0..<5 { _ = try await transport.post(request(server)) }
            #expect(server.requests.count == 5)
            #expect(server.connectionCount == 1)
            #expect(Set(server.requests.map(\.connection)) == [0])
        }
    }

    @Test func concurrentRequestsUseAtMostMaxConnectionsPerHost() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 3)
        defer { transport.shutdown() }
        let script = FaultScript()
        script.add(.delay(.milliseconds(20), then: .respond(.json("{}"))))
        try await TestServers.with(script: script) { server in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<30 { group.addTask { try await transport.post(self.request(server)).status } }
                for try await status in group { #expect(status == 200) }
            }
            #expect(server.requests.count == 30)
            #expect(server.connectionCount <= 3)
        }
    }

    @Test(arguments: [
        (FaultAction.reset, JSONRPCError.Code.connectionReset),
        (.close, .connectionReset),
        (.truncate(.json(#"{"jsonrpc":"2.0","id":1,"result":"0x1"}"#), keepBytes: 10), .connectionReset),
        (.hang, .timeout),
    ])
    func classifiesTransportFailures(_ action: FaultAction, _ code: JSONRPCError.Code) async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let script = FaultScript()
        script.add(action)
        // Only a hang should meet the timeout; the other failures must be seen as they are, however slow the machine.
        let timeout: Duration
        if case .hang = action { timeout = .milliseconds(300) } else { timeout = .seconds(60) }
        try await TestServers.with(script: script) { server in
            await #expect { try await transport.post(request(server, timeout: timeout)) } throws: { error in
                guard let e = error as? JSONRPCError else { return false }
                return e.code == code && e.isRetryable
            }
        }
    }

    @Test func refusedConnection() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        // Bound but not listening, and reserved: unlike a stopped server's port, no parallel test can take it.
        let refused = try RefusedPort()
        defer { refused.close() }
        await #expect {
            try await transport.post(HTTPRequest(endpoint: RedactedURL(refused.url), body: []))
        } throws: { ($0 as? JSONRPCError)?.code == .connectionFailed }
    }

    @Test func invalidURLIsNotRetryable() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        await #expect {
            try await transport.post(HTTPRequest(endpoint: RedactedURL("ftp://example.invalid/x"), body: []))
        } throws: { ($0 as? JSONRPCError).map { $0.code == .invalidURL && !$0.isRetryable } ?? false }
    }

    @Test func capsTheResponseSize() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let script = FaultScript()
        script.add(.respond(.json(String(repeating: " ", count: 5_000) + "{}")))
        try await TestServers.with(script: script) { server in
            await #expect { try await transport.post(request(server, maxBytes: 1_000)) } throws: {
                ($0 as? JSONRPCError).map { $0.code == .responseTooLarge && !$0.isRetryable } ?? false
            }
        }
    }

    @Test func cancellingTheTaskAbortsTheTransfer() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let script = FaultScript()
        script.add(.hang)
        try await TestServers.with(script: script) { server in
            let task = Task { try await transport.post(request(server, timeout: .seconds(3600))) }
            #expect(await server.waitForRequests(1))
            task.cancel()
            await #expect { try await task.value } throws: { ($0 as? JSONRPCError)?.code == .cancelled }
        }
    }

    @Test func shutdownFailsLaterRequests() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        transport.shutdown()
        await #expect { try await transport.post(HTTPRequest(endpoint: RedactedURL("http://127.0.0.1:1"), body: [])) } throws: {
            ($0 as? JSONRPCError)?.code == .cancelled
        }
    }

    /// Requests to a hung endpoint hold only that endpoint's connections: a request to a healthy endpoint goes out
    /// and completes while they hang (a fixed pool of blocking threads would queue it behind them for their whole
    /// timeout), and a request queued for the hung endpoint's only connection is cancelled at once.
    @Test func aHungEndpointDoesNotDelayOthers() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let hung = FaultScript()
        hung.add(.hang)
        let healthy = FaultScript()
        healthy.add(.respond(.json(#"{"ok":true}"#)))
        try await TestServers.with(script: hung) { h in
            try await TestServers.with(script: healthy) { ok in
                let stuck = (0..<3).map { _ in Task { try await transport.post(request(h, timeout: .seconds(3600))) } }
                #expect(await h.waitForRequests(1))
                for _ in 0..<3 {
                    let response = try await transport.post(request(ok))
                    #expect(response.status == 200)
                }
                #expect(h.requests.count == 1, "one connection to the hung endpoint; the other two requests wait for it")
                #expect(h.connectionCount == 1)
                for task in stuck { task.cancel() }
                for task in stuck {
                    await #expect { try await task.value } throws: { ($0 as? JSONRPCError)?.code == .cancelled }
                }
            }
        }
    }

    @Test func shutdownAbortsTransfersInFlight() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        let script = FaultScript()
        script.add(.hang)
        try await TestServers.with(script: script) { server in
            let task = Task { try await transport.post(request(server, timeout: .seconds(3600))) }
            #expect(await server.waitForRequests(1))
            transport.shutdown()
            await #expect { try await task.value } throws: { ($0 as? JSONRPCError)?.code == .cancelled }
        }
    }
}
