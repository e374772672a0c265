import FleetTicketsCore
import Foundation

/// The headline figures of one dataset as a row of cards: the state now, then the range.
struct HeadlineCards: Sendable {
    var figures: HeadlineFigures
    var generatedAt: Date

    func html() -> String {
        let f = figures
        let sla = ReportFormat.hours(f.slaHours)
        var out = "<div class=\"headline\" data-dataset=\"\(HTMLText.escape(f.dataset))\">"
        out += "<h3>\(HTMLText.escape(ReportPage.datasetName(f.dataset))) <span class=\"muted\">· SLA target \(sla)</span></h3>"
        out += "<div class=\"cards\">"
        out += card("Open now", ReportFormat.count(f.openNow),
                    "\(ReportFormat.count(f.atRiskNow)) at risk" + (f.unknownNow > 0 ? " · \(ReportFormat.count(f.unknownNow)) clock unknown" : ""),
                    key: "open_now")
        let breachedShare = f.openNow > 0 ? Double(f.breachedNow) / Double(f.openNow) : nil
        out += card("Breached now", ReportFormat.count(f.breachedNow),
                    breachedShare.map { "\(ReportFormat.percent($0)) of open, past \(sla)" } ?? "past \(sla)",
                    key: "breached_now", alert: f.breachedNow > 0)
        out += card("Opened in range", ReportFormat.count(f.openedInRange), "SLA clock started in the range", key: "opened_in_range")
        out += card("Closed in range", ReportFormat.count(f.closedInRange), "closed_at in the range", key: "closed_in_range")
        out += card("Closure rate", ReportFormat.percent(f.closureRate), "closed ÷ opened in the range", key: "closure_rate")
        out += card("MTTR, median", ReportFormat.hours(f.mttrMedianHours), "90th percentile \(ReportFormat.hours(f.mttrP90Hours))", key: "mttr_median")
        out += card("Closed within SLA", ReportFormat.percent(f.withinSLAShare), "of closures, within \(sla)", key: "within_sla")
        out += freshness()
        return out + "</div></div>"
    }

    private func card(_ label: String, _ value: String, _ detail: String, key: String, alert: Bool = false) -> String {
        "<div class=\"card\(alert ? " alert" : "")\" data-figure=\"\(key)\"><div class=\"label\">\(HTMLText.escape(label))</div>"
            + "<div class=\"value\">\(HTMLText.escape(value))</div><div class=\"detail\">\(HTMLText.escape(detail))</div></div>"
    }

    /// How old the content is: the export time of the newest file applied, in EAT and as an age.
    private func freshness() -> String {
        guard let exported = figures.lastExportedAt else {
            return card("Data freshness", ReportFormat.missing, "nothing ingested yet", key: "freshness", alert: true)
        }
        let ageHours = generatedAt.timeIntervalSince(exported) / 3600
        var detail = "newest export " + ReportFormat.eatDateTime(exported)
        if let applied = figures.lastAppliedAt { detail += "; applied " + ReportFormat.age(of: applied, at: generatedAt) }
        return card("Data freshness", ReportFormat.age(of: exported, at: generatedAt), detail, key: "freshness", alert: ageHours > 3)
    }
}
