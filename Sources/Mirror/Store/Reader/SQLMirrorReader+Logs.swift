import Database
import EthereumKit
import Kalypso

extension SQLMirrorReader {
    public func quarantinedLogs(limit: Int, cursor: String?) throws -> Snapshot<Page<QuarantinedLog>> {
        try Self.checkLimit(limit)
        let after = try cursor.map { try PageCursor.position($0) }
        return try snapshot { db, _ in
            let clause: SQLQuery = after.map { "(block_number, log_index) > (\($0.block), \($0.index))" } ?? "1 = 1"
            let items = try db.query("""
                SELECT block_number, log_index, block_hash, transaction_index, transaction_hash, address, topics, data, event_name, error
                FROM quarantined_logs WHERE \(clause) ORDER BY block_number, log_index LIMIT \(limit + 1)
                """).map { row in
                var r = ColumnReader(row)
                let block: UInt64 = try r.next(), index: UInt64 = try r.next()
                let position = try Self.position(&r, blockNumber: block, logIndex: index)
                return QuarantinedLog(position: position, address: try r.next(), topics: HistoryRows.topics(blob: try r.next()),
                                      data: try r.next(), eventName: try r.next(), error: try r.next())
            }
            return Self.page(items, limit: limit) { PageCursor.of($0.position.blockNumber, $0.position.logIndex) }
        }
    }

    public func signatureChecks(_ query: SignatureCheckQuery) throws -> Snapshot<Page<SignatureCheck>> {
        try Self.checkLimit(query.limit)
        let after = try query.cursor.map { try PageCursor.position($0) }
        return try snapshot { db, _ in
            var clause: SQLQuery = after.map { "(c.block_number, c.seq) > (\($0.block), \($0.index))" } ?? "1 = 1"
            if let kind = query.kind { clause.append(" AND c.kind = \(kind.rawValue)") }
            if query.mismatchesOnly { clause.append(" AND c.matches = \(false)") }
            if let expected = query.expected { clause.append(" AND c.expected = \(expected)") }
            let rows = try Self.checkRows(db, clause, "ORDER BY c.block_number, c.seq LIMIT \(query.limit + 1)")
            let page = Self.page(rows, limit: query.limit) { PageCursor.of($0.block, UInt64($0.seq)) }
            return Page(items: page.items.map(\.check), nextCursor: page.nextCursor)
        }
    }

    /// The signature checks matching `where`, in the order of `tail` (columns of `signature_checks c`).
    static func checks(_ db: any DatabaseConnection, _ where: SQLQuery, _ tail: SQLQuery) throws -> [SignatureCheck] {
        try checkRows(db, `where`, tail).map(\.check)
    }

    private static func checkRows(_ db: any DatabaseConnection, _ where: SQLQuery, _ tail: SQLQuery) throws -> [(block: UInt64, seq: Int, check: SignatureCheck)] {
        try db.query("""
            SELECT c.block_number, c.seq, c.log_index, b.hash, c.transaction_index, t.transaction_hash, c.kind, c.expected,
                   c.recovered, c.matches, n.note
            FROM signature_checks c
            JOIN event_blocks b ON b.number = c.block_number
            JOIN transactions t ON t.block_number = c.block_number AND t.transaction_index = c.transaction_index
            JOIN check_notes n ON n.id = c.note_id
            WHERE \(`where`) \(tail)
            """).map { row in
            var r = ColumnReader(row)
            let block: UInt64 = try r.next(), seq: Int = try r.next(), index: UInt64 = try r.next()
            let position = try position(&r, blockNumber: block, logIndex: index)
            let kindText: String = try r.next()
            guard let kind = SignatureCheck.Kind(rawValue: kindText) else {
                throw MirrorStoreError(.corruptImage, "signature_checks row (\(block), \(seq)) has kind '\(kindText)'; rebuild the database with a fresh sync")
            }
            let check = SignatureCheck(kind: kind, position: position, expected: try r.next(), recovered: try r.next(),
                                       matches: try r.next(), note: try r.next())
            return (block, seq, check)
        }
    }

    public func issues(limit: Int, cursor: String?) throws -> Snapshot<Page<StoredIssue>> {
        try Self.checkLimit(limit)
        let after = try cursor.map { try PageCursor.position($0) }
        return try snapshot { db, _ in
            let clause: SQLQuery = after.map { "(block_number, seq) > (\($0.block), \($0.index))" } ?? "1 = 1"
            let rows = try db.query("""
                SELECT block_number, seq, log_index, transaction_hash, code, severity, message
                FROM inconsistency_issues WHERE \(clause) ORDER BY block_number, seq LIMIT \(limit + 1)
                """).map { row in
                var r = ColumnReader(row)
                let block: UInt64 = try r.next(), seq: UInt64 = try r.next()
                return (seq, StoredIssue(blockNumber: block, logIndex: try r.next(), transactionHash: try r.next(),
                                         code: try r.next(), severity: try r.next(), message: try r.next()))
            }
            let page = Self.page(rows, limit: limit) { PageCursor.of($0.1.blockNumber, $0.0) }
            return Page(items: page.items.map(\.1), nextCursor: page.nextCursor)
        }
    }

    public func events(transaction: Hash32) throws -> Snapshot<[StoredEvent]> {
        try snapshot { db, _ in
            try db.query("""
                SELECT e.block_number, e.log_index, b.hash, e.transaction_index, t.transaction_hash, k.emitter, k.event_name,
                       e.fields, k.fields_shape, e.field_values, k.enrichment, e.enrichment, k.topic0, e.topics, e.data
                FROM transactions t
                JOIN events e ON e.block_number = t.block_number AND e.transaction_index = t.transaction_index
                JOIN event_blocks b ON b.number = e.block_number
                JOIN event_kinds k ON k.id = e.kind_id
                WHERE t.transaction_hash = \(transaction) ORDER BY e.block_number, e.log_index
                """).map { row in
                var r = ColumnReader(row)
                let block: UInt64 = try r.next(), index: UInt64 = try r.next()
                let position = try Self.position(&r, blockNumber: block, logIndex: index)
                let emitterText: String = try r.next()
                guard let emitter = KalypsoContract(rawValue: emitterText) else {
                    throw MirrorStoreError(.corruptImage, "the event at \(position) names emitter '\(emitterText)'; rebuild the database with a fresh sync")
                }
                let name: String = try r.next()
                let fields = try HistoryRows.fields(text: try r.next(), shape: try r.next(), values: try r.next(), at: position)
                let enrichment = try HistoryRows.enrichment(kind: try r.next(), stored: try r.next(), at: position)
                let topic0: [UInt8] = try r.next(), topics: [UInt8]? = try r.next(), data: [UInt8]? = try r.next()
                return StoredEvent(position: position, emitter: emitter, eventName: name, fieldsJSON: fields, enrichment: enrichment,
                                   topics: HistoryRows.topics(first: topic0, rest: topics), data: data)
            }
        }
    }
}

/// Opaque pagination cursors: the key of the last item of a page, as short text (`g…` an address, `n…` a uint256,
/// `p<block>.<index>` a chain position). Parsing is strict; anything else is `.invalidArgument`.
enum PageCursor {
    static func of(_ address: Address) -> String { "g" + Hex.encode(address.bytes, prefix: false) }
    static func of(_ id: UInt256) -> String { "n" + Hex.encode(id.bigEndianBytes, prefix: false) }
    static func of(_ block: UInt64, _ index: UInt64) -> String { "p\(block).\(index)" }

    private static func invalid(_ text: String) -> MirrorStoreError {
        MirrorStoreError(.invalidArgument, "'\(text.prefix(80))' is not a cursor of this list; pass the nextCursor of the previous page unchanged, or omit it for the first page")
    }

    static func address(_ text: String) throws -> Address {
        guard text.hasPrefix("g"), text.count == 41, let bytes = try? Hex.decode("0x" + text.dropFirst()),
              let a = try? Address(bytes: bytes) else { throw invalid(text) }
        return a
    }

    static func uint256(_ text: String) throws -> UInt256 {
        guard text.hasPrefix("n"), text.count == 65, let bytes = try? Hex.decode("0x" + text.dropFirst()),
              let v = UInt256(bigEndian: bytes) else { throw invalid(text) }
        return v
    }

    static func position(_ text: String) throws -> (block: UInt64, index: UInt64) {
        let parts = text.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        guard text.hasPrefix("p"), parts.count == 2, let block = UInt64(parts[0]), let index = UInt64(parts[1]),
              block <= UInt64(Int64.max), index <= UInt64(Int64.max) else { throw invalid(text) }
        return (block, index)
    }
}
