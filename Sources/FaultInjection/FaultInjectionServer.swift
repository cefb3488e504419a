import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A scriptable HTTP/1.1 server over POSIX sockets, for tests: canned replies, delays, hangs, resets, truncated
/// bodies, gzip, and forwarding to an upstream (so it can sit as a fault-injecting proxy in front of a node).
///
/// It listens on 127.0.0.1 at an OS-assigned port, serves keep-alive connections (one thread each), records every
/// request (with the connection it came on, so tests can check connection reuse), and asks `handler` — usually a
/// `FaultScript` — what to do with each one. `stop()` ends every wait at once and joins all threads.
///
/// Every socket and pipe is close-on-exec: a process spawned meanwhile (an exit test, a CLI under test) must not
/// inherit them, or a stopped server's port would still accept connections and a `.reset` or `.close` would not
/// reach the client until that process exits.
public final class FaultInjectionServer: Sendable {
    /// The bound port.
    public let port: UInt16
    /// `http://127.0.0.1:<port>`.
    public var url: String { "http://127.0.0.1:\(port)" }
    /// Where `.forward` sends requests (an `http://host:port[/path]` URL), if anywhere.
    public let upstream: String?

    private struct Waiter {
        let id: Int
        let count: Int
        let continuation: CheckedContinuation<Bool, Never>
    }
    private struct State {
        var requests: [RecordedRequest] = []
        var connections = 0
        var openFDs: Set<Int32> = []
        var threads = 0
        var stopped = false
        var waiters: [Waiter] = []
        var nextWaiter = 0
    }
    private let state = Mutex(State())
    private let finished = NSCondition()
    private let listenFD: Int32
    private let stopRead: Int32
    private let stopWrite: Int32
    private let handler: @Sendable (RecordedRequest) -> FaultAction

    /// Starts listening and serving.
    ///
    /// - Parameters:
    ///   - upstream: the URL `.forward` relays to.
    ///   - handler: decides each request's action (for example `script.action(for:)`).
    public init(upstream: String? = nil, handler: @escaping @Sendable (RecordedRequest) -> FaultAction) throws {
        self.upstream = upstream
        self.handler = handler
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else { throw ServerError("pipe() failed: errno \(errno)") }
        stopRead = pipeFDs[0]
        stopWrite = pipeFDs[1]
        Self.closeOnExec(stopRead)
        Self.closeOnExec(stopWrite)
        let (fd, port) = try Loopback.bind(reuseAddress: true)
        guard listen(fd, 64) == 0 else {
            let e = errno
            close(fd)
            throw ServerError("listen on 127.0.0.1:\(port) failed: errno \(e)")
        }
        self.port = port
        listenFD = fd
        startThread { [self] in acceptLoop() }
    }

    /// A server driven by a `FaultScript`.
    public convenience init(upstream: String? = nil, script: FaultScript) throws {
        try self.init(upstream: upstream) { script.action(for: $0) }
    }

    deinit { stop() }

    /// Every request received so far, in arrival order.
    public var requests: [RecordedRequest] { state.withLock { $0.requests } }
    /// The number of TCP connections accepted so far.
    public var connectionCount: Int { state.withLock { $0.connections } }

    /// Waits until at least `count` requests have arrived (true), or the server stops or the task is cancelled
    /// (false). No clock is involved: the connection threads resume the wait as requests are recorded, so a busy
    /// machine only makes it later, never wrong. (Bound a test that might wait forever with a `.timeLimit` trait.)
    public func waitForRequests(_ count: Int) async -> Bool {
        let id = state.withLock { s -> Int in
            defer { s.nextWaiter += 1 }
            return s.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                // Cancellation sets the task's flag before running the handler below, and both sides hold the lock,
                // so a wait is either never registered or found and resumed by the handler.
                let answer = state.withLock { s -> Bool? in
                    if s.requests.count >= count { return true }
                    if s.stopped || Task.isCancelled { return false }
                    s.waiters.append(Waiter(id: id, count: count, continuation: continuation))
                    return nil
                }
                if let answer { continuation.resume(returning: answer) }
            }
        } onCancel: {
            let waiter = state.withLock { s -> Waiter? in
                guard let i = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return s.waiters.remove(at: i)
            }
            waiter?.continuation.resume(returning: false)
        }
    }

    /// Stops accepting, wakes every waiting connection, closes all sockets and waits for every thread to end.
    public func stop() {
        let (first, waiters) = state.withLock { s -> (Bool, [Waiter]) in
            defer { s.stopped = true; s.waiters = [] }
            return (!s.stopped, s.waiters)
        }
        for waiter in waiters { waiter.continuation.resume(returning: false) }
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(stopWrite, &byte, 1)
        finished.lock()
        while state.withLock({ $0.threads }) > 0 { finished.wait() }
        finished.unlock()
        close(listenFD)
        close(stopRead)
        close(stopWrite)
    }

    private static func closeOnExec(_ fd: Int32) {
        _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC)
    }

    private func startThread(_ body: @escaping @Sendable () -> Void) {
        state.withLock { $0.threads += 1 }
        let thread = Thread { [self] in
            body()
            state.withLock { $0.threads -= 1 }
            finished.lock()
            finished.broadcast()
            finished.unlock()
        }
        thread.start()
    }

    private func acceptLoop() {
        let io = SocketIO(fd: listenFD, stopFD: stopRead)
        while true {
            guard case .ready = io.waitReadable(timeout: nil) else { return }
            let client = accept(listenFD, nil, nil)  // (accept4 and pipe2 are not exported to Swift: set the flag at once)
            guard client >= 0 else { continue }
            Self.closeOnExec(client)
            var one: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let id = state.withLock { s -> Int? in
                guard !s.stopped else { return nil }
                s.connections += 1
                s.openFDs.insert(client)
                return s.connections - 1
            }
            guard let id else { close(client); return }
            startThread { [self] in
                serve(SocketIO(fd: client, stopFD: stopRead), connection: id)
                state.withLock { _ = $0.openFDs.remove(client) }
                close(client)
            }
        }
    }

    /// Serves requests on one connection until it closes, an action ends it, or the server stops.
    private func serve(_ io: SocketIO, connection: Int) {
        var buffer: [UInt8] = []
        while true {
            guard let (head, body) = readRequest(io, &buffer) else { return }
            let (request, satisfied) = state.withLock { s -> (RecordedRequest, [Waiter]) in
                let r = RecordedRequest(sequence: s.requests.count, connection: connection, method: head.method, path: head.target,
                                        headers: head.headers, body: body)
                s.requests.append(r)
                let count = s.requests.count
                let ready = s.waiters.filter { $0.count <= count }
                s.waiters.removeAll { $0.count <= count }
                return (r, ready)
            }
            for waiter in satisfied { waiter.continuation.resume(returning: true) }
            let keepAlive = head.header("connection")?.lowercased() != "close" && head.version != "HTTP/1.0"
            guard perform(handler(request), request: request, io: io, keepAlive: keepAlive), keepAlive else { return }
        }
    }

    /// Reads one request (head and Content-Length or chunked body); nil when the connection ends.
    private func readRequest(_ io: SocketIO, _ buffer: inout [UInt8]) -> (HTTPWire.Head, [UInt8])? {
        while true {
            if let end = HTTPWire.endOfHead(buffer) {
                guard let head = HTTPWire.parseHead(buffer[..<(end - 4)]) else { return nil }
                if head.header("transfer-encoding")?.lowercased().contains("chunked") == true {
                    var bad = false
                    if let (body, used) = HTTPWire.dechunk(buffer[end...], error: &bad) {
                        buffer.removeFirst(end + used)
                        return (head, body)
                    }
                    if bad { return nil }
                } else {
                    let length = Int(head.header("content-length") ?? "0") ?? -1
                    guard length >= 0, length <= 256 << 20 else { return nil }
                    if buffer.count - end >= length {
                        let body = Array(buffer[end..<end + length])
                        buffer.removeFirst(end + length)
                        return (head, body)
                    }
                }
            } else if buffer.count > 1 << 20 {
                return nil
            }
            guard case .ready = io.waitReadable(timeout: nil), io.read(into: &buffer) > 0 else { return nil }
        }
    }

    /// Carries out an action; false if the connection must end.
    private func perform(_ action: FaultAction, request: RecordedRequest, io: SocketIO, keepAlive: Bool) -> Bool {
        switch action {
        case .respond(let response):
            return io.write(Self.encode(response, keepAlive: keepAlive))
        case .forward:
            return io.write(Self.encode(forward(request), keepAlive: keepAlive))
        case .forwardTransformed(let transform):
            return io.write(Self.encode(transform(forward(request)), keepAlive: keepAlive))
        case .delay(let duration, let next):
            guard io.pause(duration) else { return false }
            return perform(next, request: request, io: io, keepAlive: keepAlive)
        case .hang:
            _ = io.pause(.seconds(86_400))
            return false
        case .reset:
            io.reset()
            return false
        case .close:
            return false
        case .truncate(let response, let keep):
            let full = Self.encode(response, keepAlive: false)
            let headLength = full.count - Self.wireBody(response).count
            io.write(Array(full.prefix(headLength + max(0, keep))))
            return false
        }
    }

    private func forward(_ request: RecordedRequest) -> CannedResponse {
        guard let upstream else {
            return .json(#"{"error":"this server has no upstream to forward to"}"#, status: 502)
        }
        return Upstream.post(upstream, body: request.body, stopFD: stopRead)
    }

    static func wireBody(_ r: CannedResponse) -> [UInt8] { r.gzip ? Gzip.storedEncode(r.body) : r.body }

    /// The response bytes: status line, headers (with Content-Length), body.
    static func encode(_ r: CannedResponse, keepAlive: Bool) -> [UInt8] {
        let body = wireBody(r)
        var head = "HTTP/1.1 \(r.status) \(HTTPWire.reason(r.status))\r\n"
        for (k, v) in r.headers where !["content-length", "content-encoding", "connection", "transfer-encoding"].contains(k.lowercased()) {
            head += "\(k): \(v)\r\n"
        }
        if r.gzip { head += "Content-Encoding: gzip\r\n" }
        head += "Content-Length: \(body.count)\r\n"
        head += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n"
        return Array(head.utf8) + body
    }
}

/// A failure to start the server.
public struct ServerError: Error, CustomStringConvertible {
    /// What failed.
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
