import Database
import EthereumKit
import Kalypso

/// The ids of the rows of the history's lookup tables (`event_kinds`, `check_notes`, migration 0002) that the writer
/// has read or created: a commit looks each distinct value up once, then binds the cached id per row.
///
/// The tables are append-only (a rewind keeps their rows, ids never change), so an id stays valid once its
/// transaction committed. A commit that fails restores the cache it started with (`SQLMirrorStore.commit`), because
/// the ids it created were rolled back.
struct HistoryLookups {
    /// What an `event_kinds` row holds.
    struct EventKind: Hashable {
        var emitter: KalypsoContract
        var name: String
        /// The raw log's first topic; nil: no topics, or the raw log was not kept.
        var topic0: Hash32?
        var enrichment: EnrichmentKind
    }

    /// `event_kinds.enrichment`: how the reader rebuilds `StoredEvent.enrichment`.
    enum EnrichmentKind: Int64, Hashable {
        /// `events.enrichment` holds the text (NULL: the event needs none).
        case stored = 0
        /// `calldata`.
        case calldata = 1
        /// `eth_call at <the event's block hash>`.
        case pinnedAtOwnBlock = 2
    }

    private var kinds: [EventKind: Int64] = [:]
    private var notes: [String: Int64] = [:]

    /// The id of `kind`'s row, created if missing.
    mutating func id(of kind: EventKind, _ db: any DatabaseConnection) throws -> Int64 {
        if let id = kinds[kind] { return id }
        let topic0 = kind.topic0.map(\.bytes) ?? []
        let existing = try db.queryFirst("""
            SELECT id FROM event_kinds WHERE emitter = \(kind.emitter.rawValue) AND event_name = \(kind.name)
                AND topic0 = \(topic0) AND enrichment = \(kind.enrichment.rawValue)
            """)
        let row = try existing ?? db.queryOne("""
            INSERT INTO event_kinds (emitter, event_name, topic0, enrichment)
            VALUES (\(kind.emitter.rawValue), \(kind.name), \(topic0), \(kind.enrichment.rawValue)) RETURNING id
            """)
        let id = try row.decode(Int64.self, at: 0)
        kinds[kind] = id
        return id
    }

    /// The id of `note`'s row, created if missing.
    mutating func id(ofNote note: String, _ db: any DatabaseConnection) throws -> Int64 {
        if let id = notes[note] { return id }
        let row = try db.queryFirst("SELECT id FROM check_notes WHERE note = \(note)")
            ?? db.queryOne("INSERT INTO check_notes (note) VALUES (\(note)) RETURNING id")
        let id = try row.decode(Int64.self, at: 0)
        notes[note] = id
        return id
    }
}
