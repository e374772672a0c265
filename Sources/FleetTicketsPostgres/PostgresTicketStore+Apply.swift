import FleetTicketsCore
import Foundation

extension PostgresTicketStore {
    public func apply(_ file: ChangeFile, rows: RowBatches) async throws -> ApplyCounts {
        let table = try Self.quotedTable(file.dataset.table)
        let rehearsing = self.rehearsing
        let name = rehearsing ? "rehearse \(file.key)" : "apply \(file.key)"
        // One session for the whole transaction: no other call reaches it in between.
        return try await operation { session in
            try await session.run { db in
                if !rehearsing, db.isInTransaction {
                    throw PostgresError(code: .usage, purpose: name, message: "a transaction is already open on the store's connection",
                                        endpoint: db.endpoint)
                }
            }
            do {
                // BEGIN (or the rehearsal's savepoint) travels with the file's first statements.
                let counts = try await applyInTransaction(file, rows: rows, table: table, on: session,
                                                          opening: rehearsing ? "SAVEPOINT ft_file" : "BEGIN")
                try await session.run { db in
                    if rehearsing {
                        try db.execute("RELEASE SAVEPOINT ft_file", purpose: name)
                    } else {
                        try db.commit(purpose: "commit \(file.key)")
                    }
                }
                return counts
            } catch {
                // Leave no trace of the file; the caller's error (a bad row, a failed read) wins,
                // and data the server refused anywhere in the file is a data error.
                _ = try? await session.run { db in
                    if rehearsing {
                        _ = try? db.execute("ROLLBACK TO SAVEPOINT ft_file", purpose: name)
                    } else if db.isAlive, db.isInTransaction {
                        try? db.rollback(purpose: "roll back \(file.key)")
                    }
                }
                if let refused = error as? PostgresError, Self.isDataError(refused) { throw Self.rejection(refused, ticket: nil) }
                throw error
            }
        }
    }

    private func applyInTransaction(_ file: ChangeFile, rows: RowBatches, table: String,
                                    on session: PostgresSession, opening: String) async throws -> ApplyCounts {
        // Fixed statements travel together, up to the first COPY (libpq's PQexec stops at it):
        // one round trip instead of three (a drain of small delta files pays every round trip
        // once per file). The store writes the typed columns itself (migration 24): the row
        // trigger that computes them for other writers is skipped for this transaction.
        var prepare: String? = """
            \(opening); SET LOCAL work_mem = '64MB'; SET LOCAL fleettickets.typed_columns = 'written'; TRUNCATE ft_stage;
            """
        let copy = "COPY ft_stage (\(StagedRowEncoder.columns.joined(separator: ", "))) FROM STDIN"
        var ordinal = 0
        // The next batch is decoded while this one is copied (see forEachWithLookAhead).
        try await rows.forEachWithLookAhead { batch in
            let first = ordinal
            ordinal += batch.count
            let statement = (prepare ?? "") + copy
            try await session.run { db in
                var ordinal = first
                var encoder = StagedRowEncoder()
                try db.copyIn(statement, purpose: "stage the rows of \(file.key)") { out in
                    for row in batch {
                        ordinal += 1
                        do {
                            try out.appendEncodedRow { encoder.encode(ordinal: ordinal, row: row, into: &$0) }
                        } catch let error as PostgresError where error.code == .usage {
                            throw Self.nulRejection(ticket: row.ticketID)  // the only field check the encoder makes
                        }
                    }
                }
            }
            prepare = nil
        }
        if let prepare {
            // A file without rows (a header alone): still its transaction, ledger row and watermark.
            try await session.run { db in try db.simpleQuery(prepare, purpose: "prepare staging for \(file.key)") }
        }
        let tally = rows.tally.snapshot
        return try await session.run { db in try self.merge(file, table: table, tally: tally, db: db) }
    }

    /// The staged rows into the table, then the file's ledger row and metadata (one step: no
    /// suspension between the statements).
    private func merge(_ file: ChangeFile, table: String, tally: FileTally.Snapshot, db: PostgresConnection) throws -> ApplyCounts {
        // Last row per ticket wins: the rows a later one supersedes leave the staging table.
        // Rows holding a value of a shape the store leaves to the database get their typed
        // values from the reference parsers (tickets.eat_ts and the others).
        // Then row count and ticket_id statistics, so a small file probes the primary key
        // instead of hashing the whole table (a temp table is never analysed by autovacuum).
        try db.simpleQuery("""
            DELETE FROM ft_stage s USING ft_stage later WHERE later.ticket_id = s.ticket_id AND later.ord > s.ord;
            UPDATE ft_stage SET \(Self.serverTyping), typed = true WHERE NOT typed;
            ANALYZE ft_stage (ticket_id);
            SAVEPOINT ft_merge
            """, purpose: "keep the last row per ticket of \(file.key) and measure the staged rows")
        return try refusingData(of: file, db: db) { try write(file, table: table, tally: tally, db: db) }
    }

    /// The UPDATE and INSERT of the staged rows, then the ledger and metadata.
    private func write(_ file: ChangeFile, table: String, tally: FileTally.Snapshot, db: PostgresConnection) throws -> ApplyCounts {
        let dataset = file.dataset
        // Existing tickets whose raw changed are updated, then the new ones inserted; an
        // identical raw is not rewritten. Not one INSERT … ON CONFLICT DO UPDATE: that computes
        // the generated columns and fires the row trigger for every proposed row before finding
        // the conflict, so each unchanged ticket cost as much as a new one and each update
        // twice. The INSERT keeps ON CONFLICT for a ticket some other writer inserted meanwhile
        // (xmax = 0 marks a real insert); being a second statement, it also sees a ticket
        // deleted since the UPDATE began, and inserts it.
        // The guard's test sits in a CASE behind the raw comparison, which joins it to the staged
        // row: on its own it was pushed down to the scan of the whole table and its regular
        // expression ran for every stored ticket, changed or not, for every large file.
        // The version guard: a row a newer file wrote is never replaced ($2 = this file's stamp;
        // $3 = a reseed, which replays in order and may rewrite). Such rows are counted as stale.
        let version: [String?] = [file.key, file.versionStamp, file.rewritesNewer ? "true" : "false"]
        let updated = try db.execute("""
            UPDATE \(table) AS t SET raw = s.raw::jsonb, ingested_at = now(), change_key = $1,
                \(Self.typedFrom("s")), \(PlacedColumns.assignments(from: "s"))
            FROM (\(PlacedColumns.stage)) s
            WHERE t.ticket_id = s.ticket_id
              AND CASE WHEN t.raw IS DISTINCT FROM s.raw::jsonb
                       THEN $3::boolean OR NOT tickets.change_key_is_newer(t.change_key, $2) ELSE false END
            """, version, purpose: "update the changed tickets of \(file.key) in \(dataset.table)").affectedRows
        let result = try db.execute("""
            WITH written AS (
                INSERT INTO \(table) AS t (ticket_id, raw, ingested_at, change_key, \(Self.typedList("")), \(PlacedColumns.names))
                SELECT s.ticket_id, s.raw::jsonb, now(), $1, \(Self.typedList("s.")), \(PlacedColumns.values(from: "s"))
                FROM (\(PlacedColumns.stage)) s
                WHERE NOT EXISTS (SELECT 1 FROM \(table) e WHERE e.ticket_id = s.ticket_id)
                ON CONFLICT (ticket_id) DO UPDATE SET raw = excluded.raw, ingested_at = excluded.ingested_at,
                    change_key = excluded.change_key, \(Self.typedFrom("excluded")), \(PlacedColumns.fromExcluded)
                WHERE t.raw IS DISTINCT FROM excluded.raw
                  AND ($3::boolean OR NOT tickets.change_key_is_newer(t.change_key, $2))
                RETURNING (xmax = 0) AS inserted
            )
            SELECT (SELECT count(*) FROM ft_stage),
                   count(*) FILTER (WHERE inserted),
                   count(*) FILTER (WHERE NOT inserted),
                   (SELECT count(*) FROM ft_stage s JOIN \(table) o ON o.ticket_id = s.ticket_id
                    WHERE NOT $3::boolean
                      AND CASE WHEN o.raw IS DISTINCT FROM s.raw::jsonb
                               THEN tickets.change_key_is_newer(o.change_key, $2) ELSE false END)
            FROM written
            """, version, purpose: "insert the new tickets of \(file.key) into \(dataset.table)")
        let distinct = Int(result[0, 0] ?? "0") ?? 0
        let inserted = Int(result[0, 1] ?? "0") ?? 0
        let updatedLate = Int(result[0, 2] ?? "0") ?? 0
        // Rows the guard refused still differ from the stored (newer) row after the UPDATE.
        let stale = Int(result[0, 3] ?? "0") ?? 0
        let counts = ApplyCounts(inserted: inserted, updated: updated + updatedLate,
                                 unchanged: distinct - inserted - updated - updatedLate - stale, stale: stale)
        try record(file, counts: counts, tally: tally, db: db)
        return counts
    }

    /// `col = source.col` for every typed column.
    private static func typedFrom(_ source: String) -> String {
        TypedColumns.names.map { "\($0) = \(source).\($0)" }.joined(separator: ", ")
    }

    private static func typedList(_ prefix: String) -> String {
        TypedColumns.names.map { prefix + $0 }.joined(separator: ", ")
    }

    /// `col = <reference parser>(raw ->> 'col')` for every typed column.
    private static let serverTyping = TypedColumns.all.map { "\($0.name) = \($0.kind.reference($0.name))" }
        .joined(separator: ", ")

    /// The ledger row, the watermark and the freshness metadata, in the file's transaction.
    private func record(_ file: ChangeFile, counts: ApplyCounts, tally: FileTally.Snapshot, db: PostgresConnection) throws {
        let dataset = file.dataset
        let dropped = try String(decoding: JSONEncoder.sorted.encode(tally.droppedByName), as: UTF8.self)
        let exported = file.exportedAt.map { $0.formatted(.iso8601) }
        try db.execute("""
            INSERT INTO tickets.ingest_ledger AS l
                (dataset, key, etag, bytes, exported_at, rows_read, rows_dropped, inserted, updated, unchanged, stale)
            VALUES ($1, $2, $3, $4, $5::timestamptz, $6, $7::jsonb, $8, $9, $10, $11)
            ON CONFLICT (dataset, key) DO UPDATE SET
                etag = excluded.etag, bytes = excluded.bytes, exported_at = excluded.exported_at,
                rows_read = excluded.rows_read, rows_dropped = excluded.rows_dropped,
                inserted = excluded.inserted, updated = excluded.updated, unchanged = excluded.unchanged,
                stale = excluded.stale, applications = l.applications + 1, applied_at = now()
            """, [dataset.name, file.key, file.etag, String(tally.bytesRead), exported, String(tally.rowsRead), dropped,
                  String(counts.inserted), String(counts.updated), String(counts.unchanged), String(counts.stale)],
            purpose: "record \(file.key) in the ledger")

        let current = try db.scalar(
            "SELECT metadata->>'source_max_key' FROM tickets.import_meta WHERE dataset = $1 FOR UPDATE",
            [dataset.name], purpose: "read the \(dataset) watermark")
        let meta = Freshness(
            source_max_key: file.advancesWatermark ? ChangeKey.watermark(current, advancedTo: file.key) : nil,
            last_file: file.key, last_file_exported_at: exported,
            last_applied_at: Date().formatted(.iso8601),
            rows_read: tally.rowsRead, inserted: counts.inserted, updated: counts.updated, unchanged: counts.unchanged)
        // Merge, so keys the Python tool kept in the same object survive the takeover.
        try db.execute("""
            INSERT INTO tickets.import_meta AS m (dataset, metadata, updated_at) VALUES ($1, $2::jsonb, now())
            ON CONFLICT (dataset) DO UPDATE SET metadata = m.metadata || excluded.metadata, updated_at = now()
            """, [dataset.name, try String(decoding: JSONEncoder.sorted.encode(meta), as: UTF8.self)],
            purpose: "advance the \(dataset) watermark")
    }

    /// A dataset's table as a quoted identifier; refuses anything but `schema.table` in
    /// lowercase letters, digits and underscores (it is the one name spliced into SQL).
    static func quotedTable(_ name: String) throws -> String {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        let ok = parts.count == 2 && parts.allSatisfy { part in
            !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
        }
        guard ok else { throw PostgresStoreError.badTableName(name) }
        return parts.map { "\"\($0)\"" }.joined(separator: ".")
    }
}

/// What `tickets.import_meta.metadata` holds for a dataset (merged into what is there).
/// Field names are the column contract the dashboard reads as `summary.freshness`.
private struct Freshness: Encodable {
    var source_max_key: String?
    var last_file: String
    var last_file_exported_at: String?
    var last_applied_at: String
    var rows_read: Int
    var inserted: Int
    var updated: Int
    var unchanged: Int
}

extension JSONEncoder {
    /// Sorted keys: the same object always encodes to the same text.
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}

/// Misconfiguration the store refuses before touching the database.
public enum PostgresStoreError: Error, CustomStringConvertible {
    case badTableName(String)

    public var description: String {
        switch self {
        case let .badTableName(name):
            "The dataset table '\(name)' is not a plain schema.table name (lowercase letters, digits, underscores); fix the dataset configuration."
        }
    }
}
