import CCurl
import Foundation

/// One worker thread's easy handle; used only on that thread.
final class CurlWorker {
    private var handle: UnsafeMutableRawPointer?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let errorSize = Int(kalypso_curl_error_size())
    private unowned let pool: CurlWorkerPool

    init(pool: CurlWorkerPool) {
        self.pool = pool
        handle = curl_easy_init()
        errorBuffer = .allocate(capacity: errorSize)
        errorBuffer.initialize(repeating: 0, count: errorSize)
    }

    func close() {
        if let handle { curl_easy_cleanup(handle) }
        handle = nil
        errorBuffer.deallocate()
    }

    func run(_ job: CurlJob) {
        job.continuation.resume(returning: perform(job))
    }

    private func perform(_ job: CurlJob) -> Result<HTTPResponse, JSONRPCError> {
        if job.flag.isCancelled { return .failure(.cancelled) }
        guard let h = handle else {
            return .failure(.transport(.transport, "curl_easy_init failed on this worker", retryable: true))
        }
        let request = job.request
        let state = TransferState(maxBytes: request.maxResponseBytes, flag: job.flag)
        let context = Unmanaged.passRetained(state)
        defer { context.release() }
        let opaque = context.toOpaque()

        var headers: UnsafeMutablePointer<curl_slist>?
        for line in ["Content-Type: application/json", "Accept: application/json", "Expect:"] + request.headers.map({ "\($0.0): \($0.1)" }) {
            headers = curl_slist_append(headers, line)
        }
        defer { curl_slist_free_all(headers) }

        errorBuffer[0] = 0
        _ = request.endpoint.unredacted.withCString { kalypso_curl_setopt_str(h, CURLOPT_URL, $0) }
        _ = kalypso_curl_setopt_str(h, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = kalypso_curl_setopt_long(h, CURLOPT_POST, 1)
        _ = kalypso_curl_setopt_slist(h, CURLOPT_HTTPHEADER, headers)
        _ = kalypso_curl_setopt_write_cb(h, CURLOPT_WRITEFUNCTION, curlWriteBody)
        _ = kalypso_curl_setopt_ptr(h, CURLOPT_WRITEDATA, opaque)
        _ = kalypso_curl_setopt_write_cb(h, CURLOPT_HEADERFUNCTION, curlWriteHeader)
        _ = kalypso_curl_setopt_ptr(h, CURLOPT_HEADERDATA, opaque)
        _ = kalypso_curl_setopt_xferinfo_cb(h, curlProgress)
        _ = kalypso_curl_setopt_ptr(h, CURLOPT_XFERINFODATA, opaque)
        _ = kalypso_curl_setopt_long(h, CURLOPT_NOPROGRESS, 0)
        _ = kalypso_curl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = kalypso_curl_setopt_long(h, CURLOPT_TCP_KEEPALIVE, 1)
        _ = kalypso_curl_setopt_long(h, CURLOPT_FOLLOWLOCATION, 0)
        _ = kalypso_curl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout))
        _ = kalypso_curl_setopt_long(h, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout))
        _ = kalypso_curl_setopt_str(h, CURLOPT_ACCEPT_ENCODING, "")
        _ = pool.userAgent.withCString { kalypso_curl_setopt_str(h, CURLOPT_USERAGENT, $0) }
        _ = kalypso_curl_setopt_ptr(h, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer))
        _ = kalypso_curl_setopt_ptr(h, CURLOPT_SHARE, pool.share)

        let code: CURLcode = request.body.withUnsafeBytes { raw in
            _ = kalypso_curl_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(raw.count))
            _ = kalypso_curl_setopt_ptr(h, CURLOPT_POSTFIELDS, raw.baseAddress.map { UnsafeMutableRawPointer(mutating: $0) })
            return curl_easy_perform(h)
        }
        _ = kalypso_curl_setopt_ptr(h, CURLOPT_POSTFIELDS, nil)

        guard code == CURLE_OK else { return .failure(error(code, state: state, request: request, handle: h)) }
        var status = 0
        _ = kalypso_curl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, headers: state.headers, body: state.body))
    }

    private static func milliseconds(_ d: Duration) -> Int { max(1, Int(clamping: d.nanoseconds / 1_000_000)) }

    /// Maps a libcurl failure to a classified, secret-free error.
    private func error(_ code: CURLcode, state: TransferState, request: HTTPRequest, handle h: UnsafeMutableRawPointer) -> JSONRPCError {
        let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        let text = request.endpoint.scrub(detail)
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            var connectTime = 0.0
            _ = kalypso_curl_getinfo_double(h, CURLINFO_CONNECT_TIME, &connectTime)
            let phase = connectTime == 0 ? "connect timeout \(request.connectTimeout.secondsText)" : "total timeout \(request.timeout.secondsText)"
            return .transport(.timeout, "timed out (\(phase)): \(text); the node is slow or unreachable", retryable: true)
        case CURLE_COULDNT_CONNECT:
            return .transport(.connectionFailed, "could not connect: \(text); is the node running and the URL right?", retryable: true)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .transport(.dnsFailure, "DNS lookup failed: \(text); check the host name", retryable: true)
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            return .transport(.connectionReset, "connection reset or closed early: \(text)", retryable: true)
        case CURLE_WRITE_ERROR where state.tooLarge:
            return .transport(.responseTooLarge, "response larger than \(request.maxResponseBytes) bytes; request less data (a smaller block range or batch)", retryable: false)
        case CURLE_ABORTED_BY_CALLBACK:
            return .cancelled
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .transport(.invalidURL, "invalid RPC URL \(request.endpoint.redacted): \(text); use http:// or https://", retryable: false)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS:
            return .transport(.tlsFailure, "TLS failure: \(text); check the certificate or the URL scheme", retryable: false)
        case CURLE_BAD_CONTENT_ENCODING:
            return .malformed("the response's Content-Encoding could not be decoded: \(text)")
        default:
            return .transport(.transport, "transfer failed (curl \(code.rawValue)): \(text)", retryable: true)
        }
    }
}

/// Per-transfer state reached from libcurl's callbacks through an opaque pointer.
final class TransferState {
    var body: [UInt8] = []
    var headers: [(name: String, value: String)] = []
    var tooLarge = false
    let maxBytes: Int
    let flag: CancelFlag

    init(maxBytes: Int, flag: CancelFlag) {
        self.maxBytes = maxBytes
        self.flag = flag
    }
}

private let curlWriteBody: kalypso_curl_write_cb = { ptr, size, count, userdata in
    guard let userdata else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
    let n = size * count
    guard let ptr, n > 0 else { return n }
    guard state.body.count + n <= state.maxBytes else {
        state.tooLarge = true
        return 0
    }
    if state.body.isEmpty { state.body.reserveCapacity(max(n, 64 << 10)) }
    state.body.append(contentsOf: UnsafeRawBufferPointer(start: ptr, count: n))
    return n
}

private let curlWriteHeader: kalypso_curl_write_cb = { ptr, size, count, userdata in
    guard let userdata else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
    let n = size * count
    guard let ptr, n > 0 else { return n }
    let line = String(decoding: UnsafeRawBufferPointer(start: ptr, count: n), as: UTF8.self)
    if line.hasPrefix("HTTP/") {
        state.headers.removeAll()  // a new response (after 1xx or a redirect): keep only the final one's headers
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].lowercased(), value = String(line[line.index(after: colon)...]).trimmingWhitespace
        state.headers.append((name: name, value: value))
        if name == "content-length", let length = Int(value), length > 0 {
            state.body.reserveCapacity(min(length, state.maxBytes))  // one allocation instead of repeated doubling
        }
    }
    return n
}

private let curlProgress: kalypso_curl_xferinfo_cb = { userdata, _, _, _, _ in
    guard let userdata else { return 0 }
    return Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue().flag.isCancelled ? 1 : 0
}
