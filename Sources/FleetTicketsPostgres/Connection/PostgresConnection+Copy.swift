internal import CLibPQ

extension PostgresConnection {
    /// Streams rows into the server with `COPY … FROM STDIN`, the fast path for bulk loads.
    ///
    /// `writer` appends rows to a `CopyWriter`, which sends them in ~256 KiB chunks. The server
    /// checks rows as they arrive but reports a bad one (a constraint, a malformed value) only
    /// when the COPY ends; that error is thrown from here with code `.copy`.
    ///
    /// ```swift
    /// let copied = try db.copyIn("COPY staging.inc (incident_id, status) FROM STDIN",
    ///                            purpose: "stage tickets.inc rows") { out in
    ///     for row in rows { try out.appendRow([row.id, row.status]) }
    /// }
    /// ```
    ///
    /// If `writer` throws, the COPY is aborted (nothing it sent is kept), the connection is made
    /// ready again and the writer's own error is rethrown. Inside a transaction, a failed or
    /// aborted COPY fails the transaction, as any failed statement does.
    ///
    /// - Parameter sql: A `COPY table [(columns)] FROM STDIN` statement in text format (the default).
    /// - Returns: The number of rows the server copied.
    @discardableResult
    package func copyIn(
        _ sql: String, purpose: String, file: String = #fileID, line: Int = #line,
        _ writer: (inout CopyWriter) throws -> Void
    ) throws -> Int {
        try beginCopyIn(sql, purpose: purpose, file: file, line: line)
        try copyInRows(purpose: purpose, file: file, line: line, writer)
        return try endCopyIn(purpose: purpose, file: file, line: line)
    }

    /// The same COPY with its rows sent over several calls: `beginCopyIn`, `copyInRows` as
    /// often as needed, then `endCopyIn` (or `abortCopyIn`, which drops everything sent). The
    /// connection stays in the COPY between the calls, so the caller can prepare its next rows
    /// meanwhile: one COPY for a whole file instead of one per batch, whose ends and starts
    /// left the server idle at every batch. No other statement can run on the connection while
    /// `isCopyingIn`.
    package func beginCopyIn(_ sql: String, purpose: String, file: String = #fileID, line: Int = #line) throws {
        let conn = try requireHandle(purpose: purpose, file: file, line: line)
        guard !isCopyingIn else { throw usageError("a COPY is already open on this connection", purpose: purpose, file: file, line: line) }
        guard let start = PQexec(conn, sql) else {
            throw connectionError(code: .copy, purpose: purpose, file: file, line: line)
        }
        let status = PQresultStatus(start)
        guard status == PGRES_COPY_IN else {
            defer { PQclear(start) }
            if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_COPY_OUT
                || status == PGRES_EMPTY_QUERY {
                drainResults(conn, code: .copy, purpose: purpose, file: file, line: line)
                throw usageError("copyIn needs a COPY … FROM STDIN statement", purpose: purpose,
                                 file: file, line: line)
            }
            throw error(from: start, code: .copy, purpose: purpose, file: file, line: line)
        }
        PQclear(start)
        isCopyingIn = true
    }

    /// Sends rows into the open COPY. If `writer` throws, the COPY is aborted (`abortCopyIn`)
    /// and the writer's own error is rethrown.
    package func copyInRows(
        purpose: String, file: String = #fileID, line: Int = #line, _ writer: (inout CopyWriter) throws -> Void
    ) throws {
        let conn = try requireHandle(purpose: purpose, file: file, line: line)
        guard isCopyingIn else { throw usageError("no COPY is open on this connection", purpose: purpose, file: file, line: line) }
        var copy = CopyWriter(connection: self, handle: conn, purpose: purpose, file: file, line: line)
        do {
            try writer(&copy)
            try copy.flush()
        } catch {
            abortCopyIn(purpose: purpose, file: file, line: line)
            throw error
        }
    }

    /// Ends the open COPY; returns the number of rows the server copied.
    @discardableResult
    package func endCopyIn(purpose: String, file: String = #fileID, line: Int = #line) throws -> Int {
        let conn = try requireHandle(purpose: purpose, file: file, line: line)
        guard isCopyingIn else { throw usageError("no COPY is open on this connection", purpose: purpose, file: file, line: line) }
        isCopyingIn = false
        guard PQputCopyEnd(conn, nil) == 1 else {
            let failure = connectionError(code: .copy, purpose: purpose, file: file, line: line)
            drainResults(conn, code: .copy, purpose: purpose, file: file, line: line)
            throw failure
        }
        // Constraint and format errors only surface here, after the end of data (TOOLCHAIN.md).
        var copied = 0
        if let failure = drainResults(conn, code: .copy, purpose: purpose, file: file, line: line,
                                      onSuccess: { copied = Int(String(cString: PQcmdTuples($0))) ?? 0 }) {
            throw failure
        }
        return copied
    }

    /// Drops the open COPY, if any, and makes the connection ready again (inside a
    /// transaction, the transaction is failed, as by any failed statement).
    package func abortCopyIn(purpose: String, file: String = #fileID, line: Int = #line) {
        guard isCopyingIn, let conn = handle else { return }
        isCopyingIn = false
        // The reason lands in the server log as "COPY from stdin failed: <reason>"; keep it
        // generic, since the caller's error text is ours to report, not the server's to log.
        _ = PQputCopyEnd(conn, "the client aborted the COPY")
        drainResults(conn, code: .copy, purpose: purpose, file: file, line: line, expectAbortError: true)
    }

    /// Sends one chunk of COPY data; called by `CopyWriter`.
    func putCopyData(
        _ bytes: [UInt8], handle conn: OpaquePointer, purpose: String, file: String, line: Int
    ) throws {
        let sent = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { PQputCopyData(conn, $0.baseAddress, Int32($0.count)) }
        }
        // In blocking mode the answer is 1 (queued) or -1 (failed); 0 only happens non-blocking.
        guard sent == 1 else {
            throw connectionError(code: .copy, purpose: purpose, file: file, line: line)
        }
    }
}
