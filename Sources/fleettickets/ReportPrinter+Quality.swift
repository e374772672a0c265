import FleetTicketsCore
import Foundation

extension ReportPrinter {
    /// The quality figures of `status`: the last EAT day's rows, the content lag, the open
    /// tickets without a position. Nothing from a store that does not read them.
    static func qualityLines(_ s: DatasetStatus) -> [String] {
        guard let q = s.quality else { return [] }
        var lines: [String] = []
        if let day = q.day {
            let unparsed = q.unparsedByColumn.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            let dropped = q.dropped.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            lines.append("  quality       last EAT day \(day): \(q.rows) rows written (\(q.rowsRead) read), \(q.rowsWithoutCluster) without a cluster, "
                + "\(q.rowsWithUnknownCluster) with a cluster the gazetteer does not know, \(q.unparsedTimestamps) unparsed timestamps"
                + (unparsed.isEmpty ? "" : " (\(unparsed))") + "; dropped \(dropped.isEmpty ? "none" : dropped)")
        } else {
            lines.append("  quality       no change file with an export time applied yet")
        }
        let lag = q.contentLagSeconds.map { lag in
            "content lag \(lag < 0 ? "-" : "")\(HealthCheck.age(abs(lag)))"
                + (q.newestLastSeenAt.map { " (newest last_seen_at \(EAT.label($0)))" } ?? "")
        } ?? "content lag unknown (no last_seen_at on the day's rows)"
        lines.append("                \(lag); \(q.openWithoutPosition) of \(q.open) open tickets without a position")
        return lines
    }
}
