import Database
import EthereumKit
@testable import Kalypso
@testable import Mirror
import Testing

@Suite struct BackfillModeTests {
    /// Whether the index `name` exists in the store's schema.
    private func indexExists(_ name: String, _ store: SQLMirrorStore) throws -> Bool {
        try store.pool.read { db in
            let count: Int = store.pool.dialect == .sqlite
                ? try db.queryValue("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = \(name)", as: Int.self)
                : try db.queryValue("SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = \(name)", as: Int.self)
            return count == 1
        }
    }

    /// Every stored event by transaction hash and every check by expected signer, through the reader.
    private func lookups(_ store: SQLMirrorStore, _ range: RangeCommit) throws -> [String] {
        let reader = SQLMirrorReader(pool: store.pool)
        var out: [String] = []
        for tx in Set(range.logs.map(\.position.transactionHash)).sorted(by: { "\($0)" < "\($1)" }) {
            out.append("\(tx): \(try reader.events(transaction: tx).value.map { "\($0.position)" })")
        }
        for signer in Set(range.signatureChecks.compactMap(\.expected)).sorted(by: { "\($0)" < "\($1)" }) {
            out.append("\(signer): \(try reader.signatureChecks(SignatureCheckQuery(expected: signer, limit: 1000)).value.items.map { "\($0.position)" })")
        }
        return out
    }

    @Test func backfillDropsTheDeferredIndexesAndCatchingUpRestoresThemWithIdenticalAnswers() throws {
        try StoreFixture.with("backfill") { store, _ in
            var chain = RandomChain(seed: 41)
            var all: [RangeCommit] = []
            for index in SQLMirrorStore.deferredIndexes { #expect(try indexExists(index.name, store), "created by the migration") }
            try store.setBackfilling(true)
            try store.setBackfilling(true)  // idempotent
            for index in SQLMirrorStore.deferredIndexes { #expect(try !indexExists(index.name, store)) }
            for _ in 0..<12 {
                let range = chain.range(blocks: chain.rng.int(1...8))
                try store.commit(range, reorgWindow: 16)
                all.append(range)
            }
            // A rewind in backfill mode works as usual (it deletes rows of the tables whose indexes are absent).
            let target = all[all.count - 2].toBlock
            _ = try store.rewind(to: target, reason: "test")
            chain.fork(at: target)
            let kept = all.dropLast()
            let combined = RangeCommit(fromBlock: kept.first!.fromBlock, toBlock: target, cursor: kept.last!.cursor, blocks: [],
                                       logs: kept.flatMap(\.logs), unknown: [], quarantined: [],
                                       signatureChecks: kept.flatMap(\.signatureChecks), issues: [], changesByBlock: [])
            let during = try lookups(store, combined)
            try store.setBackfilling(false)
            try store.setBackfilling(false)  // idempotent
            for index in SQLMirrorStore.deferredIndexes { #expect(try indexExists(index.name, store)) }
            #expect(try lookups(store, combined) == during)
            #expect(during.count > 3)
            #expect(try store.loadState().state == chain.state)
        }
    }
}
