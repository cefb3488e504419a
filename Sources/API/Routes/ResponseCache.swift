import HTTPServer
import Mirror
import Synchronization

/// Rendered answers of the current `MirrorVersion`, so repeated queries between two commits skip the snapshot query
/// and the JSON rendering.
///
/// Exactness: an answer is stored only when the version read before rendering equals the version read after it and
/// the rendered snapshot's block is that version's: then nothing was committed or rewound while it was rendered, and
/// the answer is exactly what a fresh read at that version returns (answers do not depend on the recorded head;
/// `/v1/status`, which does, is never cached). Every answer names the block it reflects.
///
/// Freshness: the version itself (one small read) is re-read at most every `recheckInterval`; in between, answers
/// come from the version last seen, so an answer may reflect a block up to that long after a newer one was committed
/// (10 ms by default, against block times of 0.25–12 s and a sync that polls every few seconds). The version only
/// moves forward — by (rewind count, block number), which increases with every commit and every rewind — and any
/// fresh read that sees a newer one moves it, so a client never sees an answer older than one it already had.
final class ResponseCache: Sendable {
    private struct State {
        var version: MirrorVersion?
        var checkedAt: ContinuousClock.Instant?
        var entries: [String: Response] = [:]
        var bytes = 0
    }

    /// The most answers kept (0 disables the cache).
    let maximumEntries: Int
    /// The most body bytes kept.
    let maximumBytes: Int
    /// How long a version read is trusted before the next request re-reads it (zero: every request reads it).
    let recheckInterval: Duration
    private let state = Mutex(State())

    init(maximumEntries: Int, recheckInterval: Duration, maximumBytes: Int = 64 << 20) {
        self.maximumEntries = max(0, maximumEntries)
        self.recheckInterval = max(.zero, recheckInterval)
        self.maximumBytes = maximumBytes
    }

    var isEnabled: Bool { maximumEntries > 0 }

    /// The version to answer at: the last one seen if it was read less than `recheckInterval` ago, else `read()`.
    func currentVersion(read: () throws -> MirrorVersion) rethrows -> MirrorVersion {
        if recheckInterval > .zero {
            let now = ContinuousClock.now
            let recent = state.withLock { s -> MirrorVersion? in
                guard let v = s.version, let at = s.checkedAt, at.duration(to: now) < recheckInterval else { return nil }
                return v
            }
            if let recent { return recent }
        }
        return observe(try read())
    }

    /// Notes a version read from the database; returns the version answers are given at (the newer of the two).
    @discardableResult
    func observe(_ version: MirrorVersion) -> MirrorVersion {
        let now = ContinuousClock.now
        return state.withLock { s in
            if let current = s.version, !Self.isNewer(version, than: current) {
                if current == version { s.checkedAt = now }
                return current
            }
            s = State(version: version, checkedAt: now)
            return version
        }
    }

    /// The cached answer to `key` at `version`, or nil.
    func lookup(_ key: String, at version: MirrorVersion) -> Response? {
        guard isEnabled else { return nil }
        return state.withLock { $0.version == version ? $0.entries[key] : nil }
    }

    /// Stores `response` for `key` at `version` (ignored when full or when the cache moved to another version).
    func insert(_ key: String, _ response: Response, at version: MirrorVersion) {
        guard isEnabled else { return }
        state.withLock { s in
            guard s.version == version, s.entries[key] == nil, s.entries.count < maximumEntries,
                  s.bytes + response.body.count <= maximumBytes else { return }
            s.entries[key] = response
            s.bytes += response.body.count
        }
    }

    /// The number of answers held (for tests).
    var count: Int { state.withLock { $0.entries.count } }

    /// Versions are ordered by rewind count, then block number: both only grow between rewinds, and every rewind
    /// increments the count.
    static func isNewer(_ a: MirrorVersion, than b: MirrorVersion) -> Bool {
        let blockA = a.checkpoint.map { Int64(clamping: $0.blockNumber) } ?? -1
        let blockB = b.checkpoint.map { Int64(clamping: $0.blockNumber) } ?? -1
        return (a.reorgsSeen, blockA) > (b.reorgsSeen, blockB)
    }
}
