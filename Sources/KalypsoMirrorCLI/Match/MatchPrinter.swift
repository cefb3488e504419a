import EthereumKit
import Kalypso
import Matching
import MatchRunner
import Operator
import Synchronization

/// Prints the runner's events on stdout: one concise line per round (plus details on request) and one per receipt,
/// or one JSON object each with `--json`. With `collect`, nothing is printed until `flush` (for `match --once`:
/// one document with the round and its receipts). In text, a round that reports exactly what the previous one did
/// (nothing relayed, landed or dropped; the same counts) is not printed again (`--json` prints every round).
final class MatchPrinter: Sendable {
    let json: Bool
    let details: Bool
    private let collect: Bool
    private let collected = Mutex<[MatchEvent]>([])
    /// The previous round's lines without the round number, block and clock.
    private let previousRound = Mutex<[String]>([])

    init(json: Bool, details: Bool, collect: Bool = false) {
        self.json = json
        self.details = details
        self.collect = collect
    }

    func event(_ e: MatchEvent) {
        if collect {
            collected.withLock { $0.append(e) }
            return
        }
        if json {
            if let v = MatchJSON.event(e) { Console.out(v.text) }
        } else {
            let lines = Self.lines(e, details: details)
            if case .round = e {
                let key = [lines.first.map(Self.withoutPosition) ?? ""] + lines.dropFirst()
                let repeated = previousRound.withLock { previous in
                    defer { previous = key }
                    return previous == key
                }
                if repeated { return }
            }
            for line in lines { Console.out(line) }
        }
    }

    /// Prints what `collect` held: the round report with its receipts (JSON), or every line.
    func flush() {
        guard collect else { return }
        let events = collected.withLock { e -> [MatchEvent] in defer { e.removeAll() }; return e }
        if json {
            let rounds = events.compactMap { e -> RoundReport? in if case .round(let r) = e { return r } else { return nil } }
            let others = events.filter { if case .round = $0 { return false } else { return true } }
            if let last = rounds.last {
                Console.out(MatchJSON.round(last, receipts: others).text)
            } else {
                for e in others { if let v = MatchJSON.event(e) { Console.out(v.text) } }
            }
        } else {
            // The round first, then its receipts (some may have arrived while the round was still sending).
            let ordered = events.filter { if case .round = $0 { return true } else { return false } }
                + events.filter { if case .round = $0 { return false } else { return true } }
            for e in ordered { for line in Self.lines(e, details: details) { Console.out(line) } }
        }
    }

    // MARK: - Text

    static func lines(_ e: MatchEvent, details: Bool) -> [String] {
        switch e {
        case .round(let r): return round(r, details: details || r.mode == .dryRun)
        case .transactionConfirmed(let hash, let block, let asks):
            return ["mined \(short(hash)) in block \(block): asks \(ids(asks))"]
        case .transactionFailed(let hash, let asks, let reverted, let message):
            return ["\(reverted ? "REVERTED" : "failed") \(short(hash)) (asks \(ids(asks))): \(message)"]
        case .lowBalance(let account, let balance, let threshold):
            return ["LOW BALANCE: \(account.checksummed) has \(TokenAmount.formatEther(balance)) (alert below \(TokenAmount.formatEther(threshold)))"]
        }
    }

    static func round(_ r: RoundReport, details: Bool) -> [String] {
        let s = r.round.summary
        let skipped = s.skipped.values.reduce(0, +), unmatched = s.unmatched.values.reduce(0, +)
        let dropped = r.relay.droppedBeforeSend.count + r.relay.droppedBySimulation.count
        var head = "round \(r.number) at block \(r.cursor.map { "\($0.blockNumber)" } ?? "-") (clock \(r.clock)): \(s.consideredAsks) open"
        switch r.mode {
        case .send:
            head += ", relayed \(r.relay.relayed) in \(r.relay.transactionsSent) tx"
            let txs = r.relay.batches.compactMap { b -> String? in
                if case .sent(let hash, let nonce, _) = b.status { return "\(short(hash)) nonce \(nonce)" }
                return nil
            }
            if !txs.isEmpty { head += " (\(txs.joined(separator: ", ")))" }
        case .dryRun:
            head += ", would assign \(s.assigned) in \(r.relay.batches.count) batch(es)"
        }
        if dropped > 0 { head += ", dropped \(dropped)" }
        head += ", skipped \(skipped)" + counts(s.skipped.map { ($0.key.rawValue, $0.value) })
        head += ", unmatched \(unmatched)" + counts(s.unmatched.map { ($0.key.rawValue, $0.value) })
        if !r.reconciliation.landed.isEmpty { head += ", landed \(r.reconciliation.landed.count)" }
        head += ", in flight \(r.inFlight); asks assigned \(r.asks.assigned), completed \(r.asks.completed)"
        var out = [head]
        if let stop = r.relay.stopReason { out.append("  stopped: \(stop) (\(r.relay.notSent.count) not sent)") }
        for d in r.relay.droppedBeforeSend {
            out.append("  dropped ask \(d.assignment.askId) → \(d.assignment.generator.checksummed) before sending: \(d.reason)")
        }
        for d in r.relay.droppedBySimulation {
            out.append("  dropped ask \(d.assignment.askId) → \(d.assignment.generator.checksummed) by the simulation: \(d.reason)")
        }
        guard details else { return out }
        for a in r.round.assignments {
            out.append("  ask \(a.askId) (market \(a.marketId), reward \(a.reward)) → \(a.generator.checksummed): price \(a.proofGenerationCost), refund \(a.requesterRefund), time \(a.proposedTime)/\(a.timeTakenForProofGeneration)")
        }
        for (k, b) in r.relay.batches.enumerated() {
            var line = "  batch \(k + 1) \(b.function) asks \(ids(b.items.map(\.askId)))"
            if let signed = b.signed {
                line += " signed by \((try? signed.signer().checksummed) ?? "?") signature \(Hex.encode(signed.signature.rsv))"
            } else if b.function == "relayBatchAssignTasks" {
                line += " unsigned (no matching-engine key)"
            }
            switch b.status {
            case .dryRun(let simulated): line += simulated ? "; eth_call on pending: succeeds" : "; not simulated"
            case .sent(let hash, let nonce, let gas): line += "; sent \(hash) nonce \(nonce) gas limit \(gas)"
            }
            out.append(line)
        }
        for d in r.round.decisions {
            switch d.outcome {
            case .assigned: continue
            case .skipped(let why): out.append("  ask \(d.askId) skipped: \(why)")
            case .unmatched(let why): out.append("  ask \(d.askId) unmatched: \(why) (match --explain \(d.askId) for each generator)")
            }
        }
        return out
    }

    static func explanation(_ x: AskExplanation) -> [String] {
        var out = ["ask \(x.askId) at clock \(x.now): state \(x.askState.map { "\($0)" } ?? "unknown"); "
                   + (x.decision.map { "round decision: \($0.outcome) (position \($0.position), after \(x.assignmentsBefore) assignment(s))" }
                      ?? "not considered by the round (not open, expired, or unknown)")]
        if x.candidates.isEmpty { out.append("  no generator has a row in the ask's market") }
        for c in x.candidates { out.append("  \(c)") }
        return out
    }

    /// A round line without its "round N at block B (clock C): " prefix.
    static func withoutPosition(_ line: String) -> String {
        line.range(of: "): ").map { String(line[$0.upperBound...]) } ?? line
    }

    private static func counts(_ pairs: [(String, Int)]) -> String {
        let nonzero = pairs.filter { $0.1 > 0 }.sorted { $0.0 < $1.0 }
        return nonzero.isEmpty ? "" : " (" + nonzero.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + ")"
    }

    private static func ids(_ asks: [UInt256]) -> String { asks.map { "\($0)" }.joined(separator: ",") }

    private static func short(_ h: Hash32) -> String { String(h.description.prefix(12)) + "…" }
}
