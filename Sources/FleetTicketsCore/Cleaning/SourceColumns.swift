import Foundation

/// The export's 32 columns (docs/contract.md §2) and what cleaning does with them.
public enum SourceColumns {
    /// Every column the export writes, in its order.
    public static let all: [String] = [
        "ticket_id", "service_type", "raw_status", "normalized_status", "bucket",
        "is_actionable", "is_alarm", "is_auto_created", "is_auto_closed", "cluster",
        "region", "location_name", "latitude", "longitude", "assigned_team", "owner",
        "department", "source_type", "sla_status", "mttr", "created_at_service",
        "scheduled_at", "closed_at", "first_seen_at", "last_seen_at", "source_created_at",
        "source_updated_at", "week_start", "week_end", "source_s3_bucket", "source_s3_key",
        "source_snapshot_id",
    ]

    /// Columns removed from `raw` at ingest.
    public static let dropped: Set<String> = [
        "department", "source_type", "week_start", "week_end",
        "source_s3_bucket", "source_s3_key", "source_snapshot_id",
    ]

    /// Timestamp columns (EAT text in the feed): the declared typed columns of that kind.
    public static let timestamps: [String] = TicketColumns.fromFields.filter { $0.kind == .timestamp }.compactMap(\.field)

    /// The boolean spellings the feed may use; nil for empty or anything else.
    public static func boolean(_ text: String) -> Bool? {
        switch text.trimmingWhitespace().lowercased() {
        case "true", "1", "yes", "t", "y": true
        case "false", "0", "no", "f", "n": false
        default: nil
        }
    }
}
