import EthereumKit
import Kalypso

/// What `Enricher.enrich` produced for one range.
public struct EnrichmentResult: Sendable {
    /// The input logs, in input order, with every `.pending` enrichment replaced by `.calldata`, `.pinnedCall` or
    /// `.unavailable(reason)` (the reducer stores nil for unavailable fields; it never guesses).
    public var logs: [KalypsoLog]
    /// The signatures checked with libsecp256k1: one admin check per transaction with Kalypso logs, one enclave
    /// check per key registration, one matching-engine check per `relayBatchAssignTasks`.
    public var signatureChecks: [SignatureCheck]
    /// Things worth storing with the range (append them to `RangeCommit.issues`): calldata that disagreed with its
    /// event (the pinned call was used instead), end-of-block reads that another transaction of the same block
    /// changed, a node whose `from` differs from the recovered sender (severity `.alert`).
    public var issues: [InconsistencyError]
    /// The G1 clock (`block.number` as the contracts see it: Arbitrum's `l1BlockNumber`, else the block number) of
    /// every block fetched, for `TransactionLogs.group(_:clock:)`.
    public var clocks: [UInt64: UInt256]
    /// Counts, for metrics and progress lines.
    public var counts: Counts

    /// Enrichment counts of one range.
    public struct Counts: Sendable, Hashable {
        /// Events that needed enrichment.
        public var needed = 0
        /// Filled from the transaction's calldata.
        public var calldataHits = 0
        /// Filled from a pinned `eth_call` (one call may serve several events).
        public var pinnedHits = 0
        /// Marked unavailable.
        public var unavailable = 0
        /// Calldata that was decodable but disagreed with the event (the pinned call was used).
        public var calldataMismatches = 0
        /// `eth_call`s sent (after de-duplication).
        public var pinnedCalls = 0
        /// Blocks fetched with full transactions.
        public var blocksFetched = 0
        /// Transaction senders recovered with libsecp256k1.
        public var sendersRecovered = 0
        /// Transactions whose sender could not be recovered (unsupported type, bad signature).
        public var sendersUnchecked = 0

        public init() {}
    }

    /// Creates a result.
    public init(logs: [KalypsoLog], signatureChecks: [SignatureCheck], issues: [InconsistencyError], clocks: [UInt64: UInt256], counts: Counts) {
        self.logs = logs; self.signatureChecks = signatureChecks; self.issues = issues; self.clocks = clocks; self.counts = counts
    }
}

/// Why a range could not be enriched. Every case is retryable as a whole range (the sync layer re-fetches it);
/// nothing is stored for the range.
public struct EnrichmentError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case blockMismatch = "block mismatch", missingBlock = "missing block", transientRead = "transient read"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// A fetched block's hash or transaction list does not match the logs: the chain reorganised between
        /// `eth_getLogs` and `eth_getBlockByNumber`. Re-check the reorg window and sync the range again.
        public static let blockMismatch = Code(.blockMismatch)
        /// The node did not return a block (or returned it without full transactions).
        public static let missingBlock = Code(.missingBlock)
        /// A pinned call failed in a way that may pass later (see `PinnedCallError.Kind.transient`).
        public static let transientRead = Code(.transientRead)
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What failed, where, and what to do.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
