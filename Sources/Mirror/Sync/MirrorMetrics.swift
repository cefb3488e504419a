import Telemetry

/// The metric names the sync records (RPC latency and errors come from `JSONRPCClient` as `jsonrpc_*`).
public enum MirrorMetrics {
    /// Gauge: the cursor block.
    public static let synced = "mirror_synced_block"
    /// Gauge: the node's head at the last poll.
    public static let head = "mirror_head_block"
    /// Gauge: head − cursor.
    public static let lag = "mirror_lag_blocks"
    /// Gauge: the current eth_getLogs span.
    public static let span = "mirror_getlogs_span_blocks"
    /// Counter: committed ranges.
    public static let ranges = "mirror_ranges_committed_total"
    /// Counter: applied events.
    public static let logs = "mirror_logs_processed_total"
    /// Counter: quarantined logs.
    public static let quarantined = "mirror_logs_quarantined_total"
    /// Counter: logs with unknown topic0s.
    public static let unknown = "mirror_logs_unknown_total"
    /// Counter: reducer inconsistencies.
    public static let issues = "mirror_inconsistencies_total"
    /// Counter: reorgs undone.
    public static let reorgs = "mirror_reorgs_total"
    /// Counter: reorgs deeper than the window (the sync stopped).
    public static let deepReorgs = "mirror_deep_reorgs_total"
    /// Counter: failed steps by kind (head, fetch, provider_limit, commit).
    public static let failures = "mirror_sync_failures_total"
    /// Histogram: wall seconds per range and stage (fetch, decode, enrich, reduce, commit).
    public static let stageSeconds = "mirror_stage_seconds"

    /// Declares the families' help and types.
    public static func describe(_ m: MetricsRegistry) {
        m.describe(synced, type: "gauge", help: "Last block whose logs are committed (the cursor)")
        m.describe(head, type: "gauge", help: "The node's latest block at the last poll")
        m.describe(lag, type: "gauge", help: "Head minus cursor, in blocks")
        m.describe(span, type: "gauge", help: "Current eth_getLogs block span")
        m.describe(ranges, type: "counter", help: "Block ranges committed")
        m.describe(logs, type: "counter", help: "Kalypso events applied")
        m.describe(quarantined, type: "counter", help: "Logs that failed to decode (stored with the error)")
        m.describe(unknown, type: "counter", help: "Logs with a topic0 the ABI does not know")
        m.describe(issues, type: "counter", help: "Inconsistencies the reducer reported")
        m.describe(reorgs, type: "counter", help: "Reorgs detected and undone")
        m.describe(deepReorgs, type: "counter", help: "Reorgs deeper than the window (sync stopped)")
        m.describe(failures, type: "counter", help: "Failed sync steps by kind; each is retried with backoff")
        m.describe(stageSeconds, type: "histogram", help: "Wall seconds per range and stage (fetch, decode, enrich, reduce, commit)")
    }
}
