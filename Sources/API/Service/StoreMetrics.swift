import Foundation
import Mirror
import Telemetry

/// Gauges read from the database on every `/metrics` scrape (one status snapshot), so `/metrics` describes the
/// database the API serves even when the sync runs in another process.
///
/// Named `mirror_db_*` so they never collide with the sync's own `mirror_*` families (which count what one sync
/// process did since it started) when the API runs inside `sync --serve`.
public enum StoreMetrics {
    /// Gauge: the synced block (cursor) in the database.
    public static let synced = "mirror_db_synced_block"
    /// Gauge: the chain head the sync last recorded.
    public static let head = "mirror_db_head_block"
    /// Gauge: head − synced.
    public static let lag = "mirror_db_lag_blocks"
    /// Gauge: seconds since the head was recorded.
    public static let headAge = "mirror_db_head_age_seconds"
    /// Gauge: rewinds recorded since the database was created.
    public static let reorgs = "mirror_db_reorgs"
    /// Gauge: quarantined logs stored.
    public static let quarantined = "mirror_db_quarantined_logs"
    /// Gauge: unknown logs stored.
    public static let unknown = "mirror_db_unknown_logs"
    /// Gauge: inconsistency issues stored, by severity.
    public static let issues = "mirror_db_issues"
    /// Gauge: signature checks that do not match.
    public static let signatureMismatches = "mirror_db_signature_mismatches"
    /// Gauge: mirrored generators.
    public static let generators = "mirror_db_generators"
    /// Gauge: mirrored markets.
    public static let markets = "mirror_db_markets"
    /// Gauge: 1 when `/readyz` would answer 200.
    public static let ready = "mirror_api_ready"
    /// Counter: scrapes whose status read failed.
    public static let readErrors = "mirror_db_read_errors_total"

    /// Declares the families.
    public static func describe(_ m: MetricsRegistry) {
        m.describe(synced, type: "gauge", help: "Synced block (the cursor) in the database the API serves")
        m.describe(head, type: "gauge", help: "Chain head the sync last recorded in the database")
        m.describe(lag, type: "gauge", help: "Head minus synced block, in blocks")
        m.describe(headAge, type: "gauge", help: "Seconds since the sync recorded the head")
        m.describe(reorgs, type: "gauge", help: "Reorgs undone since the database was created")
        m.describe(quarantined, type: "gauge", help: "Logs stored in quarantine (known topic0, failed to decode)")
        m.describe(unknown, type: "gauge", help: "Logs stored with an unknown topic0")
        m.describe(issues, type: "gauge", help: "Inconsistencies the reducer reported, by severity")
        m.describe(signatureMismatches, type: "gauge", help: "Signature checks whose recovered address is not the expected one")
        m.describe(generators, type: "gauge", help: "Mirrored generators")
        m.describe(markets, type: "gauge", help: "Mirrored markets")
        m.describe(ready, type: "gauge", help: "1 when /readyz answers 200, else 0")
        m.describe(readErrors, type: "counter", help: "Metric scrapes whose database status read failed")
    }

    /// Reads the status in one snapshot and sets every gauge.
    static func refresh(_ m: MetricsRegistry, api: MirrorAPI) {
        let status: MirrorStatus
        do {
            status = try api.reader.status().value
        } catch {
            m.increment(readErrors)
            m.set(ready, 0)
            return
        }
        let now = api.now()
        if let c = status.synced { m.set(synced, Double(c.blockNumber)) }
        if let h = status.head { m.set(head, Double(h)) }
        if let l = status.lag { m.set(lag, Double(l)) }
        if let text = status.headRecordedAt, let at = try? Date(text, strategy: .iso8601) {
            m.set(headAge, max(0, now.timeIntervalSince(at).rounded()))
        }
        m.set(reorgs, Double(status.reorgsSeen))
        m.set(quarantined, Double(status.quarantinedCount))
        m.set(unknown, Double(status.unknownCount))
        for severity in Set(["info", "warning", "alert"]).union(status.issuesBySeverity.keys) {
            m.set(issues, Double(status.issuesBySeverity[severity] ?? 0), labels: [("severity", severity)])
        }
        m.set(signatureMismatches, Double(status.signatureMismatches))
        m.set(generators, Double(status.generatorCount))
        m.set(markets, Double(status.marketCount))
        m.set(ready, api.readinessPolicy.evaluate(status, now: now) == .ready ? 1 : 0)
    }
}
