import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One JSON-RPC call inside a request body.
public struct RPCCallInfo: Sendable, Hashable {
    /// The `id` as raw JSON text (`1`, `"a"`), to echo in a reply.
    public let id: String
    /// The method name.
    public let method: String
    /// The `params` as raw JSON text (`[]` if absent).
    public let params: String
}

/// A request the server received.
public struct RecordedRequest: Sendable {
    /// Arrival order over the server's lifetime, from 0.
    public let sequence: Int
    /// The TCP connection it came on, in accept order from 0 (equal values mean a reused connection).
    public let connection: Int
    /// The HTTP method.
    public let method: String
    /// The request target (path and query).
    public let path: String
    /// Headers, names lowercased, in order.
    public let headers: [(name: String, value: String)]
    /// The body.
    public let body: [UInt8]

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name == lower }?.value
    }

    /// The body as UTF-8 text.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// Whether the body is a JSON array (a JSON-RPC batch).
    public var isBatch: Bool { body.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 } == UInt8(ascii: "[") }

    /// The JSON-RPC calls in the body (one, or several for a batch), with `id` and `params` exactly as sent;
    /// empty if the body is not JSON-RPC.
    public var calls: [RPCCallInfo] {
        guard let top = RawJSON.value(body, from: 0) else { return [] }
        let objects = body[top.lowerBound] == UInt8(ascii: "[") ? RawJSON.elements(body, top) : [top]
        return objects.compactMap { span in
            let members = RawJSON.members(body, span)
            func raw(_ key: String) -> String? {
                members.first { $0.0 == key }.map { String(decoding: body[$0.1], as: UTF8.self) }
            }
            guard let m = raw("method"), m.count >= 2, m.hasPrefix("\"") else { return nil }
            return RPCCallInfo(id: raw("id") ?? "null", method: String(m.dropFirst().dropLast()), params: raw("params") ?? "[]")
        }
    }

    /// The method of the first call (nil if not JSON-RPC).
    public var rpcMethod: String? { calls.first?.method }

    static func text(_ value: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes]) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Blocking socket helpers with a stop pipe, so every wait ends promptly when the server stops.
struct SocketIO {
    let fd: Int32
    let stopFD: Int32

    enum Wait { case ready, stopped, timedOut, hangup }

    /// Waits until `fd` is readable, the server stops, or `timeout` (nil: forever) passes.
    func waitReadable(timeout: Duration?) -> Wait {
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: stopFD, events: Int16(POLLIN), revents: 0)]
        let deadline = timeout.map { ContinuousClock.now + $0 }
        while true {
            var ms: Int32 = -1
            if let deadline {
                let left = ContinuousClock.now.duration(to: deadline)
                if left <= .zero { return .timedOut }
                let (s, a) = left.components
                ms = Int32(clamping: s * 1000 + a / 1_000_000_000_000_000 + 1)
            }
            let r = poll(&fds, 2, ms)
            if r < 0 { if errno == EINTR { continue }; return .stopped }
            if r == 0 { continue }
            if fds[1].revents != 0 { return .stopped }
            if fds[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 { return .ready }
        }
    }

    /// Sleeps for `duration` unless the server stops or the peer hangs up first; true if the full time passed.
    func pause(_ duration: Duration) -> Bool {
        let deadline = ContinuousClock.now + duration
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            if left <= .zero { return true }
            switch waitReadable(timeout: left) {
            case .timedOut: return true
            case .stopped, .hangup: return false
            case .ready:
                var byte: UInt8 = 0
                let n = recv(fd, &byte, 1, Int32(MSG_PEEK))
                if n <= 0 { return false }  // the client closed (for example its timeout fired)
                // Unexpected early data (pipelining): keep it queued and keep waiting.
                if case .stopped = waitReadableOrStop(remaining: deadline) { return false }
                return true
            }
        }
    }

    private func waitReadableOrStop(remaining deadline: ContinuousClock.Instant) -> Wait {
        var fds = [pollfd(fd: stopFD, events: Int16(POLLIN), revents: 0)]
        let left = ContinuousClock.now.duration(to: deadline)
        let (s, a) = left.components
        let r = poll(&fds, 1, max(0, Int32(clamping: s * 1000 + a / 1_000_000_000_000_000)))
        return r > 0 ? .stopped : .timedOut
    }

    /// Reads what is available (after `waitReadable`); 0 means the peer closed.
    func read(into buffer: inout [UInt8]) -> Int {
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n > 0 { buffer.append(contentsOf: chunk[0..<n]) }
        return n
    }

    /// Writes all of `bytes`; false if the peer is gone.
    @discardableResult
    func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return send(fd, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// Closes with a TCP RST instead of a FIN.
    func reset() {
        var l = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, socklen_t(MemoryLayout<linger>.size))
    }
}

/// HTTP/1.1 message parsing and formatting.
enum HTTPWire {
    struct Head {
        var method: String
        var target: String
        var version: String
        var headers: [(name: String, value: String)]
        func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
    }

    static let headEnd: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A]

    /// The index just after `\r\n\r\n` in `buffer`, if present.
    static func endOfHead(_ buffer: [UInt8]) -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4) where buffer[i] == 0x0D && buffer[i + 1] == 0x0A && buffer[i + 2] == 0x0D && buffer[i + 3] == 0x0A {
            return i + 4
        }
        return nil
    }

    /// Parses a request or status line plus headers.
    static func parseHead(_ bytes: ArraySlice<UInt8>) -> Head? {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        guard !lines.isEmpty else { return nil }
        let first = lines.removeFirst().split(separator: " ", maxSplits: 2).map(String.init)
        guard first.count >= 2 else { return nil }
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            headers.append((name: line[..<colon].lowercased(), value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return Head(method: first[0], target: first[1], version: first.count > 2 ? first[2] : "", headers: headers)
    }

    /// Decodes a chunked body that is complete in `bytes`; nil if more bytes are needed, or on a syntax error
    /// (`error` set).
    static func dechunk(_ bytes: ArraySlice<UInt8>, error: inout Bool) -> (body: [UInt8], consumed: Int)? {
        var body: [UInt8] = []
        var i = bytes.startIndex
        while true {
            guard let lineEnd = bytes[i...].firstIndex(of: 0x0D), lineEnd + 1 < bytes.endIndex else { return nil }
            let sizeText = String(decoding: bytes[i..<lineEnd], as: UTF8.self).split(separator: ";").first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { error = true; return nil }
            i = lineEnd + 2
            if size == 0 {
                // Skip trailers up to the blank line.
                while true {
                    guard let e = bytes[i...].firstIndex(of: 0x0D), e + 1 < bytes.endIndex else { return nil }
                    let empty = e == i
                    i = e + 2
                    if empty { return (body, i - bytes.startIndex) }
                }
            }
            guard i + size + 2 <= bytes.endIndex else { return nil }
            body.append(contentsOf: bytes[i..<i + size])
            i += size + 2
        }
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 404: return "Not Found"
        case 408: return "Request Timeout"
        case 413: return "Payload Too Large"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return "Status"
        }
    }
}
