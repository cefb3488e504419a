import EthereumKit
import JSONRPC

/// What the sync does next; returned by every `SyncStateMachine` event.
public enum SyncAction: Sendable, Hashable {
    /// Ask the node for its head (`eth_blockNumber`), then call `headFetched`.
    case fetchHead
    /// Fetch the range's logs and headers, decode and enrich them, then call `rangeFetched` (or `rangeFailed`).
    case fetchRange(RangeRequest)
    /// Reduce and commit the fetched range (it was verified), then call `rangeCommitted` (or `rangeFailed`).
    case applyRange(RangeRequest)
    /// Nothing to sync: ask the node for this recorded block's hash (the cursor, or the newest recorded block at or
    /// below a head that moved back), then call `linkageChecked` — the linkage check of a poll with nothing new.
    case checkLinkage(UInt64)
    /// Ask the node for the hashes of these recorded blocks (newest first), then call `forkHashesFetched`.
    case findForkPoint([UInt64])
    /// Undo every block above `block` in the store and in memory, then call `rewound`.
    case rewind(to: UInt64, reason: String)
    /// Wait, then call `wokeUp`.
    case sleep(Duration, reason: String)
    /// Done: caught up (`--once`) or reached the requested last block.
    case finished
    /// Stop with this error (a deep reorg). Never retried.
    case fail(DeepReorgError)
}

/// One range to sync.
public struct RangeRequest: Sendable, Hashable {
    /// The blocks whose logs are fetched.
    public var range: ClosedRange<UInt64>
    /// Headers to fetch whatever the logs are: the cursor's block (to check it is still canonical), the last block
    /// (the new cursor), and every block within the reorg window of the head (so the window is contiguous there).
    /// The blocks that have logs are added by the fetcher.
    public var headers: [UInt64]

    /// Creates a request.
    public init(range: ClosedRange<UInt64>, headers: [UInt64]) {
        self.range = range
        self.headers = headers
    }
}

/// Why a range could not be synced.
public enum RangeFailure: Sendable, Hashable {
    /// The provider rejected the `eth_getLogs` range as too large.
    case providerLimit(RangeLimitHint)
    /// Anything else after the client's own retries: RPC, enrichment or database errors. Backs off, then resumes
    /// from the head poll (so a reorg meanwhile is seen).
    case transient(String)
}

/// The sync loop as a pure state machine: backfill, then follow the head `confirmations` blocks behind; reorgs
/// detected with `ReorgDetector` and undone; adaptive ranges with `RangeSizer`; exponential backoff on failures.
///
/// The caller (`MirrorSync`) performs each action and feeds the outcome back. No I/O, no clock: durations are
/// returned in actions. The invariant kept: the cursor only moves on `rangeCommitted` and `rewound`, which the
/// caller reports only after the database transaction committed.
public struct SyncStateMachine: Sendable {
    /// How the loop ends.
    public enum Mode: Sendable, Hashable {
        /// Follow the head forever.
        case follow
        /// Catch up with the head, then finish.
        case once
        /// Sync up to and including this block, then finish (waits for it to be confirmed).
        case until(UInt64)
    }

    /// Tuning.
    public struct Configuration: Sendable, Hashable {
        /// How the loop ends.
        public var mode: Mode
        /// Sync up to `head − confirmations`.
        public var confirmations: UInt64
        /// The pause between head polls when caught up.
        public var pollInterval: Duration
        /// The first retry pause after a failure; doubles per failure in a row up to `maxBackoff`.
        public var baseBackoff: Duration
        /// The longest retry pause.
        public var maxBackoff: Duration
        /// The pause before refetching a range the chain changed under.
        public var refetchPause: Duration

        /// Creates a configuration.
        public init(mode: Mode, confirmations: UInt64, pollInterval: Duration, baseBackoff: Duration = .milliseconds(250),
                    maxBackoff: Duration = .seconds(30), refetchPause: Duration = .milliseconds(100)) {
            self.mode = mode; self.confirmations = confirmations; self.pollInterval = pollInterval
            self.baseBackoff = baseBackoff; self.maxBackoff = maxBackoff; self.refetchPause = refetchPause
        }
    }

    /// The tuning.
    public let configuration: Configuration
    /// The range sizer.
    public private(set) var sizer: RangeSizer
    /// The reorg detector (window and cursor).
    public private(set) var detector: ReorgDetector
    /// The highest head the node reported since the start or the last rewind (a head that moves backwards does not
    /// lower the target; a rewind does).
    public private(set) var highestHead: UInt64?
    /// Failures in a row (for the backoff).
    public private(set) var failuresInARow = 0
    /// Reorgs rewound in this run.
    public private(set) var reorgs = 0

    /// Creates the machine over the store's cursor and window.
    public init(configuration: Configuration, sizer: RangeSizer, detector: ReorgDetector) {
        self.configuration = configuration
        self.sizer = sizer
        self.detector = detector
    }

    /// The cursor (last fully applied block).
    public var cursor: Checkpoint? { detector.cursor }

    /// The next block to sync.
    public var nextBlock: UInt64 { cursor.map { $0.blockNumber + 1 } ?? detector.startBlock }

    /// The last block to sync now: `head − confirmations` (capped by `until`), nil before the first head.
    public var target: UInt64? {
        guard let head = highestHead, head >= configuration.confirmations else { return nil }
        let t = head - configuration.confirmations
        if case .until(let last) = configuration.mode { return min(t, last) }
        return t
    }

    /// The first action.
    public mutating func start() -> SyncAction { .fetchHead }

    /// The node reported `head`.
    public mutating func headFetched(_ head: UInt64) -> SyncAction {
        highestHead = max(highestHead ?? 0, head)
        if case .until(let last) = configuration.mode, let cursor, cursor.blockNumber >= last { return .finished }
        guard let target, nextBlock <= target else {
            switch configuration.mode {
            case .follow, .until:
                // Still check that the node has the cursor's block (or, if its head moved back below the cursor, the
                // newest recorded block it can have): a reorg that does not lengthen the chain is seen at once.
                let limit = min(head, cursor?.blockNumber ?? 0)
                if let record = detector.window.last(where: { $0.number <= limit }) { return .checkLinkage(record.number) }
                return .sleep(configuration.pollInterval, reason: "caught up")
            case .once: return .finished
            }
        }
        return .fetchRange(request(from: nextBlock, target: target))
    }

    /// The node's hash of the recorded block `block` (nil: it has none).
    public mutating func linkageChecked(_ block: UInt64, nodeHash: Hash32?) -> SyncAction {
        guard let nodeHash, let record = detector.window.last(where: { $0.number == block }), record.hash != nodeHash else {
            return .sleep(configuration.pollInterval, reason: "caught up")
        }
        return .findForkPoint(detector.forkSearchNumbers)
    }

    /// The range after the current one, assuming it commits: what a prefetcher may fetch ahead. Nil when the
    /// current range reaches the target or within the reorg window of the head (fetching ahead there would race
    /// the reorg checks).
    public func speculativeNext(after current: RangeRequest) -> RangeRequest? {
        guard let target, let head = highestHead, current.range.upperBound < target else { return nil }
        let from = current.range.upperBound + 1
        let next = request(from: from, target: target, cursorBlock: current.range.upperBound)
        return next.range.upperBound + UInt64(detector.depth) < head ? next : nil
    }

    private func request(from: UInt64, target: UInt64, cursorBlock: UInt64? = nil) -> RangeRequest {
        let range = sizer.nextRange(from: from, last: target)
        var headers: Set<UInt64> = [range.upperBound]
        if let c = cursorBlock ?? cursor?.blockNumber { headers.insert(c) }
        if let head = highestHead {
            let nearHead = head >= UInt64(detector.depth) ? head - UInt64(detector.depth) + 1 : 0
            let low = max(range.lowerBound, nearHead)
            if low <= range.upperBound { for n in low...range.upperBound { headers.insert(n) } }
        }
        return RangeRequest(range: range, headers: headers.sorted())
    }

    /// The range's logs and headers arrived (decoded and enriched); `verdict` is `detector.verify(…)` of them.
    public mutating func rangeFetched(_ request: RangeRequest, verdict: ReorgDetector.Verdict) -> SyncAction {
        switch verdict {
        case .linked:
            return .applyRange(request)
        case .cursorReorged:
            return .findForkPoint(detector.forkSearchNumbers)
        case .nodeBehind(let block):
            return backoff("the node does not have block \(block) yet (behind, or its head moved backwards)")
        case .changedDuringFetch(let why):
            return .sleep(configuration.refetchPause, reason: "the chain changed during the fetch: \(why); fetching again")
        }
    }

    /// The range is committed: `blocks` are its fetched headers, `cursor` the new cursor, `logCount` its logs.
    public mutating func rangeCommitted(_ request: RangeRequest, blocks: [BlockRecord], cursor: Checkpoint, logCount: Int) -> SyncAction {
        failuresInARow = 0
        sizer.recordSuccess(request.range, logCount: logCount)
        detector.recordCommitted(blocks, cursor: cursor)
        if case .until(let last) = configuration.mode, cursor.blockNumber >= last { return .finished }
        if let target, nextBlock <= target { return .fetchRange(self.request(from: nextBlock, target: target)) }
        return .fetchHead
    }

    /// Fetching or applying the range failed.
    public mutating func rangeFailed(_ request: RangeRequest, _ failure: RangeFailure) -> SyncAction {
        switch failure {
        case .providerLimit(let hint):
            switch sizer.recordLimit(hint, for: request.range) {
            case .retry(let smaller):
                guard let target, smaller.lowerBound <= target else { return .fetchHead }
                return .fetchRange(self.request(from: smaller.lowerBound, target: min(target, smaller.upperBound)))
            case .cannotShrink(let block, let reason):
                return backoff("the provider rejects eth_getLogs even for the single block \(block) (\(reason.rawValue)); retrying — if it persists, use another provider")
            }
        case .transient(let message):
            return backoff(message)
        }
    }

    /// The node's hashes at the recorded block numbers (numbers the node has no block for are absent).
    public mutating func forkHashesFetched(_ hashes: [UInt64: Hash32]) -> SyncAction {
        switch detector.resolveFork(nodeHashes: hashes) {
        case .rewind(let block, let orphaned):
            return .rewind(to: block, reason: "reorg: \(orphaned) recorded block(s) above \(block) are no longer on the node's chain")
        case .inconclusive:
            return .sleep(configuration.pollInterval, reason: "caught up")
        case .deep(let error):
            return .fail(error)
        }
    }

    /// The store rewound to `block`; `cursor` is the store's new cursor (nil: nothing synced).
    public mutating func rewound(to block: UInt64, cursor: Checkpoint?) -> SyncAction {
        reorgs += 1
        failuresInARow = 0
        // The highest head seen may have been on the orphaned branch: forget it, or a shorter new branch would leave
        // the target above the node's head.
        highestHead = nil
        detector.recordRewind(to: block, cursor: cursor)
        return .fetchHead
    }

    /// A sleep ended.
    public mutating func wokeUp() -> SyncAction { .fetchHead }

    /// The head poll failed (after the client's retries).
    public mutating func headFailed(_ message: String) -> SyncAction { backoff(message) }

    private mutating func backoff(_ reason: String) -> SyncAction {
        let n = min(failuresInARow, 16)
        failuresInARow += 1
        let delay = min(configuration.maxBackoff, configuration.baseBackoff * (1 << n))
        return .sleep(delay, reason: reason)
    }
}
