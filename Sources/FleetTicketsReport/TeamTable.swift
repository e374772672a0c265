import FleetTicketsCore

/// The team closure table of one dataset: who closed what in the range.
struct TeamTable: Sendable {
    var report: TeamClosureReport

    func html() -> String {
        let dataset = ReportPage.datasetName(report.query.dataset)
        var out = "<div class=\"team-block\"><h3>\(HTMLText.escape(dataset))</h3>"
        guard !report.rows.isEmpty else {
            return out + "<p class=\"empty\">No closures were observed in this range.</p></div>"
        }
        let byOwner = report.rows.contains { $0.owner != nil }
        out += "<table class=\"teams\"><thead><tr><th scope=\"col\">Team</th>"
        if byOwner { out += "<th scope=\"col\">Owner</th>" }
        out += "<th scope=\"col\" class=\"num\">Closed</th><th scope=\"col\" class=\"num\">Median to close</th>"
        out += "<th scope=\"col\">Within SLA (\(ReportFormat.hours(report.slaHours)))</th><th scope=\"col\" class=\"num\">Reopened</th></tr></thead><tbody>"
        let total = report.rows.reduce(0) { $0 + $1.closed }
        for row in report.rows {
            out += "<tr><th scope=\"row\">\(HTMLText.escape(row.team))</th>"
            if byOwner { out += "<td>\(HTMLText.escape(row.owner ?? ReportFormat.missing))</td>" }
            out += "<td class=\"num\">\(ReportFormat.count(row.closed))</td>"
            out += "<td class=\"num\">\(ReportFormat.hours(row.medianHoursToClose))</td>"
            out += "<td>\(shareBar(row.withinSLAShare))</td>"
            out += "<td class=\"num\">\(row.reopened > 0 ? "<strong>\(ReportFormat.count(row.reopened))</strong>" : "0")</td></tr>"
        }
        out += "</tbody><tfoot><tr><th scope=\"row\">All teams</th>"
        if byOwner { out += "<td></td>" }
        out += "<td class=\"num\">\(ReportFormat.count(total))</td><td></td><td></td>"
        out += "<td class=\"num\">\(ReportFormat.count(report.rows.reduce(0) { $0 + $1.reopened }))</td></tr></tfoot></table></div>"
        return out
    }

    /// The share as a bar with its number beside it (the number carries the meaning; the bar
    /// lets the eye scan the column).
    private func shareBar(_ share: Double?) -> String {
        guard let share else { return ReportFormat.missing }
        let width = max(0, min(100, share * 100))
        return "<span class=\"bar\" aria-hidden=\"true\"><span style=\"width:\(svgNumber(width))%\"></span></span>"
            + "<span class=\"num\">\(ReportFormat.percent(share))</span>"
    }
}
