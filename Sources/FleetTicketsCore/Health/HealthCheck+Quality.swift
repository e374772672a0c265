import Foundation

extension HealthCheck {
    /// How far in the future the newest `last_seen_at` may be before it is a problem whatever
    /// the thresholds: content from the future means its times are read in the wrong zone or
    /// the export's clock is wrong, so every SLA clock is off. Generous for clock skew.
    public static let contentAheadTolerance: TimeInterval = 15 * 60

    /// The quality figures over their thresholds, one `quality` problem each. Each sentence
    /// names the figure as `status --json` does, its value, the threshold and what to check.
    func qualityProblems(_ s: DatasetStatus, now: Date) -> [HealthProblem] {
        guard let q = s.quality?.measured(at: now) else { return [] }
        var out: [HealthProblem] = []
        func problem(_ text: String) { out.append(HealthProblem(dataset: s.dataset, kind: .quality, message: text)) }
        let day = q.day.map { " of \($0) (EAT)" } ?? ""

        if let newest = q.newestLastSeenAt, let lag = q.contentLagSeconds {
            if -lag > Self.contentAheadTolerance {
                problem("content_lag_seconds is \(Int(lag)): the newest last_seen_at applied, \(EAT.label(newest)), is \(Self.age(-lag)) in the future (more than \(Self.age(Self.contentAheadTolerance)) is always a problem). Check that the export writes EAT times and that its clock is right.")
            } else if let limit = quality.maxContentLag {
                // Judged at the newest export slot, so the night after the last export is quiet.
                let slot = schedule.latestSlot(atOrBefore: now)
                let behindSlot = slot.timeIntervalSince(newest)
                if behindSlot > limit {
                    problem("content_lag_seconds is \(Int(lag)) (\(Self.age(lag))): the newest last_seen_at applied, \(EAT.label(newest)), is \(Self.age(behindSlot)) older than the export of \(EAT.label(slot)), above the threshold \(Self.age(limit)). Check that the newest files carry fresh rows and that they are applied (see docs/operations.md).")
                }
            }
        }
        let dayFigures: [(name: String, value: Int, limit: QualityLimit?, advice: String)] = [
            ("rows_without_cluster", q.rowsWithoutCluster, quality.maxWithoutCluster,
             "Such tickets cannot be placed by cluster; ask the export's owner why the cluster is empty"),
            ("rows_with_unknown_cluster", q.rowsWithUnknownCluster, quality.maxUnknownCluster,
             "Geocode the new clusters (fleettickets geocode clusters --apply) or add them to the gazetteer"),
            ("unparsed_timestamps", q.unparsedTimestamps, quality.maxUnparsedTimestamps,
             "Their typed columns are NULL, so SLA clocks and closures miss them; look at unparsed_by_column in status --json and tell the export's owner"),
        ]
        for figure in dayFigures {
            guard let limit = figure.limit, limit.isExceeded(by: figure.value, of: q.rows) else { continue }
            problem(Sentences.join("\(figure.name) is \(figure.value)\(Self.share(figure.value, of: q.rows, "rows\(day)")), above the threshold \(limit)",
                                   figure.advice))
        }
        for (reason, limit) in quality.maxDropped.sorted(by: { $0.key < $1.key }) {
            let n = q.dropped[reason.rawValue] ?? 0
            guard limit.isExceeded(by: n, of: q.rowsRead) else { continue }
            problem(Sentences.join("dropped.\(reason.rawValue) is \(n)\(Self.share(n, of: q.rowsRead, "rows read\(day)")), above the threshold \(limit)",
                                   "Look at the day's change files in processed/ and tell the export's owner"))
        }
        if let limit = quality.maxOpenWithoutPosition, limit.isExceeded(by: q.openWithoutPosition, of: q.open) {
            problem(Sentences.join("open_without_position is \(q.openWithoutPosition)\(Self.share(q.openWithoutPosition, of: q.open, "open tickets")), above the threshold \(limit)",
                                   "They are missing from the map; geocode (fleettickets geocode clusters --apply, then locations) and check rows_without_cluster"))
        }
        return out
    }

    /// ` (4.0% of the 300 rows of 2026-06-15 (EAT))`, or nothing without a base.
    private static func share(_ value: Int, of base: Int, _ what: String) -> String {
        guard base > 0 else { return "" }
        return " (" + String(format: "%.1f%%", Double(value) / Double(base) * 100) + " of the \(base) \(what))"
    }
}
