import Database
import EthereumKit
import JSONRPC
import Kalypso

/// The append-only tables of a range (events, unknown and quarantined logs, signature checks, issues) and the reorg
/// tables (block window, undo journal): their batch inserts and the binds of their rows.
enum HistoryRows {
    static let events = RowTable.insertOnly("events", columns: [
        "block_number", "log_index", "transaction_index", "kind_id", "fields", "field_values", "enrichment", "topics", "data"],
        key: ["block_number", "log_index"])
    static let transactions = RowTable.insertOnly("transactions", columns: [
        "block_number", "transaction_index", "transaction_hash"], key: ["block_number", "transaction_index"])
    static let eventBlocks = RowTable.insertOnly("event_blocks", columns: ["number", "hash"], key: ["number"])
    static let unknownLogs = RowTable.insertOnly("unknown_logs", columns: [
        "block_number", "log_index", "block_hash", "transaction_index", "transaction_hash", "address", "topic0", "topics",
        "data", "other_generation"], key: ["block_number", "log_index"])
    static let quarantinedLogs = RowTable.insertOnly("quarantined_logs", columns: [
        "block_number", "log_index", "block_hash", "transaction_index", "transaction_hash", "address", "topic0", "topics",
        "data", "event_name", "error"], key: ["block_number", "log_index"])
    static let signatureChecks = RowTable.insertOnly("signature_checks", columns: [
        "block_number", "seq", "log_index", "transaction_index", "kind", "expected", "recovered", "matches", "note_id"],
        key: ["block_number", "seq"])
    static let issues = RowTable.insertOnly("inconsistency_issues", columns: [
        "block_number", "seq", "log_index", "transaction_hash", "code", "severity", "message"], key: ["block_number", "seq"])
    static let journal = RowTable.insertOnly("undo_journal", columns: [
        "block_number", "seq", "block_hash", "entity_key", "before_image", "after_image"], key: ["block_number", "seq"])
    static let window = RowTable(name: "block_window", columns: ["number", "hash", "parent_hash"],
                                 tail: "ON CONFLICT (number) DO UPDATE SET hash = excluded.hash, parent_hash = excluded.parent_hash")

    /// The tables holding rows per block that a rewind deletes above its target, with their block column.
    static let perBlockTables: [(table: String, column: String)] = [
        ("events", "block_number"), ("transactions", "block_number"), ("event_blocks", "number"), ("unknown_logs", "block_number"), ("quarantined_logs", "block_number"),
        ("signature_checks", "block_number"), ("inconsistency_issues", "block_number"), ("undo_journal", "block_number"),
        ("block_window", "number"),
    ]

    // MARK: Binds

    /// The topics of a `topics` column (concatenated 32-byte values).
    static func topics(blob: [UInt8]) -> [Hash32] {
        blob.withUnsafeBytes { raw in
            stride(from: 0, to: raw.count - raw.count % 32, by: 32).map { Hash32(at: $0, of: raw) }
        }
    }

    /// The topics of an `events` row: its kind's first topic (empty: none) and the row's other topics (nil: the raw
    /// log was not kept).
    static func topics(first: [UInt8], rest: [UInt8]?) -> [Hash32]? {
        guard let rest else { return nil }
        let others = topics(blob: rest)
        guard first.count == 32 else { return others }
        return first.withUnsafeBytes { [Hash32(at: 0, of: $0)] } + others
    }

    /// The `enrichment` of the `events` row at `position` as `StoredEvent` has it.
    static func enrichment(kind: Int64, stored: String?, at position: LogPosition) throws -> String? {
        switch HistoryLookups.EnrichmentKind(rawValue: kind) {
        case .stored?: return stored
        case .calldata?: return EnrichmentSource.calldata.description
        case .pinnedAtOwnBlock?: return EnrichmentSource.pinnedCall(blockHash: position.blockHash).description
        case nil:
            throw MirrorStoreError(.corruptImage, "the event at \(position) has enrichment kind \(kind) (event_kinds.enrichment is 0, 1 or 2); rebuild the database with a fresh sync")
        }
    }

    /// Topics as one blob of concatenated 32-byte values.
    private static func appendTopics<Topics: Collection<Hash32>>(_ topics: Topics, _ b: inout SQLArguments) {
        b.appendBlob(count: topics.count * 32) { raw in
            for (i, t) in topics.enumerated() { t.store(into: raw, at: i * 32) }
        }
    }

    private static func appendPosition(_ p: LogPosition, _ b: inout SQLArguments) {
        b.append(p.blockNumber); b.append(p.logIndex); b.append(p.blockHash); b.append(p.transactionIndex); b.append(p.transactionHash)
    }

    /// Buffers for building `events` rows, reused from row to row.
    struct EventScratch {
        var shape: [UInt8] = [], values: [UInt8] = []
    }

    /// An `events` row (the block and transaction hashes go to `event_blocks` and `transactions`, once each; the
    /// emitter, name, first topic, enrichment kind and fields shape to `event_kinds`; the fields' values packed).
    static func appendEvent(_ log: KalypsoLog, raw: Log?, _ lookups: inout HistoryLookups, _ scratch: inout EventScratch,
                            _ db: any DatabaseConnection, _ b: inout SQLArguments) throws {
        let p = log.position
        b.append(p.blockNumber); b.append(p.logIndex); b.append(p.transactionIndex)
        scratch.shape.removeAll(keepingCapacity: true)
        scratch.values.removeAll(keepingCapacity: true)
        let name = EventJSON.appendPacked(log.event, shape: &scratch.shape, values: &scratch.values)
        let enrichment: HistoryLookups.EnrichmentKind
        var text: String?
        switch log.event.enrichmentSource {
        case nil: enrichment = .stored
        case .calldata?: enrichment = .calldata
        case .pinnedCall(let hash)? where hash == p.blockHash: enrichment = .pinnedAtOwnBlock
        case let source?: enrichment = .stored; text = source.description
        }
        b.append(try lookups.id(emitter: log.emitter, name: name, topic0: raw?.topics.first, enrichment: enrichment,
                                shape: scratch.shape, db))
        b.appendNull(); b.append(bytes: scratch.values)
        b.append(text) { $0.append($1) }
        if let raw {
            appendTopics(raw.topics.dropFirst(), &b); b.append(bytes: raw.data)
        } else {
            b.appendNull(); b.appendNull()
        }
    }

    /// The `fields` JSON of an `events` row: the stored text, or the packed values in their kind's shape.
    static func fields(text: String?, shape: String, values: [UInt8]?, at position: LogPosition) throws -> String {
        if let text { return text }
        guard let values, !shape.isEmpty else {
            throw MirrorStoreError(.corruptImage, "the event at \(position) has neither fields text nor packed values in a shape; rebuild the database with a fresh sync")
        }
        return try PackedFields.unpack(shape: shape, values: values, context: "the fields of the event at \(position)")
    }

    static func appendUnknown(_ log: UnknownLog, _ b: inout SQLArguments) {
        appendPosition(log.position, &b)
        b.append(log.address); b.append(log.topics.first) { $0.append($1) }; appendTopics(log.topics, &b)
        b.append(bytes: log.data); b.append(log.otherGeneration) { $0.append($1) }
    }

    static func appendQuarantined(_ log: QuarantinedLog, _ b: inout SQLArguments) {
        appendPosition(log.position, &b)
        b.append(log.address); b.append(log.topics.first) { $0.append($1) }; appendTopics(log.topics, &b)
        b.append(bytes: log.data); b.append(log.eventName) { $0.append($1) }; b.append(log.error)
    }

    /// A `signature_checks` row (its hashes are in `event_blocks` and `transactions`, its note in `check_notes`).
    static func appendCheck(_ c: SignatureCheck, seq: Int, noteID: Int64, _ b: inout SQLArguments) {
        let p = c.position
        b.append(p.blockNumber); b.append(seq); b.append(p.logIndex); b.append(p.transactionIndex); b.append(c.kind.rawValue)
        b.append(c.expected) { $0.append($1) }; b.append(c.recovered) { $0.append($1) }; b.append(c.matches); b.append(noteID)
    }

    static func appendIssue(_ issue: InconsistencyError, block: UInt64, seq: Int, _ b: inout SQLArguments) {
        b.append(block); b.append(seq); b.append(issue.position?.logIndex) { $0.append($1) }
        b.append(issue.position?.transactionHash) { $0.append($1) }; b.append(issue.code.description)
        b.append(issue.severity.description); b.append(issue.message)
    }
}
