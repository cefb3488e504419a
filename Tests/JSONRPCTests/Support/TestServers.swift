import FaultInjection
import Foundation
import Synchronization
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

    /// Fast retries for tests: `maxAttempts` is what ends them.
    ///
    /// The elapsed budget is wall-clock time from a request's first attempt, and it also runs while the request's
    /// task waits for a thread: the whole package's tests share Swift's cooperative pool (one thread per core), and
    /// CPU-heavy tests in other targets hold it for tens of seconds on a loaded 2-core machine. A test that counts
    /// attempts must not depend on that, so the budget is far beyond any run (it is unit-tested in RetryPolicyTests).
    static let quickRetry = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5), maxElapsed: .seconds(600),
                                        maxRetryAfter: .seconds(10))

    /// A client over `urls` with a shared transport. The request timeout only guards against a hang: a reply from
    /// a local server never comes near it, however busy the machine.
    static func client(_ urls: [String], transport: CurlTransport, retry: RetryPolicy = quickRetry,
                       breaker: EndpointSelector.Configuration = .init(), logger: Logger = .disabled,
                       metrics: MetricsRegistry? = nil, maxBatchSize: Int = 100, timeout: Duration = .seconds(60)) throws -> JSONRPCClient {
        try JSONRPCClient(configuration: JSONRPCClientConfiguration(endpoints: urls.map { RPCEndpoint($0) }, retry: retry, breaker: breaker,
                                                                    requestTimeout: timeout, maxBatchSize: maxBatchSize, jitterSeed: 1),
                          logger: logger, metrics: metrics, transport: transport)
    }
}

/// A transport that gives every attempt after the first a long timeout: a test of timeouts makes the first attempt
/// hang and time out, and the retry that follows must then not race a short clock (its reply needs the server's
/// threads to be scheduled, which on a loaded machine can take longer than the short timeout).
final class LongTimeoutAfterFirstAttempt: HTTPTransport {
    private let base: any HTTPTransport
    private let attempts = Mutex(0)

    init(_ base: any HTTPTransport) { self.base = base }

    func post(_ request: HTTPRequest) async throws(JSONRPCError) -> HTTPResponse {
        var request = request
        let n = attempts.withLock { n -> Int in
            n += 1
            return n
        }
        if n > 1 { request.timeout = .seconds(60) }
        return try await base.post(request)
    }
}
