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
    /// What an `event_kinds` row holds besides its fields shape.
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

    /// The cache key of an event kind: the name by the address of its constant text (no `String` per row).
    private struct KindKey: Hashable {
        var emitter: KalypsoContract
        var name: UInt
        var topic0: Hash32?
        var enrichment: EnrichmentKind
    }

    /// Per kind, its fields shapes (`PackedFields`; empty: the text is stored) and their ids.
    private var kinds: [KindKey: [(shape: [UInt8], id: Int64)]] = [:]
    /// Kinds whose name has no pointer representation (never for `EventJSON`'s names).
    private var otherKinds: [EventKind: [(shape: [UInt8], id: Int64)]] = [:]
    private var notes: [String: Int64] = [:]

    /// The id of the `event_kinds` row of an event named `name` with `shape`, created if missing.
    mutating func id(emitter: KalypsoContract, name: StaticString, topic0: Hash32?, enrichment: EnrichmentKind,
                     shape: [UInt8], _ db: any DatabaseConnection) throws -> Int64 {
        guard name.hasPointerRepresentation else {
            let kind = EventKind(emitter: emitter, name: name.description, topic0: topic0, enrichment: enrichment)
            if let hit = otherKinds[kind]?.first(where: { $0.shape == shape }) { return hit.id }
            let id = try Self.fetchOrCreate(kind, shape: shape, db)
            otherKinds[kind, default: []].append((shape, id))
            return id
        }
        let key = KindKey(emitter: emitter, name: UInt(bitPattern: name.utf8Start), topic0: topic0, enrichment: enrichment)
        if let hit = kinds[key]?.first(where: { $0.shape == shape }) { return hit.id }
        let kind = EventKind(emitter: emitter, name: name.description, topic0: topic0, enrichment: enrichment)
        let id = try Self.fetchOrCreate(kind, shape: shape, db)
        kinds[key, default: []].append((shape, id))
        return id
    }

    private static func fetchOrCreate(_ kind: EventKind, shape: [UInt8], _ db: any DatabaseConnection) throws -> Int64 {
        let topic0 = kind.topic0.map(\.bytes) ?? [], shapeText = String(decoding: shape, as: UTF8.self)
        let existing = try db.queryFirst("""
            SELECT id FROM event_kinds WHERE emitter = \(kind.emitter.rawValue) AND event_name = \(kind.name)
                AND topic0 = \(topic0) AND enrichment = \(kind.enrichment.rawValue) AND fields_shape = \(shapeText)
            """)
        let row = try existing ?? db.queryOne("""
            INSERT INTO event_kinds (emitter, event_name, topic0, enrichment, fields_shape)
            VALUES (\(kind.emitter.rawValue), \(kind.name), \(topic0), \(kind.enrichment.rawValue), \(shapeText)) RETURNING id
            """)
        return try row.decode(Int64.self, at: 0)
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
