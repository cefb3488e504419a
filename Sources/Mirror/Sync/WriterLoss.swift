import Database

extension MirrorSync {
    /// The error that ends a run because this process is no longer the database's only writer, if `error` is one:
    /// the PostgreSQL session reconnected and another session holds the writer lock (`DatabaseError`
    /// `.writerLockLost`), or another writer changed the database while this one was reconnecting
    /// (`MirrorStoreError` `.writerReplaced`). Retrying would only fail again — or write from a stale state — so the
    /// sync stops; the database keeps everything committed, and a restarted `sync` resumes from its checkpoint.
    static func writerLoss(_ error: any Error) -> SyncError? {
        if let e = error as? DatabaseError, e.code == .writerLockLost {
            return SyncError(.writerLost, "lost the database's writer lock: \(e.message). Nothing more was written by this process; another `sync` is the writer now (restart this one with --wait-for-writer-lock to take over when that one stops)")
        }
        if let e = error as? MirrorStoreError, e.code == .writerReplaced {
            return SyncError(.writerLost, e.message)
        }
        return nil
    }
}
