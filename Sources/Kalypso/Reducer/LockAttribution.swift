import EthereumKit

/// The registry lock events of one task event, paired per §7.5 rule 3.
///
/// The lock events carry no market and no ask. Within a transaction: an imposed pair belongs to the **next**
/// `TaskCreated` for the same generator; a released pair to the next `ProofCreated` / `InvalidInputsDetected`; a
/// `StakeSlashed` + `ComputeLockReleased` pair to the **preceding** `ProofNotGenerated`. A `ComputeLockReleased` is a
/// slash release when the log before it is `StakeSlashed`, and a completion release otherwise.
public struct LockAttribution: Hashable, Sendable {
    /// Which lifecycle step.
    public enum Kind: Hashable, Sendable {
        /// `StakeLockImposed` + `ComputeLockImposed` → `TaskCreated`.
        case imposed
        /// `StakeLockReleased` + `ComputeLockReleased` → `ProofCreated` or `InvalidInputsDetected`.
        case released
        /// `ProofNotGenerated` → `StakeSlashed` + `ComputeLockReleased` (both absent before 2024-09-09).
        case slashed
    }

    /// The step.
    public var kind: Kind
    /// The ask of the marketplace event.
    public var askId: UInt256
    /// The generator named by the lock events (or, with none, by the marketplace event or the mirrored ask).
    public var generator: Address?
    /// The stake amount of the paired stake event (imposed, released or slashed); nil if there was none.
    public var stake: UInt256?
    /// The compute amount of the paired compute event; nil if there was none.
    public var compute: UInt256?
    /// The marketplace event's position.
    public var position: LogPosition

    public init(kind: Kind, askId: UInt256, generator: Address?, stake: UInt256?, compute: UInt256?, position: LogPosition) {
        self.kind = kind
        self.askId = askId
        self.generator = generator
        self.stake = stake
        self.compute = compute
        self.position = position
    }
}

/// The pairing of one transaction's lock events, computed before any log is applied.
struct AttributionPlan {
    /// Attributions by the index (in the logs given) of their marketplace event.
    var byAskEvent: [Int: LockAttribution] = [:]
    /// Indices of lock events that were not paired with a marketplace event.
    var unpaired: [Int] = []

    private struct Pending {
        var index: Int
        var generator: Address
        var amount: UInt256
    }

    /// Pairs the lock events of `logs`. `generatorOf` gives the assigned generator of an ask in the state before the
    /// transaction; assignments earlier in the same transaction take precedence.
    init(_ logs: ArraySlice<KalypsoLog>, generatorOf: (UInt256) -> Address?) {
        var stakeImposed: [Pending] = [], computeImposed: [Pending] = []
        var stakeReleased: [Pending] = [], computeReleased: [Pending] = []
        var assignedHere: [UInt256: Address] = [:]
        var lastSlash: Int?

        func take(_ list: inout [Pending], for generator: Address?) -> Pending? {
            guard let i = list.firstIndex(where: { generator == nil || $0.generator == generator }) else { return nil }
            return list.remove(at: i)
        }

        // Through a buffer: a `KalypsoLog` is large, and `logs[i].event` on a slice (or `enumerated()`) would copy each
        // whole log. `i` is the index in `logs`, `j` in the buffer.
        logs.withUnsafeBufferPointer { buffer in
            for j in buffer.indices {
                let i = logs.startIndex + j
                switch buffer[j].event {
                case .stakeLockImposed(let e): stakeImposed.append(Pending(index: i, generator: e.generator, amount: e.stake))
                case .computeLockImposed(let e): computeImposed.append(Pending(index: i, generator: e.generator, amount: e.compute))
                case .stakeLockReleased(let e): stakeReleased.append(Pending(index: i, generator: e.generator, amount: e.stake))
                case .computeLockReleased(let e):
                    if j > 0, case .stakeSlashed = buffer[j - 1].event, let s = lastSlash, byAskEvent[s]?.compute == nil {
                        byAskEvent[s]?.compute = e.compute
                        if byAskEvent[s]?.generator == nil { byAskEvent[s]?.generator = e.generator }
                    } else {
                        computeReleased.append(Pending(index: i, generator: e.generator, amount: e.compute))
                    }
                case .stakeSlashed(let e):
                    if let s = lastSlash, byAskEvent[s]?.stake == nil {
                        byAskEvent[s]?.stake = e.stake
                        byAskEvent[s]?.generator = e.generator
                    } else {
                        unpaired.append(i)
                    }
                case .taskCreated(let e):
                    assignedHere[e.askId] = e.generator
                    let s = take(&stakeImposed, for: e.generator), c = take(&computeImposed, for: e.generator)
                    byAskEvent[i] = LockAttribution(kind: .imposed, askId: e.askId, generator: e.generator,
                                                    stake: s?.amount, compute: c?.amount, position: buffer[j].position)
                case .proofCreated(let e):
                    byAskEvent[i] = Self.release(e.askId, at: buffer[j].position, assignedHere[e.askId] ?? generatorOf(e.askId),
                                                 &stakeReleased, &computeReleased, take)
                case .invalidInputsDetected(let e):
                    byAskEvent[i] = Self.release(e.askId, at: buffer[j].position, assignedHere[e.askId] ?? generatorOf(e.askId),
                                                 &stakeReleased, &computeReleased, take)
                case .proofNotGenerated(let e):
                    byAskEvent[i] = LockAttribution(kind: .slashed, askId: e.askId, generator: nil, stake: nil, compute: nil,
                                                    position: buffer[j].position)
                    lastSlash = i
                default:
                    break
                }
            }
        }
        unpaired += (stakeImposed + computeImposed + stakeReleased + computeReleased).map(\.index)
        unpaired.sort()
    }

    private static func release(_ askId: UInt256, at position: LogPosition, _ generator: Address?,
                                _ stakes: inout [Pending], _ computes: inout [Pending],
                                _ take: (inout [Pending], Address?) -> Pending?) -> LockAttribution {
        // The ask's generator; any generator when the ask is unknown to the mirror.
        let s = take(&stakes, generator)
        let c = take(&computes, s?.generator ?? generator)
        return LockAttribution(kind: .released, askId: askId, generator: s?.generator ?? c?.generator ?? generator,
                               stake: s?.amount, compute: c?.amount, position: position)
    }
}
