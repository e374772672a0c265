internal import CLibPQ

/// The rows and command status of one statement, read as text.
///
/// Owns the libpq result and frees it when released; values are decoded on access, so reading
/// a few columns of a large result copies only those.
///
/// ```swift
/// let rows = try db.execute("SELECT incident_id, status FROM tickets.inc", purpose: "list incidents")
/// for row in 0..<rows.rowCount {
///     print(rows.value(row, "incident_id") ?? "-", rows[row, 1] ?? "NULL")
/// }
/// ```
///
/// Sendable because a libpq result is immutable once returned and safe to read from any thread.
package final class PostgresResult: @unchecked Sendable {
    private let result: OpaquePointer
    /// Number of rows returned (0 for commands that return none).
    package let rowCount: Int
    /// Column names in order, as the server reported them.
    package let columns: [String]
    private let columnIndex: [String: Int]

    /// Takes ownership of a successful result; it is cleared in `deinit`.
    init(taking result: OpaquePointer) {
        self.result = result
        rowCount = Int(PQntuples(result))
        columns = (0..<PQnfields(result)).map { String(cString: PQfname(result, $0)) }
        // First occurrence wins for duplicate names (e.g. two unaliased `count(*)` columns).
        columnIndex = Dictionary(columns.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    deinit { PQclear(result) }

    /// The value at `row`, `column` as text; nil for SQL NULL.
    /// - Precondition: both indices are in range (libpq would silently answer "" otherwise).
    package subscript(row: Int, column: Int) -> String? {
        precondition(row >= 0 && row < rowCount, "row \(row) out of range 0..<\(rowCount)")
        precondition(column >= 0 && column < columns.count, "column \(column) out of range 0..<\(columns.count)")
        let (r, c) = (Int32(row), Int32(column))
        if PQgetisnull(result, r, c) != 0 { return nil }
        return String(cString: PQgetvalue(result, r, c))
    }

    /// The value at `row` in the column named exactly `name` (no case folding); nil for SQL NULL.
    /// - Precondition: the result has such a column.
    package func value(_ row: Int, _ name: String) -> String? {
        guard let column = columnIndex[name] else {
            preconditionFailure("no column \"\(name)\" in result; columns are \(columns)")
        }
        return self[row, column]
    }

    /// The index of the column named exactly `name`, if there is one.
    package func columnIndex(named name: String) -> Int? { columnIndex[name] }

    /// The command tag, e.g. "INSERT 0 3", "UPDATE 2", "COPY 100000", "COMMIT" or "ROLLBACK".
    package var commandTag: String { String(cString: PQcmdStatus(result)) }

    /// Rows inserted, updated, deleted, selected, moved or copied, from the command tag;
    /// 0 for commands that report no count (CREATE, SET, …).
    package var affectedRows: Int { Int(String(cString: PQcmdTuples(result))) ?? 0 }
}
