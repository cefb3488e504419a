import FaultInjection
import Foundation
@testable import JSONRPC
import Telemetry

/// Starting and always stopping local servers and clients in tests.
enum TestServers {
    /// Runs `body` with a fault-injection server on 127.0.0.1:0, stopping it afterwards whatever happens.
    @discardableResult
    static func with<T>(upstream: String? = nil, script: FaultScript, _ body: (FaultInjectionServer) async throws -> T) async throws -> T {
        let server = try FaultInjectionServer(upstream: upstream, script: script)
        do {
            let result = try await body(server)
            server.stop()
            return result
        } catch {
            server.stop()
            throw error
        }
    }

    /// An action that answers every JSON-RPC call in the request (single or batch) with `reply(call)`, which returns
    /// the raw JSON of `"result":…` or `"error":…` content (a full member, e.g. `"result":"0x1"`).
    static func answer(_ reply: @escaping @Sendable (RPCCallInfo) -> String) -> @Sendable (RecordedRequest) -> FaultAction {
        { request in
            let parts = request.calls.map { call in #"{"jsonrpc":"2.0","id":\#(call.id),\#(reply(call))}"# }
            return .respond(.json(request.isBatch ? "[" + parts.joined(separator: ",") + "]" : parts.first ?? "{}"))
        }
    }

    /// Answers by method name with fixed result JSON.
    static func results(_ byMethod: [String: String]) -> @Sendable (RecordedRequest) -> FaultAction {
        answer { call in
            if let r = byMethod[call.method] { return #""result":\#(r)"# }
            return #""error":{"code":-32601,"message":"the method \#(call.method) does not exist"}"#
        }
    }

    /// Fast retries for tests.
    static let quickRetry = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5), maxElapsed: .seconds(20),
                                        maxRetryAfter: .seconds(10))

    /// A client over `urls` with a shared transport.
    static func client(_ urls: [String], transport: CurlTransport, retry: RetryPolicy = quickRetry, logger: Logger = .disabled,
                       metrics: MetricsRegistry? = nil, maxBatchSize: Int = 100, timeout: Duration = .seconds(10)) throws -> JSONRPCClient {
        try JSONRPCClient(configuration: JSONRPCClientConfiguration(endpoints: urls.map { RPCEndpoint($0) }, retry: retry,
                                                                    requestTimeout: timeout, maxBatchSize: maxBatchSize, jitterSeed: 1),
                          logger: logger, metrics: metrics, transport: transport)
    }

    /// Waits (without a fixed sleep) until `condition` holds, checking every 5 ms, for at most `limit`.
    static func waitUntil(_ limit: Duration = .seconds(10), _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while !condition() {
            if ContinuousClock.now > deadline { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }
}
