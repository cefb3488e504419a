import EthereumKit
import JSONRPC
import Kalypso
import Matching
import MatchRunner
import Mirror

/// `--json` documents of `match` and `sync --match` (conventions of `MirrorJSON`: 256-bit integers as decimal
/// strings, EIP-55 addresses, 0x-hex bytes and hashes).
enum MatchJSON {
    typealias J = MirrorJSON

    static func round(_ r: RoundReport, receipts: [MatchEvent] = []) -> JSONValue {
        let s = r.round.summary
        var members: [(String, JSONValue)] = [
            ("type", .string("round")), ("round", J.n(r.number)), ("mode", .string(r.mode.rawValue)), ("checkpoint", J.checkpoint(r.cursor)),
            ("clock", J.u(r.clock)), ("head", J.n(r.head)),
            ("summary", .object([("considered", J.n(s.consideredAsks)), ("assigned", J.n(s.assigned)), ("expired", J.n(s.expiredAsks)),
                                 ("skipped", .object(s.skipped.sorted { $0.key < $1.key }.map { ($0.key.rawValue, J.n($0.value)) })),
                                 ("unmatched", .object(s.unmatched.sorted { $0.key < $1.key }.map { ($0.key.rawValue, J.n($0.value)) })),
                                 ("totalReward", J.u(s.totalReward)), ("totalRequesterRefund", J.u(s.totalRequesterRefund))])),
            ("relayed", J.n(r.relay.relayed)), ("transactionsSent", J.n(r.relay.transactionsSent)),
            ("assignments", .array(r.round.assignments.map(assignment))),
            ("skipped", .array(r.round.decisions.compactMap { d in
                guard case .skipped(let why) = d.outcome else { return nil }
                return .object([("askId", J.u(d.askId)), ("marketId", J.u(d.marketId)), ("reason", .string(why.kind.rawValue)), ("detail", .string(why.description))])
            })),
            ("unmatched", .array(r.round.decisions.compactMap { d in
                guard case .unmatched(let why) = d.outcome else { return nil }
                return .object([("askId", J.u(d.askId)), ("marketId", J.u(d.marketId)), ("reason", .string(why.rawValue))])
            })),
            ("droppedBeforeSend", .array(r.relay.droppedBeforeSend.map { d in
                .object([("askId", J.u(d.assignment.askId)), ("generator", J.a(d.assignment.generator)), ("reason", .string(d.reason.description))])
            })),
            ("droppedBySimulation", .array(r.relay.droppedBySimulation.map { d in
                .object([("askId", J.u(d.assignment.askId)), ("generator", J.a(d.assignment.generator)), ("revert", .string(d.reason.description))])
            })),
            ("batches", .array(r.relay.batches.map(batch))),
            ("notSent", .array(r.relay.notSent.map { J.u($0.askId) })), ("alreadyInFlight", J.n(r.relay.alreadyInFlight)),
            ("stopReason", J.s(r.relay.stopReason)),
            ("reconciled", .object([("landed", .array(r.reconciliation.landed.map { J.u($0) })),
                                    ("takenElsewhere", .array(r.reconciliation.takenElsewhere.map { J.u($0) })),
                                    ("expired", .array(r.reconciliation.expired.map { J.u($0) }))])),
            ("inFlight", J.n(r.inFlight)),
            ("asks", .object([("created", J.n(r.asks.created)), ("assigned", J.n(r.asks.assigned)), ("completed", J.n(r.asks.completed))])),
        ]
        if !receipts.isEmpty { members.append(("receipts", .array(receipts.compactMap(event)))) }
        return .object(members)
    }

    static func assignment(_ a: Assignment) -> JSONValue {
        .object([("askId", J.u(a.askId)), ("marketId", J.u(a.marketId)), ("generator", J.a(a.generator)), ("reward", J.u(a.reward)),
                 ("proofGenerationCost", J.u(a.proofGenerationCost)), ("requesterRefund", J.u(a.requesterRefund)),
                 ("proposedTime", J.u(a.proposedTime)), ("timeTakenForProofGeneration", J.u(a.timeTakenForProofGeneration)),
                 ("computePerRequestRequired", J.u(a.computePerRequestRequired)), ("stakeToLock", J.u(a.stakeToLock)),
                 ("private", .bool(a.isPrivate))])
    }

    static func batch(_ b: BatchReport) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("function", .string(b.function)), ("askIds", .array(b.items.map { J.u($0.askId) })),
            ("generators", .array(b.items.map { J.a($0.generator) })),
            ("signature", b.signed.map { J.b($0.signature.rsv) } ?? .null),
            ("signer", J.a(try? b.signed?.signer())), ("messageHash", J.h(try? b.signed?.batch.messageHash())),
            ("calldata", J.b(b.calldata)),
        ]
        switch b.status {
        case .dryRun(let simulated):
            members += [("status", .string("dry-run")), ("simulated", .bool(simulated))]
        case .sent(let hash, let nonce, let gas):
            members += [("status", .string("sent")), ("simulated", .bool(true)), ("transaction", J.h(hash)), ("nonce", J.n(nonce)),
                        ("gasLimit", J.n(gas))]
        }
        return .object(members)
    }

    static func event(_ e: MatchEvent) -> JSONValue? {
        switch e {
        case .round(let r): return round(r)
        case .transactionConfirmed(let hash, let block, let asks):
            return .object([("type", .string("mined")), ("transaction", J.h(hash)), ("block", J.n(block)), ("askIds", .array(asks.map { J.u($0) }))])
        case .transactionFailed(let hash, let asks, let reverted, let message):
            return .object([("type", .string(reverted ? "reverted" : "failed")), ("transaction", J.h(hash)),
                            ("askIds", .array(asks.map { J.u($0) })), ("message", .string(message))])
        case .lowBalance(let account, let balance, let threshold):
            return .object([("type", .string("lowBalance")), ("account", J.a(account)), ("balance", J.u(balance)), ("threshold", J.u(threshold))])
        }
    }

    static func explanation(_ x: AskExplanation, checkpoint: Checkpoint?) -> String {
        J.document(checkpoint, [
            ("askId", J.u(x.askId)), ("clock", J.u(x.now)), ("askState", J.s(x.askState)),
            ("decision", x.decision.map { .string($0.outcome.description) } ?? .null), ("assignmentsBefore", J.n(x.assignmentsBefore)),
            ("candidates", .array(x.candidates.map { c in
                .object([("generator", J.a(c.generator)), ("proofGenerationCost", J.u(c.proofGenerationCost)), ("proposedTime", J.u(c.proposedTime)),
                         ("idleCapacity", J.u(c.idleCapacity)), ("maxReducibleStake", J.u(c.maxReducibleStake)),
                         ("activeRequests", J.u(c.activeRequests)), ("verdict", .string(c.verdict.description))])
            })),
        ])
    }
}
