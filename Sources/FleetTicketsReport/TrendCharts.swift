import FleetTicketsCore

/// The trend charts, one series per dataset (and, for MTTR, a median and a 90th percentile):
/// closure rate, MTTR, the share closed within SLA, and the backlog at each period's end.
struct TrendCharts: Sendable {
    var trends: [TrendReport]
    var grain: TrendGrain

    /// Colour and marker of a dataset's series (INC blue circles, CRQ purple diamonds).
    static func style(_ dataset: String) -> (colour: String, marker: MarkerShape) {
        switch dataset {
        case "inc": ("#0072B2", .circle)
        case "crq": ("#B5497F", .diamond)
        default: ("#333333", .square)
        }
    }

    func html() -> String {
        // Every period any series has, oldest first; each series is aligned to them.
        let periods = Array(Set(trends.flatMap { $0.points.filter { $0.group == nil }.map(\.period) })).sorted()
        let weekly = grain == .week
        let step = weekly ? "week" : "day"
        func series(_ value: (TrendPoint) -> Double?, suffix: String = "", dashed: Bool = false, hollow: Bool = false) -> [ChartSeries] {
            trends.map { report in
                let byPeriod = Dictionary(report.points.filter { $0.group == nil }.map { ($0.period, $0) }, uniquingKeysWith: { a, _ in a })
                let style = Self.style(report.query.dataset)
                return ChartSeries(name: report.query.dataset.uppercased() + suffix, colour: style.colour, marker: style.marker,
                                   dashed: dashed, hollow: hollow, values: periods.map { byPeriod[$0].flatMap(value) })
            }
        }
        let percent: @Sendable (Double) -> String = { ReportFormat.percent($0) }
        let hours: @Sendable (Double) -> String = { ReportFormat.hours($0) }
        let count: @Sendable (Double) -> String = { ReportFormat.count(Int($0.rounded())) }
        let mttr = zip(series(\.mttrMedianHours, suffix: " median"), series(\.mttrP90Hours, suffix: " 90th percentile", dashed: true, hollow: true))
            .flatMap { [$0, $1] }
        let targets = trends.map { report in
            ChartReference(value: report.slaHours, label: "\(report.query.dataset.uppercased()) SLA \(ReportFormat.hours(report.slaHours))",
                           colour: Self.style(report.query.dataset).colour)
        }
        let charts = [
            LineChart(title: "Closure rate", unit: "% of opened", caption: "Tickets closed per ticket opened, each \(step). Above 100% the backlog shrinks.",
                      periods: periods, series: series(\.closureRate), minimumTop: 1, format: percent),
            LineChart(title: "Time to close (MTTR)", unit: "hours", caption: "Median and 90th percentile hours from open to close, of the tickets closed each \(step).",
                      periods: periods, series: mttr, references: targets, minimumTop: 1, format: hours),
            LineChart(title: "Closed within SLA", unit: "% of closed", caption: "Share of each \(step)'s closures that closed within the dataset's SLA target.",
                      periods: periods, series: series(\.withinSLAShare), minimumTop: 1, format: percent),
            LineChart(title: "Open backlog", unit: "tickets", caption: "Tickets still open at the end of each \(step) (EAT).",
                      periods: periods, series: series { $0.backlogAtEnd.map(Double.init) }, minimumTop: 5,
                      emptyText: "No backlog history for these days: the daily snapshot starts with the first ingest that captured it.", format: count),
        ]
        return "<div class=\"charts\">" + charts.map { $0.html(weekly: weekly) }.joined() + "</div>"
    }
}
