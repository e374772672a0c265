internal import CLibPQ

extension PostgresConnection {
    /// One statement of a pipeline: SQL and its values as text parameters (`$1`, `$2`, …).
    package struct Statement: Sendable {
        package let sql: String
        package var params: [String?]
        /// Set when the statement is kept prepared on the connection under this name (derived
        /// from `sql`, see `PreparedStatements`): the server plans it once (a generic plan)
        /// instead of on every run. For statements whose best plan does not depend on how many
        /// rows they meet. Derived once, here: a statement built once and bound per use
        /// (`binding`) hashes its text once.
        package let preparedName: String?

        package init(_ sql: String, _ params: [String?] = [], prepared: Bool = false) {
            self.sql = sql
            self.params = params
            self.preparedName = prepared ? PreparedStatements.name(of: sql) : nil
        }

        /// The same statement with these values; `prepared: false` sends it unnamed (planned
        /// for this run alone) even if it is kept prepared elsewhere.
        package func binding(_ params: [String?], prepared: Bool = true) -> Statement {
            guard prepared || preparedName == nil else { return Statement(sql, params) }
            var bound = self
            bound.params = params
            return bound
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
        // A statement prepared for the first time is preceded by its Parse, which answers a
        // result of its own: `preparing[i]` names it, so its result is told apart below.
        var preparing: [Int: String] = [:]
        var sent = 0
        for (i, statement) in statements.enumerated() {
            let ok = Self.withCStringArray(statement.params) { values -> Int32 in
                guard let name = statement.preparedName else {
                    return PQsendQueryParams(conn, statement.sql, Int32(statement.params.count), nil, values, nil, nil, 0)
                }
                if !prepared.contains(name), !preparing.values.contains(name) {
                    guard PQsendPrepare(conn, name, statement.sql, Int32(statement.params.count), nil) == 1 else { return 0 }
                    preparing[i] = name
                }
                return PQsendQueryPrepared(conn, name, Int32(statement.params.count), values, nil, nil, 0)
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
        var awaitingParse = preparing[0]
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
            } else if let name = awaitingParse, status == PGRES_COMMAND_OK {
                // The Parse of a statement prepared now; its execution's result comes next.
                prepared.insert(name)
                awaitingParse = nil
                PQclear(result)
            } else if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK {
                results.append(PostgresResult(taking: result))
                awaitingParse = preparing[results.count]
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
