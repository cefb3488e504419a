import CCurl
import Foundation
import Synchronization

/// HTTP over libcurl, run on a small pool of dedicated threads (never on Swift's cooperative pool, since
/// `curl_easy_perform` blocks).
///
/// - Each worker thread keeps one easy handle alive, so its connections (HTTP keep-alive, TLS sessions) are reused;
///   the workers share a DNS and TLS-session cache through a share handle. (libcurl's shared *connection* cache is
///   not safe across concurrent threads, so connections stay per worker: at most `workers` per endpoint.)
/// - Every request sets connect and total timeouts, `CURLOPT_NOSIGNAL`, `Accept-Encoding` for every encoding
///   libcurl supports (gzip, deflate, …), disables `Expect: 100-continue`, allows only http and https.
/// - Cancelling the calling task aborts the transfer from libcurl's progress callback (within about a second) or
///   drops it before it starts.
public final class CurlTransport: HTTPTransport {
    private let pool: CurlWorkerPool

    /// Starts `workers` threads (at least 1).
    public init(workers: Int = 4, userAgent: String = "kalypso-mirror") throws(JSONRPCError) {
        guard CurlGlobal.initialized else {
            throw JSONRPCError.transport(.transport, "curl_global_init failed; libcurl cannot be used in this process", retryable: false)
        }
        pool = CurlWorkerPool(workers: max(1, workers), userAgent: userAgent)
    }

    deinit { pool.shutdown(wait: false) }

    /// Stops the workers after their current transfer; queued requests fail with `.cancelled`. Waits for the threads.
    public func shutdown() { pool.shutdown(wait: true) }

    /// The number of worker threads.
    public var workerCount: Int { pool.workerCount }

    public func post(_ request: HTTPRequest) async throws(JSONRPCError) -> HTTPResponse {
        let flag = CancelFlag()
        let pool = self.pool
        let result: Result<HTTPResponse, JSONRPCError> = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<HTTPResponse, JSONRPCError>, Never>) in
                let job = CurlJob(request: request, flag: flag, continuation: continuation)
                if !pool.submit(job) {
                    continuation.resume(returning: .failure(.transport(.cancelled, "the HTTP transport was shut down", retryable: false)))
                }
            }
        } onCancel: {
            flag.cancel()
        }
        return try result.get()
    }
}

/// `curl_global_init`, exactly once per process.
enum CurlGlobal {
    static let initialized: Bool = curl_global_init(kalypso_curl_global_default()) == CURLE_OK
}

/// A cancellation flag shared by the calling task and the worker thread.
final class CancelFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func cancel() { value.store(true, ordering: .relaxed) }
    var isCancelled: Bool { value.load(ordering: .relaxed) }
}

/// One queued transfer.
final class CurlJob: Sendable {
    let request: HTTPRequest
    let flag: CancelFlag
    let continuation: CheckedContinuation<Result<HTTPResponse, JSONRPCError>, Never>

    init(request: HTTPRequest, flag: CancelFlag, continuation: CheckedContinuation<Result<HTTPResponse, JSONRPCError>, Never>) {
        self.request = request; self.flag = flag; self.continuation = continuation
    }
}

/// The job queue, the worker threads and the share handle.
final class CurlWorkerPool: @unchecked Sendable {
    // All mutable state below is guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [CurlJob] = []
    private var head = 0
    private var stopping = false
    private var alive = 0
    let workerCount: Int
    let userAgent: String
    let share: UnsafeMutableRawPointer?
    private let locks: UnsafeMutablePointer<pthread_mutex_t>
    private let lockCount: Int

    init(workers: Int, userAgent: String) {
        self.workerCount = workers
        self.userAgent = userAgent
        lockCount = Int(kalypso_curl_lock_data_last()) + 1
        locks = .allocate(capacity: lockCount)
        for i in 0..<lockCount { pthread_mutex_init(locks + i, nil) }
        share = curl_share_init()
        if let share {
            _ = kalypso_curl_share_setopt_ptr(share, CURLSHOPT_USERDATA, UnsafeMutableRawPointer(locks))
            _ = kalypso_curl_share_setopt_lock_cb(share, curlShareLock)
            _ = kalypso_curl_share_setopt_unlock_cb(share, curlShareUnlock)
            _ = kalypso_curl_share_setopt_long(share, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_DNS.rawValue))
            _ = kalypso_curl_share_setopt_long(share, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_SSL_SESSION.rawValue))
        }
        alive = workers
        for i in 0..<workers {
            let thread = Thread { [self] in
                let worker = CurlWorker(pool: self)
                while let job = self.take() { worker.run(job) }
                worker.close()
                self.exited()
            }
            thread.name = "curl-worker-\(i)"
            thread.start()
        }
    }

    deinit {
        if let share { curl_share_cleanup(share) }
        for i in 0..<lockCount { pthread_mutex_destroy(locks + i) }
        locks.deallocate()
    }

    /// Queues a job; false once shut down.
    func submit(_ job: CurlJob) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return false }
        queue.append(job)
        condition.signal()
        return true
    }

    /// The next job, blocking; nil when shutting down.
    private func take() -> CurlJob? {
        condition.lock()
        defer { condition.unlock() }
        while head == queue.count && !stopping { condition.wait() }
        guard !stopping, head < queue.count else { return nil }
        let job = queue[head]
        head += 1
        if head > 64 && head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
        return job
    }

    private func exited() {
        condition.lock()
        alive -= 1
        condition.broadcast()
        condition.unlock()
    }

    func shutdown(wait: Bool) {
        condition.lock()
        stopping = true
        let pending = queue[head...]
        queue = []
        head = 0
        condition.broadcast()
        if wait { while alive > 0 { condition.wait() } }
        condition.unlock()
        for job in pending {
            job.continuation.resume(returning: .failure(.transport(.cancelled, "the HTTP transport was shut down", retryable: false)))
        }
    }
}

private let curlShareLock: kalypso_curl_lock_cb = { _, data, _, userptr in
    guard let userptr else { return }
    pthread_mutex_lock(userptr.assumingMemoryBound(to: pthread_mutex_t.self) + Int(data.rawValue))
}

private let curlShareUnlock: kalypso_curl_unlock_cb = { _, data, userptr in
    guard let userptr else { return }
    pthread_mutex_unlock(userptr.assumingMemoryBound(to: pthread_mutex_t.self) + Int(data.rawValue))
}
