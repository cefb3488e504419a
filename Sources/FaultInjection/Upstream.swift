import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A one-shot HTTP/1.1 client for forwarding to a plain-http upstream (a local devnode).
enum Upstream {
    /// POSTs `body` to `url` and returns the response, or a 502 describing the failure.
    static func post(_ url: String, body: [UInt8], stopFD: Int32) -> CannedResponse {
        guard let target = parse(url) else { return failure("upstream URL \(url) is not http://host:port[/path]") }
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var info: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(target.host, String(target.port), &hints, &info) == 0, let first = info else {
            return failure("cannot resolve upstream host \(target.host)")
        }
        defer { freeaddrinfo(info) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), first.pointee.ai_protocol)
        guard fd >= 0 else { return failure("socket() failed") }
        defer { close(fd) }
        guard connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            return failure("cannot connect to upstream \(target.host):\(target.port) (errno \(errno))")
        }
        let io = SocketIO(fd: fd, stopFD: stopFD)
        let head = "POST \(target.path) HTTP/1.1\r\nHost: \(target.host):\(target.port)\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        guard io.write(Array(head.utf8) + body) else { return failure("upstream closed while sending") }
        var buffer: [UInt8] = []
        while true {
            guard case .ready = io.waitReadable(timeout: .seconds(120)) else { return failure("upstream did not answer in time") }
            if io.read(into: &buffer) <= 0 { break }
            if let done = complete(buffer) { return done }
        }
        return complete(buffer, closed: true) ?? failure("upstream closed the connection before a full response")
    }

    /// The response in `buffer` if it is complete (by Content-Length, chunked, or connection close).
    static func complete(_ buffer: [UInt8], closed: Bool = false) -> CannedResponse? {
        guard let end = HTTPWire.endOfHead(buffer), let head = HTTPWire.parseHead(buffer[..<(end - 4)]),
              let status = Int(head.target) else { return nil }
        let headers = head.headers.filter { !["content-length", "transfer-encoding", "connection", "content-encoding"].contains($0.name) }
            .map { ($0.name, $0.value) }
        if head.header("transfer-encoding")?.lowercased().contains("chunked") == true {
            var bad = false
            guard let (body, _) = HTTPWire.dechunk(buffer[end...], error: &bad) else { return nil }
            return CannedResponse(status: status, headers: headers, body: body)
        }
        if let length = head.header("content-length").flatMap({ Int($0) }) {
            guard buffer.count - end >= length else { return nil }
            return CannedResponse(status: status, headers: headers, body: Array(buffer[end..<end + length]))
        }
        return closed ? CannedResponse(status: status, headers: headers, body: Array(buffer[end...])) : nil
    }

    static func failure(_ message: String) -> CannedResponse {
        .json(#"{"error":\#(RecordedRequest.text(message))}"#, status: 502)
    }

    static func parse(_ url: String) -> (host: String, port: Int, path: String)? {
        guard url.hasPrefix("http://") else { return nil }
        let rest = url.dropFirst(7)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        let path = slash == rest.endIndex ? "/" : String(rest[slash...])
        let parts = authority.split(separator: ":")
        guard let host = parts.first, !host.isEmpty else { return nil }
        let port = parts.count > 1 ? Int(parts[1]) : 80
        guard let port else { return nil }
        return (String(host), port, path)
    }
}
