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
        // The lookup ids a failed commit created were rolled back with it.
        let lookupsBefore = lookups
        do { try commitRange(range, reorgWindow: reorgWindow) } catch {
            lookups = lookupsBefore
            throw error
        }
    }

    private func commitRange(_ range: RangeCommit, reorgWindow: Int) throws {
        let eventTransactions = try Self.validate(range, reorgWindow: reorgWindow)
        try pool.write { db in
            let sync = try SyncStateRow.read(db)
            let replay = sync.cursor.map { range.toBlock <= $0.blockNumber } ?? false
            try fence.admit(db, found: sync.fenceMark, target: replay ? nil : .init(cursor: range.cursor, reorgsSeen: sync.reorgsSeen))
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
            var arguments = takeArguments()
            defer { returnArguments(arguments) }
            try Self.writeEntities(Self.finalValues(range.changesByBlock), db, &arguments)
            try Self.writeJournal(range.changesByBlock, above: floor, db, &arguments)
            try Self.writeHistory(range, db, &arguments, &lookups, eventTransactions: eventTransactions)
            arguments.removeAll()
            for b in range.blocks where Int64(b.number) >= floor {
                arguments.append(b.number); arguments.append(b.hash); arguments.append(b.parentHash)
            }
            try HistoryRows.window.insert(arguments, into: db)
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
    /// - Returns: the position of each transaction of the range's events (`eventTransactions`), for `writeHistory`.
    @discardableResult
    static func validate(_ range: RangeCommit, reorgWindow: Int) throws -> [LogPosition] {
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
        // A check names its transaction by position; the tables keep one hash per transaction and block, so a check
        // whose hashes differ from its transaction's events is inconsistent input (refused, never "first one wins").
        let transactions = eventTransactions(range.logs)
        if !range.signatureChecks.isEmpty {
            var others: [TransactionKey: LogPosition] = [:]
            for check in range.signatureChecks {
                let p = check.position
                let known: LogPosition
                if let i = position(of: p, in: transactions[...]) {
                    known = transactions[i]
                } else if let other = others[TransactionKey(p)] {
                    known = other
                } else {
                    others[TransactionKey(p)] = p
                    continue
                }
                guard known.transactionHash == p.transactionHash, known.blockHash == p.blockHash else {
                    throw refuse("the signature check of transaction \(p.transactionIndex) in block \(p.blockNumber) names transaction \(p.transactionHash) in block \(p.blockHash), but that position holds transaction \(known.transactionHash) in block \(known.blockHash)")
                }
            }
        }
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
        return transactions
    }

    /// A transaction's place in the chain (block number, index in the block).
    private struct TransactionKey: Hashable {
        let block: UInt64
        let index: UInt64
        init(_ p: LogPosition) { block = p.blockNumber; index = p.transactionIndex }
    }

    /// Per entity touched by the range: its value after the range, or nothing if it ended where it started.
    ///
    /// Keeps positions, not values, while scanning (entity values are large enums); a value that a single block's
    /// change set holds already differs from its before-image, so only entities touched in several blocks are compared.
    static func finalValues(_ blocks: [BlockChanges]) -> [(key: EntityKey, value: EntityValue?)] {
        var index: [EntityKey: Int] = [:]
        var entries: [(first: (block: Int32, change: Int32), last: (block: Int32, change: Int32))] = []
        // Index through the arrays (no copies of the changes' values, only of their keys).
        for b in blocks.indices {
            for c in blocks[b].changes.changes.indices {
                let key = blocks[b].changes.changes[c].key
                let at = (Int32(b), Int32(c))
                if let i = index[key] {
                    entries[i].last = at
                } else {
                    index[key] = entries.count
                    entries.append((at, at))
                }
            }
        }
        var out: [(key: EntityKey, value: EntityValue?)] = []
        out.reserveCapacity(entries.count)
        for entry in entries {
            let (lb, lc) = (Int(entry.last.block), Int(entry.last.change))
            if entry.first.block != entry.last.block,
               blocks[Int(entry.first.block)].changes.changes[Int(entry.first.change)].before == blocks[lb].changes.changes[lc].after { continue }
            out.append((blocks[lb].changes.changes[lc].key, blocks[lb].changes.changes[lc].after))
        }
        return out
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
    static func writeJournal(_ blocks: [BlockChanges], above floor: Int64, _ db: any DatabaseConnection,
                             _ arguments: inout SQLArguments) throws {
        arguments.removeAll()
        for block in changesPerBlock(blocks) where Int64(block.blockNumber) > floor {
            for (seq, change) in block.changes.changes.enumerated() {
                arguments.append(block.blockNumber); arguments.append(seq); arguments.append(block.blockHash)
                arguments.append(bytes: EntityCodec.encode(change.key))
                arguments.append(change.before) { $0.append(bytes: EntityCodec.encode($1)) }
                arguments.append(change.after) { $0.append(bytes: EntityCodec.encode($1)) }
            }
        }
        try HistoryRows.journal.insert(arguments, into: db)
    }

    /// Inserts the range's events (with their transactions and blocks), unknown and quarantined logs, signature checks
    /// and issues.
    static func writeHistory(_ range: RangeCommit, _ db: any DatabaseConnection, _ arguments: inout SQLArguments,
                             _ lookups: inout HistoryLookups, eventTransactions: [LogPosition]? = nil) throws {
        arguments.removeAll()
        var scratch = HistoryRows.EventScratch()
        if range.rawLogs.isEmpty {
            for log in range.logs { try HistoryRows.appendEvent(log, raw: nil, &lookups, &scratch, db, &arguments) }
        } else {
            for (log, raw) in zip(range.logs, range.rawLogs) { try HistoryRows.appendEvent(log, raw: raw, &lookups, &scratch, db, &arguments) }
        }
        try HistoryRows.events.insert(arguments, into: db)

        // One row per transaction and per block of the events and signature checks (checks read their hashes there).
        let transactions = transactionPositions(range, events: eventTransactions ?? Self.eventTransactions(range.logs))
        arguments.removeAll()
        for p in transactions { arguments.append(p.blockNumber); arguments.append(p.transactionIndex); arguments.append(p.transactionHash) }
        try HistoryRows.transactions.insert(arguments, into: db)
        arguments.removeAll()
        var lastBlock: UInt64?
        for p in transactions where p.blockNumber != lastBlock {
            lastBlock = p.blockNumber
            arguments.append(p.blockNumber); arguments.append(p.blockHash)
        }
        try HistoryRows.eventBlocks.insert(arguments, into: db)

        arguments.removeAll()
        for log in range.unknown { HistoryRows.appendUnknown(log, &arguments) }
        try HistoryRows.unknownLogs.insert(arguments, into: db)

        arguments.removeAll()
        for log in range.quarantined { HistoryRows.appendQuarantined(log, &arguments) }
        try HistoryRows.quarantinedLogs.insert(arguments, into: db)

        arguments.removeAll()
        var seqs: [UInt64: Int] = [:]
        for check in range.signatureChecks {
            let seq = seqs[check.position.blockNumber, default: 0]
            seqs[check.position.blockNumber] = seq + 1
            HistoryRows.appendCheck(check, seq: seq, noteID: try lookups.id(ofNote: check.note, db), &arguments)
        }
        try HistoryRows.signatureChecks.insert(arguments, into: db)

        arguments.removeAll()
        seqs = [:]
        for issue in range.issues {
            let block = issue.position?.blockNumber ?? range.toBlock
            let seq = seqs[block, default: 0]
            seqs[block] = seq + 1
            HistoryRows.appendIssue(issue, block: block, seq: seq, &arguments)
        }
        try HistoryRows.issues.insert(arguments, into: db)
    }

    /// `events` (the range's `eventTransactions`), then the position of each signature check's transaction that has
    /// no event in the range. A position listed twice (input out of chain
    /// order) is harmless: the inserts ignore a key they stored already.
    static func transactionPositions(_ range: RangeCommit, events: [LogPosition]) -> [LogPosition] {
        var positions = events
        let fromEvents = positions.count
        for check in range.signatureChecks {
            let p = check.position
            if let last = positions.last, positions.count > fromEvents, last.blockNumber == p.blockNumber, last.transactionIndex == p.transactionIndex { continue }
            if position(of: p, in: positions[..<fromEvents]) != nil { continue }
            positions.append(p)
        }
        return positions
    }

    /// The position of each transaction of `logs` (its first log; logs arrive in chain order).
    static func eventTransactions(_ logs: [KalypsoLog]) -> [LogPosition] {
        var positions: [LogPosition] = []
        for log in logs {
            let p = log.position
            if let last = positions.last, last.blockNumber == p.blockNumber, last.transactionIndex == p.transactionIndex { continue }
            positions.append(p)
        }
        return positions
    }

    /// The index in `transactions` (in chain order) of `p`'s transaction, by binary search; nil if absent.
    static func position(of p: LogPosition, in transactions: ArraySlice<LogPosition>) -> Int? {
        func precedes(_ a: LogPosition, _ b: LogPosition) -> Bool {
            (a.blockNumber, a.transactionIndex) < (b.blockNumber, b.transactionIndex)
        }
        var low = transactions.startIndex, high = transactions.endIndex
        while low < high {
            let mid = (low + high) / 2
            if precedes(transactions[mid], p) { low = mid + 1 } else { high = mid }
        }
        return low < transactions.endIndex && !precedes(p, transactions[low]) ? low : nil
    }
}
