extension PostgresConnection {
    /// Takes the session-level advisory lock `key` if no other session holds it.
    ///
    /// Session locks stay until `advisoryUnlock(key:)` or until the connection closes, even
    /// across transactions; they stack, so each successful call needs its own unlock.
    ///
    /// ```swift
    /// let key = PostgresConnection.advisoryLockKey(named: "ingest:inc")
    /// guard try db.tryAdvisoryLock(key: key) else { return .alreadyRunning }
    /// defer { _ = try? db.advisoryUnlock(key: key) }
    /// ```
    ///
    /// - Returns: true if the lock is now held by this session, false if another session has it.
    package func tryAdvisoryLock(key: Int64, file: String = #fileID, line: Int = #line) throws -> Bool {
        try scalar("SELECT pg_try_advisory_lock($1::bigint)", [String(key)],
                   purpose: "try advisory lock \(key)", file: file, line: line) == "t"
    }

    /// Waits until the session-level advisory lock `key` is free, then takes it.
    ///
    /// For the migration runner, where the second process should wait for the first to finish
    /// rather than give up. Waits without limit unless the session sets `lock_timeout`.
    package func advisoryLock(key: Int64, file: String = #fileID, line: Int = #line) throws {
        try execute("SELECT pg_advisory_lock($1::bigint)", [String(key)],
                    purpose: "take advisory lock \(key)", file: file, line: line)
    }

    /// Releases one hold of the session-level advisory lock `key`.
    ///
    /// - Returns: false if this session did not hold it (the server also logs a warning).
    @discardableResult
    package func advisoryUnlock(key: Int64, file: String = #fileID, line: Int = #line) throws -> Bool {
        try scalar("SELECT pg_advisory_unlock($1::bigint)", [String(key)],
                   purpose: "release advisory lock \(key)", file: file, line: line) == "t"
    }

    /// A stable advisory-lock key for a name: FNV-1a 64 of the UTF-8 of `"fleettickets:<name>"`.
    ///
    /// Every process and every run derives the same key, which Swift's `Hasher` (seeded per
    /// process) would not. The prefix keeps our keys apart from other applications' on the server.
    package static func advisoryLockKey(named name: String) -> Int64 {
        Int64(bitPattern: fnv1a64("fleettickets:\(name)".utf8))
    }

    /// FNV-1a, 64-bit (offset basis 0xcbf29ce484222325, prime 0x100000001b3); exposed so tests can
    /// pin it to the published test vectors.
    package static func fnv1a64(_ bytes: some Sequence<UInt8>) -> UInt64 {
        bytes.reduce(0xcbf2_9ce4_8422_2325) { hash, byte in
            (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
    }
}
