import EthereumKit

/// The three G1 core contracts whose logs the mirror follows.
public enum KalypsoContract: String, Hashable, Sendable, CaseIterable, Comparable {
    /// `GeneratorRegistry` (GR): generators, stake, compute, per-market rows, lock events.
    case generatorRegistry
    /// `ProofMarketplace` (PMP): markets, asks, tasks, pricing, pause.
    case proofMarketplace
    /// `EntityKeyRegistry` (ER): enclave keys and images.
    case entityKeyRegistry

    public static func < (a: KalypsoContract, b: KalypsoContract) -> Bool {
        a.ordinal < b.ordinal
    }

    private var ordinal: Int {
        switch self {
        case .generatorRegistry: return 0
        case .proofMarketplace: return 1
        case .entityKeyRegistry: return 2
        }
    }
}

/// Where a log sits in the chain. Travels with every event so that changes and inconsistencies name their origin.
///
/// Logs are applied in `(blockNumber, transactionIndex, logIndex)` order (§7.2); that is the `Comparable` order.
public struct LogPosition: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The block number of the chain the log is on (the L2 block on Arbitrum, not the G1 clock).
    public var blockNumber: UInt64
    /// The hash of that block.
    public var blockHash: Hash32
    /// The index of the transaction in the block.
    public var transactionIndex: UInt64
    /// The hash of the transaction that emitted the log.
    public var transactionHash: Hash32
    /// The index of the log in the block (not in the transaction).
    public var logIndex: UInt64

    /// Creates a position from the fields of an RPC log object.
    public init(blockNumber: UInt64, blockHash: Hash32, transactionIndex: UInt64, transactionHash: Hash32, logIndex: UInt64) {
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.transactionIndex = transactionIndex
        self.transactionHash = transactionHash
        self.logIndex = logIndex
    }

    public static func < (a: LogPosition, b: LogPosition) -> Bool {
        (a.blockNumber, a.transactionIndex, a.logIndex) < (b.blockNumber, b.transactionIndex, b.logIndex)
    }

    /// `block N tx I (0x…) log L`, for messages.
    public var description: String {
        "block \(blockNumber) tx \(transactionIndex) (\(transactionHash)) log \(logIndex)"
    }
}

/// One decoded log: its position, the contract that emitted it, and the typed event.
public struct KalypsoLog: Hashable, Sendable {
    /// Where the log is.
    public var position: LogPosition
    /// Which watched contract emitted it (the log's `address`, resolved by the sync layer).
    public var emitter: KalypsoContract
    /// The typed event, with its enrichment filled in by the sync layer where the event lacks fields.
    public var event: KalypsoEvent

    /// Creates a decoded log.
    public init(position: LogPosition, emitter: KalypsoContract, event: KalypsoEvent) {
        self.position = position
        self.emitter = emitter
        self.event = event
    }
}

/// All Kalypso logs of one transaction, the unit the reducer applies atomically (§7.2).
///
/// Several rules need the other logs of the same transaction: lock attribution (§7.5), slashes without
/// `StakeSlashed` on implementations before 2024-09-09, and request-exit followed by leave.
public struct TransactionLogs: Hashable, Sendable {
    /// The logs, in log order. The reducer sorts them by `logIndex` (and records an inconsistency) if they are not.
    public var logs: [KalypsoLog]
    /// The G1 clock of the transaction's block (§0): `block.number` as the EVM sees it, which on Arbitrum is the
    /// L1-derived block number (`l1BlockNumber`), not the L2 block height. Nil if the sync layer does not know it.
    /// Used for ask deadlines when `TaskCreated` could not be enriched, and for pending-intent markers.
    public var clock: UInt256?

    /// Groups the logs of one transaction.
    public init(logs: [KalypsoLog], clock: UInt256? = nil) {
        self.logs = logs
        self.clock = clock
    }

    /// Splits an ordered log stream into transactions (consecutive logs with the same block hash and transaction
    /// hash), all with the same `clock` provider.
    public static func group(_ logs: [KalypsoLog], clock: (LogPosition) -> UInt256? = { _ in nil }) -> [TransactionLogs] {
        group(logs[...], clock: clock)
    }

    /// `group` over a part of an array (no copy of the part first). Each log is copied once, into its transaction.
    public static func group(_ logs: ArraySlice<KalypsoLog>, clock: (LogPosition) -> UInt256? = { _ in nil }) -> [TransactionLogs] {
        transactionRanges(logs).map { TransactionLogs(logs: Array(logs[$0]), clock: clock(logs[$0.upperBound - 1].position)) }
    }

    /// The index ranges of the transactions in `logs` (as `group` splits them), in order.
    static func transactionRanges(_ logs: ArraySlice<KalypsoLog>) -> [Range<Int>] {
        // Compare fields in place, through a buffer (a `KalypsoLog` is large; `logs[i].position` on a slice copies the
        // whole log first).
        logs.withUnsafeBufferPointer { buffer in
            var out: [Range<Int>] = []
            var start = 0
            while start < buffer.count {
                var end = start + 1
                while end < buffer.count, buffer[end].position.transactionHash == buffer[start].position.transactionHash,
                      buffer[end].position.blockHash == buffer[start].position.blockHash { end += 1 }
                out.append((logs.startIndex + start)..<(logs.startIndex + end))
                start = end
            }
            return out
        }
    }
}
