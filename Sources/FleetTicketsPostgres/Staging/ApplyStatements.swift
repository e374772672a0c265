import Synchronization

/// The statements of a file's apply. Their text is the same for every file (the merge's is the
/// same for every file of a table), so each is built once, its prepared name hashed once, and
/// bound to the file's values per use (`Statement.binding`): building and hashing a few
/// kilobytes of SQL per file was work on every small file's path.
enum ApplyStatements {
    typealias Statement = PostgresConnection.Statement

    /// One staged row, bound to its fields as the COPY would carry them (`CopyText.fields`).
    static let stageRow = Statement("""
        INSERT INTO ft_stage (\(StagedRowEncoder.columns.joined(separator: ", ")))
        VALUES (\((1...StagedRowEncoder.columns.count).map { "$\($0)" }.joined(separator: ", ")))
        """, prepared: true)

    /// The last row per ticket wins: the rows a later one supersedes leave the staging table.
    static let dedupe = Statement(
        "DELETE FROM ft_stage s USING ft_stage later WHERE later.ticket_id = s.ticket_id AND later.ord > s.ord", prepared: true)

    /// `col = <reference parser>(raw ->> 'col')` for the rows the encoder left to the database,
    /// their raw parsed once per row (the inner `raw` is the jsonb).
    static let serverTyping = Statement("""
        UPDATE ft_stage s SET (\(TypedColumns.names.joined(separator: ", ")), typed) =
            (SELECT \(TypedColumns.all.map(\.reference).joined(separator: ", ")), true
             FROM (SELECT s.raw::jsonb AS raw) p)
        WHERE NOT typed
        """, prepared: true)

    /// A small file's plans: generic, and nested loops (a primary-key probe per staged row).
    static let smallFilePlans = Statement("""
        SELECT set_config('plan_cache_mode', 'force_generic_plan', true), set_config('enable_hashjoin', 'off', true),
               set_config('enable_mergejoin', 'off', true)
        """, prepared: true)

    /// The stored watermark, locked for the file's transaction ($1 = dataset).
    static let watermark = Statement(
        "SELECT metadata->>'source_max_key' FROM tickets.import_meta WHERE dataset = $1 FOR UPDATE", prepared: true)

    /// The file's ledger row.
    static let ledger = Statement("""
        INSERT INTO tickets.ingest_ledger AS l
            (dataset, key, etag, bytes, exported_at, rows_read, rows_dropped, inserted, updated, unchanged, stale)
        VALUES ($1, $2, $3, $4, $5::timestamptz, $6, $7::jsonb, $8, $9, $10, $11)
        ON CONFLICT (dataset, key) DO UPDATE SET
            etag = excluded.etag, bytes = excluded.bytes, exported_at = excluded.exported_at,
            rows_read = excluded.rows_read, rows_dropped = excluded.rows_dropped,
            inserted = excluded.inserted, updated = excluded.updated, unchanged = excluded.unchanged,
            stale = excluded.stale, applications = l.applications + 1, applied_at = now()
        """, prepared: true)

    /// The dataset's freshness metadata, merged so keys the Python tool kept in the same object
    /// survive the takeover.
    static let freshness = Statement("""
        INSERT INTO tickets.import_meta AS m (dataset, metadata, updated_at) VALUES ($1, $2::jsonb, now())
        ON CONFLICT (dataset) DO UPDATE SET metadata = m.metadata || excluded.metadata, updated_at = now()
        """, prepared: true)

    /// The UPDATE and the INSERT of the staged rows into `table` (a quoted identifier). The
    /// UPDATE answers how many rows it rewrote and how many the version guard refused; the
    /// INSERT how many rows were staged, inserted, and updated by its conflict path. Values:
    /// $1 = the file's key, $2 = its version stamp, $3 = a reseed. Built once per table.
    static func writes(into table: String, dataset: String) -> (update: Statement, insert: Statement) {
        built.withLock { built in
            if let writes = built[table] { return writes }
            let writes = (Statement(update(table, queue: historyQueue(dataset, where: changedHistoryState)), prepared: true),
                          Statement(insert(table, queue: historyQueue(dataset, where: insertedHistoryState)), prepared: true))
            built[table] = writes
            return writes
        }
    }

    private static let built = Mutex<[String: (update: Statement, insert: Statement)]>([:])

    /// Says, for the apply's transaction, that its writes queue their own tickets for the history
    /// capture (migration 28): the tables' statement triggers then leave the next capture alone
    /// instead of making it a full pass. Local: it ends with the file's transaction.
    static let queuesOwnHistory = Statement("SELECT set_config('fleettickets.history_queued_by_writer', 'on', true)", prepared: true)

    /// The CTE that queues, in `tickets.history_pending`, the written tickets in which the
    /// capture could find something new, from a `written` CTE: a closure to log needs a ticket
    /// that is closed now, a reopening one that is open now, and either needs a write that
    /// changed `is_actionable` or `closed_at` (a write leaving both as they were leaves the
    /// ticket's closure as the last capture saw it). A new ticket can only bring a closure.
    /// Every write the ingest makes to a ticket goes through the two statements below.
    private static func historyQueue(_ dataset: String, where condition: String) -> String {
        let name = dataset.replacingOccurrences(of: "'", with: "''")
        return """
            queued AS (
                INSERT INTO tickets.history_pending (dataset, ticket_id)
                SELECT DISTINCT '\(name)', w.ticket_id FROM written w WHERE \(condition)
                ON CONFLICT DO NOTHING
            )
            """
    }

    private static let changedHistoryState = """
        (w.is_actionable OR w.closed_at IS NOT NULL) \
        AND (w.is_actionable IS DISTINCT FROM w.was_actionable OR w.closed_at IS DISTINCT FROM w.was_closed_at)
        """

    /// Rows inserted, and rows another writer inserted meanwhile (the conflict path, whose
    /// earlier state this statement does not see).
    private static let insertedHistoryState = "w.closed_at IS NOT NULL OR (NOT w.inserted AND w.is_actionable)"

    // Existing tickets whose raw changed are updated, then the new ones inserted; an identical
    // raw is not rewritten. Not one INSERT … ON CONFLICT DO UPDATE: that computes every column
    // for every proposed row before finding the conflict, so each unchanged ticket cost as much
    // as a new one and each update twice. The INSERT keeps ON CONFLICT for a ticket some other
    // writer inserted meanwhile (xmax = 0 marks a real insert); being a second statement, it
    // also sees a ticket deleted since the UPDATE began, and inserts it. Both write the typed
    // and placed columns themselves (migrations 24, 26).
    //
    // An unchanged ticket is found by comparing the stored raw's text with the staged text,
    // which is jsonb's own output for the same object (StagedRowEncoder), so a ticket a file
    // repeats unchanged costs neither a jsonb parse nor a jsonb comparison (in a full
    // re-emission, most rows). Texts that differ are parsed once (`j`), and the jsonb
    // comparison stays the judge: a stored raw whose text differs but whose object is equal is
    // neither rewritten nor counted.
    // `differing` is that comparison, made once: the UPDATE rewrites its rows and the stale
    // count is read from it (it was a second join of the whole file to the table).
    //
    // The version guard: a row a newer file wrote is never replaced ($2 = this file's stamp;
    // $3 = a reseed, which replays in order and may rewrite). Such rows are counted as stale.
    // Its test is computed only for the rows that differ: on its own in a WHERE it was pushed
    // down to the scan of the whole table and its regular expression ran for every stored
    // ticket. The UPDATE repeats both tests on the row it locks, which is the one it rewrites
    // if another transaction changed it meanwhile.
    private static func update(_ table: String, queue: String) -> String {
        let staged = StagedRowEncoder.columns.filter { $0 != "raw" }.map { "s.\($0)" }.joined(separator: ", ")
        return """
            WITH differing AS MATERIALIZED (
                SELECT \(staged), s.raw::jsonb AS j, t.raw AS stored,
                       t.is_actionable AS was_actionable, t.closed_at AS was_closed_at,
                       NOT $3::boolean AND tickets.change_key_is_newer(t.change_key, $2) AS guarded
                FROM ft_stage s JOIN \(table) t ON t.ticket_id = s.ticket_id
                WHERE t.raw::text <> s.raw
            ), written AS (
                UPDATE \(table) AS t SET raw = s.j, ingested_at = now(), change_key = $1,
                    \(typedFrom("s")), \(PlacedColumns.assignments(from: "s"))
                FROM (\(PlacedColumns.placed("SELECT * FROM differing WHERE NOT guarded"))) s
                WHERE t.ticket_id = s.ticket_id
                  AND CASE WHEN t.raw IS DISTINCT FROM s.j
                           THEN $3::boolean OR NOT tickets.change_key_is_newer(t.change_key, $2) ELSE false END
                RETURNING t.ticket_id, t.is_actionable, t.closed_at, s.was_actionable, s.was_closed_at
            ), \(queue)
            SELECT (SELECT count(*) FROM written), (SELECT count(*) FROM differing WHERE guarded AND stored IS DISTINCT FROM j)
            """
    }

    // A ticket another writer inserted between the two statements meets the ON CONFLICT path;
    // only the ingest writes change_key, under the dataset's lock, so the guard there never
    // meets a newer row and the stale count needs no second look.
    private static func insert(_ table: String, queue: String) -> String {
        """
        WITH written AS (
            INSERT INTO \(table) AS t (ticket_id, raw, ingested_at, change_key, \(typedList("")), \(PlacedColumns.names))
            SELECT s.ticket_id, s.j, now(), $1, \(typedList("s.")), \(PlacedColumns.values(from: "s"))
            FROM (\(PlacedColumns.placed("""
                SELECT n.*, n.raw::jsonb AS j FROM ft_stage n
                WHERE NOT EXISTS (SELECT 1 FROM \(table) e WHERE e.ticket_id = n.ticket_id)
                """))) s
            ON CONFLICT (ticket_id) DO UPDATE SET raw = excluded.raw, ingested_at = excluded.ingested_at,
                change_key = excluded.change_key, \(typedFrom("excluded")), \(PlacedColumns.fromExcluded)
            WHERE t.raw IS DISTINCT FROM excluded.raw
              AND ($3::boolean OR NOT tickets.change_key_is_newer(t.change_key, $2))
            RETURNING (xmax = 0) AS inserted, t.ticket_id, t.is_actionable, t.closed_at
        ), \(queue)
        SELECT (SELECT count(*) FROM ft_stage), count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted)
        FROM written
        """
    }

    /// `col = source.col` for every typed column.
    private static func typedFrom(_ source: String) -> String {
        TypedColumns.names.map { "\($0) = \(source).\($0)" }.joined(separator: ", ")
    }

    private static func typedList(_ prefix: String) -> String {
        TypedColumns.names.map { prefix + $0 }.joined(separator: ", ")
    }
}
