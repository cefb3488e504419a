import EthereumKit
import Telemetry

/// The metric names of the match runner (next to the sync's `mirror_*` and the client's `jsonrpc_*`).
public enum MatchMetrics {
    /// Counter: rounds run.
    public static let rounds = "match_rounds_total"
    /// Histogram: wall seconds per round (engine, re-checks, simulation and sending; not receipts).
    public static let roundSeconds = "match_round_seconds"
    /// Gauge: the last round's asks by outcome (`assigned`, `skipped`, `unmatched`) and reason.
    public static let lastRoundAsks = "match_last_round_asks"
    /// Counter: assignments the engine chose (every round; dry runs included).
    public static let proposed = "match_assignments_proposed_total"
    /// Counter: assignments in sent transactions.
    public static let relayed = "match_assignments_relayed_total"
    /// Counter: assignments dropped before sending, by stage (`revalidation`, `simulation`) and reason.
    public static let dropped = "match_assignments_dropped_total"
    /// Counter: transactions sent.
    public static let transactionsSent = "match_transactions_sent_total"
    /// Counter: transactions mined with status 1.
    public static let transactionsConfirmed = "match_transactions_confirmed_total"
    /// Counter: transactions mined with status 0 (the goal is 0).
    public static let transactionsReverted = "match_transactions_reverted_total"
    /// Counter: transactions dropped, replaced or timed out, by reason.
    public static let transactionsFailed = "match_transactions_failed_total"
    /// Counter: rounds whose relay stopped early (fees above the cap, batch-level revert, node or funds).
    public static let relayStops = "match_relay_stops_total"
    /// Counter: nonce re-reads after a refusal.
    public static let nonceResyncs = "match_nonce_resyncs_total"
    /// Gauge: asks sent and not yet seen landing.
    public static let inFlight = "match_in_flight_asks"
    /// Gauge: the sending account's balance in wei.
    public static let balance = "match_relayer_balance_wei"

    /// Declares the families' help and types.
    public static func describe(_ m: MetricsRegistry) {
        m.describe(rounds, type: "counter", help: "Matching rounds run")
        m.describe(roundSeconds, type: "histogram", help: "Wall seconds per matching round (engine, re-checks, simulation, sending)")
        m.describe(lastRoundAsks, type: "gauge", help: "Open asks of the last round by outcome and reason")
        m.describe(proposed, type: "counter", help: "Assignments chosen by the engine")
        m.describe(relayed, type: "counter", help: "Assignments in sent transactions")
        m.describe(dropped, type: "counter", help: "Assignments dropped before sending, by stage and reason")
        m.describe(transactionsSent, type: "counter", help: "Assignment transactions sent")
        m.describe(transactionsConfirmed, type: "counter", help: "Assignment transactions mined with status 1")
        m.describe(transactionsReverted, type: "counter", help: "Assignment transactions mined with status 0")
        m.describe(transactionsFailed, type: "counter", help: "Assignment transactions dropped, replaced or timed out")
        m.describe(relayStops, type: "counter", help: "Rounds whose relay stopped before the end")
        m.describe(nonceResyncs, type: "counter", help: "Pending-nonce re-reads after a refusal")
        m.describe(inFlight, type: "gauge", help: "Asks sent whose TaskCreated the mirror has not applied")
        m.describe(balance, type: "gauge", help: "Ether balance of the sending account, in wei")
    }

    /// `v` as a Double (for gauges; rounding is fine there).
    public static func double(_ v: UInt256) -> Double {
        ((Double(v.l3) * 18_446_744_073_709_551_616 + Double(v.l2)) * 18_446_744_073_709_551_616 + Double(v.l1)) * 18_446_744_073_709_551_616
            + Double(v.l0)
    }
}
