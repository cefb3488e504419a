import Database

extension SQLMirrorStore {
    /// A secondary index that `setBackfilling(true)` drops and `setBackfilling(false)` creates again.
    struct DeferredIndex: Sendable {
        /// The index name (as in the migrations).
        let name: String
        /// Its definition, identical in every dialect's migration.
        let create: String
    }

    /// The secondary indexes keyed by random values (transaction hashes, signers): each range's rows land all over
    /// them, so every commit rewrites most of their pages (measured on the 200,003-log recorded chain: the two of them
    /// cost 0.9 s of 2.2 s of commit CPU). The other indexes grow at few points (block order, small key sets) and stay.
    /// Only reader queries use them (events by transaction hash, signature checks by expected signer); without them
    /// those queries scan and stay correct.
    static let deferredIndexes: [DeferredIndex] = [
        DeferredIndex(name: "transactions_by_hash", create: "CREATE INDEX IF NOT EXISTS transactions_by_hash ON transactions (transaction_hash)"),
        DeferredIndex(name: "signature_checks_by_expected",
                      create: "CREATE INDEX IF NOT EXISTS signature_checks_by_expected ON signature_checks (expected, kind)"),
    ]

    /// Switches bulk loading on (a backfill far behind the head) or off (caught up).
    ///
    /// On: drops the secondary indexes that random keys make expensive to maintain (`deferredIndexes`); commits
    /// then append rows in block order only. Off: creates them again, in one pass over the rows (much cheaper than
    /// maintaining them per range). Both are idempotent and one transaction each; the state is the schema itself,
    /// so after a crash in a backfill the indexes are still absent until the sync calls `setBackfilling(false)`
    /// (`MirrorSync` does on its first range near the head). Readers stay correct either way; only their lookups by
    /// transaction hash and by expected signer are slower while the indexes are absent.
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
