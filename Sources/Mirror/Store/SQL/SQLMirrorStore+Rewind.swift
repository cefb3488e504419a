import Database
import EthereumKit
import Kalypso

extension SQLMirrorStore {
    /// Undoes every block above `blockNumber` in one transaction (see `MirrorStore.rewind`) and returns the undone
    /// change sets, newest block first. Rewinding to the cursor (or above) changes nothing and returns `[]`.
    ///
    /// - Throws: `MirrorStoreError` `.reorgTooDeep` when `blockNumber` is below the undo floor (the oldest block the
    ///   journal and window still cover, `cursor − reorgWindow` of the last commit) or not in the block window;
    ///   nothing is changed then.
    @discardableResult
    public func rewind(to blockNumber: UInt64, reason: String) throws -> [ChangeSet] {
        let now = SyncStateRow.now()
        return try pool.write { db in
            let sync = try SyncStateRow.read(db)
            try fence.admit(db, found: sync.fenceMark)
            guard let cursor = sync.cursor else {
                throw MirrorStoreError(.reorgTooDeep, "cannot rewind to block \(blockNumber): nothing has been committed yet")
            }
            guard blockNumber < cursor.blockNumber else { return [] }
            let floor = sync.undoFloor ?? Int64(cursor.blockNumber)
            guard Int64(exactly: blockNumber).map({ $0 >= floor }) ?? false,
                  let kept = try db.queryFirst("SELECT hash FROM block_window WHERE number = \(blockNumber)") else {
                throw MirrorStoreError(.reorgTooDeep, "reorg deeper than the window: cannot rewind from block \(cursor.blockNumber) to \(blockNumber) (\(reason)); the undo journal and block window reach back to block \(max(floor, 0)) only. Stop syncing, then either rebuild the database with a fresh sync from the deployment block, or restart with a larger --reorg-window if the node reorganises this deep")
            }
            let keptHash: Hash32 = try kept.decode(Hash32.self, at: 0)
            fence.expect(.init(cursor: Checkpoint(blockNumber: blockNumber, blockHash: keptHash), reorgsSeen: sync.reorgsSeen + 1))

            let undone = try Self.journal(above: blockNumber, db)
            // Restore, per entity, the before-image of the oldest undone block that touched it.
            var index: [EntityKey: Int] = [:]
            var restored: [(key: EntityKey, value: EntityValue?)] = []
            for block in undone {
                for change in block.changes {
                    if let i = index[change.key] {
                        restored[i].value = change.before
                    } else {
                        index[change.key] = restored.count
                        restored.append((change.key, change.before))
                    }
                }
            }
            var arguments = takeArguments()
            defer { returnArguments(arguments) }
            try Self.writeEntities(restored, db, &arguments)

            for (table, column) in HistoryRows.perBlockTables {
                try db.execute("DELETE FROM \(unsafeRaw: table) WHERE \(unsafeRaw: column) > \(blockNumber)")
            }
            let from = cursor.blockNumber
            try db.execute("""
                UPDATE sync_state SET cursor_block = \(blockNumber), cursor_hash = \(keptHash), cursor_clock = NULL,
                    reorgs_seen = reorgs_seen + 1, last_reorg_from_block = \(from), last_reorg_to_block = \(blockNumber),
                    last_reorg_reason = \(reason), last_reorg_at = \(now) WHERE id = 1
                """)
            logger.notice("rewound the mirror", [("from", "\(from)"), ("to", "\(blockNumber)"), ("reason", reason)])
            return try undone.map { block in
                guard let set = ChangeSet(changes: block.changes) else {
                    throw MirrorStoreError(.corruptImage, "the undo journal of block \(block.number) names one entity twice; the database was edited — rebuild it with a fresh sync")
                }
                return set
            }
        }
    }

    /// The journaled change sets of the blocks above `blockNumber`, newest block first (changes in journal order).
    static func journal(above blockNumber: UInt64, _ db: any DatabaseConnection) throws -> [(number: UInt64, changes: [EntityChange])] {
        let rows = try db.query("""
            SELECT block_number, seq, entity_key, before_image, after_image FROM undo_journal
            WHERE block_number > \(blockNumber) ORDER BY block_number DESC, seq
            """)
        var blocks: [(number: UInt64, changes: [EntityChange])] = []
        for row in rows {
            var r = ColumnReader(row)
            let number: UInt64 = try r.next()
            r.skip()
            let key = try EntityCodec.decodeKey(try r.next())
            let beforeBytes: [UInt8]? = try r.next(), afterBytes: [UInt8]? = try r.next()
            let before = try beforeBytes.map(EntityCodec.decodeValue), after = try afterBytes.map(EntityCodec.decodeValue)
            guard let change = EntityChange(key: key, before: before, after: after) else {
                throw MirrorStoreError(.corruptImage, "an undo journal row of block \(number) holds an image of another entity than its key \(key); rebuild the database with a fresh sync")
            }
            if blocks.last?.number == number {
                blocks[blocks.count - 1].changes.append(change)
            } else {
                blocks.append((number, [change]))
            }
        }
        return blocks
    }
}
