import EthereumKit
import Kalypso
import Matching
import Mirror
import Operator

/// Settings of the relayer.
public struct RelayConfiguration: Sendable {
    /// Whether transactions are sent.
    public enum Mode: String, Sendable {
        /// Sign, simulate when a node is configured, report what would be sent; send nothing.
        case dryRun = "dry-run"
        /// Sign, simulate, send.
        case send
    }

    /// Dry run (default) or send.
    public var mode: Mode
    /// The most assignments per `relayBatchAssignTasks` (≥ 1).
    public var maxBatchSize: Int
    /// Blocks added to the newest snapshot's clock when re-checking assignments before sending: the earliest
    /// clock the transaction can execute at (default 1: the next block).
    public var landingMargin: UInt256
    /// Fee caps given explicitly (else from `eth_feeHistory`).
    public var fees: FeeOverrides
    /// The most the relayer pays per gas (`maxFeePerGas` ceiling); nil: no ceiling. When the next base fee plus the
    /// tip is above it, the round sends nothing (stated in the report).
    public var feeCap: UInt256?
    /// Percent added to `eth_estimateGas`.
    public var gasMarginPercent: UInt64
    /// How long a receipt is waited for before the transaction is reported as timed out (the sync never waits).
    public var receiptTimeout: Duration
    /// Below this ether balance (wei) of the sending account, an alert is raised.
    public var lowBalance: UInt256
    /// How often the balance is read (at most once per round).
    public var balanceInterval: Duration

    /// 0.1 ether.
    public static let defaultLowBalance = UInt256(100_000_000_000_000_000)

    /// Creates a configuration (defaults: dry run, batches of 10, landing margin 1, no cap, 20 % gas margin,
    /// receipts waited 120 s, alert under 0.1 ether, balance read every 30 s).
    public init(mode: Mode = .dryRun, maxBatchSize: Int = MatchingConfiguration.defaultMaxBatchSize, landingMargin: UInt256 = 1,
                fees: FeeOverrides = FeeOverrides(), feeCap: UInt256? = nil, gasMarginPercent: UInt64 = 20,
                receiptTimeout: Duration = .seconds(120), lowBalance: UInt256 = RelayConfiguration.defaultLowBalance,
                balanceInterval: Duration = .seconds(30)) {
        self.mode = mode
        self.maxBatchSize = max(1, maxBatchSize)
        self.landingMargin = landingMargin
        self.fees = fees
        self.feeCap = feeCap
        self.gasMarginPercent = gasMarginPercent
        self.receiptTimeout = receiptTimeout
        self.lowBalance = lowBalance
        self.balanceInterval = balanceInterval
    }
}

/// One transaction's worth of assignments, and what happened to it.
public struct BatchReport: Sendable {
    /// The outcome.
    public enum Status: Sendable, Hashable {
        /// Dry run: signed; `simulated` when a node checked it (`eth_call` on `pending` passed).
        case dryRun(simulated: Bool)
        /// Sent: the transaction and its nonce (its receipt is followed in the background).
        case sent(transaction: Hash32, nonce: UInt64, gasLimit: UInt64)
    }

    /// The function (`relayBatchAssignTasks` or `assignTask`).
    public var function: String
    /// The assignments, in batch order.
    public var items: [Assignment]
    /// The matching-engine signature over the batch (nil for `assignTask`).
    public var signed: SignedAssignmentBatch?
    /// The calldata.
    public var calldata: [UInt8]
    /// The outcome.
    public var status: Status
}

/// An assignment the `eth_call` simulation refused, with the decoded revert.
public struct SimulationDrop: Sendable, Hashable {
    /// The assignment.
    public var assignment: Assignment
    /// The revert of the shortest failing prefix ending with it.
    public var reason: RevertReason
}

/// What the relayer did with one round's assignments.
public struct RelayOutcome: Sendable {
    /// Batches signed (dry run) or sent, in order.
    public var batches: [BatchReport] = []
    /// Assignments that no longer held on the newest mirrored state (`MatchingRound.revalidated`), never sent.
    public var droppedBeforeSend: [DroppedAssignment] = []
    /// Assignments the chain's simulation refused (the mirror was behind), never sent.
    public var droppedBySimulation: [SimulationDrop] = []
    /// Assignments not sent because the relay stopped (see `stopReason`).
    public var notSent: [Assignment] = []
    /// Assignments of asks already in flight, left out (a round never re-sends an ask).
    public var alreadyInFlight: Int = 0
    /// Why the relay stopped before the end (fees above the cap, a batch-level revert, the node, funds), if it did.
    public var stopReason: String?

    /// Creates an empty outcome.
    public init() {}

    /// Assignments in sent transactions.
    public var relayed: Int {
        batches.reduce(0) { n, b in if case .sent = b.status { return n + b.items.count } else { return n } }
    }

    /// Transactions sent.
    public var transactionsSent: Int {
        batches.reduce(0) { n, b in if case .sent = b.status { return n + 1 } else { return n } }
    }
}

/// Something the match runner reports as it happens.
public enum MatchEvent: Sendable {
    /// A round ran (and its batches were signed or sent).
    case round(RoundReport)
    /// A sent transaction was mined with status 1.
    case transactionConfirmed(transaction: Hash32, block: UInt64, askIds: [UInt256])
    /// A sent transaction failed: reverted (`reverted`), dropped, replaced, or timed out; its asks (except after a
    /// timeout, when it may still be mined) can be matched again.
    case transactionFailed(transaction: Hash32, askIds: [UInt256], reverted: Bool, message: String)
    /// The sending account's balance is below the configured threshold.
    case lowBalance(account: Address, balance: UInt256, threshold: UInt256)
}

/// The asks of a snapshot by stored state (totals since the deployment).
public struct AskTotals: Hashable, Sendable {
    /// Stored `CREATE` (open, or expired unassigned).
    public var created = 0
    /// Stored `ASSIGNED` (proving, or past the deadline).
    public var assigned = 0
    /// Stored `COMPLETE` (proved, or closed by invalid inputs / slashing).
    public var completed = 0

    /// Counts the asks of `state`.
    public init(_ state: KalypsoState) {
        for ask in state.asks.values {
            switch ask.storedState {
            case .create: created += 1
            case .assigned: assigned += 1
            case .complete: completed += 1
            }
        }
    }
}

/// One round: the snapshot, the engine's decisions, and the relay.
public struct RoundReport: Sendable {
    /// 1, 2, … in this process.
    public var number: Int
    /// Dry run or send.
    public var mode: RelayConfiguration.Mode
    /// The cursor of the snapshot.
    public var cursor: Checkpoint?
    /// The G1 clock of the snapshot.
    public var clock: UInt256
    /// The node's head when the snapshot was taken.
    public var head: UInt64?
    /// The engine's round (on the snapshot with the in-flight assignments applied).
    public var round: MatchingRound
    /// What the relayer did.
    public var relay: RelayOutcome
    /// What the snapshot settled of the asks in flight before the round.
    public var reconciliation: Reconciliation
    /// Asks in flight after the round.
    public var inFlight: Int
    /// The snapshot's asks by stored state.
    public var asks: AskTotals
}
