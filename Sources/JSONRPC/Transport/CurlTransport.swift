import CCurl
import Foundation
import Synchronization

/// HTTP over libcurl's multi interface: one event-loop thread drives every transfer at once (never Swift's
/// cooperative pool, since libcurl waits in `poll`).
///
/// - Transfers never wait for one another: a hung or slow endpoint ties up only its own connections, so requests to
///   other endpoints go out at once. (A fixed pool of threads each blocked in `curl_easy_perform` could be filled
///   by requests to one hung endpoint, and every other endpoint then waited for their timeouts.)
/// - At most `maxConnectionsPerHost` connections per host and port, kept alive and reused (TLS sessions are reused
///   too); further concurrent requests to that endpoint wait inside libcurl for one of them. HTTP/2 endpoints
///   multiplex requests on one connection.
/// - Every request sets connect and total timeouts, `CURLOPT_NOSIGNAL`, `Accept-Encoding` for every encoding
///   libcurl supports (gzip, deflate, …), disables `Expect: 100-continue`, allows only http and https, and opens
///   its sockets close-on-exec (a child process never holds a connection open).
/// - Cancelling the calling task removes its transfer at once (or drops it before it starts).
/// - Responses carry `transferTime`, libcurl's own measure of the exchange, which excludes any wait of the calling
///   task for a thread.
public final class CurlTransport: HTTPTransport {
    private let loop: CurlMultiLoop

    /// Starts the event-loop thread.
    ///
    /// - Parameter maxConnectionsPerHost: connections opened to one host and port at most (at least 1).
    public init(maxConnectionsPerHost: Int = 4, userAgent: String = "kalypso-mirror") throws(JSONRPCError) {
        guard CurlGlobal.initialized else {
            throw JSONRPCError.transport(.transport, "curl_global_init failed; libcurl cannot be used in this process", retryable: false)
        }
        guard let loop = CurlMultiLoop(maxConnectionsPerHost: max(1, maxConnectionsPerHost), userAgent: userAgent) else {
            throw JSONRPCError.transport(.transport, "curl_multi_init failed (out of memory?); the HTTP transport cannot start", retryable: false)
        }
        self.loop = loop
    }

    /// The former worker-pool initializer: `workers` was also the number of connections per endpoint.
    @available(*, deprecated, renamed: "init(maxConnectionsPerHost:userAgent:)",
               message: "transfers no longer run on worker threads; pass the per-endpoint connection limit")
    public convenience init(workers: Int, userAgent: String = "kalypso-mirror") throws(JSONRPCError) {
        try self.init(maxConnectionsPerHost: workers, userAgent: userAgent)
    }

    deinit { loop.shutdown(wait: false) }

    /// Stops the event loop: transfers in flight and queued requests fail with `.cancelled`, later requests too.
    /// Waits for the thread to end.
    public func shutdown() { loop.shutdown(wait: true) }

    /// Connections opened to one host and port at most.
    public var maxConnectionsPerHost: Int { loop.maxConnectionsPerHost }

    public func post(_ request: HTTPRequest) async throws(JSONRPCError) -> HTTPResponse {
        let flag = CancelFlag()
        let loop = self.loop
        let result: Result<HTTPResponse, JSONRPCError> = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<HTTPResponse, JSONRPCError>, Never>) in
                let job = CurlJob(request: request, flag: flag, continuation: continuation)
                if !loop.submit(job) { job.resume(.failure(CurlMultiLoop.shutDown)) }
            }
        } onCancel: {
            flag.cancel()
            loop.wake()
        }
        return try result.get()
    }
}

/// `curl_global_init`, exactly once per process.
enum CurlGlobal {
    static let initialized: Bool = curl_global_init(kalypso_curl_global_default()) == CURLE_OK
}

/// A cancellation flag shared by the calling task and the event-loop thread.
final class CancelFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func cancel() { value.store(true, ordering: .relaxed) }
    var isCancelled: Bool { value.load(ordering: .relaxed) }
}

/// One request handed to the event loop; its continuation is resumed exactly once, by the loop thread (or by
/// `post` when the loop is already stopped).
final class CurlJob: Sendable {
    let request: HTTPRequest
    let flag: CancelFlag
    private let continuation: CheckedContinuation<Result<HTTPResponse, JSONRPCError>, Never>

    init(request: HTTPRequest, flag: CancelFlag, continuation: CheckedContinuation<Result<HTTPResponse, JSONRPCError>, Never>) {
        self.request = request; self.flag = flag; self.continuation = continuation
    }

    func resume(_ result: Result<HTTPResponse, JSONRPCError>) { continuation.resume(returning: result) }
}

/// The multi handle and the thread that drives it.
///
/// Only the loop thread touches the multi handle, the easy handles and `active`; other threads hand jobs over
/// through `incoming` (guarded by `condition`) and wake the loop with `curl_multi_wakeup`, which is thread-safe.
/// A cancelled job is found by the loop's scan of `active` after the wake-up and removed from the multi handle.
final class CurlMultiLoop: @unchecked Sendable {
    static let shutDown = JSONRPCError.transport(.cancelled, "the HTTP transport was shut down", retryable: false)
    /// Idle easy handles kept for reuse (each holds buffers; connections belong to the multi handle).
    static let idleLimit = 32

    let maxConnectionsPerHost: Int
    let userAgent: String
    private let multi: UnsafeMutableRawPointer
    let share: UnsafeMutableRawPointer?

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var incoming: [CurlJob] = []
    private var stopping = false
    private var running = true

    // Loop thread only.
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var idle: [CurlEasy] = []

    init?(maxConnectionsPerHost: Int, userAgent: String) {
        guard let multi = curl_multi_init() else { return nil }
        self.multi = multi
        self.maxConnectionsPerHost = maxConnectionsPerHost
        self.userAgent = userAgent
        _ = kalypso_curl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, maxConnectionsPerHost)
        _ = kalypso_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(16, 8 * maxConnectionsPerHost))
        // TLS sessions are per easy handle unless shared; the multi handle already shares connections and DNS.
        // Only the loop thread uses the share, so it needs no lock callbacks.
        share = curl_share_init()
        if let share {
            _ = kalypso_curl_share_setopt_long(share, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_SSL_SESSION.rawValue))
        }
        let thread = Thread { [self] in run() }
        thread.name = "curl-multi"
        thread.start()
    }

    deinit {
        curl_multi_cleanup(multi)
        if let share { curl_share_cleanup(share) }
    }

    /// Queues a job and wakes the loop; false once shut down.
    func submit(_ job: CurlJob) -> Bool {
        condition.lock()
        guard !stopping else {
            condition.unlock()
            return false
        }
        incoming.append(job)
        condition.unlock()
        wake()
        return true
    }

    /// Makes the loop look at its queue and its cancelled transfers now.
    func wake() { _ = curl_multi_wakeup(multi) }

    func shutdown(wait: Bool) {
        condition.lock()
        stopping = true
        condition.unlock()
        wake()
        guard wait else { return }
        condition.lock()
        while running { condition.wait() }
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            let jobs = incoming
            incoming.removeAll(keepingCapacity: true)
            let stop = stopping
            condition.unlock()
            if stop {
                stopAll(jobs)
                break
            }
            for job in jobs { start(job) }
            removeCancelled()
            var stillRunning: Int32 = 0
            _ = curl_multi_perform(multi, &stillRunning)
            collectFinished()
            // Returns on socket activity, a libcurl timer (timeouts), a wake-up, or after a second at most.
            _ = curl_multi_poll(multi, nil, 0, 1_000, nil)
        }
        condition.lock()
        running = false
        condition.broadcast()
        condition.unlock()
    }

    private func start(_ job: CurlJob) {
        if job.flag.isCancelled { return job.resume(.failure(.cancelled)) }
        guard let easy = idle.popLast() ?? CurlEasy() else {
            return job.resume(.failure(.transport(.transport, "curl_easy_init failed (out of memory?)", retryable: true)))
        }
        let transfer = CurlTransfer(job: job, easy: easy)
        transfer.configure(userAgent: userAgent, share: share)
        let code = curl_multi_add_handle(multi, easy.handle)
        guard code == CURLM_OK else {
            transfer.detach()
            recycle(easy)
            let text = String(cString: curl_multi_strerror(code))
            return job.resume(.failure(.transport(.transport, "libcurl refused the transfer: \(text)", retryable: true)))
        }
        active[easy.handle] = transfer
    }

    private func removeCancelled() {
        for (handle, transfer) in active where transfer.job.flag.isCancelled {
            active[handle] = nil
            _ = curl_multi_remove_handle(multi, handle)
            transfer.detach()
            recycle(transfer.easy)
            transfer.job.resume(.failure(.cancelled))
        }
    }

    private func collectFinished() {
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
            let code = kalypso_curl_msg_result(message)
            guard let transfer = active.removeValue(forKey: handle) else { continue }
            _ = curl_multi_remove_handle(multi, handle)
            let result = transfer.result(code)
            transfer.detach()
            recycle(transfer.easy)
            transfer.job.resume(result)
        }
    }

    private func recycle(_ easy: CurlEasy) {
        if idle.count < Self.idleLimit {
            easy.reset()
            idle.append(easy)
        } else {
            easy.close()
        }
    }

    private func stopAll(_ queued: [CurlJob]) {
        for job in queued { job.resume(.failure(Self.shutDown)) }
        for (handle, transfer) in active {
            _ = curl_multi_remove_handle(multi, handle)
            transfer.detach()
            transfer.easy.close()
            transfer.job.resume(.failure(Self.shutDown))
        }
        active = [:]
        for easy in idle { easy.close() }
        idle = []
    }
}
