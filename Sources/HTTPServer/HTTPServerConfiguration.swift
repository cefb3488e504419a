import Foundation

/// Where the server listens and the limits it enforces. Every limit has a safe default.
public struct HTTPServerConfiguration: Sendable {
    /// The address to bind: an IPv4 or IPv6 literal. Default `127.0.0.1` (loopback only).
    public var host: String = "127.0.0.1"
    /// The TCP port; 0 lets the OS choose (read it back from `HTTPServer.port`).
    public var port: UInt16 = 0
    /// Worker threads, each with its own epoll loop over its share of the connections. Handlers run on these
    /// threads, so a slow handler delays the other connections of its thread. Default: the number of cores (≥ 2).
    public var threads: Int = max(2, ProcessInfo.processInfo.activeProcessorCount)
    /// At most this many open connections; more are refused at accept.
    public var maxConnections: Int = 1024
    /// At most this many open connections from one IP address (0: no per-IP limit).
    public var maxConnectionsPerIP: Int = 256
    /// A connection idle (no bytes received or sent) this many seconds is closed; slow-loris clients included.
    public var connectionTimeoutSeconds: UInt32 = 15
    /// The longest request target (path and query string) in bytes; longer → 414 `uri_too_long`.
    public var maxURLLength: Int = 2048
    /// The most header bytes (names and values) a request may carry; more → 431 `headers_too_large`.
    public var maxHeaderBytes: Int = 8192
    /// The most query parameters a request may carry; more → 400 `too_many_query_parameters`.
    public var maxQueryParameters: Int = 32
    /// The largest request body accepted (0: none; any body → 413 `payload_too_large`). The API is GET-only.
    public var maxBodyBytes: Int = 0
    /// The listen queue length.
    public var listenBacklog: Int = 511

    /// The default configuration: 127.0.0.1, an OS-assigned port, the default limits.
    public init() {}

    /// `host:port`, or `[v6-address]:port`, as `--listen` takes it.
    public var listen: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Sets `host` and `port` from `host:port` or `[v6]:port` (the `--listen` option).
    public mutating func setListen(_ text: String) throws(HTTPServerError) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw HTTPServerError(.invalidConfiguration, "--listen \(text): expected [IPv6]:port, for example [::1]:8080")
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else {
                throw HTTPServerError(.invalidConfiguration, "--listen \(text): expected host:port, for example 127.0.0.1:8080")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard let port = UInt16(portText) else {
            throw HTTPServerError(.invalidConfiguration, "--listen \(text): port \(JSONWriter.quoted(String(portText))) is not a number from 0 to 65535")
        }
        guard SocketAddress(host: String(host), port: port) != nil else {
            throw HTTPServerError(.invalidConfiguration, "--listen \(text): host \(JSONWriter.quoted(String(host))) is not an IPv4 or IPv6 address literal (names are not resolved)")
        }
        self.host = String(host)
        self.port = port
    }

    /// Checks every limit; throws with the field to fix.
    func validate() throws(HTTPServerError) {
        func bad(_ field: String, _ rule: String) -> HTTPServerError {
            HTTPServerError(.invalidConfiguration, "HTTP server configuration: \(field) \(rule)")
        }
        guard (1...1024).contains(threads) else { throw bad("threads = \(threads)", "must be from 1 to 1024") }
        guard maxConnections >= threads, maxConnections <= 1_000_000 else {
            throw bad("maxConnections = \(maxConnections)", "must be from `threads` (\(threads)) to 1000000")
        }
        guard (0...1_000_000).contains(maxConnectionsPerIP) else { throw bad("maxConnectionsPerIP", "must be from 0 to 1000000") }
        guard (16...1_048_576).contains(maxURLLength) else { throw bad("maxURLLength = \(maxURLLength)", "must be from 16 to 1048576") }
        guard (256...1_048_576).contains(maxHeaderBytes) else { throw bad("maxHeaderBytes = \(maxHeaderBytes)", "must be from 256 to 1048576") }
        guard (0...10_000).contains(maxQueryParameters) else { throw bad("maxQueryParameters", "must be from 0 to 10000") }
        guard (0...(64 << 20)).contains(maxBodyBytes) else { throw bad("maxBodyBytes", "must be from 0 to 64 MiB") }
        guard (1...65_535).contains(listenBacklog) else { throw bad("listenBacklog", "must be from 1 to 65535") }
        guard SocketAddress(host: host, port: port) != nil else {
            throw bad("host \(JSONWriter.quoted(host))", "is not an IPv4 or IPv6 address literal")
        }
    }

    /// libmicrohttpd's per-connection memory pool: holds the request line and headers (a request that does not
    /// fit gets MHD's own 414/431) plus read and write buffers. MHD clears the pool between keep-alive requests,
    /// so it is kept no larger than the limits need (16 KiB with the defaults).
    var connectionMemoryLimit: Int { max(16 * 1024, maxURLLength + maxHeaderBytes + 6 * 1024) }
}

/// A failure to configure or start the server.
public struct HTTPServerError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable { case invalidConfiguration, startFailed }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }
        /// A configuration value is out of range or malformed.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The daemon did not start (address in use, permission denied, out of descriptors).
        public static let startFailed = Code(.startFailed)
        public var description: String {
            switch kind {
            case .invalidConfiguration: "invalid configuration"
            case .startFailed: "start failed"
            }
        }
    }

    /// The kind of failure.
    public let code: Code
    /// What went wrong and what to do.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// An IPv4 or IPv6 socket address built from a literal (no name resolution).
struct SocketAddress {
    var storage = sockaddr_storage()
    let isIPv6: Bool

    init?(host: String, port: UInt16) {
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, host, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            isIPv6 = false
            Self.copy(v4, into: &storage)
            return
        }
        var v6 = sockaddr_in6()
        guard inet_pton(AF_INET6, host, &v6.sin6_addr) == 1 else { return nil }
        v6.sin6_family = sa_family_t(AF_INET6)
        v6.sin6_port = port.bigEndian
        isIPv6 = true
        Self.copy(v6, into: &storage)
    }

    private static func copy<T>(_ address: T, into storage: inout sockaddr_storage) {
        withUnsafeMutableBytes(of: &storage) { dst in withUnsafeBytes(of: address) { dst.copyMemory(from: $0) } }
    }
}
