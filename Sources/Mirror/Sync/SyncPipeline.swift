import EthereumKit
import JSONRPC
import Kalypso

/// The per-log stages between fetching and reducing: decoding (`KalypsoLogDecoder`) and enrichment (`Enricher`
/// over a `ChainReader`). Closures, so `MirrorSync` does not depend on how they are built.
public struct SyncPipeline: Sendable {
    /// Enriched logs and the signatures verified for them.
    public struct Enriched: Sendable {
        /// The events with their missing fields filled in (same order as given).
        public var logs: [KalypsoLog]
        /// The signatures verified in their transactions.
        public var signatureChecks: [SignatureCheck]
        /// What enrichment found worth storing (calldata that disagreed with its event, end-of-block reads, …).
        public var issues: [InconsistencyError]

        /// Creates a result.
        public init(logs: [KalypsoLog], signatureChecks: [SignatureCheck], issues: [InconsistencyError] = []) {
            self.logs = logs
            self.signatureChecks = signatureChecks
            self.issues = issues
        }
    }

    /// Decodes one RPC log of a watched contract.
    public var decode: @Sendable (Log) -> DecodedLog
    /// Fills in what the events lack (calldata or pinned calls) and verifies signatures. The second argument is the
    /// matching-engine key the mirror knows before the range (the expected signer of `relayBatchAssignTasks`).
    /// Throws on RPC failures and reorgs seen during the reads (the range is retried).
    public var enrich: @Sendable ([KalypsoLog], _ matchingEngineKey: [UInt8]?) async throws -> Enriched

    /// Creates a pipeline from its stages.
    public init(decode: @escaping @Sendable (Log) -> DecodedLog,
                enrich: @escaping @Sendable ([KalypsoLog], _ matchingEngineKey: [UInt8]?) async throws -> Enriched) {
        self.decode = decode
        self.enrich = enrich
    }
}

/// What one committed range changed, for subscribers (the matching engine, the API).
public struct CommittedRange: Sendable {
    /// The range's blocks.
    public var range: ClosedRange<UInt64>
    /// The new cursor.
    public var cursor: Checkpoint
    /// The G1 clock at the cursor block (`l1BlockNumber` on Arbitrum, else the block number): what the contracts'
    /// `block.number` reads there, for ask expiry and deadlines.
    public var clock: UInt64
    /// The node's head when the range was planned.
    public var head: UInt64
    /// The applied events.
    public var logCount: Int
    /// Per block, the entity changes (the blocks at or below the journal floor merged into one entry: see `BlockChanges`).
    public var changes: [BlockChanges]
    /// The mirrored state after the commit (a copy-on-write value: cheap to keep).
    public var state: KalypsoState

    /// Creates a value (the sync publishes them; tests of subscribers build them).
    public init(range: ClosedRange<UInt64>, cursor: Checkpoint, clock: UInt64, head: UInt64, logCount: Int, changes: [BlockChanges],
                state: KalypsoState) {
        self.range = range
        self.cursor = cursor
        self.clock = clock
        self.head = head
        self.logCount = logCount
        self.changes = changes
        self.state = state
    }
}

/// Something that happened to the mirrored state.
public enum MirrorEvent: Sendable {
    /// A range was committed.
    case committed(CommittedRange)
    /// A reorg was undone: every block above `block` is gone; `state` is the state at the new cursor.
    case rewound(to: UInt64, cursor: Checkpoint?, state: KalypsoState)
}
