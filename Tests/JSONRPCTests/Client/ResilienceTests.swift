import FaultInjection
import Synchronization
import Telemetry
import Testing
@testable import JSONRPC

/// Retries, failover, rate-limit replies, malformed bodies and secret masking, end to end over HTTP.
///
/// No assertion depends on how long anything takes: the retry budget, the request timeouts and the
/// breaker's windows are far longer than any run (this suite shares 2 cores and Swift's cooperative pool with every
/// other test target), and waits are for conditions. The time limit only stops a hung test.
@Suite(.timeLimit(.minutes(5))) struct ResilienceTests {
    static let ok = TestServers.results(["eth_blockNumber": #""0x2a""#])

    @Test func retriesServerErrorsThenSucceedsAndRecordsMetrics() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let script = FaultScript()
        // The reset comes first, on a fresh connection: libcurl itself silently resends a request whose *reused*
        // connection turns out dead, so only a fresh one shows the failure to the client.
        script.add(times: 1, .reset)
        script.add(times: 1, .respond(.json("oops", status: 500)))
        script.add(Self.ok)
        let metrics = MetricsRegistry()
        try await TestServers.with(script: script) { server in
            let client = try TestServers.client([server.url], transport: transport, metrics: metrics)
            #expect(try await client.blockNumber() == 42)
            #expect(server.requests.count == 3)
            #expect(metrics.value("jsonrpc_retries_total", labels: [("method", "eth_blockNumber")]) == 2)
            #expect(metrics.value("jsonrpc_errors_total", labels: [("method", "eth_blockNumber"), ("kind", "http_status")]) == 1)
            #expect(metrics.value("jsonrpc_errors_total", labels: [("method", "eth_blockNumber"), ("kind", "connection_reset")]) == 1)
            #expect(metrics.observationCount("jsonrpc_request_duration_seconds", labels: [("method", "eth_blockNumber")]) == 3)
            #expect(metrics.render().contains("jsonrpc_request_duration_seconds_bucket{method=\"eth_blockNumber\",le=\"+Inf\"} 3"))
        }
    }

    @Test func givesUpAfterMaxAttemptsWithTheLastError() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let script = FaultScript()
        script.add(.respond(.json(#"{"jsonrpc":"2.0","id":1,"result":"0x2"#)))  // truncated JSON, every time
        try await TestServers.with(script: script) { server in
            let client = try TestServers.client([server.url], transport: transport)
            await #expect { try await client.blockNumber() } throws: { error in
                guard let e = error as? JSONRPCError else { return false }
                return e.code == .malformedResponse && e.message.contains("gave up after 4 attempts") && e.message.contains("unexpected end")
            }
            #expect(server.requests.count == 4)
        }
    }

    @Test func honoursRetryAfterAndRefusesExcessiveWaits() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let script = FaultScript()
        script.add(times: 1, .respond(.json(#"{"error":"slow down"}"#, status: 429, headers: [("Retry-After", "0")])))
        script.add(times: 1, Self.ok)
        script.add(.respond(.json("", status: 429, headers: [("Retry-After", "3600")])))
        try await TestServers.with(script: script) { server in
            let client = try TestServers.client([server.url], transport: transport)
            #expect(try await client.blockNumber() == 42)
            await #expect { try await client.blockNumber() } throws: { error in
                guard let e = error as? JSONRPCError else { return false }
                return e.httpStatus == 429 && e.retryAfter == .seconds(3600) && e.message.contains("more than the 10 s allowed")
            }
            #expect(server.requests.count == 3)
        }
    }

    @Test func failsOverToAHealthyEndpoint() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 2)
        defer { transport.shutdown() }
        let bad = FaultScript()
        bad.add(.respond(.json("down", status: 503)))
        let good = FaultScript()
        good.add(Self.ok)
        // The choice weighs a failure (rate × failurePenalty) against the healthy endpoint's measured latency; with
        // a penalty of an hour one 503 outweighs any latency a loaded machine can produce.
        let breaker = EndpointSelector.Configuration(failurePenalty: .seconds(3600))
        try await TestServers.with(script: bad) { a in
            try await TestServers.with(script: good) { b in
                let client = try TestServers.client([a.url, b.url], transport: transport, breaker: breaker)
                for _ in 0..<5 { #expect(try await client.blockNumber() == 42) }
                #expect(a.requests.count == 1)  // the first attempt; afterwards the healthy endpoint is preferred
                #expect(b.requests.count == 5)
                let health = client.endpointHealth
                #expect(health[0].failures == 1 && health[1].successes == 5)
            }
        }
    }

    @Test func rateLimitedEndpointIsAvoidedForItsRetryAfter() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let limited = FaultScript()
        limited.add(.respond(.json("", status: 429, headers: [("Retry-After", "3600")])))  // outlasts any run
        let good = FaultScript()
        good.add(Self.ok)
        try await TestServers.with(script: limited) { a in
            try await TestServers.with(script: good) { b in
                let client = try TestServers.client([a.url, b.url], transport: transport)
                for _ in 0..<4 { #expect(try await client.blockNumber() == 42) }
                #expect(a.requests.count == 1)
                #expect(b.requests.count == 4)
                guard case .open = client.endpointHealth[0].state else { Issue.record("endpoint 0 should wait out its Retry-After"); return }
            }
        }
    }

    @Test func circuitOpensAfterRepeatedFailures() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let bad = FaultScript()
        bad.add(.reset)
        let good = FaultScript()
        good.add(Self.ok)
        try await TestServers.with(script: bad) { a in
            try await TestServers.with(script: good) { b in
                let config = JSONRPCClientConfiguration(
                    endpoints: [RPCEndpoint(a.url), RPCEndpoint(b.url)], retry: TestServers.quickRetry,
                    breaker: EndpointSelector.Configuration(failureThreshold: 1, baseCooldown: .seconds(600)), jitterSeed: 3)
                let client = try JSONRPCClient(configuration: config, logger: .disabled, transport: transport)
                for _ in 0..<3 { #expect(try await client.blockNumber() == 42) }
                #expect(a.requests.count == 1)
                guard case .open = client.endpointHealth[0].state else { Issue.record("endpoint 0 should be open"); return }
            }
        }
    }

    @Test func providerRangeLimitsAreNotRetried() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let script = FaultScript()
        script.add(TestServers.answer { _ in #""error":{"code":-32005,"message":"query returned more than 10000 results. Try with this block range [0x10, 0x1f]."}"# })
        try await TestServers.with(script: script) { server in
            let client = try TestServers.client([server.url], transport: transport)
            await #expect { try await client.getLogs(LogFilter(range: 0...1_000)) } throws: { error in
                guard let e = error as? JSONRPCError, let hint = ProviderLimits.rangeLimit(for: e) else { return false }
                return hint.reason == .tooManyResults && hint.suggestedRange == 0x10...0x1f && e.method == "eth_getLogs"
            }
            #expect(server.requests.count == 1)
            #expect(client.endpointHealth[0].failures == 0)  // the endpoint is fine; the request was too big
        }
    }

    @Test func rpcErrorInANon2xxBodyIsReadAsRPCError() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let script = FaultScript()
        script.add { request in
            .respond(.rpcError(id: request.calls.first?.id ?? "null", code: -32602, message: "Log response size exceeded. this block range should work: [0x1, 0x2]", status: 400))
        }
        try await TestServers.with(script: script) { server in
            let client = try TestServers.client([server.url], transport: transport)
            await #expect { try await client.getLogs(LogFilter(range: 0...9)) } throws: { error in
                guard let e = error as? JSONRPCError else { return false }
                return e.code == .rpcError && e.httpStatus == 400 && ProviderLimits.rangeLimit(for: e)?.suggestedRange == 1...2
            }
        }
    }

    @Test func wrongIDIsMalformed() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let script = FaultScript()
        script.add(.respond(.json(#"{"jsonrpc":"2.0","id":999999,"result":"0x1"}"#)))
        try await TestServers.with(script: script) { server in
            let client = try TestServers.client([server.url], transport: transport, retry: .never)
            await #expect { try await client.blockNumber() } throws: {
                ($0 as? JSONRPCError).map { $0.code == .malformedResponse && $0.message.contains("does not match the request id") } ?? false
            }
        }
    }

    @Test func timeoutsAreRetriedThenReported() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let script = FaultScript()
        script.add(times: 1, .hang)
        script.add(Self.ok)
        let metrics = MetricsRegistry()
        try await TestServers.with(script: script) { server in
            // The configured 200 ms ends the hung first attempt; the retry gets a long timeout, so its reply never
            // races that clock.
            let config = JSONRPCClientConfiguration(endpoints: [RPCEndpoint(server.url)], retry: TestServers.quickRetry,
                                                    requestTimeout: .milliseconds(200), jitterSeed: 1)
            let client = try JSONRPCClient(configuration: config, logger: .disabled, metrics: metrics,
                                           transport: LongTimeoutAfterFirstAttempt(transport))
            #expect(try await client.blockNumber() == 42)
            #expect(server.requests.count == 2)
            #expect(metrics.value("jsonrpc_errors_total", labels: [("method", "eth_blockNumber"), ("kind", "timeout")]) == 1)
        }
    }

    @Test func cancellationStopsRetries() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let script = FaultScript()
        script.add(.hang)
        try await TestServers.with(script: script) { server in
            let client = try TestServers.client([server.url], transport: transport, timeout: .seconds(60))
            let task = Task { try await client.blockNumber() }
            #expect(await server.waitForRequests(1))
            task.cancel()
            await #expect { try await task.value } throws: { ($0 as? JSONRPCError)?.code == .cancelled }
            #expect(server.requests.count == 1)
        }
    }

    /// API keys in the path, the query and user info never reach an error, a log line or a metric.
    @Test func secretsNeverLeak() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let script = FaultScript()
        script.add(.respond(.json("internal", status: 500)))
        let sink = CollectingLogSink()
        let logger = Logger(label: "test", level: .trace, sink: sink)
        let metrics = MetricsRegistry()
        try await TestServers.with(script: script) { server in
            let port = server.port
            let secretURL = "http://apiuser:pw-Zz9@127.0.0.1:\(port)/v3/9aa3d95b3bc440fa88ea12eaa4456161?apikey=TopSecret42"
            let client = try TestServers.client([secretURL], transport: transport, logger: logger, metrics: metrics)
            var caught: JSONRPCError?
            do throws(JSONRPCError) { _ = try await client.blockNumber() } catch { caught = error }
            let error = try #require(caught)
            #expect(server.requests.first?.path == "/v3/9aa3d95b3bc440fa88ea12eaa4456161?apikey=TopSecret42")
            #expect(server.requests.first?.header("authorization") != nil)  // credentials were sent, just never shown
            var texts = [error.description, error.message, error.endpoint ?? "", metrics.render()]
            texts += sink.records.map { StreamLogSink.logfmt($0) }
            #expect(sink.records.count >= 3)
            for text in texts {
                for secret in ["9aa3d95b3bc440fa88ea12eaa4456161", "TopSecret42", "pw-Zz9", "apiuser"] {
                    #expect(!text.contains(secret), "secret \(secret) leaked in: \(text)")
                }
            }
            #expect(error.endpoint == "http://***:***@127.0.0.1:\(port)/v3/***?apikey=***")
        }
    }

    @Test func rejectsBadConfiguration() {
        #expect(throws: JSONRPCError.self) { try JSONRPCClient(configuration: JSONRPCClientConfiguration(endpoints: []), logger: .disabled) }
        #expect(throws: JSONRPCError.self) {
            try JSONRPCClient(configuration: JSONRPCClientConfiguration(endpoints: [RPCEndpoint("http://127.0.0.1:1", requestsPerSecond: 0)]),
                              logger: .disabled)
        }
    }

    @Test func rateLimitedEndpointStillServesEveryRequest() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 2)
        defer { transport.shutdown() }
        let script = FaultScript()
        script.add(Self.ok)
        try await TestServers.with(script: script) { server in
            let config = JSONRPCClientConfiguration(endpoints: [RPCEndpoint(server.url, requestsPerSecond: 200, burst: 2)],
                                                    retry: TestServers.quickRetry, jitterSeed: 4)
            let client = try JSONRPCClient(configuration: config, logger: .disabled, transport: transport)
            try await withThrowingTaskGroup(of: UInt64.self) { group in
                for _ in 0..<10 { group.addTask { try await client.blockNumber() } }
                for try await n in group { #expect(n == 42) }
            }
            #expect(server.requests.count == 10)
        }
    }
}
