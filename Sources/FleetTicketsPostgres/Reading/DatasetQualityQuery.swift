import FleetTicketsCore
import Foundation

/// The one query of a dataset's quality figures (`DatasetQuality`), shared by `status`
/// (`PostgresTicketStore`) and the report (`PostgresReportSource`).
///
/// It reads the last EAT day's change files from the ledger by export time and the rows they
/// wrote by `change_key` (the indexes of migration 35), and the open set through the
/// `is_actionable` index: its cost is the day's rows and the open tickets, not the history.
/// The timestamp columns checked for unparsed values are the declared ones
/// (`TicketColumns`), so a new timestamp column is checked without touching this query.
enum DatasetQualityQuery {
    /// The statement for `dataset`; `$1` is the dataset's name. Answers one `jsonb` text.
    /// - Throws: `PostgresError` when the dataset's table name is not a plain identifier.
    static func sql(for dataset: Dataset) throws -> String {
        let table = try PostgresTicketStore.quotedTable(dataset.table)
        let checks = TicketColumns.fromFields.filter { $0.kind == .timestamp }.compactMap { column -> String? in
            guard let field = column.field else { return nil }
            return "('\(column.name)', btrim(d.raw ->> '\(field)', E' \\t\\r\\n') <> '' AND d.\(column.name) IS NULL)"
        }
        return """
            WITH bounds AS (
                SELECT tickets.eat_date(max(exported_at)) AS day,
                       tickets.eat_day_start(tickets.eat_date(max(exported_at))) AS lo,
                       tickets.eat_day_start(tickets.eat_date(max(exported_at)) + 1) AS hi
                FROM tickets.ingest_ledger WHERE dataset = $1
            ), files AS (
                SELECT l.key, l.rows_read, l.rows_dropped,
                       -- Superseded rows are not in rows_dropped: what was read, less what
                       -- cleaning dropped, less the distinct tickets applied.
                       l.rows_read - l.inserted - l.updated - l.unchanged - l.stale
                           - (SELECT coalesce(sum(e.value::bigint), 0) FROM jsonb_each_text(l.rows_dropped) e) AS superseded
                FROM tickets.ingest_ledger l, bounds b
                WHERE l.dataset = $1 AND l.exported_at >= b.lo AND l.exported_at < b.hi
            ), day_rows AS MATERIALIZED (
                SELECT t.* FROM \(table) t WHERE t.change_key IN (SELECT key FROM files)
            ), unparsed AS (
                SELECT v.col, count(*) AS n
                FROM day_rows d CROSS JOIN LATERAL (VALUES \(checks.joined(separator: ", "))) v(col, bad)
                WHERE v.bad GROUP BY v.col
            ), open_set AS (
                SELECT count(*) AS open, count(*) FILTER (WHERE geom IS NULL) AS unplaced
                FROM \(table) WHERE is_actionable
            )
            SELECT jsonb_build_object(
                'day', (SELECT day FROM bounds),
                'newest_last_seen_at', (SELECT tickets.json_ts(max(last_seen_at)) FROM day_rows),
                'rows_read', (SELECT coalesce(sum(rows_read), 0) FROM files),
                'rows', (SELECT count(*) FROM day_rows),
                'rows_without_cluster', (SELECT count(*) FROM day_rows WHERE cluster IS NULL),
                'rows_with_unknown_cluster', (SELECT count(*) FROM day_rows d WHERE d.cluster IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM tickets.geo_clusters k WHERE k.cluster = d.raw ->> 'cluster' AND k.geom IS NOT NULL)),
                'unparsed_timestamps', (SELECT coalesce(sum(n), 0) FROM unparsed),
                'unparsed_by_column', (SELECT coalesce(jsonb_object_agg(col, n), '{}'::jsonb) FROM unparsed),
                'dropped', (SELECT coalesce(jsonb_object_agg(reason, n), '{}'::jsonb) FROM (
                    SELECT reason, sum(n) AS n FROM (
                        SELECT e.key AS reason, e.value::bigint AS n FROM files f CROSS JOIN LATERAL jsonb_each_text(f.rows_dropped) e
                        UNION ALL
                        SELECT 'superseded', superseded FROM files WHERE superseded > 0) d
                    GROUP BY reason) x),
                'open', (SELECT open FROM open_set),
                'open_without_position', (SELECT unplaced FROM open_set)
            )::text
            """
    }

    /// Reads the figures of `dataset` (their content lag not yet measured).
    /// - Throws: `PostgresError` when the database cannot be read or the answer does not decode.
    static func read(_ dataset: Dataset, on db: PostgresConnection) throws -> DatasetQuality {
        let purpose = "read the \(dataset) quality figures"
        let text = try db.scalar(try sql(for: dataset), [dataset.name], purpose: purpose)
        return try PostgresError.decodingAnswer(text, of: "the quality query", purpose: purpose, endpoint: db.endpoint) {
            try PostgresReportSource.decoder.decode(DatasetQuality.self, from: $0)
        }
    }
}
