import FleetTicketsCore
import Foundation

/// "Is what we loaded any good?": the quality figures of each dataset, one column each, as
/// `fleettickets status` reads them (`DatasetQuality`; docs/operations.md, *Data quality*).
struct QualityTable: Sendable {
    /// The figures by dataset name, shown in `order`.
    var quality: [String: DatasetQuality]
    /// The datasets in display order.
    var order: [String]

    func html() -> String {
        let shown = order.filter { quality[$0] != nil }
        guard !shown.isEmpty else { return "<p class=\"empty\">No quality figures were read.</p>" }
        let columns = shown.map { quality[$0]! }
        var out = "<table class=\"teams quality\"><thead><tr><th scope=\"col\">Figure</th>"
        out += shown.map { "<th scope=\"col\" class=\"num\">\(HTMLText.escape($0.uppercased()))</th>" }.joined()
        out += "</tr></thead><tbody>"
        func row(_ label: String, _ id: String, _ value: (DatasetQuality) -> String) {
            out += "<tr data-figure=\"\(id)\"><th scope=\"row\">\(HTMLText.escape(label))</th>"
            out += columns.map { "<td class=\"num\">\(value($0))</td>" }.joined() + "</tr>"
        }
        row("Last EAT day", "day") { $0.day.map { HTMLText.escape(ReportFormat.day($0)) } ?? ReportFormat.missing }
        row("Content lag (now − newest last seen)", "content_lag_seconds") { q in
            q.contentLagSeconds.map { HTMLText.escape(HealthCheck.age(max(0, $0))) } ?? ReportFormat.missing
        }
        row("Rows written that day", "rows") { ReportFormat.count($0.rows) }
        row("… without a cluster", "rows_without_cluster") { Self.part($0.rowsWithoutCluster, of: $0.rows) }
        row("… with a cluster the gazetteer does not know", "rows_with_unknown_cluster") { Self.part($0.rowsWithUnknownCluster, of: $0.rows) }
        row("Timestamps that did not parse", "unparsed_timestamps") { Self.flag(ReportFormat.count($0.unparsedTimestamps), $0.unparsedTimestamps) }
        row("Rows dropped that day", "dropped") { q in
            q.dropped.isEmpty ? "0" : q.dropped.sorted { $0.key < $1.key }
                .map { "\(ReportFormat.count($0.value)) \(HTMLText.escape($0.key.replacingOccurrences(of: "_", with: " ")))" }.joined(separator: "<br>")
        }
        row("Open tickets without a position", "open_without_position") { Self.part($0.openWithoutPosition, of: $0.open) }
        return out + "</tbody></table>"
    }

    /// `12 (4 %)`, bold when not zero.
    private static func part(_ value: Int, of base: Int) -> String {
        let share = base > 0 ? " (\(ReportFormat.percent(Double(value) / Double(base))))" : ""
        return flag(ReportFormat.count(value) + share, value)
    }

    private static func flag(_ text: String, _ value: Int) -> String { value > 0 ? "<strong>\(text)</strong>" : text }
}
