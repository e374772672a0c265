import FleetTicketsCore
import Foundation

/// Renders a `ReportInput` as one self-contained HTML page.
///
/// The page needs no network to open: the styles are inline, the charts and the map are inline
/// SVG drawn from the values, there is no script, font or image to fetch. Every text that comes
/// from data is escaped. Rendering is pure (same input, same bytes) and safe from any task.
///
/// ```swift
/// let html = ReportPage.html(for: input)
/// try html.write(to: URL(fileURLWithPath: "report.html"), atomically: true, encoding: .utf8)
/// ```
public enum ReportPage {
    /// The whole page.
    public static func html(for input: ReportInput) -> String {
        let datasets = input.headlines.map(\.dataset)
        let names = datasets.map { datasetName($0) }.joined(separator: " and ")
        let rangeText = "\(ReportFormat.day(input.range.from)) – \(ReportFormat.day(input.range.to))"
        var out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        out += "<title>Field tickets report, \(HTMLText.escape(rangeText))</title>"
        out += "<style>\(ReportStyle.css)</style></head><body><main>"
        out += "<header><h1>Field tickets report</h1>"
        out += "<p class=\"lede\">\(HTMLText.escape(names.isEmpty ? "No dataset" : names)) · <strong>\(HTMLText.escape(rangeText))</strong> (EAT calendar days, \(input.range.grain == .week ? "weekly" : "daily") trends)</p>"
        out += "<p class=\"muted\">Generated \(ReportFormat.eatDateTime(input.generatedAt)). “Now” figures and the map are as of that moment; the rest cover the range.</p>"
        if let notice = input.notice { out += "<p class=\"notice\" id=\"range-notice\">\(HTMLText.escape(notice.sentence))</p>" }
        out += "</header>"

        out += "<section id=\"headline\"><h2>At a glance</h2>"
        out += input.headlines.isEmpty ? "<p class=\"empty\">No dataset to report on.</p>"
            : input.headlines.map { HeadlineCards(figures: $0, generatedAt: input.generatedAt).html() }.joined()
        out += "</section>"

        out += "<section id=\"trends\"><h2>Trends</h2>"
        out += TrendCharts(trends: input.trends, grain: input.range.grain).html()
        out += "</section>"

        let unplaced = input.headlines.reduce(0) { $0 + $1.unplacedNow }
        out += "<section id=\"map\"><h2>Open tickets on the map <span class=\"muted\">· \(ReportFormat.count(input.map.marks.count)) placed</span></h2>"
        out += "<p class=\"caption\">Each mark is one open ticket, shaped and coloured by its SLA state now. Labels sit at cluster centroids with the cluster’s open count. Tickets at the same spot are fanned out around it; hover a mark for the ticket.</p>"
        out += TicketMap(map: input.map, unplaced: unplaced).html()
        out += "</section>"

        out += "<section id=\"teams\"><h2>Closures by team</h2>"
        out += "<p class=\"caption\">A closure counts for the team assigned when it was observed closed. Reopened: closed in the range, later seen open again.</p>"
        out += input.teams.isEmpty ? "<p class=\"empty\">No team figures for this range.</p>"
            : "<div class=\"team-grid\">" + input.teams.map { TeamTable(report: $0).html() }.joined() + "</div>"
        out += "</section>"

        if !input.quality.isEmpty {
            out += "<section id=\"quality\"><h2>Data quality</h2>"
            out += "<p class=\"caption\">What the load looks like: the rows the change files of the last EAT day wrote (the day of the newest export applied), what those files dropped, and the open tickets the map cannot place. The same figures as <code>fleettickets status</code>; docs/operations.md says what to do about each.</p>"
            out += QualityTable(quality: input.quality, order: datasets).html()
            out += "</section>"
        }

        out += "<footer><p>Opened: the SLA clock (service creation time, else first seen) started in the range. "
        out += "MTTR: hours from that clock to the closing time. Within SLA: closed no later than the dataset’s target "
        out += "(tickets.sla_targets). Freshness: export time of the newest file applied. Written by <code>fleettickets report</code>; "
        out += "the definitions are in docs/report.md.</p></footer>"
        return out + "</main></body></html>\n"
    }

    /// One line for a terminal: the range, then per dataset open, breached and closed, then the
    /// marks on the map.
    public static func summary(for input: ReportInput) -> String {
        let figures = input.headlines.map { h in
            "\(h.dataset.uppercased()) \(ReportFormat.count(h.openNow)) open (\(ReportFormat.count(h.breachedNow)) breached), "
                + "\(ReportFormat.count(h.closedInRange)) closed"
        }
        return (input.notice.map { $0.sentence + " " } ?? "")
            + "Report for \(ReportFormat.day(input.range.from)) – \(ReportFormat.day(input.range.to)) (EAT): "
            + figures.joined(separator: "; ") + "; \(ReportFormat.count(input.map.marks.count)) open tickets on the map."
    }

    /// `INC incidents`, `CRQ installation requests`, or the name in capitals.
    static func datasetName(_ dataset: String) -> String {
        switch dataset {
        case "inc": "INC incidents"
        case "crq": "CRQ installation requests"
        default: dataset.uppercased()
        }
    }
}
