import Database
import EthereumKit
import Kalypso
import Telemetry

/// Read-only queries over the mirrored state for the CLI and the HTTP API.
///
/// Every call runs in one database snapshot and returns the checkpoint (cursor block and hash) it reflects, read in
/// that same snapshot. Reads never block the writer (SQLite WAL, PostgreSQL MVCC). "Show" calls return nil for an
/// unknown id or address (HTTP 404); a malformed pagination cursor or a limit outside 1…1000 throws
/// `MirrorStoreError` `.invalidArgument` (HTTP 400).
public protocol MirrorReader: Sendable {
    /// Head, synced block and hash, lag, reorgs, quarantined and unknown logs, issues.
    func status() throws -> Snapshot<MirrorStatus>
    /// The synced block and the rewind count, in one small snapshot: what identifies the data every other call returns
    /// (lets the API cache answers per version). Cheap: one row.
    func version() throws -> MirrorVersion
    /// Generators by address, filtered by market and derived state.
    func generators(_ query: GeneratorQuery) throws -> Snapshot<Page<GeneratorSummary>>
    /// One generator with its derived values, listings and admin signature check.
    func generator(_ address: Address) throws -> Snapshot<GeneratorDetail?>
    /// A generator's listings by market id; nil when the mirror has neither the generator nor a listing of it.
    func generatorMarkets(_ address: Address) throws -> Snapshot<[GeneratorMarketStatus]?>
    /// Markets by id.
    func markets(limit: Int, cursor: String?) throws -> Snapshot<Page<MarketSummary>>
    /// One market.
    func market(_ id: UInt256) throws -> Snapshot<MarketSummary?>
    /// A market's generators by address: every listing, or only those eligible now; nil for an unknown market.
    func marketGenerators(_ id: UInt256, filter: MarketGeneratorFilter) throws -> Snapshot<[MarketGenerator]?>
    /// A market's statistics; nil for an unknown market.
    func marketStats(_ id: UInt256) throws -> Snapshot<MarketStats?>
    /// One ask with its derived state.
    func ask(_ id: UInt256) throws -> Snapshot<AskDetail?>
    /// Quarantined logs in chain order.
    func quarantinedLogs(limit: Int, cursor: String?) throws -> Snapshot<Page<QuarantinedLog>>
    /// Signature checks in chain order.
    func signatureChecks(_ query: SignatureCheckQuery) throws -> Snapshot<Page<SignatureCheck>>
    /// Inconsistencies the reducer reported, in chain order.
    func issues(limit: Int, cursor: String?) throws -> Snapshot<Page<StoredIssue>>
    /// The stored events of one transaction, in log order.
    func events(transaction: Hash32) throws -> Snapshot<[StoredEvent]>
}

/// `MirrorReader` over SQL: snapshot reads on the pool's reader connections.
///
/// Derived values come from the `Kalypso` functions on rows loaded into the model's structs (`getGeneratorState`,
/// `idleCapacity`, `maxReducibleStake`, `Ask.state(at:)`, `AvailableCompute`, `Eligibility.check`); SQL only selects
/// rows through indexes and counts.
public final class SQLMirrorReader: MirrorReader {
    /// The database.
    public let pool: DatabasePool

    /// A reader on `pool` (read-only or read-write; only reader connections are used).
    public init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Opens a read-only pool on an existing mirror database and checks that its schema is the one this build knows.
    ///
    /// - Throws: `MirrorStoreError` `.schema` when the database has no mirror schema or an older one (run `sync`
    ///   once to migrate it); `DatabaseError` `.migration` when it was migrated by a newer build or a file changed.
    public static func open(location: DatabaseLocation, maximumReaders: Int = 8, logger: Logger) throws -> SQLMirrorReader {
        let pool = DatabasePool(location: location, mode: .readOnly, maximumReaders: maximumReaders, logger: logger)
        do {
            let set = try SQLMirrorStore.migrations(for: pool.dialect)
            let status = try pool.read { db in try Migrator(logger: logger).status(db, set) }
            guard status.applied > 0 else {
                throw MirrorStoreError(.schema, "\(location) is not a kalypso-mirror database (no migrations applied); run `kalypso-mirror sync` on it first")
            }
            guard status.pending.isEmpty else {
                throw MirrorStoreError(.schema, "\(location) has schema version \(status.applied) but this build reads version \(set.latestVersion); run `kalypso-mirror sync` once to migrate it")
            }
            return SQLMirrorReader(pool: pool)
        } catch {
            pool.close()
            throw error
        }
    }

    /// Runs `body` in one snapshot with the sync state read in it.
    func snapshot<T: Sendable>(_ body: (any DatabaseConnection, SyncStateRow) throws -> T) throws -> Snapshot<T> {
        try pool.read { db in
            let sync = try SyncStateRow.read(db)
            return Snapshot(checkpoint: sync.cursor, value: try body(db, sync))
        }
    }

    // MARK: Status

    public func version() throws -> MirrorVersion {
        try pool.read { db in
            let sync = try SyncStateRow.read(db)
            return MirrorVersion(checkpoint: sync.cursor, reorgsSeen: sync.reorgsSeen)
        }
    }

    public func status() throws -> Snapshot<MirrorStatus> {
        try snapshot { db, sync in
            let unknown = try db.query("""
                SELECT topic0, count(*), max(other_generation) FROM unknown_logs GROUP BY topic0 ORDER BY count(*) DESC, topic0
                """).map { row in
                var r = ColumnReader(row)
                return UnknownTopicCount(topic0: try r.next(), count: try r.next(), otherGeneration: try r.next())
            }
            var severities: [String: Int] = [:]
            for row in try db.query("SELECT severity, count(*) FROM inconsistency_issues GROUP BY severity") {
                severities[try row.decode(String.self, at: 0)] = try row.decode(Int.self, at: 1)
            }
            var lag: UInt64?
            if let head = sync.head, let cursor = sync.cursor { lag = head > cursor.blockNumber ? head - cursor.blockNumber : 0 }
            return MirrorStatus(
                head: sync.head, headRecordedAt: sync.headRecordedAt, synced: sync.cursor, lag: lag, clock: sync.clock,
                reorgsSeen: sync.reorgsSeen, lastReorg: sync.lastReorg,
                undoFloor: sync.undoFloor.flatMap { UInt64(exactly: max($0, 0)) },
                quarantinedCount: try db.queryValue("SELECT count(*) FROM quarantined_logs"),
                unknownTopics: unknown, issuesBySeverity: severities,
                signatureMismatches: try db.queryValue("SELECT count(*) FROM signature_checks WHERE matches = \(false)"),
                generatorCount: try db.queryValue("SELECT count(*) FROM generators"),
                marketCount: try db.queryValue("SELECT count(*) FROM markets"),
                startedAt: sync.startedAt)
        }
    }

    // MARK: Shared row loading

    static func checkLimit(_ limit: Int) throws {
        guard (1...1000).contains(limit) else {
            throw MirrorStoreError(.invalidArgument, "limit \(limit) is outside 1…1000; ask for at most 1000 items per page and follow nextCursor")
        }
    }

    /// The rows of an entity table (aliased `alias` in `where` and `tail`) matching `where`, decoded, keyed by `key`.
    private static func records<T, K: Hashable>(_ db: any DatabaseConnection, _ table: EntityTable, alias: String, _ where: SQLQuery,
                                                _ tail: SQLQuery, _ decode: (inout ColumnReader) throws -> T, key: (T) -> K) throws -> [K: T] {
        var out: [K: T] = [:]
        for row in try db.query("SELECT \(unsafeRaw: table.selectList(alias: alias)) FROM \(unsafeRaw: table.name) \(unsafeRaw: alias) WHERE \(`where`) \(tail)") {
            var r = ColumnReader(row)
            let value = try decode(&r)
            out[key(value)] = value
        }
        return out
    }

    /// Listings matching `where` (table alias `gm`), by generator then market unless `tail` orders them otherwise.
    static func generatorRows(_ db: any DatabaseConnection, _ where: SQLQuery,
                              _ tail: SQLQuery = "ORDER BY gm.generator, gm.market_id") throws -> [GeneratorMarket] {
        try db.query("SELECT \(unsafeRaw: EntityRows.generatorMarkets.selectList(alias: "gm")) FROM generator_markets gm WHERE \(`where`) \(tail)").map { row in
            var r = ColumnReader(row)
            return try EntityRows.generatorMarket(&r)
        }
    }

    /// Generators matching `where` (table alias `g`).
    static func generatorRecords(_ db: any DatabaseConnection, _ where: SQLQuery, _ tail: SQLQuery = "") throws -> [Address: Generator] {
        try records(db, EntityRows.generators, alias: "g", `where`, tail, EntityRows.generator, key: \.address)
    }

    /// Markets matching `where` (table alias `m`).
    static func marketRecords(_ db: any DatabaseConnection, _ where: SQLQuery) throws -> [UInt256: Market] {
        try records(db, EntityRows.markets, alias: "m", `where`, "", EntityRows.market, key: \.id)
    }

    /// Enclave keys matching `where` (table alias `k`).
    static func keyRecords(_ db: any DatabaseConnection, _ where: SQLQuery) throws -> [KeyID: EnclaveKey] {
        try records(db, EntityRows.keys, alias: "k", `where`, "", EntityRows.key, key: \.id)
    }

    /// A page of `limit` items from `fetched` (which holds up to `limit + 1`: one more means another page follows).
    static func page<T>(_ fetched: [T], limit: Int, cursor: (T) -> String) -> Page<T> {
        let items = Array(fetched.prefix(limit))
        return Page(items: items, nextCursor: fetched.count > limit ? items.last.map(cursor) : nil)
    }

    static func position(_ r: inout ColumnReader, blockNumber: UInt64, logIndex: UInt64) throws -> LogPosition {
        let blockHash: Hash32 = try r.next(), txIndex: UInt64 = try r.next(), txHash: Hash32 = try r.next()
        return LogPosition(blockNumber: blockNumber, blockHash: blockHash, transactionIndex: txIndex, transactionHash: txHash, logIndex: logIndex)
    }
}

extension SyncStateRow {
    /// The G1 clock readers derive ask states at: the stored clock of the cursor, else its block number.
    var clock: UInt256 { cursorClock ?? UInt256(cursor?.blockNumber ?? 0) }
}
