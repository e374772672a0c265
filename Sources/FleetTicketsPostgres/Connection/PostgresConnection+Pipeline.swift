internal import CLibPQ

extension PostgresConnection {
    /// One statement of a pipeline: SQL and its values as text parameters (`$1`, `$2`, …).
    package struct Statement: Sendable {
        package var sql: String
        package var params: [String?]

        package init(_ sql: String, _ params: [String?] = []) {
            self.sql = sql
            self.params = params
        }
    }

    /// Runs the statements in libpq's pipeline mode: all are sent, then one Sync, then their
    /// results are read — one round trip for the lot instead of one per statement, which is
    /// most of the cost of a statement that touches a few rows.
    ///
    /// Each statement is one command (no `;`-separated scripts, no COPY), with its values bound
    /// as in `execute`. The first failure is thrown; the server skips every statement after it
    /// up to the Sync, and an open transaction is then aborted, as after any failed statement.
    ///
    /// - Returns: one result per statement, in order.
    @discardableResult
    package func pipeline(
        _ statements: [Statement], purpose: String, file: String = #fileID, line: Int = #line
    ) throws -> [PostgresResult] {
        let conn = try requireHandle(purpose: purpose, file: file, line: line)
        for statement in statements { try refuseNUL(in: statement.params, purpose: purpose, file: file, line: line) }
        guard PQenterPipelineMode(conn) == 1 else {
            throw connectionError(code: .query, purpose: purpose, file: file, line: line)
        }
        var sent = 0
        for statement in statements {
            let ok = Self.withCStringArray(statement.params) { values in
                PQsendQueryParams(conn, statement.sql, Int32(statement.params.count), nil, values, nil, nil, 0)
            }
            guard ok == 1 else { break }
            sent += 1
        }
        let synced = PQpipelineSync(conn) == 1
        let sendFailure = sent < statements.count || !synced
            ? connectionError(code: .query, purpose: purpose, file: file, line: line) : nil

        // Results in order: each statement's result then a NULL; after a failure, one
        // PIPELINE_ABORTED per skipped statement; last the Sync's PIPELINE_SYNC.
        var results: [PostgresResult] = []
        var firstError: PostgresError?
        var nulls = 0
        while synced {
            guard let result = PQgetResult(conn) else {
                // Two in a row: nothing more is coming (the connection is gone).
                nulls += 1
                if nulls > 1 { break }
                continue
            }
            nulls = 0
            let status = PQresultStatus(result)
            if status == PGRES_PIPELINE_SYNC {
                PQclear(result)
                break
            } else if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK {
                results.append(PostgresResult(taking: result))
            } else if status == PGRES_PIPELINE_ABORTED {
                PQclear(result)
            } else {
                if firstError == nil {
                    firstError = error(from: result, code: .query, purpose: purpose, file: file, line: line)
                }
                PQclear(result)
            }
        }
        let exited = PQexitPipelineMode(conn) == 1
        if let failure = firstError ?? sendFailure { throw failure }
        guard exited, results.count == statements.count else {
            throw connectionError(code: .query, purpose: purpose, file: file, line: line)
        }
        return results
    }
}
