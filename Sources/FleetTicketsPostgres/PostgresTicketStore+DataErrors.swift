import FleetTicketsCore

// Data the database refuses is a data error (docs/errors.md): SQLSTATE class 22 (data exception: a
// NUL jsonb cannot hold, an invalid escape, a value out of range) or 54 (program limit: a
// ticket_id too long for the index) while applying a file becomes `RejectedData`, which the
// engine reports like a malformed line (exit 3, the key, the ticket when it can be found),
// instead of a dependency failure that would fail identically on every retry.
extension PostgresTicketStore {
    /// Whether the server refused the data itself rather than failed.
    static func isDataError(_ error: PostgresError) -> Bool {
        guard let state = error.sqlState else { return false }
        return state.hasPrefix("22") || state.hasPrefix("54")
    }

    /// Runs the statements that cast and index the staged rows. The caller has set savepoint
    /// `ft_merge` after staging (in the same round trip as its other fixed statements), so when
    /// the server refuses the data the staging table is still there to find the ticket.
    func refusingData<T>(of file: ChangeFile, db: PostgresConnection, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresError where Self.isDataError(error) {
            guard (try? db.execute("ROLLBACK TO SAVEPOINT ft_merge", purpose: "keep the staged rows of \(file.key)")) != nil else {
                throw Self.rejection(error, ticket: nil)
            }
            throw Self.rejection(error, ticket: culprit(of: error, db: db))
        }
    }

    /// The staged ticket the server most likely refused: the first whose `raw` jsonb refuses
    /// (class 22), or the longest `ticket_id` when an index row was too large (class 54).
    /// Runs only on the failure path; nil when it cannot tell.
    private func culprit(of error: PostgresError, db: PostgresConnection) -> String? {
        if error.sqlState?.hasPrefix("54") == true {
            let r = try? db.execute("""
                SELECT ticket_id, octet_length(ticket_id) > 1000 FROM ft_stage ORDER BY octet_length(ticket_id) DESC LIMIT 1
                """, purpose: "find the longest staged ticket_id")
            return r.flatMap { $0.rowCount == 1 && $0[0, 1] == "t" ? $0[0, 0] : nil }
        }
        // PostgreSQL 15 has no pg_input_is_valid: a session-local function traps the cast.
        let defined: Void? = try? db.simpleQuery("""
            CREATE OR REPLACE FUNCTION pg_temp.ft_jsonb_accepts(p text) RETURNS boolean LANGUAGE plpgsql AS $$
            BEGIN PERFORM p::jsonb; RETURN true; EXCEPTION WHEN data_exception OR program_limit_exceeded THEN RETURN false; END $$
            """, purpose: "define the jsonb probe")
        guard defined != nil else { return nil }
        let found = try? db.execute("""
            SELECT ticket_id FROM ft_stage WHERE NOT pg_temp.ft_jsonb_accepts(raw) ORDER BY ord LIMIT 1
            """, purpose: "find the staged row jsonb refuses")
        return found.flatMap { $0.rowCount == 1 ? $0[0, 0] : nil }
    }

    /// The data error for a refused statement, in words an operator can act on.
    static func rejection(_ error: PostgresError, ticket: String?) -> RejectedData {
        let state = error.sqlState ?? "?"
        let detail = error.detail.map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 }
        let server = error.message + (detail.map { " (\($0))" } ?? "")
        let code: RejectedData.Code
        let reason: String
        if state == "22P05" || server.contains("\\u0000") {
            (code, reason) = (.nulCharacter, "a value holds a NUL character, which the database cannot store (SQLSTATE \(state): \(server))")
        } else if state.hasPrefix("54"), ticket != nil {
            (code, reason) = (.keyTooLong, "its ticket_id is too long for the table's index (SQLSTATE \(state): \(server))")
        } else {
            (code, reason) = (.refusedValue, "the database refused a value (SQLSTATE \(state): \(server))")
        }
        return RejectedData(code, reason: reason, ticketID: ticket, sqlState: error.sqlState)
    }

    /// A NUL in a field found while staging (libpq text cannot carry it): the row's ticket is known.
    static func nulRejection(ticket: String) -> RejectedData {
        RejectedData(.nulCharacter, reason: "a value holds a NUL character, which the database cannot store", ticketID: ticket)
    }
}
