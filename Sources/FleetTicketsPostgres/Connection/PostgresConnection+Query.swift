internal import CLibPQ

extension PostgresConnection {
    /// Runs one statement with its values bound as text parameters (`$1`, `$2`, …).
    ///
    /// Values never become part of the SQL text, so quotes, backslashes and newlines in them are
    /// harmless; `nil` is SQL NULL. The server infers each parameter's type from the statement;
    /// add a cast (`$1::bigint`, `$2::timestamptz`) where it cannot.
    ///
    /// ```swift
    /// try db.execute("UPDATE tickets.inc SET status = $1 WHERE incident_id = $2",
    ///                ["Closed", "INC000123"], purpose: "close incident")
    /// ```
    ///
    /// - Parameter purpose: What the statement is for, as a verb phrase ("upsert tickets.inc
    ///   rows"); errors read "Could not <purpose> …".
    /// - Throws: `PostgresError` (`.query`, `.closed`, or `.usage` for a COPY or a NUL in a value).
    @discardableResult
    package func execute(
        _ sql: String, _ params: [String?] = [], purpose: String,
        file: String = #fileID, line: Int = #line
    ) throws -> PostgresResult {
        let conn = try requireHandle(purpose: purpose, file: file, line: line)
        try refuseNUL(in: params, purpose: purpose, file: file, line: line)
        let result = Self.withCStringArray(params) { values in
            PQexecParams(conn, sql, Int32(params.count), nil, values, nil, nil, 0)
        }
        return try checked(result, conn, purpose: purpose, file: file, line: line)
    }

    /// A C string ends at NUL, so such a value would be silently cut short; PostgreSQL text
    /// cannot hold NUL anyway, so say so instead.
    func refuseNUL(in params: [String?], purpose: String, file: String, line: Int) throws {
        if let index = params.firstIndex(where: { $0?.utf8.contains(0) == true }) {
            throw usageError("parameter $\(index + 1) contains a NUL character, which PostgreSQL text cannot hold",
                             purpose: purpose, file: file, line: line)
        }
    }

    /// Runs a statement and returns the first column of its first row: nil when there is no row
    /// or the value is NULL.
    ///
    /// ```swift
    /// let watermark = try db.scalar("SELECT max(key_time)::text FROM ops.ledger WHERE dataset = $1",
    ///                               ["inc"], purpose: "read the INC watermark")
    /// ```
    package func scalar(
        _ sql: String, _ params: [String?] = [], purpose: String,
        file: String = #fileID, line: Int = #line
    ) throws -> String? {
        let result = try execute(sql, params, purpose: purpose, file: file, line: line)
        guard result.rowCount > 0, !result.columns.isEmpty else { return nil }
        return result[0, 0]
    }

    /// Runs a script of one or more `;`-separated statements, such as a migration file.
    ///
    /// This uses the simple query protocol, which takes no parameters: it is for trusted SQL
    /// text, never for values. Use `execute(_:_:purpose:)` for anything that carries data.
    /// Without an explicit BEGIN/COMMIT in the script, the statements run in one implicit
    /// transaction; the script stops at the first error, which is thrown.
    package func simpleQuery(_ sql: String, purpose: String, file: String = #fileID, line: Int = #line) throws {
        let conn = try requireHandle(purpose: purpose, file: file, line: line)
        _ = try checked(PQexec(conn, sql), conn, purpose: purpose, file: file, line: line)
    }

    /// Wraps a result from PQexec/PQexecParams, or throws the error it carries.
    private func checked(
        _ result: OpaquePointer?, _ conn: OpaquePointer, purpose: String, file: String, line: Int
    ) throws -> PostgresResult {
        guard let result else {
            throw connectionError(code: .query, purpose: purpose, file: file, line: line)
        }
        let status = PQresultStatus(result)
        if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY {
            return PostgresResult(taking: result)
        }
        if status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH {
            // The connection is now mid-COPY; end it so the next statement works, then explain.
            PQclear(result)
            drainResults(conn, code: .query, purpose: purpose, file: file, line: line,
                         abortReason: "use copyIn for COPY FROM STDIN", expectAbortError: true)
            throw usageError("a COPY to or from the client needs copyIn(_:purpose:_:)",
                             purpose: purpose, file: file, line: line)
        }
        let failure = error(from: result, code: .query, purpose: purpose, file: file, line: line)
        PQclear(result)
        throw failure
    }
}
