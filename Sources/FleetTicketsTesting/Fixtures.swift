import FleetTicketsCore
import Foundation

/// Builders for source rows and change files, for tests that need a few precise rows.
///
/// ```swift
/// let csv = Fixtures.csv([Fixtures.row("WOT1", status: "open"), Fixtures.row("WOT2", alarm: true)])
/// bucket.put(Fixtures.key(.inc, hour: 9), text: csv)
/// ```
public enum Fixtures {
    /// A full 32-column source row with realistic defaults; override any column with `extra`.
    public static func row(_ ticketID: String, status: String = "open", actionable: Bool = true, alarm: Bool = false,
                           cluster: String = "Kasarani", region: String = "Nairobi", location: String = "NW_KASARANI_MWIKI_FDT12",
                           createdAt: String = "2026-06-14 08:15:00", closedAt: String = "", mttr: String = "",
                           extra: [String: String] = [:]) -> [String: String] {
        var r: [String: String] = [
            "ticket_id": ticketID, "service_type": "inc", "raw_status": status == "open" ? "Assigned" : "Closed",
            "normalized_status": status, "bucket": actionable ? "pending" : "closed",
            "is_actionable": actionable ? "true" : "false", "is_alarm": alarm ? "true" : "false",
            "is_auto_created": "false", "is_auto_closed": "false", "cluster": cluster, "region": region,
            "location_name": location, "latitude": "", "longitude": "", "assigned_team": "FieldOps North",
            "owner": "J. Otieno", "department": "Operations", "source_type": "wm_task", "sla_status": actionable ? "Compliant" : "Compliant",
            "mttr": mttr, "created_at_service": createdAt, "scheduled_at": "", "closed_at": closedAt,
            "first_seen_at": "2026-06-14 08:20:00", "last_seen_at": "2026-06-15 09:00:00",
            "source_created_at": "2026-06-14 08:15:00", "source_updated_at": "2026-06-15 08:55:00",
            "week_start": "2026-06-08", "week_end": "2026-06-14", "source_s3_bucket": "exports",
            "source_s3_key": "wm_task.xlsx", "source_snapshot_id": "snap-1",
        ]
        for (k, v) in extra { r[k] = v }
        return r
    }

    /// A CSV file of rows with the export's header (plus any extra columns, sorted), LF line ends.
    public static func csv(_ rows: [[String: String]], columns: [String] = SourceColumns.all, lineEnd: String = "\n") -> String {
        let extras = Set(rows.flatMap(\.keys)).subtracting(columns).sorted()
        let header = columns + extras
        var out = header.map(quoted).joined(separator: ",") + lineEnd
        for r in rows { out += header.map { quoted(r[$0] ?? "") }.joined(separator: ",") + lineEnd }
        return out
    }

    /// A field quoted when RFC 4180 needs it.
    public static func quoted(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// The key of a change file exported at an EAT wall-clock time.
    public static func key(_ dataset: Dataset, day: Int = 15, hour: Int, minute: Int = 0, month: Int = 6, year: Int = 2026) -> String {
        dataset.changesPrefix + ChangeKey.stamp(for: EAT.date(year: year, month: month, day: day, hour: hour, minute: minute)) + ".csv"
    }

    /// What the cleaner makes of a fixture row: its `raw` record.
    public static func cleanedRaw(_ row: [String: String]) -> [String: String] {
        var raw = row.filter { !SourceColumns.dropped.contains($0.key) }
        raw["region"] = raw["region"]?.lowercased()
        raw["raw_status"] = raw["raw_status"]?.uppercased()
        return raw
    }
}
