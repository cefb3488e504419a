import CCurl
import Foundation

/// An easy handle and its error buffer, reused for one transfer after another on the event-loop thread.
final class CurlEasy {
    let handle: UnsafeMutableRawPointer
    let errorBuffer: UnsafeMutablePointer<CChar>
    private var closed = false

    init?() {
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
        let size = Int(kalypso_curl_error_size())
        errorBuffer = .allocate(capacity: size)
        errorBuffer.initialize(repeating: 0, count: size)
    }

    /// Clears every option (and so every pointer into a finished transfer) before the next use.
    func reset() { curl_easy_reset(handle) }

    func close() {
        guard !closed else { return }
        closed = true
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    deinit { close() }
}

/// One transfer in flight: the job, the easy handle running it, the request body and the response as it arrives.
/// libcurl's callbacks reach it through an unretained pointer; the loop's `active` table keeps it alive.
final class CurlTransfer {
    let job: CurlJob
    let easy: CurlEasy
    var body: [UInt8] = []
    var headers: [(name: String, value: String)] = []
    var tooLarge = false
    let maxBytes: Int
    private var requestHeaders: UnsafeMutablePointer<curl_slist>?
    private var requestBody: UnsafeMutableRawBufferPointer?

    init(job: CurlJob, easy: CurlEasy) {
        self.job = job
        self.easy = easy
        maxBytes = job.request.maxResponseBytes
    }

    /// Sets every option of the request on the easy handle.
    func configure(userAgent: String, share: UnsafeMutableRawPointer?) {
        let h = easy.handle
        let request = job.request
        let opaque = Unmanaged.passUnretained(self).toOpaque()
        for line in ["Content-Type: application/json", "Accept: application/json", "Expect:"] + request.headers.map({ "\($0.0): \($0.1)" }) {
            requestHeaders = curl_slist_append(requestHeaders, line)
        }
        // libcurl keeps a pointer to the body (CURLOPT_POSTFIELDS) until the transfer ends: give it a stable copy
        // (at least one byte, so an empty body is still a non-null pointer and never read from stdin).
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, request.body.count), alignment: 1)
        request.body.withUnsafeBytes { raw in
            if let base = raw.baseAddress, let target = buffer.baseAddress { target.copyMemory(from: base, byteCount: raw.count) }
        }
        requestBody = buffer

        easy.errorBuffer[0] = 0
        _ = request.endpoint.unredacted.withCString { kalypso_curl_setopt_str(h, CURLOPT_URL, $0) }
        _ = kalypso_curl_setopt_str(h, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = kalypso_curl_setopt_long(h, CURLOPT_POST, 1)
        _ = kalypso_curl_setopt_slist(h, CURLOPT_HTTPHEADER, requestHeaders)
        _ = kalypso_curl_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
        _ = kalypso_curl_setopt_ptr(h, CURLOPT_POSTFIELDS, buffer.baseAddress)
        _ = kalypso_curl_setopt_write_cb(h, CURLOPT_WRITEFUNCTION, curlWriteBody)
        _ = kalypso_curl_setopt_ptr(h, CURLOPT_WRITEDATA, opaque)
        _ = kalypso_curl_setopt_write_cb(h, CURLOPT_HEADERFUNCTION, curlWriteHeader)
        _ = kalypso_curl_setopt_ptr(h, CURLOPT_HEADERDATA, opaque)
        _ = kalypso_curl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = kalypso_curl_setopt_long(h, CURLOPT_TCP_KEEPALIVE, 1)
        _ = kalypso_curl_setopt_long(h, CURLOPT_FOLLOWLOCATION, 0)
        _ = kalypso_curl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout))
        _ = kalypso_curl_setopt_long(h, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout))
        _ = kalypso_curl_setopt_str(h, CURLOPT_ACCEPT_ENCODING, "")
        _ = userAgent.withCString { kalypso_curl_setopt_str(h, CURLOPT_USERAGENT, $0) }
        _ = kalypso_curl_setopt_ptr(h, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(easy.errorBuffer))
        _ = kalypso_curl_setopt_ptr(h, CURLOPT_SHARE, share)
        _ = kalypso_curl_setopt_cloexec_sockets(h)
    }

    /// Frees what the transfer owned; call after the handle has left the multi handle.
    func detach() {
        _ = kalypso_curl_setopt_slist(easy.handle, CURLOPT_HTTPHEADER, nil)
        _ = kalypso_curl_setopt_ptr(easy.handle, CURLOPT_POSTFIELDS, nil)
        curl_slist_free_all(requestHeaders)
        requestHeaders = nil
        requestBody?.deallocate()
        requestBody = nil
    }

    /// The outcome of the finished transfer (read before the handle is reused).
    func result(_ code: CURLcode) -> Result<HTTPResponse, JSONRPCError> {
        guard code == CURLE_OK else { return .failure(error(code)) }
        var status = 0
        _ = kalypso_curl_getinfo_long(easy.handle, CURLINFO_RESPONSE_CODE, &status)
        var microseconds: curl_off_t = 0
        let timed = kalypso_curl_getinfo_off(easy.handle, CURLINFO_TOTAL_TIME_T, &microseconds) == CURLE_OK
        return .success(HTTPResponse(status: status, headers: headers, body: body,
                                     transferTime: timed ? .microseconds(Int64(microseconds)) : nil))
    }

    private static func milliseconds(_ d: Duration) -> Int { max(1, Int(clamping: d.nanoseconds / 1_000_000)) }

    /// Maps a libcurl failure to a classified, secret-free error.
    private func error(_ code: CURLcode) -> JSONRPCError {
        let request = job.request
        let detail = easy.errorBuffer[0] != 0 ? String(cString: easy.errorBuffer) : String(cString: curl_easy_strerror(code))
        let text = request.endpoint.scrub(detail)
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            var connectTime = 0.0
            _ = kalypso_curl_getinfo_double(easy.handle, CURLINFO_CONNECT_TIME, &connectTime)
            let phase = connectTime == 0 ? "connect timeout \(request.connectTimeout.secondsText)" : "total timeout \(request.timeout.secondsText)"
            return .transport(.timeout, "timed out (\(phase)): \(text); the node is slow or unreachable", retryable: true)
        case CURLE_COULDNT_CONNECT:
            return .transport(.connectionFailed, "could not connect: \(text); is the node running and the URL right?", retryable: true)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .transport(.dnsFailure, "DNS lookup failed: \(text); check the host name", retryable: true)
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            return .transport(.connectionReset, "connection reset or closed early: \(text)", retryable: true)
        case CURLE_WRITE_ERROR where tooLarge:
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

private let curlWriteBody: kalypso_curl_write_cb = { ptr, size, count, userdata in
    guard let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let n = size * count
    guard let ptr, n > 0 else { return n }
    guard transfer.body.count + n <= transfer.maxBytes else {
        transfer.tooLarge = true
        return 0
    }
    if transfer.body.isEmpty { transfer.body.reserveCapacity(max(n, 64 << 10)) }
    transfer.body.append(contentsOf: UnsafeRawBufferPointer(start: ptr, count: n))
    return n
}

private let curlWriteHeader: kalypso_curl_write_cb = { ptr, size, count, userdata in
    guard let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let n = size * count
    guard let ptr, n > 0 else { return n }
    let line = String(decoding: UnsafeRawBufferPointer(start: ptr, count: n), as: UTF8.self)
    if line.hasPrefix("HTTP/") {
        transfer.headers.removeAll()  // a new response (after 1xx or a redirect): keep only the final one's headers
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].lowercased(), value = String(line[line.index(after: colon)...]).trimmingWhitespace
        transfer.headers.append((name: name, value: value))
        if name == "content-length", let length = Int(value), length > 0 {
            transfer.body.reserveCapacity(min(length, transfer.maxBytes))  // one allocation instead of repeated doubling
        }
    }
    return n
}
