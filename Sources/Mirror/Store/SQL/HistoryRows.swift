import Database
import EthereumKit
import JSONRPC
import Kalypso

/// The append-only tables of a range (events, unknown and quarantined logs, signature checks, issues) and the reorg
/// tables (block window, undo journal): their batch inserts and the binds of their rows.
enum HistoryRows {
    static let events = RowTable.insertOnly("events", columns: [
        "block_number", "log_index", "block_hash", "transaction_index", "transaction_hash", "emitter", "event_name",
        "fields", "enrichment", "address", "topics", "data"], key: ["block_number", "log_index"])
    static let unknownLogs = RowTable.insertOnly("unknown_logs", columns: [
        "block_number", "log_index", "block_hash", "transaction_index", "transaction_hash", "address", "topic0", "topics",
        "data", "other_generation"], key: ["block_number", "log_index"])
    static let quarantinedLogs = RowTable.insertOnly("quarantined_logs", columns: [
        "block_number", "log_index", "block_hash", "transaction_index", "transaction_hash", "address", "topic0", "topics",
        "data", "event_name", "error"], key: ["block_number", "log_index"])
    static let signatureChecks = RowTable.insertOnly("signature_checks", columns: [
        "block_number", "seq", "log_index", "block_hash", "transaction_index", "transaction_hash", "kind", "expected",
        "recovered", "matches", "note"], key: ["block_number", "seq"])
    static let issues = RowTable.insertOnly("inconsistency_issues", columns: [
        "block_number", "seq", "log_index", "transaction_hash", "code", "severity", "message"], key: ["block_number", "seq"])
    static let journal = RowTable.insertOnly("undo_journal", columns: [
        "block_number", "seq", "block_hash", "entity_key", "before_image", "after_image"], key: ["block_number", "seq"])
    static let window = RowTable(name: "block_window", columns: ["number", "hash", "parent_hash"],
                                 tail: "ON CONFLICT (number) DO UPDATE SET hash = excluded.hash, parent_hash = excluded.parent_hash")

    /// The tables holding rows per block that a rewind deletes above its target, with their block column.
    static let perBlockTables: [(table: String, column: String)] = [
        ("events", "block_number"), ("unknown_logs", "block_number"), ("quarantined_logs", "block_number"),
        ("signature_checks", "block_number"), ("inconsistency_issues", "block_number"), ("undo_journal", "block_number"),
        ("block_window", "number"),
    ]

    // MARK: Binds

    /// Topics as one blob of concatenated 32-byte values.
    static func topicsBlob(_ topics: [Hash32]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: topics.count * 32)
        out.withUnsafeMutableBytes { raw in
            for (i, t) in topics.enumerated() { t.store(into: raw, at: i * 32) }
        }
        return out
    }

    /// The topics stored by `topicsBlob`.
    static func topics(blob: [UInt8]) -> [Hash32] {
        blob.withUnsafeBytes { raw in
            stride(from: 0, to: raw.count - raw.count % 32, by: 32).map { Hash32(at: $0, of: raw) }
        }
    }

    private static func appendPosition(_ p: LogPosition, _ b: inout [SQLBind]) {
        b.append(p.blockNumber.sqlBind); b.append(p.logIndex.sqlBind); b.append(p.blockHash.sqlBind)
        b.append(p.transactionIndex.sqlBind); b.append(p.transactionHash.sqlBind)
    }

    static func appendEvent(_ log: KalypsoLog, raw: Log?, _ b: inout [SQLBind]) {
        appendPosition(log.position, &b)
        b.append(.text(log.emitter.rawValue))
        b.append(.text(log.event.name))
        b.append(.text(EventJSON.fields(of: log.event)))
        b.append(log.event.enrichmentSource.map { SQLBind.text($0.description) } ?? .null)
        if let raw {
            b.append(raw.address.sqlBind); b.append(.blob(topicsBlob(raw.topics))); b.append(.blob(raw.data))
        } else {
            b.append(.null); b.append(.null); b.append(.null)
        }
    }

    static func appendUnknown(_ log: UnknownLog, _ b: inout [SQLBind]) {
        appendPosition(log.position, &b)
        b.append(log.address.sqlBind); b.append(log.topics.first.sqlBind); b.append(.blob(topicsBlob(log.topics)))
        b.append(.blob(log.data)); b.append(log.otherGeneration.sqlBind)
    }

    static func appendQuarantined(_ log: QuarantinedLog, _ b: inout [SQLBind]) {
        appendPosition(log.position, &b)
        b.append(log.address.sqlBind); b.append(log.topics.first.sqlBind); b.append(.blob(topicsBlob(log.topics)))
        b.append(.blob(log.data)); b.append(log.eventName.sqlBind); b.append(.text(log.error))
    }

    static func appendCheck(_ c: SignatureCheck, seq: Int, _ b: inout [SQLBind]) {
        let p = c.position
        b.append(p.blockNumber.sqlBind); b.append(seq.sqlBind); b.append(p.logIndex.sqlBind); b.append(p.blockHash.sqlBind)
        b.append(p.transactionIndex.sqlBind); b.append(p.transactionHash.sqlBind); b.append(.text(c.kind.rawValue))
        b.append(c.expected.sqlBind); b.append(c.recovered.sqlBind); b.append(c.matches.sqlBind); b.append(.text(c.note))
    }

    static func appendIssue(_ issue: InconsistencyError, block: UInt64, seq: Int, _ b: inout [SQLBind]) {
        b.append(block.sqlBind); b.append(seq.sqlBind); b.append(issue.position?.logIndex.sqlBind ?? .null)
        b.append(issue.position?.transactionHash.sqlBind ?? .null); b.append(.text(issue.code.description))
        b.append(.text(issue.severity.description)); b.append(.text(issue.message))
    }
}
