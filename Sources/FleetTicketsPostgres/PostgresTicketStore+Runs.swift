import FleetTicketsCore
import Foundation

/// `tickets.ingest_runs` (migration 18) and the lock holder, for the worker and `status`.
extension PostgresTicketStore: IngestRunLog {
    public func record(_ run: IngestRun) async throws {
        let values: [String?] = [
            run.dataset, Self.timestamp(run.startedAt), Self.timestamp(run.finishedAt), run.mode.rawValue,
            run.applied ? "true" : "false", run.outcome.rawValue, String(run.filesApplied), String(run.rowsRead),
            String(run.counts.inserted), String(run.counts.updated), String(run.counts.unchanged), String(run.counts.stale),
            run.newestExport.map(Self.timestamp), run.error, run.errorKey, run.errorLine.map(String.init), run.host, String(run.pid),
            String(decoding: try JSONEncoder().encode(run.reuploaded), as: UTF8.self),
        ]
        _ = try await onConnection { db in
            try db.execute("""
                INSERT INTO tickets.ingest_runs (dataset, started_at, finished_at, mode, applied, outcome, files_applied,
                    rows_read, inserted, updated, unchanged, stale, newest_export, error, error_key, error_line, host, pid, reuploaded)
                VALUES ($1, $2::timestamptz, $3::timestamptz, $4, $5::boolean, $6, $7::integer, $8::bigint, $9::integer,
                    $10::integer, $11::integer, $12::integer, $13::timestamptz, $14, $15, $16::integer, $17, $18::integer, $19::jsonb)
                """, values, purpose: "record the \(run.dataset) run in tickets.ingest_runs")
        }
    }

    public func recentRuns(of dataset: Dataset, limit: Int) async throws -> [IngestRun] {
        try await runs(where: "dataset = $1", [dataset.name], limit: limit, purpose: "read the recent \(dataset) runs")
    }

    public func lastFailedRun(of dataset: Dataset) async throws -> IngestRun? {
        try await runs(where: "dataset = $1 AND outcome IN ('data_error', 'dependency_error')", [dataset.name], limit: 1,
                       purpose: "read the last failed \(dataset) run").first
    }

    public func lockHolder(of dataset: Dataset) async throws -> LockHolder? {
        // A bigint advisory key is stored as classid (high 32 bits) and objid (low 32 bits), objsubid 1.
        let key = UInt64(bitPattern: PostgresConnection.advisoryLockKey(named: "ingest:\(dataset.name)"))
        let r = try await onConnection { db in try db.execute("""
            SELECT a.pid, a.application_name, coalesce(host(a.client_addr) || ':' || a.client_port, 'local socket'),
                   to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND l.classid = $1::oid AND l.objid = $2::oid
            LIMIT 1
            """, [String(key >> 32), String(key & 0xFFFF_FFFF)], purpose: "find who holds the \(dataset) lock") }
        guard r.rowCount > 0, let pid = r[0, 0].flatMap(Int.init) else { return nil }
        return LockHolder(pid: pid, applicationName: r[0, 1].flatMap { $0.isEmpty ? nil : $0 }, client: r[0, 2],
                          since: r[0, 3].flatMap { try? Date($0, strategy: .iso8601) })
    }

    private func runs(where condition: String, _ params: [String?], limit: Int, purpose: String) async throws -> [IngestRun] {
        let stamp = { (column: String) in "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')" }
        let sql = """
            SELECT dataset, \(stamp("started_at")), \(stamp("finished_at")), mode, applied, outcome, files_applied, rows_read,
                   inserted, updated, unchanged, \(stamp("newest_export")), error, error_key, error_line, host, pid, stale,
                   reuploaded::text
            FROM tickets.ingest_runs WHERE \(condition)
            ORDER BY started_at DESC, id DESC LIMIT \(max(0, limit))
            """
        let r = try await onConnection { db in try db.execute(sql, params, purpose: purpose) }
        return (0..<r.rowCount).compactMap { i in
            guard let dataset = r[i, 0], let started = r[i, 1].flatMap(Self.date), let finished = r[i, 2].flatMap(Self.date),
                  let mode = r[i, 3].flatMap(IngestRun.Mode.init), let outcome = r[i, 5].flatMap(IngestRun.Outcome.init) else { return nil }
            let int = { (c: Int) in r[i, c].flatMap { Int($0) } ?? 0 }
            var run = IngestRun(dataset: dataset, startedAt: started, finishedAt: finished, mode: mode, applied: r[i, 4] == "t",
                                outcome: outcome, filesApplied: int(6), rowsRead: int(7),
                                counts: ApplyCounts(inserted: int(8), updated: int(9), unchanged: int(10), stale: int(17)),
                                newestExport: r[i, 11].flatMap(Self.date), error: r[i, 12], errorKey: r[i, 13],
                                errorLine: r[i, 14].flatMap { Int($0) }, host: r[i, 15] ?? "", pid: int(16))
            run.reuploaded = r[i, 18].flatMap { try? JSONDecoder().decode([Reupload].self, from: Data($0.utf8)) } ?? []
            return run
        }
    }

    private static let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    private static func timestamp(_ date: Date) -> String { date.formatted(fractional) }

    private static func date(_ text: String) -> Date? { try? Date(text, strategy: fractional) }
}
