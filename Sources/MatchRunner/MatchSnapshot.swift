import EthereumKit
import Kalypso
import Mirror

/// The mirrored state a round runs on: every entity as committed at `cursor`, and the G1 clock there.
public struct MatchSnapshot: Sendable {
    /// Every mirrored entity.
    public var state: KalypsoState
    /// The G1 clock at the cursor: `block.number` as the contracts read it (ask expiry and deadlines).
    public var clock: UInt256
    /// The last block whose logs are applied; nil before the first commit.
    public var cursor: Checkpoint?
    /// The node's head when the snapshot was taken, if known.
    public var head: UInt64?

    /// Creates a snapshot.
    public init(state: KalypsoState, clock: UInt256, cursor: Checkpoint?, head: UInt64?) {
        self.state = state
        self.clock = clock
        self.cursor = cursor
        self.head = head
    }

    /// The state a committed range left (in-process with `sync`).
    public init(_ range: CommittedRange) {
        self.init(state: range.state, clock: UInt256(range.clock), cursor: range.cursor, head: range.head)
    }

    /// The state read from the database (`match` beside a `sync` process).
    public init(_ snapshot: Snapshot<MirroredState>) {
        self.init(state: snapshot.value.state, clock: snapshot.value.clock, cursor: snapshot.checkpoint, head: snapshot.value.head)
    }
}
