/// One entity's change: its key, its value before (nil if it did not exist) and after (nil if it was deleted).
///
/// `before` is the undo journal entry the store persists per block; `after` is what it writes.
public struct EntityChange: Hashable, Sendable, CustomStringConvertible {
    /// The entity.
    public let key: EntityKey
    /// The value before the change; nil if the entity did not exist.
    public let before: EntityValue?
    /// The value after the change; nil if the entity was deleted.
    public let after: EntityValue?

    /// Creates a change; nil if a value is of a different entity than `key` (for example when a store reads back a
    /// corrupted journal row).
    public init?(key: EntityKey, before: EntityValue?, after: EntityValue?) {
        if let before, before.key != key { return nil }
        if let after, after.key != key { return nil }
        self.init(uncheckedKey: key, before: before, after: after)
    }

    /// A change whose values the caller knows to be of `key` (read from the state under `key`).
    init(uncheckedKey key: EntityKey, before: EntityValue?, after: EntityValue?) {
        self.key = key
        self.before = before
        self.after = after
    }

    /// Whether the entity was created.
    public var isInsert: Bool { before == nil && after != nil }
    /// Whether the entity was deleted.
    public var isDelete: Bool { before != nil && after == nil }

    public var description: String {
        switch (before, after) {
        case (nil, _?): return "insert \(key)"
        case (_?, nil): return "delete \(key)"
        default: return "update \(key)"
        }
    }
}

/// The changes of a transaction (or of a block, once merged), one entry per entity in first-touch order.
///
/// Applying `after` values gives the new state; applying `before` values (`KalypsoState.undo`) restores the old one
/// exactly. Entities whose value ended where it started are left out.
public struct ChangeSet: Hashable, Sendable {
    /// The changes, one per entity, in the order the entities were first touched.
    public private(set) var changes: [EntityChange]

    /// An empty change set.
    public init() { changes = [] }

    /// A change set from validated changes; nil if a key occurs twice.
    public init?(changes: [EntityChange]) {
        var seen = Set<EntityKey>()
        for change in changes where !seen.insert(change.key).inserted { return nil }
        self.changes = changes
    }

    init(uncheckedChanges: [EntityChange]) { changes = uncheckedChanges }

    /// Whether nothing changed.
    public var isEmpty: Bool { changes.isEmpty }

    /// The change of one entity, if it changed.
    public func change(for key: EntityKey) -> EntityChange? {
        changes.first { $0.key == key }
    }

    /// This change set followed by `later`: per entity, the earliest `before` and the latest `after`. Use it to keep
    /// one undo journal entry per block.
    public func merged(with later: ChangeSet) -> ChangeSet {
        guard !changes.isEmpty else { return later }
        guard !later.changes.isEmpty else { return self }
        var index: [EntityKey: Int] = [:]
        var merged = changes
        for (i, change) in changes.enumerated() { index[change.key] = i }
        for change in later.changes {
            if let i = index[change.key] {
                // Both values are of `change.key`, so the initializer cannot fail.
                merged[i] = EntityChange(key: change.key, before: merged[i].before, after: change.after) ?? merged[i]
            } else {
                index[change.key] = merged.count
                merged.append(change)
            }
        }
        return ChangeSet(uncheckedChanges: merged.filter { $0.before != $0.after })
    }

    /// The change set that undoes this one.
    public var inverse: ChangeSet {
        ChangeSet(uncheckedChanges: changes.reversed().compactMap { EntityChange(key: $0.key, before: $0.after, after: $0.before) })
    }
}

extension KalypsoState {
    /// Writes every `after` value of `changeSet` (what the store does when it commits a change set).
    public mutating func apply(_ changeSet: ChangeSet) {
        for change in changeSet.changes { set(change.after, for: change.key) }
    }

    /// Restores every entity of `changeSet` to its `before` value: exactly the state before the change set, provided
    /// the state has not changed since (undo block change sets newest first).
    public mutating func undo(_ changeSet: ChangeSet) {
        for change in changeSet.changes.reversed() { set(change.before, for: change.key) }
    }
}

/// Records the value of every entity before its first change in a transaction.
///
/// A transaction touches few entities, so the journal is a small array searched linearly, with a dictionary index
/// built only when it grows (large batches).
struct Journal {
    private var entries: [(key: EntityKey, before: EntityValue?)] = []
    /// Positions in `entries` by key, once there are more than `indexThreshold` entries (empty before).
    private var index: [EntityKey: Int] = [:]
    private static let indexThreshold = 16

    /// Whether nothing was touched.
    var isEmpty: Bool { entries.isEmpty }

    /// Records `key`'s current value if this is its first touch.
    mutating func touch(_ key: EntityKey, in state: KalypsoState) {
        let count = entries.count
        if count > Self.indexThreshold {
            // One hash lookup: the `default:` subscript inserts the next position if `key` is new.
            guard Self.position(&index[key, default: count]) == count else { return }
            entries.append((key, state.value(for: key)))
            return
        }
        guard !entries.contains(where: { $0.key == key }) else { return }
        entries.append((key, state.value(for: key)))
        if entries.count > Self.indexThreshold {
            index.reserveCapacity(2 * entries.count)
            for i in entries.indices { index[entries[i].key] = i }
        }
    }

    private static func position(_ slot: inout Int) -> Int { slot }

    /// The change set from the recorded `before` values to the current state.
    func changeSet(from state: KalypsoState) -> ChangeSet {
        var changes: [EntityChange] = []
        changes.reserveCapacity(entries.count)
        // By index: an entry holds a whole entity value; iterating by value would copy each one first.
        for i in entries.indices {
            let new = state.value(for: entries[i].key)
            if entries[i].before != new {
                changes.append(EntityChange(uncheckedKey: entries[i].key, before: entries[i].before, after: new))
            }
        }
        return ChangeSet(uncheckedChanges: changes)
    }
}
