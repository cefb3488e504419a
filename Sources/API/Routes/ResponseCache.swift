import HTTPServer
import Mirror
import Synchronization

/// Rendered answers of the current `MirrorVersion`, so repeated queries between two commits cost one small read
/// (the version) instead of a full snapshot query and JSON rendering.
///
/// Exactness: an answer is stored only when the version read before rendering equals the version read after it and
/// the rendered snapshot's block is that version's: then nothing was committed or rewound while it was rendered, and
/// the answer is exactly what a fresh read at that version returns (answers do not depend on the recorded head;
/// `/v1/status`, which does, is never cached). The first request that sees a new version drops every older entry.
final class ResponseCache: Sendable {
    private struct State {
        var version: MirrorVersion?
        var entries: [String: Response] = [:]
        var bytes = 0
    }

    /// The most answers kept (0 disables the cache).
    let maximumEntries: Int
    /// The most body bytes kept.
    let maximumBytes: Int
    private let state = Mutex(State())

    init(maximumEntries: Int, maximumBytes: Int = 64 << 20) {
        self.maximumEntries = max(0, maximumEntries)
        self.maximumBytes = maximumBytes
    }

    /// The cached answer to `key` at `version`, or nil.
    func lookup(_ key: String, at version: MirrorVersion) -> Response? {
        guard maximumEntries > 0 else { return nil }
        return state.withLock { s in
            if s.version != version {
                s = State(version: version)
                return nil
            }
            return s.entries[key]
        }
    }

    /// Stores `response` for `key` at `version` (ignored when full or when the cache moved to another version).
    func insert(_ key: String, _ response: Response, at version: MirrorVersion) {
        guard maximumEntries > 0 else { return }
        state.withLock { s in
            guard s.version == version, s.entries[key] == nil, s.entries.count < maximumEntries,
                  s.bytes + response.body.count <= maximumBytes else { return }
            s.entries[key] = response
            s.bytes += response.body.count
        }
    }

    /// The number of answers held (for tests).
    var count: Int { state.withLock { $0.entries.count } }
}
