import EthereumKit

/// Any failure of a JSON-RPC request: transport, HTTP status, JSON-RPC error object, or a malformed response.
///
/// Every error knows whether retrying the same request can help (`isRetryable`). Endpoints appear only in
/// their masked form (`RedactedURL`), so an error can be logged or shown as it is.
public struct JSONRPCError: Error, Sendable, CustomStringConvertible {
    /// The class of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Hashable, Sendable {
            case timeout, connectionFailed = "connection_failed", connectionReset = "connection_reset"
            case dnsFailure = "dns_failure", tlsFailure = "tls_failure", transport, cancelled
            case invalidURL = "invalid_url", httpStatus = "http_status", rpcError = "rpc_error"
            case malformedResponse = "malformed_response", responseTooLarge = "response_too_large"
            case invalidRequest = "invalid_request"
        }
        fileprivate let base: Base
        private init(_ base: Base) { self.base = base }
        /// The connect or total timeout expired.
        public static let timeout = Code(.timeout)
        /// The TCP connection was refused or could not be made.
        public static let connectionFailed = Code(.connectionFailed)
        /// The connection was reset or closed before a complete response (including a truncated body).
        public static let connectionReset = Code(.connectionReset)
        /// The host name did not resolve.
        public static let dnsFailure = Code(.dnsFailure)
        /// The TLS handshake or certificate check failed.
        public static let tlsFailure = Code(.tlsFailure)
        /// Another transport failure.
        public static let transport = Code(.transport)
        /// The calling task was cancelled.
        public static let cancelled = Code(.cancelled)
        /// The endpoint URL is malformed or uses an unsupported scheme.
        public static let invalidURL = Code(.invalidURL)
        /// The server answered with a non-2xx HTTP status.
        public static let httpStatus = Code(.httpStatus)
        /// The server answered with a JSON-RPC error object.
        public static let rpcError = Code(.rpcError)
        /// The body is not the JSON-RPC response expected (truncated or invalid JSON, wrong id, no result).
        public static let malformedResponse = Code(.malformedResponse)
        /// The body exceeded the configured maximum size.
        public static let responseTooLarge = Code(.responseTooLarge)
        /// The request could not be built (a programming or configuration error).
        public static let invalidRequest = Code(.invalidRequest)
        /// A short snake_case name, used as the metrics label.
        public var description: String { base.rawValue }
    }

    /// The class of failure.
    public let code: Code
    /// What failed, where, and what to do; secrets are masked.
    public let message: String
    /// The masked endpoint, if the failure concerns one.
    public var endpoint: String?
    /// The JSON-RPC method, if known.
    public var method: String?
    /// The HTTP status for `.httpStatus`.
    public let httpStatus: Int?
    /// The delay the server asked for (`Retry-After`), if any.
    public let retryAfter: Duration?
    /// The JSON-RPC error code for `.rpcError`.
    public let rpcCode: Int?
    /// The JSON-RPC error message for `.rpcError`.
    public let rpcMessage: String?
    /// The JSON-RPC error `data` member, if present.
    public let rpcData: JSONValue?
    /// Whether the same request may succeed if sent again.
    public let isRetryable: Bool

    init(_ code: Code, _ message: String, retryable: Bool, httpStatus: Int? = nil, retryAfter: Duration? = nil,
         rpcCode: Int? = nil, rpcMessage: String? = nil, rpcData: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.isRetryable = retryable
        self.httpStatus = httpStatus
        self.retryAfter = retryAfter
        self.rpcCode = rpcCode
        self.rpcMessage = rpcMessage
        self.rpcData = rpcData
    }

    /// The revert data of a failed `eth_call` / `eth_estimateGas` (the `data` hex string), if present.
    public var revertData: [UInt8]? { rpcData?.bytesValue }

    /// The metrics label of this error (`timeout`, `http_status`, `rpc_error`, …).
    public var kind: String { code.description }

    public var description: String {
        var parts: [String] = []
        if let method { parts.append(method) }
        if let endpoint { parts.append("at \(endpoint)") }
        return parts.isEmpty ? message : parts.joined(separator: " ") + ": " + message
    }

    /// A copy naming the method and (masked) endpoint, with any secret of `endpoint` scrubbed from the message.
    func at(_ endpoint: RedactedURL?, method: String?) -> JSONRPCError {
        var copy = JSONRPCError(code, endpoint.map { $0.scrub(message) } ?? message, retryable: isRetryable,
                                httpStatus: httpStatus, retryAfter: retryAfter, rpcCode: rpcCode,
                                rpcMessage: rpcMessage.map { endpoint?.scrub($0) ?? $0 }, rpcData: rpcData)
        copy.endpoint = endpoint?.redacted ?? self.endpoint
        copy.method = method ?? self.method
        return copy
    }

    // MARK: - Factories

    /// A transport failure.
    static func transport(_ code: Code, _ message: String, retryable: Bool) -> JSONRPCError {
        JSONRPCError(code, message, retryable: retryable)
    }

    /// A non-2xx HTTP status; 408, 425, 429 and 5xx are retryable.
    static func http(status: Int, retryAfter: Duration?, bodyPreview: String) -> JSONRPCError {
        let retryable = status == 408 || status == 425 || status == 429 || (500...599).contains(status)
        var message = "HTTP status \(status)"
        if status == 429 { message += " (rate limited\(retryAfter.map { "; Retry-After \($0)" } ?? ""))" }
        if status == 401 || status == 403 { message += "; check the API key in the RPC URL" }
        if status == 413 { message += " (request or response too large; use a smaller block range or batch)" }
        if !bodyPreview.isEmpty { message += ": \(bodyPreview)" }
        return JSONRPCError(.httpStatus, message, retryable: retryable, httpStatus: status, retryAfter: retryAfter)
    }

    /// A JSON-RPC error object (possibly sent with a non-2xx HTTP status).
    static func rpc(code: Int, message: String, data: JSONValue?, httpStatus: Int? = nil, retryAfter: Duration? = nil) -> JSONRPCError {
        var retryable = rpcErrorIsRetryable(code: code, message: message, data: data)
        if let status = httpStatus, status == 429 || status == 503 { retryable = true }
        var text = "JSON-RPC error \(code): \(message)"
        if let data, !data.isNull { text += " (data: \(String(data.text.prefix(200))))" }
        if let status = httpStatus { text += " [HTTP \(status)]" }
        return JSONRPCError(.rpcError, text, retryable: retryable, httpStatus: httpStatus, retryAfter: retryAfter,
                            rpcCode: code, rpcMessage: message, rpcData: data)
    }

    /// A copy with `note` appended to the message (for example why retrying stopped).
    func appending(_ note: String) -> JSONRPCError {
        var copy = JSONRPCError(code, message + "; " + note, retryable: isRetryable, httpStatus: httpStatus, retryAfter: retryAfter,
                                rpcCode: rpcCode, rpcMessage: rpcMessage, rpcData: rpcData)
        copy.endpoint = endpoint
        copy.method = method
        return copy
    }

    /// Whether the failure says the endpoint is unhealthy (as opposed to the request being wrong or too large),
    /// so the endpoint selector should count it.
    public var countsAgainstEndpoint: Bool {
        switch code {
        case .timeout, .connectionFailed, .connectionReset, .dnsFailure, .tlsFailure, .transport, .malformedResponse, .invalidURL:
            return true
        case .httpStatus:
            guard let s = httpStatus else { return true }
            return s >= 500 || s == 429 || s == 401 || s == 403 || s == 408
        case .rpcError:
            if let s = httpStatus, s == 429 || s >= 500 { return true }
            return isRetryable && ProviderLimits.rangeLimit(for: self) == nil
        default:
            return false
        }
    }

    /// A response that is not the expected JSON-RPC reply.
    static func malformed(_ message: String, retryable: Bool = true) -> JSONRPCError {
        JSONRPCError(.malformedResponse, message, retryable: retryable)
    }

    /// The calling task was cancelled.
    static let cancelled = JSONRPCError(.cancelled, "the request was cancelled", retryable: false)

    /// Whether a JSON-RPC error is transient: internal errors, rate limits and overload messages are;
    /// invalid requests, reverts and provider range limits (the caller must change the request) are not.
    static func rpcErrorIsRetryable(code: Int, message: String, data: JSONValue?) -> Bool {
        if let hint = ProviderLimits.rangeLimit(code: code, message: message, data: data) {
            return hint.reason == .timeout  // the same range may pass on a less busy node; the caller may shrink it too
        }
        switch code {
        case -32700, -32600, -32601, -32602, 3: return false
        case -32603, 429, -32029: return true
        default: break
        }
        let m = message.lowercased()
        let permanent = ["execution reverted", "revert", "invalid opcode", "out of gas", "insufficient funds",
                         "nonce too low", "already known", "replacement transaction underpriced", "missing trie node",
                         "method not found", "not supported", "unsupported", "invalid argument", "intrinsic gas"]
        if permanent.contains(where: { m.contains($0) }) { return false }
        let transient = ["rate limit", "too many requests", "timeout", "timed out", "header not found", "unknown block",
                         "try again", "temporarily", "busy", "overload", "capacity", "internal error", "unavailable",
                         "limit exceeded", "request failed", "upstream", "syncing", "not ready", "exceeded the quota"]
        if transient.contains(where: { m.contains($0) }) { return true }
        return code == -32005
    }
}
