internal import CLibPQ

// Building `PostgresError`s from libpq state, and getting the connection back to idle after a
// failure. Every message passes through `scrub` so the password can never reach a log.
extension PostgresConnection {
    /// Field codes of PQresultErrorField (`PG_DIAG_*` in postgres_ext.h are char macros).
    private enum Diagnostic: Character {
        case sqlState = "C", primary = "M", detail = "D", hint = "H"
        var code: Int32 { Int32(rawValue.asciiValue!) }
    }

    /// An error from a failed result: SQLSTATE, primary message, detail and hint.
    func error(
        from result: OpaquePointer, code: PostgresError.Code, purpose: String, file: String, line: Int
    ) -> PostgresError {
        func field(_ diagnostic: Diagnostic) -> String? {
            PQresultErrorField(result, diagnostic.code).map { scrub(String(cString: $0)) }
        }
        // A result made by libpq itself (lost connection) has no fields, only the message.
        let message = field(.primary) ?? scrub(String(cString: PQresultErrorMessage(result)))
        return PostgresError(
            code: code, sqlState: field(.sqlState), purpose: purpose,
            message: message.isEmpty ? connectionMessage() : message,
            detail: field(.detail), hint: field(.hint), endpoint: endpoint,
            connectionLost: connectionLost, file: file, line: line)
    }

    /// An error from the connection's last message, for calls that returned no result at all.
    func connectionError(code: PostgresError.Code, purpose: String, file: String, line: Int) -> PostgresError {
        PostgresError(code: code, purpose: purpose, message: connectionMessage(), endpoint: endpoint,
                      connectionLost: connectionLost, file: file, line: line)
    }

    /// An error for a call this API does not support.
    func usageError(_ message: String, purpose: String, file: String, line: Int) -> PostgresError {
        PostgresError(code: .usage, purpose: purpose, message: message, endpoint: endpoint,
                      file: file, line: line)
    }

    /// Replaces every spelling of the password with asterisks.
    func scrub(_ text: String) -> String { Self.scrub(text, secrets: secrets) }

    private var connectionLost: Bool {
        handle.map { PQstatus($0) == CONNECTION_BAD } ?? true
    }

    private func connectionMessage() -> String {
        let text = handle.map { scrub(String(cString: PQerrorMessage($0))) } ?? ""
        return text.isEmpty ? "no result from libpq (out of memory or connection lost)" : text
    }

    /// Reads results until libpq has none left, so the connection can take the next command.
    ///
    /// A connection left mid-COPY is ended (`PQputCopyEnd` with `abortReason`, or COPY OUT data
    /// discarded). Returns the first error result, skipping the one the abort itself provokes when
    /// `expectAbortError` is set; `onSuccess` sees each successful result before it is cleared.
    @discardableResult
    func drainResults(
        _ conn: OpaquePointer, code: PostgresError.Code, purpose: String, file: String, line: Int,
        abortReason: String = "statement not supported here", expectAbortError: Bool = false,
        onSuccess: (OpaquePointer) -> Void = { _ in }
    ) -> PostgresError? {
        var firstError: PostgresError?
        var skipAbortError = expectAbortError
        var copyEndsSent = 0
        while let result = PQgetResult(conn) {
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY {
                onSuccess(result)
            } else if status == PGRES_COPY_IN {
                // libpq hands back COPY_IN until the copy is ended; end it once, then give up.
                copyEndsSent += 1
                if copyEndsSent > 1 || PQputCopyEnd(conn, abortReason) != 1 {
                    return firstError ?? connectionError(code: code, purpose: purpose, file: file, line: line)
                }
                skipAbortError = true
            } else if status == PGRES_COPY_OUT {
                var buffer: UnsafeMutablePointer<CChar>?
                while PQgetCopyData(conn, &buffer, 0) > 0 { PQfreemem(buffer) }
            } else if status == PGRES_COPY_BOTH {
                return firstError ?? usageError("COPY BOTH (replication) is not supported", purpose: purpose,
                                                file: file, line: line)
            } else if skipAbortError && PQresultErrorField(result, Diagnostic.sqlState.code)
                        .map({ String(cString: $0) }) == "57014" {
                skipAbortError = false  // "COPY from stdin failed: <our reason>" — expected, not news
            } else if firstError == nil {
                firstError = error(from: result, code: code, purpose: purpose, file: file, line: line)
            }
        }
        return firstError
    }
}
