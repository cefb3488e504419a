import Database
import DatabaseTestSupport
import EthereumKit
@testable import Kalypso
@testable import Mirror
import Testing

@Suite struct SQLMirrorStoreTests {
    /// Rows of the per-block tables at or below `block`.
    private func rows(atOrBelow block: UInt64, _ store: SQLMirrorStore) throws -> [String: Int] {
        var out: [String: Int] = [:]
        for (table, column) in HistoryRows.perBlockTables {
            out[table] = try store.pool.read { db in
                try db.queryValue("SELECT count(*) FROM \(unsafeRaw: table) WHERE \(unsafeRaw: column) <= \(block)", as: Int.self)
            }
        }
        return out
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func commitThenLoadEqualsTheReducedState(seed: UInt64) throws {
        try StoreFixture.with("commit-load") { store, _ in
            var chain = RandomChain(seed: seed)
            var events = 0
            for _ in 0..<30 {
                let range = chain.range(blocks: chain.rng.int(1...12))
                try store.commit(range, reorgWindow: 16)
                events += range.logs.count
                let (state, cursor, window) = try store.loadState()
                #expect(state == chain.state)
                #expect(cursor == range.cursor)
                #expect(window.last?.number == range.toBlock && window.last?.hash == range.cursor.blockHash)
                #expect(window.count <= 17 && window.map(\.number) == Array(window.first!.number...range.toBlock), "contiguous window")
                for b in window { #expect(b.hash == chain.blockHash(b.number) && b.parentHash == chain.blockHash(b.number - 1)) }
            }
            #expect(try StoreFixture.count("events", store) == events)
            #expect(chain.state.generators.count > 0 && chain.state.asks.count > 10 && chain.state.markets.count > 0)
        }
    }

    @Test(arguments: [11, 12, 13, 14] as [UInt64])
    func rewindRestoresTheStateOfAnEarlierBlockExactly(seed: UInt64) throws {
        let reorgWindow = 12
        try StoreFixture.with("rewind") { store, _ in
            var chain = RandomChain(seed: seed)
            var reorgs = 0
            for step in 0..<60 {
                let range = chain.range(blocks: chain.rng.int(1...6))
                try store.commit(range, reorgWindow: reorgWindow)
                guard step % 3 == 2 else { continue }
                let cursor = range.toBlock
                // The floor is the highest cursor reached minus the window (a rewind never brings pruned blocks back).
                let floor = try #require(try SQLMirrorReader(pool: store.pool).status().value.undoFloor)
                #expect(floor >= cursor - UInt64(reorgWindow))
                let depth = UInt64(chain.rng.int(1...reorgWindow))
                let target = max(cursor - depth, floor, chain.startBlock)
                guard target < cursor else { continue }
                let kept = try rows(atOrBelow: target, store)
                let undone = try store.rewind(to: target, reason: "test reorg at step \(step)")
                reorgs += 1
                let expected = try #require(chain.states[target])
                let (state, loadedCursor, window) = try store.loadState()
                #expect(state == expected, "step \(step): rewind \(cursor) → \(target)")
                #expect(loadedCursor == Checkpoint(blockNumber: target, blockHash: chain.blockHash(target)))
                #expect(window.last?.number == target)
                // The returned change sets undo the in-memory state identically.
                var memory = chain.state
                for set in undone { memory.undo(set) }
                #expect(memory == expected)
                #expect(undone.count <= Int(cursor - target))
                #expect(try rows(atOrBelow: target, store) == kept, "rows of kept blocks untouched")
                #expect(try StoreFixture.counts(store).filter { HistoryRows.perBlockTables.map(\.table).contains($0.key) } == kept, "rows of undone blocks deleted")
                chain.fork(at: target)
            }
            let status = try SQLMirrorReader(pool: store.pool).status().value
            #expect(status.reorgsSeen == reorgs && reorgs > 10)
            #expect(status.lastReorg?.reason.hasPrefix("test reorg") == true)
        }
    }

    @Test func replayedRangeIsANoOp() throws {
        try StoreFixture.with("replay") { store, _ in
            var chain = RandomChain(seed: 21)
            var ranges: [RangeCommit] = []
            for _ in 0..<6 {
                let range = chain.range(blocks: 5)
                try store.commit(range, reorgWindow: 64)
                ranges.append(range)
            }
            let before = try store.loadState()
            let counts = try StoreFixture.counts(store)
            // The last range again (a crash after commit, before the sync noticed), and an older one.
            try store.commit(ranges[5], reorgWindow: 64)
            try store.commit(ranges[2], reorgWindow: 64)
            let after = try store.loadState()
            #expect(after.state == before.state && after.cursor == before.cursor && after.window == before.window)
            #expect(try StoreFixture.counts(store) == counts)
            // The UNIQUE keys alone make re-inserting a range's rows a no-op.
            var arguments = SQLArguments(), lookups = HistoryLookups()
            try store.pool.write { db in try SQLMirrorStore.writeHistory(ranges[4], db, &arguments, &lookups) }
            #expect(try StoreFixture.counts(store) == counts)
            // A replay whose last block has another hash is a reorg the caller must rewind first.
            var forked = ranges[5]
            forked.cursor.blockHash = Hash32(w0: 1, w1: 2, w2: 3, w3: 4)
            forked.blocks[forked.blocks.count - 1].hash = forked.cursor.blockHash
            let error = #expect(throws: MirrorStoreError.self) { try store.commit(forked, reorgWindow: 64) }
            #expect(error?.code == .rangeNotContiguous)
            #expect(error?.message.contains("rewind") == true)
        }
    }

    @Test func rewindDeeperThanTheWindowIsRefused() throws {
        try StoreFixture.with("deep-reorg") { store, _ in
            var chain = RandomChain(seed: 31)
            for _ in 0..<10 { try store.commit(chain.range(blocks: 5), reorgWindow: 8) }
            let cursor = chain.nextBlock - 1
            let before = try store.loadState()
            let error = #expect(throws: MirrorStoreError.self) { try store.rewind(to: cursor - 9, reason: "deep") }
            #expect(error?.code == .reorgTooDeep)
            #expect(error?.message.contains("reorg deeper than the window") == true)
            #expect(error?.message.contains("\(cursor - 8)") == true, "names the oldest reachable block: \(error?.message ?? "")")
            let after = try store.loadState()
            #expect(after.state == before.state && after.cursor == before.cursor && after.window == before.window)
            #expect(try SQLMirrorReader(pool: store.pool).status().value.reorgsSeen == 0)
            // Exactly the window's depth is allowed, and rewinding to the cursor does nothing.
            #expect(try store.rewind(to: cursor, reason: "no-op").isEmpty)
            _ = try store.rewind(to: cursor - 8, reason: "deepest")
            #expect(try store.loadState().state == chain.states[cursor - 8])
        }
    }

    @Test func journalAndWindowKeepOnlyTheReorgWindow() throws {
        try StoreFixture.with("prune") { store, _ in
            var chain = RandomChain(seed: 41)
            for _ in 0..<20 { try store.commit(chain.range(blocks: 7), reorgWindow: 10) }
            let cursor = chain.nextBlock - 1
            let (window, oldestJournal): ([UInt64], UInt64?) = try store.pool.read { db in
                (try db.query("SELECT number FROM block_window ORDER BY number").map { try $0.decode(UInt64.self, at: 0) },
                 try db.queryValue("SELECT min(block_number) FROM undo_journal", as: UInt64?.self))
            }
            #expect(window == Array((cursor - 10)...cursor))
            #expect((oldestJournal ?? cursor) > cursor - 10)
        }
    }

    @Test func rangesMustFitTheCursorAndThemselves() throws {
        try StoreFixture.with("contiguity") { store, _ in
            var chain = RandomChain(seed: 51)
            let first = chain.range(blocks: 3)
            try store.commit(first, reorgWindow: 64)
            var gap = chain.range(blocks: 3)
            gap.fromBlock += 1
            gap.blocks.removeFirst()
            #expect(throws: MirrorStoreError.self) { try store.commit(gap, reorgWindow: 64) }

            var fresh = RandomChain(seed: 51)
            _ = fresh.range(blocks: 3)
            let next = fresh.range(blocks: 2)
            var badParent = next
            badParent.blocks[0].parentHash = .zero
            #expect((#expect(throws: MirrorStoreError.self) { try store.commit(badParent, reorgWindow: 64) })?.code == .invalidRange)
            var noHeader = next
            noHeader.blocks.removeLast()
            #expect((#expect(throws: MirrorStoreError.self) { try store.commit(noHeader, reorgWindow: 64) })?.code == .invalidRange)
            var misplacedRaw = next
            if misplacedRaw.rawLogs.count > 1 { misplacedRaw.rawLogs.swapAt(0, misplacedRaw.rawLogs.count - 1) } else { misplacedRaw.rawLogs.append(misplacedRaw.rawLogs.first ?? next.rawLogs[0]) }
            #expect(throws: MirrorStoreError.self) { try store.commit(misplacedRaw, reorgWindow: 64) }
            // A signature check naming its event's transaction position with another transaction hash.
            var wrongCheck = next
            let event = try #require(next.logs.first)
            var elsewhere = event.position
            elsewhere.transactionHash = Hash32(UInt256(0xBAD))
            wrongCheck.signatureChecks.append(SignatureCheck(kind: .admin, position: elsewhere, expected: nil, recovered: nil, matches: false, note: "test"))
            let refused = #expect(throws: MirrorStoreError.self) { try store.commit(wrongCheck, reorgWindow: 64) }
            #expect(refused?.code == .invalidRange)
            #expect(refused?.message.contains("that position holds transaction \(event.position.transactionHash)") == true, "\(refused?.message ?? "")")
            #expect(try store.loadState().cursor == first.cursor, "nothing was written")
            try store.commit(next, reorgWindow: 64)
            #expect(try store.loadState().state == fresh.state)
        }
    }

    @Test func aFailedCommitLeavesNoTraceAfterReopening() throws {
        let dir = try TemporaryDirectory("mirror-abort")
        defer { dir.remove() }
        let path = dir.file("mirror.sqlite")
        var chain = RandomChain(seed: 61)
        let store = try SQLMirrorStore.open(location: .sqlite(path: path), logger: .disabled)
        try store.commit(chain.range(blocks: 5), reorgWindow: 64)
        let committed = try store.loadState()
        let counts = try StoreFixture.counts(store)
        // The cursor update is the commit's last write: make it fail after everything else was written.
        let range = chain.range(blocks: 5)
        try store.pool.write { db in
            try db.executeScript("""
                CREATE TRIGGER fail_cursor BEFORE UPDATE OF cursor_block ON sync_state WHEN NEW.cursor_block = \(range.toBlock)
                BEGIN SELECT RAISE(ABORT, 'injected failure'); END
                """)
        }
        #expect(throws: DatabaseError.self) { try store.commit(range, reorgWindow: 64) }
        store.pool.close()

        let reopened = try SQLMirrorStore.open(location: .sqlite(path: path), logger: .disabled)
        defer { reopened.pool.close() }
        let loaded = try reopened.loadState()
        #expect(loaded.state == committed.state && loaded.cursor == committed.cursor && loaded.window == committed.window)
        #expect(try StoreFixture.counts(reopened) == counts)
        try reopened.pool.write { db in try db.executeScript("DROP TRIGGER fail_cursor") }
        try reopened.commit(range, reorgWindow: 64)
        #expect(try reopened.loadState().state == chain.state)
    }

    @Test func entityRowsRoundTripEveryField() throws {
        try StoreFixture.with("rows") { store, _ in
            var rng = StoreRNG(seed: 71)
            var expected = KalypsoState()
            var finals: [EntityKey: EntityValue] = [:]
            for _ in 0..<2_000 {
                let v = RandomEntities.value(&rng)
                finals[v.key] = v
                expected.insert(v)
            }
            var arguments = SQLArguments()
            try store.pool.write { db in try SQLMirrorStore.writeEntities(finals.map { ($0.key, $0.value) }, db, &arguments) }
            #expect(try store.pool.read { db in try SQLMirrorStore.loadEntities(db) } == expected)
            // Deleting through the same path.
            let deleted = Array(finals.keys.prefix(500))
            for key in deleted { expected.apply(ChangeSet(changes: [EntityChange(key: key, before: finals[key], after: nil)!])!) }
            try store.pool.write { db in try SQLMirrorStore.writeEntities(deleted.map { ($0, nil) }, db, &arguments) }
            #expect(try store.pool.read { db in try SQLMirrorStore.loadEntities(db) } == expected)
        }
    }
}
