import Database

extension SQLMirrorStore {
    /// A secondary index that `setBackfilling(true)` drops and `setBackfilling(false)` creates again.
    struct DeferredIndex: Sendable {
        /// The index name (as in the migrations).
        let name: String
        /// Its definition, identical in every dialect's migration.
        let create: String
    }

    /// The secondary indexes only reader queries use. Two are keyed by random values (transaction hashes, signers):
    /// each range's rows land all over them, so every commit rewrote most of their pages (measured on the
    /// 200,003-log recorded chain: 0.9 s of 2.2 s of commit CPU); the other three cost ~0.05 s together. Without
    /// them those queries scan and stay correct. The remaining index (`generator_markets_by_market`) is small.
    static let deferredIndexes: [DeferredIndex] = [
        DeferredIndex(name: "transactions_by_hash", create: "CREATE INDEX IF NOT EXISTS transactions_by_hash ON transactions (transaction_hash)"),
        DeferredIndex(name: "signature_checks_by_expected",
                      create: "CREATE INDEX IF NOT EXISTS signature_checks_by_expected ON signature_checks (expected, kind)"),
        DeferredIndex(name: "signature_checks_by_kind", create: "CREATE INDEX IF NOT EXISTS signature_checks_by_kind ON signature_checks (kind, matches)"),
        DeferredIndex(name: "signature_checks_by_matches", create: "CREATE INDEX IF NOT EXISTS signature_checks_by_matches ON signature_checks (matches)"),
        DeferredIndex(name: "asks_by_market_state", create: "CREATE INDEX IF NOT EXISTS asks_by_market_state ON asks (market_id, stored_state)"),
    ]

    /// Switches bulk loading on (a backfill far behind the head) or off (caught up).
    ///
    /// On: drops the secondary indexes that only readers use (`deferredIndexes`), so commits append rows in block
    /// order only. Off: creates the indexes again, in one pass over the rows (much cheaper than maintaining them per
    /// range). Idempotent; the index switch is one transaction; the state is the schema
    /// itself, so after a crash in a backfill the indexes stay absent until the sync calls `setBackfilling(false)`
    /// (`MirrorSync` does on its first range near the head, and when a run ends). Readers stay correct either way;
    /// their lookups by transaction hash, signer, check kind or mismatch and the market ask counts scan while the
    /// indexes are absent.
    public func setBackfilling(_ on: Bool) throws {
        try pool.write { db in
            for index in Self.deferredIndexes {
                try db.execute(SQLQuery(unsafeRaw: on ? "DROP INDEX IF EXISTS \(index.name)" : index.create))
            }
        }
        logger.debug(on ? "backfill: deferred indexes dropped" : "caught up: deferred indexes present",
                     [("indexes", Self.deferredIndexes.map(\.name).joined(separator: ","))])
    }
}
