import CPostgres

/// Session-level advisory locks: "exactly one writer" across processes and machines.
///
/// A session lock is held until released or until the session ends — including when the process dies or the
/// connection drops, so a crashed writer never blocks its successor. Keys are 64-bit; `advisoryLockKey(for:)`
/// derives one from a name (the first 8 bytes of SHA-256 of the name, big-endian, as a signed integer).
///
/// After a reconnect the connection re-takes the locks it held. If another session took one in between, that
/// session is now the writer: every call on this connection throws `.writerLockLost` until the caller releases
/// or re-acquires the lock.
extension PostgresConnection {
    /// The advisory-lock key of a name, for example `advisoryLockKey(for: "kalypso-mirror.writer")`.
    public static func advisoryLockKey(for name: String) -> Int64 {
        var key: UInt64 = 0
        for b in SHA256.digest(Array(name.utf8)).prefix(8) { key = key << 8 | UInt64(b) }
        return Int64(bitPattern: key)
    }

    /// Takes the lock if it is free (`pg_try_advisory_lock`); false when another session holds it.
    public func tryAcquireAdvisoryLock(_ key: Int64) throws -> Bool {
        if heldAdvisoryLocks.contains(key) { return true }
        lostAdvisoryLocks.remove(key)
        let taken: Bool = try queryValue("SELECT pg_try_advisory_lock(\(key))")
        if taken { heldAdvisoryLocks.insert(key) }
        return taken
    }

    /// Waits for the lock (`pg_advisory_lock`). A `lock_timeout` set in the URL bounds the wait (`.busy`).
    public func acquireAdvisoryLock(_ key: Int64) throws {
        if heldAdvisoryLocks.contains(key) { return }
        lostAdvisoryLocks.remove(key)
        try execute("SELECT pg_advisory_lock(\(key))")
        heldAdvisoryLocks.insert(key)
    }

    /// Releases a lock this session holds; false if it did not hold it.
    @discardableResult
    public func releaseAdvisoryLock(_ key: Int64) throws -> Bool {
        lostAdvisoryLocks.remove(key)
        guard heldAdvisoryLocks.contains(key) else { return false }
        heldAdvisoryLocks.remove(key)
        return try queryValue("SELECT pg_advisory_unlock(\(key))")
    }

    /// Whether this session holds `key` (as far as it knows: a lost connection is noticed at the next call).
    public func holdsAdvisoryLock(_ key: Int64) -> Bool {
        heldAdvisoryLocks.contains(key)
    }

    /// A description of the other session holding `key` in this database (advisory locks are per database): its
    /// backend pid, application, client and since when; nil if none.
    public func advisoryLockHolder(_ key: Int64) throws -> String? {
        let high = Int64(UInt32(truncatingIfNeeded: UInt64(bitPattern: key) >> 32))
        let low = Int64(UInt32(truncatingIfNeeded: UInt64(bitPattern: key)))
        let row = try queryFirst("""
            SELECT a.pid, coalesce(a.application_name, '') AS app, coalesce(host(a.client_addr), 'local socket') AS client,
                   coalesce(to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ'), '?') AS since
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND l.classid::bigint = \(high)
              AND l.objid::bigint = \(low) AND l.objsubid = 1 AND l.pid <> pg_backend_pid()
            LIMIT 1
            """)
        guard let row else { return nil }
        let pid: Int64 = try row.decode("pid")
        let app: String = try row.decode("app")
        let client: String = try row.decode("client")
        let since: String = try row.decode("since")
        return "backend pid \(pid) (application '\(app)', from \(client), connected since \(since))"
    }

    /// Re-takes the held locks on a fresh session; records and reports the ones another session took.
    func retakeAdvisoryLocks(_ conn: OpaquePointer) throws {
        for key in heldAdvisoryLocks.sorted() {
            let text = String(key)
            let result = text.withCString { value -> OpaquePointer? in
                var values: [UnsafePointer<CChar>?] = [value]
                return values.withUnsafeMutableBufferPointer { v in
                    PQexecParams(conn, "SELECT pg_try_advisory_lock($1::bigint)", 1, nil, v.baseAddress, nil, nil, 0)
                }
            }
            defer { PQclear(result) }
            if let error = Self.failure(result, conn: conn, sql: "SELECT pg_try_advisory_lock($1::bigint)") { throw error }
            guard let result, let cell = PQgetvalue(result, 0, 0), String(cString: cell) == "t" else {
                heldAdvisoryLocks.remove(key)
                lostAdvisoryLocks.insert(key)
                logger.error("advisory lock taken over by another session while reconnecting", [("key", text)])
                throw DatabaseError(.writerLockLost, "the connection to \(redactedURL) dropped and another session took the advisory lock \(key) before this one reconnected: another writer is active now, so this one must stop")
            }
        }
    }
}
