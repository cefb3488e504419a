import Database
import EthereumKit
import Kalypso

extension SQLMirrorStore {
    /// Applies `range` in one transaction (see `MirrorStore.commit`).
    ///
    /// The range must continue the cursor (`fromBlock == cursor + 1`, any `fromBlock` for the first commit), hold the
    /// header of `toBlock` (its hash is the cursor's) and keep every log, check, issue and change inside
    /// `fromBlock…toBlock`. A range that ends at or below the cursor is a replay of committed blocks and changes
    /// nothing (its rows exist already; their UNIQUE keys would make re-inserting them a no-op too) — unless the
    /// stored hash of its last block differs, which means a reorg the caller must `rewind` first.
    ///
    /// - Throws: `MirrorStoreError` `.rangeNotContiguous` / `.invalidRange` for a range that does not fit (nothing
    ///   is written), `DatabaseError` for a database failure (the transaction is rolled back).
    public func commit(_ range: RangeCommit, reorgWindow: Int) throws {
        try Self.validate(range, reorgWindow: reorgWindow)
        try pool.write { db in
            let sync = try SyncStateRow.read(db)
            if let cursor = sync.cursor {
                if range.toBlock <= cursor.blockNumber {
                    try checkReplay(range, cursor: cursor, db)
                    return
                }
                guard range.fromBlock == cursor.blockNumber + 1 else {
                    throw MirrorStoreError(.rangeNotContiguous, "the range \(range.fromBlock)…\(range.toBlock) does not start at block \(cursor.blockNumber + 1), the block after the cursor \(cursor.blockNumber); commit ranges in order without gaps (the sync layer must resume from loadState's cursor)")
                }
                if let first = range.blocks.first(where: { $0.number == range.fromBlock }), first.parentHash != cursor.blockHash {
                    throw MirrorStoreError(.invalidRange, "block \(first.number)'s parent hash \(first.parentHash) is not the hash \(cursor.blockHash) of the cursor block \(cursor.blockNumber): the chain reorganised under the cursor; rewind to the fork point first")
                }
            }
            let oldFloor = sync.undoFloor ?? Int64(range.fromBlock) - 1
            let floor = max(oldFloor, Int64(range.toBlock) - Int64(reorgWindow))
            try Self.writeEntities(Self.finalValues(range.changesByBlock), db)
            try Self.writeJournal(range.changesByBlock, above: floor, db)
            try Self.writeHistory(range, db)
            var window: [SQLBind] = []
            for b in range.blocks where Int64(b.number) >= floor {
                window.append(b.number.sqlBind); window.append(b.hash.sqlBind); window.append(b.parentHash.sqlBind)
            }
            try HistoryRows.window.insert(window, into: db)
            try db.execute("""
                UPDATE sync_state SET cursor_block = \(range.toBlock), cursor_hash = \(range.cursor.blockHash),
                    cursor_clock = \(range.clock), undo_floor = \(floor) WHERE id = 1
                """)
            if floor > oldFloor {
                try db.execute("DELETE FROM undo_journal WHERE block_number <= \(floor)")
                try db.execute("DELETE FROM block_window WHERE number < \(floor)")
            }
        }
    }

    /// A range at or below the cursor: a no-op if it is the committed chain, an error if a reorg replaced it.
    private func checkReplay(_ range: RangeCommit, cursor: Checkpoint, _ db: any DatabaseConnection) throws {
        if let stored = try db.queryFirst("SELECT hash FROM block_window WHERE number = \(range.toBlock)") {
            let hash: Hash32 = try stored.decode(Hash32.self, at: 0)
            guard hash == range.cursor.blockHash else {
                throw MirrorStoreError(.rangeNotContiguous, "the range \(range.fromBlock)…\(range.toBlock) ends in block \(range.toBlock) with hash \(range.cursor.blockHash), but the store committed that block with hash \(hash): a reorg replaced it; rewind to the fork point before committing the new branch")
            }
        }
        logger.debug("replayed range already committed; nothing written", [
            ("from", "\(range.fromBlock)"), ("to", "\(range.toBlock)"), ("cursor", "\(cursor.blockNumber)")])
    }

    /// Checks that the parts of `range` agree with each other (no database access).
    static func validate(_ range: RangeCommit, reorgWindow: Int) throws {
        func refuse(_ what: String) -> MirrorStoreError {
            MirrorStoreError(.invalidRange, "range \(range.fromBlock)…\(range.toBlock): \(what); nothing was written")
        }
        guard reorgWindow >= 0 else { throw refuse("the reorg window \(reorgWindow) is negative") }
        guard range.fromBlock <= range.toBlock else { throw refuse("fromBlock is after toBlock") }
        guard range.cursor.blockNumber == range.toBlock else { throw refuse("the cursor is block \(range.cursor.blockNumber), not toBlock") }
        guard range.toBlock <= UInt64(Int64.max) else { throw refuse("block numbers above \(Int64.max) cannot be stored") }
        let blocks = range.fromBlock...range.toBlock
        guard let last = range.blocks.first(where: { $0.number == range.toBlock }) else {
            throw refuse("the header of toBlock is missing from blocks (the window and the cursor need its hash)")
        }
        guard last.hash == range.cursor.blockHash else { throw refuse("the cursor hash \(range.cursor.blockHash) is not the hash \(last.hash) of block \(last.number)") }
        var previous: BlockRecord?
        for b in range.blocks.sorted(by: { $0.number < $1.number }) {
            guard blocks.contains(b.number) else { throw refuse("it holds the header of block \(b.number), outside the range") }
            if let p = previous {
                guard p.number != b.number else { throw refuse("block \(b.number) has two headers") }
                guard p.number + 1 != b.number || b.parentHash == p.hash else {
                    throw refuse("block \(b.number)'s parent hash \(b.parentHash) is not block \(p.number)'s hash \(p.hash)")
                }
            }
            previous = b
        }
        for log in range.logs where !blocks.contains(log.position.blockNumber) { throw refuse("the event at \(log.position) is outside it") }
        for log in range.unknown where !blocks.contains(log.position.blockNumber) { throw refuse("the unknown log at \(log.position) is outside it") }
        for log in range.quarantined where !blocks.contains(log.position.blockNumber) { throw refuse("the quarantined log at \(log.position) is outside it") }
        for check in range.signatureChecks where !blocks.contains(check.position.blockNumber) { throw refuse("the signature check at \(check.position) is outside it") }
        for issue in range.issues {
            if let p = issue.position, !blocks.contains(p.blockNumber) { throw refuse("the issue at \(p) is outside it") }
        }
        for b in range.changesByBlock where !blocks.contains(b.blockNumber) { throw refuse("it has changes of block \(b.blockNumber), outside it") }
        guard range.rawLogs.isEmpty || range.rawLogs.count == range.logs.count else {
            throw refuse("it has \(range.rawLogs.count) raw logs for \(range.logs.count) events (give one per event, or none)")
        }
        for (raw, log) in zip(range.rawLogs, range.logs) where raw.blockNumber != log.position.blockNumber || raw.logIndex != log.position.logIndex {
            throw refuse("the raw log at block \(raw.blockNumber) index \(raw.logIndex) is paired with the event at \(log.position); keep rawLogs in the order of logs")
        }
    }

    /// Per entity touched by the range: its value after the range, or nothing if it ended where it started.
    static func finalValues(_ blocks: [BlockChanges]) -> [(key: EntityKey, value: EntityValue?)] {
        var index: [EntityKey: Int] = [:]
        var entries: [(key: EntityKey, first: EntityValue?, last: EntityValue?)] = []
        for block in blocks {
            for change in block.changes.changes {
                if let i = index[change.key] {
                    entries[i].last = change.after
                } else {
                    index[change.key] = entries.count
                    entries.append((change.key, change.before, change.after))
                }
            }
        }
        return entries.compactMap { $0.first == $0.last ? nil : ($0.key, $0.last) }
    }

    /// The blocks' change sets, one per block (several entries of one block are merged in order).
    static func changesPerBlock(_ blocks: [BlockChanges]) -> [BlockChanges] {
        var merged: [BlockChanges] = []
        for block in blocks {
            if let last = merged.last, last.blockNumber == block.blockNumber {
                merged[merged.count - 1].changes = last.changes.merged(with: block.changes)
            } else {
                merged.append(block)
            }
        }
        return merged
    }

    /// Journals the changes of the blocks above `floor` (older ones could never be rewound to).
    static func writeJournal(_ blocks: [BlockChanges], above floor: Int64, _ db: any DatabaseConnection) throws {
        var binds: [SQLBind] = []
        for block in changesPerBlock(blocks) where Int64(block.blockNumber) > floor {
            for (seq, change) in block.changes.changes.enumerated() {
                binds.append(block.blockNumber.sqlBind); binds.append(seq.sqlBind); binds.append(block.blockHash.sqlBind)
                binds.append(.blob(EntityCodec.encode(change.key)))
                binds.append(change.before.map { .blob(EntityCodec.encode($0)) } ?? .null)
                binds.append(change.after.map { .blob(EntityCodec.encode($0)) } ?? .null)
            }
        }
        try HistoryRows.journal.insert(binds, into: db)
    }

    /// Inserts the range's events, unknown and quarantined logs, signature checks and issues.
    static func writeHistory(_ range: RangeCommit, _ db: any DatabaseConnection) throws {
        var binds: [SQLBind] = []
        binds.reserveCapacity(range.logs.count * HistoryRows.events.columns.count)
        if range.rawLogs.isEmpty {
            for log in range.logs { HistoryRows.appendEvent(log, raw: nil, &binds) }
        } else {
            for (log, raw) in zip(range.logs, range.rawLogs) { HistoryRows.appendEvent(log, raw: raw, &binds) }
        }
        try HistoryRows.events.insert(binds, into: db)

        binds = []
        for log in range.unknown { HistoryRows.appendUnknown(log, &binds) }
        try HistoryRows.unknownLogs.insert(binds, into: db)

        binds = []
        for log in range.quarantined { HistoryRows.appendQuarantined(log, &binds) }
        try HistoryRows.quarantinedLogs.insert(binds, into: db)

        binds = []
        var seqs: [UInt64: Int] = [:]
        for check in range.signatureChecks {
            let seq = seqs[check.position.blockNumber, default: 0]
            seqs[check.position.blockNumber] = seq + 1
            HistoryRows.appendCheck(check, seq: seq, &binds)
        }
        try HistoryRows.signatureChecks.insert(binds, into: db)

        binds = []
        seqs = [:]
        for issue in range.issues {
            let block = issue.position?.blockNumber ?? range.toBlock
            let seq = seqs[block, default: 0]
            seqs[block] = seq + 1
            HistoryRows.appendIssue(issue, block: block, seq: seq, &binds)
        }
        try HistoryRows.issues.insert(binds, into: db)
    }
}
