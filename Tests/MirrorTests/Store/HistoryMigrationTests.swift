import Database
import DatabaseTestSupport
import EthereumKit
import Foundation
import Kalypso
@testable import Mirror
import Testing

/// Migration 0002 (compact history rows) upgrades a 0001 database keeping every event and signature check: the
/// readers return exactly what they returned from the 0001 rows, and the upgraded store keeps committing.
@Suite struct HistoryMigrationTests {
    static func hash(_ n: UInt64) -> Hash32 { Hash32(w0: n, w1: n &* 3, w2: n &* 7, w3: n &+ 11) }
    static func address(_ n: UInt8) -> Address { Address(hi: UInt32(n), mid: UInt64(n), lo: UInt64(n)) }

    /// Blocks 10 and 11 hold events; block 12 only a signature check (its transaction has no event).
    static func position(_ block: UInt64, tx: UInt64, log: UInt64) -> LogPosition {
        LogPosition(blockNumber: block, blockHash: hash(block), transactionIndex: tx, transactionHash: hash(1000 * block + tx), logIndex: log)
    }

    /// Events covering every enrichment text and topics shape the 0001 writer stored.
    static let events: [StoredEvent] = [
        StoredEvent(position: position(10, tx: 0, log: 0), emitter: .proofMarketplace, eventName: "AskCreated", fieldsJSON: #"{"askId":"1"}"#,
                    enrichment: "calldata", topics: [hash(1), hash(2)], data: [1, 2]),
        StoredEvent(position: position(10, tx: 0, log: 1), emitter: .proofMarketplace, eventName: "AskCreated", fieldsJSON: #"{"askId":"2"}"#,
                    enrichment: EnrichmentSource.pinnedCall(blockHash: hash(10)).description, topics: [hash(1)], data: []),
        StoredEvent(position: position(10, tx: 1, log: 2), emitter: .generatorRegistry, eventName: "RegisteredGenerator", fieldsJSON: "{}",
                    enrichment: EnrichmentSource.pinnedCall(blockHash: hash(99)).description, topics: nil, data: nil),
        StoredEvent(position: position(11, tx: 0, log: 0), emitter: .entityKeyRegistry, eventName: "UpdateKey", fieldsJSON: "{}",
                    enrichment: nil, topics: [], data: [9]),
        StoredEvent(position: position(11, tx: 0, log: 1), emitter: .generatorRegistry, eventName: "RegisteredGenerator", fieldsJSON: "{}",
                    enrichment: "unavailable (no archive state)", topics: [hash(3), hash(4), hash(5)], data: [7, 7]),
    ]

    static let checks: [SignatureCheck] = [
        SignatureCheck(kind: .admin, position: position(10, tx: 0, log: 0), expected: address(1), recovered: address(1), matches: true,
                       note: "the generator signed its own call to the GeneratorRegistry"),
        SignatureCheck(kind: .enclave, position: position(10, tx: 0, log: 0), expected: nil, recovered: nil, matches: false, note: "unchecked"),
        SignatureCheck(kind: .admin, position: position(11, tx: 0, log: 0), expected: address(2), recovered: address(1), matches: false,
                       note: "the generator signed its own call to the GeneratorRegistry"),
        SignatureCheck(kind: .matchingEngine, position: position(12, tx: 5, log: 3), expected: address(1), recovered: address(3), matches: false,
                       note: "unchecked"),
    ]

    /// The rows the 0001 store wrote for `events` and `checks`.
    static func writeVersion1Rows(_ db: any DatabaseConnection) throws {
        var transactions = Set<[UInt64]>()
        for e in events {
            let p = e.position
            let topics = e.topics.map { $0.flatMap(\.bytes) }
            try db.execute("""
                INSERT INTO events (block_number, log_index, transaction_index, emitter, event_name, fields, enrichment, topics, data)
                VALUES (\(p.blockNumber), \(p.logIndex), \(p.transactionIndex), \(e.emitter.rawValue), \(e.eventName), \(e.fieldsJSON),
                        \(e.enrichment), \(topics), \(e.data))
                """)
            if transactions.insert([p.blockNumber, p.transactionIndex]).inserted {
                try db.execute("INSERT INTO transactions (block_number, transaction_index, transaction_hash) VALUES (\(p.blockNumber), \(p.transactionIndex), \(p.transactionHash))")
            }
            try db.execute("INSERT INTO event_blocks (number, hash) VALUES (\(p.blockNumber), \(p.blockHash)) ON CONFLICT (number) DO NOTHING")
        }
        var seqs: [UInt64: Int] = [:]
        for c in checks {
            let p = c.position, seq = seqs[p.blockNumber, default: 0]
            seqs[p.blockNumber] = seq + 1
            try db.execute("""
                INSERT INTO signature_checks (block_number, seq, log_index, block_hash, transaction_index, transaction_hash, kind, expected,
                                              recovered, matches, note)
                VALUES (\(p.blockNumber), \(seq), \(p.logIndex), \(p.blockHash), \(p.transactionIndex), \(p.transactionHash), \(c.kind.rawValue),
                        \(c.expected), \(c.recovered), \(c.matches), \(c.note))
                """)
        }
    }

    /// Creates a 0001 database at `location` with the rows, upgrades it by opening the store, and checks the reads.
    static func upgradeAndRead(_ location: DatabaseLocation) throws {
        let old = DatabasePool(location: location, mode: .readWrite, maximumReaders: 1, logger: .disabled)
        let folder = old.dialect == .sqlite ? "sqlite" : "postgres"
        _ = try old.migrate(MigrationSet(files: EmbeddedMigrations.files.filter { $0.key == "\(folder)/0001_mirror.sql" }, folder: folder))
        try old.write { db in try writeVersion1Rows(db) }
        old.close()

        let store = try SQLMirrorStore.open(location: location, logger: .disabled)
        defer { store.pool.close() }
        let applied: [String] = try store.pool.withWriter { db in
            try db.query("SELECT name FROM schema_migrations ORDER BY version").map { try $0.decode(String.self, at: 0) }
        }
        #expect(applied == ["0001_mirror", "0002_compact_history"])
        let reader = SQLMirrorReader(pool: store.pool)
        var read: [StoredEvent] = []
        for tx in [hash(10_000), hash(10_001), hash(11_000)] { read += try reader.events(transaction: tx).value }
        #expect(read == events)
        #expect(try reader.events(transaction: hash(12_005)).value.isEmpty)
        #expect(try reader.signatureChecks(SignatureCheckQuery()).value.items == checks)
        #expect(try reader.signatureChecks(SignatureCheckQuery(mismatchesOnly: true)).value.items == checks.filter { !$0.matches })
        #expect(try reader.signatureChecks(SignatureCheckQuery(kind: .admin, expected: address(2))).value.items == [checks[2]])
        let page = try reader.signatureChecks(SignatureCheckQuery(limit: 2)).value
        #expect(try reader.signatureChecks(SignatureCheckQuery(cursor: page.nextCursor)).value.items == Array(checks.dropFirst(2)))
        let (kinds, notes): (Int, Int) = try store.pool.withWriter { db in
            (try db.queryValue("SELECT count(*) FROM event_kinds"), try db.queryValue("SELECT count(*) FROM check_notes"))
        }
        #expect(kinds == 5 && notes == 2)

        // The upgraded store keeps committing (packed fields) next to the upgraded rows (fields text).
        var chain = RandomChain(seed: 3)
        let range = chain.range(blocks: 30)
        try store.commit(range, reorgWindow: 64)
        let logs = range.logs.filter { $0.position.transactionHash == range.logs[0].position.transactionHash }
        let stored = try reader.events(transaction: logs[0].position.transactionHash).value
        #expect(stored.map(\.position) == logs.map(\.position))
        #expect(stored.map(\.fieldsJSON) == logs.map { EventJSON.fields(of: $0.event) })
        #expect(stored.map(\.eventName) == logs.map(\.event.name) && stored.map(\.emitter) == logs.map(\.emitter))
        #expect(stored.map(\.enrichment) == logs.map { $0.event.enrichmentSource?.description })
        read = []
        for tx in [hash(10_000), hash(10_001), hash(11_000)] { read += try reader.events(transaction: tx).value }
        #expect(read == events)
    }

    @Test func aVersion1SQLiteDatabaseUpgradesKeepingItsHistory() throws {
        let dir = try TemporaryDirectory("mirror-migration-0002")
        defer { dir.remove() }
        try Self.upgradeAndRead(.sqlite(path: dir.file("mirror.sqlite")))
    }

    @Test(.enabled(if: TestPostgres.url != nil, Comment(rawValue: TestPostgres.skipReason)))
    func aVersion1PostgresDatabaseUpgradesKeepingItsHistory() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        try Self.upgradeAndRead(.postgres(url: schema.url))
    }
}
