import FleetTicketsCore
/// Where the pressure is: the clusters with the most breached open tickets, as numbers beside
/// the map (a manager reads "Kasarani 12 breached" faster than counting squares).
struct ClusterTable: Sendable {
    var marks: [MapMark]
    /// Rows shown; the rest are summed in one line.
    var limit = 10

    private struct Row { var cluster: String; var counts: [SLAState: Int] = [:]; var total = 0 }

    func html() -> String {
        guard !marks.isEmpty else { return "" }
        var rows: [String: Row] = [:]
        for mark in marks {
            let name = mark.cluster ?? "(no cluster)"
            rows[name, default: Row(cluster: name)].counts[mark.slaState, default: 0] += 1
            rows[name]!.total += 1
        }
        let ordered = rows.values.sorted {
            ($0.counts[.breached] ?? 0, $0.counts[.atRisk] ?? 0, $0.total, $1.cluster)
                > ($1.counts[.breached] ?? 0, $1.counts[.atRisk] ?? 0, $1.total, $0.cluster)
        }
        let states: [SLAState] = [.breached, .atRisk, .within, .unknown]
        var out = "<div class=\"cluster-block\"><h3>Open tickets on the map by cluster <span class=\"muted\">· most breached first</span></h3>"
        out += "<table class=\"teams clusters-table\"><thead><tr><th scope=\"col\">Cluster</th>"
        out += states.map { "<th scope=\"col\" class=\"num\">\(SLAStyle.of($0).label)</th>" }.joined()
        out += "<th scope=\"col\" class=\"num\">Open</th></tr></thead><tbody>"
        for row in ordered.prefix(limit) {
            out += "<tr><th scope=\"row\">\(HTMLText.escape(row.cluster))</th>"
            out += states.map { "<td class=\"num\">\(ReportFormat.count(row.counts[$0] ?? 0))</td>" }.joined()
            out += "<td class=\"num\">\(ReportFormat.count(row.total))</td></tr>"
        }
        out += "</tbody>"
        if ordered.count > limit {
            let rest = ordered.dropFirst(limit)
            out += "<tfoot><tr><th scope=\"row\">\(ordered.count - limit) more clusters</th>"
            out += states.map { state in "<td class=\"num\">\(ReportFormat.count(rest.reduce(0) { $0 + ($1.counts[state] ?? 0) }))</td>" }.joined()
            out += "<td class=\"num\">\(ReportFormat.count(rest.reduce(0) { $0 + $1.total }))</td></tr></tfoot>"
        }
        return out + "</table></div>"
    }
}
