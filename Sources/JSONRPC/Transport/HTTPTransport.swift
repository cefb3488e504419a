/// One HTTP POST of a JSON body.
public struct HTTPRequest: Sendable {
    /// Where to send it (the transport reads `unredacted`; everything else shows the masked form).
    public var endpoint: RedactedURL
    /// The JSON body.
    public var body: [UInt8]
    /// Extra request headers (`Content-Type: application/json` is always sent).
    public var headers: [(String, String)]
    /// Limit for establishing the connection (TCP + TLS).
    public var connectTimeout: Duration
    /// Limit for the whole exchange, connection included.
    public var timeout: Duration
    /// The largest response body accepted (decompressed); larger bodies fail with `.responseTooLarge`.
    public var maxResponseBytes: Int

    /// Creates a request.
    public init(endpoint: RedactedURL, body: [UInt8], headers: [(String, String)] = [], connectTimeout: Duration = .seconds(5),
                timeout: Duration = .seconds(30), maxResponseBytes: Int = 512 << 20) {
        self.endpoint = endpoint; self.body = body; self.headers = headers
        self.connectTimeout = connectTimeout; self.timeout = timeout; self.maxResponseBytes = maxResponseBytes
    }
}

/// An HTTP response of any status.
public struct HTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Headers of the final response, names lowercased, in order.
    public var headers: [(name: String, value: String)]
    /// The body, decompressed.
    public var body: [UInt8]
    /// How long the exchange itself took, as the transport measured it (connection, request, response), if known.
    /// Unlike a clock read around `post`, it excludes any time the calling task waited for a thread to resume on,
    /// so it describes the endpoint rather than how busy this process is.
    public var transferTime: Duration?

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8], transferTime: Duration? = nil) {
        self.status = status; self.headers = headers; self.body = body; self.transferTime = transferTime
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name == lower }?.value
    }
}

/// Sends HTTP POSTs. `CurlTransport` is the production implementation.
///
/// Implementations throw only `JSONRPCError` with a transport code (`.timeout`, `.connectionFailed`,
/// `.connectionReset`, `.dnsFailure`, `.tlsFailure`, `.transport`, `.cancelled`, `.invalidURL`,
/// `.responseTooLarge`); HTTP error statuses are returned as responses, not thrown.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the response.
    func post(_ request: HTTPRequest) async throws(JSONRPCError) -> HTTPResponse
}
