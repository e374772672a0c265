import FleetTicketsCore
import Foundation

extension PostgresTicketStore: TicketStoreStatus {
    /// What the store knows of the dataset, with its quality figures (`DatasetQualityQuery`).
    public func status(of dataset: Dataset) async throws -> DatasetStatus {
        let table = try Self.quotedTable(dataset.table)
        let r = try await onConnection { db in try db.execute("""
            SELECT m.metadata->>'source_max_key', m.metadata->>'last_file',
                   to_char(m.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   (SELECT count(*) FROM tickets.ingest_ledger WHERE dataset = $1),
                   (SELECT coalesce(sum(rows_read), 0) FROM tickets.ingest_ledger WHERE dataset = $1),
                   t.total, t.open, t.closed, t.geo
            FROM (SELECT 1) one
            LEFT JOIN tickets.import_meta m ON m.dataset = $1
            CROSS JOIN (
                SELECT count(*) AS total,
                       count(*) FILTER (WHERE is_actionable) AS open,
                       count(*) FILTER (WHERE is_actionable IS NOT TRUE) AS closed,
                       (SELECT coalesce(jsonb_object_agg(geo_source, n), '{}')::text
                        FROM (SELECT geo_source, count(*) AS n FROM \(table) GROUP BY 1) g) AS geo
                FROM \(table)
            ) t
            """, [dataset.name], purpose: "describe the \(dataset) dataset") }
        var s = DatasetStatus(dataset: dataset.name)
        s.watermark = r[0, 0]
        s.watermarkExportedAt = s.watermark.flatMap(ChangeKey.init)?.exportedAt
        s.lastFile = r[0, 1]
        s.lastAppliedAt = r[0, 2].flatMap { try? Date($0, strategy: .iso8601) }
        s.ledgerFiles = Int(r[0, 3] ?? "0") ?? 0
        s.ledgerRowsRead = Int(r[0, 4] ?? "0") ?? 0
        s.tickets = Int(r[0, 5] ?? "0") ?? 0
        s.open = Int(r[0, 6] ?? "0") ?? 0
        s.closed = Int(r[0, 7] ?? "0") ?? 0
        s.geoSources = (try? JSONDecoder().decode([String: Int].self, from: Data((r[0, 8] ?? "{}").utf8))) ?? [:]
        s.quality = try await onConnection { db in try DatasetQualityQuery.read(dataset, on: db) }
        return s
    }

    /// Every ticket of a dataset: `ticket_id` → `raw`, for comparisons and embedders.
    public func tickets(of dataset: Dataset) async throws -> [String: RawRecord] {
        let table = try Self.quotedTable(dataset.table)
        let r = try await onConnection { db in try db.execute("SELECT ticket_id, raw::text FROM \(table)", purpose: "read \(dataset.table)") }
        var out: [String: RawRecord] = [:]
        for row in 0..<r.rowCount {
            guard let id = r[row, 0], let text = r[row, 1],
                  let object = try? JSONDecoder().decode([String: String].self, from: Data(text.utf8)) else { continue }
            out[id] = RawRecord(object)
        }
        return out
    }
}
