import FleetTicketsCore
import FleetTicketsPostgres
import FleetTicketsReport
import FleetTicketsTesting
import Foundation
import Testing

/// The demo's report as a newcomer sees it, checked in headless Chromium: the pipeline of
/// `scripts/demo.sh` (simulate a stream ending at the newest export slot, apply it day by day
/// with `history capture --at` each day's last export, geocode with the shipped gazetteer,
/// write the report) against the test PostGIS, then the rendered page must show open tickets
/// in at least two SLA states, a backlog chart with at least two days, and data under an hour
/// old. The page and its screenshot are left in `.build/test-output/demo-report.{html,png}`.
///
/// **Any hour.** The export runs 06:00–20:40 EAT, so at 23:00 EAT the newest export is over two
/// hours old and "fresh" cannot hold against the clock. The stream ends at the newest slot `T`
/// at or before now (what `--until now` does), and the check reads the page as of
/// `min(now, T + 20 min)`: during the export day that is now itself (the next slot is at most
/// 20 minutes away), overnight the moment 20 minutes after the last export. Only the page's
/// "generated at" (which the freshness is measured from) moves; the figures are the database's.
@Suite(.enabled(if: Services.databaseEnabled && (HeadlessChromium.find() != nil || Services.isCI),
                "needs PostGIS and chromium: run scripts/test.sh"), .serialized)
struct DemoReportBrowserTests {
    static let outputDirectory: URL = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/test-output", isDirectory: true)
    }()

    static let gazetteer = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("data/gazetteer-kenya.csv").path

    @Test func theDemosReportShowsALivingPicture() async throws {
        let chromium = try #require(HeadlessChromium.find(), "CI must check the demo's report in a browser: install Debian's chromium (scripts/test.sh does) or set FLEETTICKETS_CHROMIUM")
        let url = try await Services.freshDatabase()
        let db = ["--database-url", url]
        let scratch = try CLI.scratchFolder()
        let generated = scratch.appendingPathComponent("generated"), stream = scratch.appendingPathComponent("stream")
        let fm = FileManager.default

        // The stream ends at the newest export slot, named explicitly so the test knows it.
        let end = ExportSchedule.upstream.latestSlot(atOrBefore: Date())
        let until = EATMoment(end).label.replacingOccurrences(of: " EAT", with: "").replacingOccurrences(of: " ", with: "T")
        let simulated = try await CLI.run(["simulate", "--out", generated.path, "--until", until, "--tickets", "200", "--days", "3", "--seed", "7"])
        try #require(simulated.status == 0, "simulate: \(simulated.stderr)")

        // Day by day, as the export would have delivered them.
        let incChanges = generated.appendingPathComponent(Dataset.inc.changesPrefix)
        let days = Set(try fm.contentsOfDirectory(atPath: incChanges.path).map { String($0.prefix(10)) }).sorted()
        #expect(days.count >= 3, "three simulated days: \(days)")
        for dataset in [Dataset.inc, .crq] {
            try fm.createDirectory(at: stream.appendingPathComponent(dataset.changesPrefix), withIntermediateDirectories: true)
        }
        for day in days {
            for dataset in [Dataset.inc, .crq] {
                let from = generated.appendingPathComponent(dataset.changesPrefix)
                let files = try fm.contentsOfDirectory(atPath: from.path).filter { $0.hasPrefix(day + "T") }.sorted()
                for file in files {
                    try fm.moveItem(at: from.appendingPathComponent(file), to: stream.appendingPathComponent(dataset.changesPrefix + file))
                }
                let ingest = try await CLI.run(["ingest", dataset.name, "--dir", stream.path, "--apply"] + db)
                try #require(ingest.status == 0, "ingest \(dataset) on \(day): \(ingest.stderr)")
                guard let last = files.last.flatMap({ ChangeKey(dataset.changesPrefix + $0) }) else { continue }
                let at = EATMoment(last.exportedAt).label.replacingOccurrences(of: " EAT", with: "").replacingOccurrences(of: " ", with: "T")
                let capture = try await CLI.run(["history", "capture", dataset.name, "--at", at] + db)
                try #require(capture.status == 0, "history capture \(dataset) --at \(at): \(capture.stderr)")
            }
        }
        for target in ["clusters", "locations"] {
            let geocode = try await CLI.run(["geocode", target, "--provider", "gazetteer", "--gazetteer", Self.gazetteer, "--apply"] + db)
            try #require(geocode.status == 0, "geocode \(target): \(geocode.stderr)")
        }

        // The command writes the page as the demo does.
        try fm.createDirectory(at: Self.outputDirectory, withIntermediateDirectories: true)
        let written = Self.outputDirectory.appendingPathComponent("demo-report-command.html")
        let report = try await CLI.run(["report", "--out", written.path] + db)
        try #require(report.status == 0, "report: \(report.stderr)")
        #expect(try String(contentsOf: written, encoding: .utf8).contains("<section id=\"quality\">"), "the page has its quality section")

        // The same page read through the SDK (what `report` does), as of the check's moment.
        let source = PostgresReportSource(url: url)
        defer { source.close() }
        var input = try await source.reportInput(ReportRequest())
        input.generatedAt = min(input.generatedAt, end.addingTimeInterval(20 * 60))
        input.quality = input.quality.mapValues { $0.measured(at: input.generatedAt) }
        let page = Self.outputDirectory.appendingPathComponent("demo-report.html")
        try ReportPage.html(for: input).write(to: page, atomically: true, encoding: .utf8)
        let dom = try await chromium.renderedDOM(of: page)
        #expect(dom.contains("<h1>Field tickets report</h1>"), "Chromium rendered the page")

        // Open tickets in at least two SLA states, on the map.
        let states = SLAState.allCases.filter { dom.contains("class=\"map-mark sla-\($0.rawValue)\"") }
        #expect(states.count >= 2, "open tickets in at least two SLA states on the map: \(states)")

        // The backlog chart has a point for at least two days.
        let backlog = try #require(Self.section(of: dom, from: "<h3>Open backlog</h3>", to: "</figure>"), "the backlog chart is on the page")
        let backlogDays = Set(Self.values(of: "data-period", in: backlog))
        #expect(backlogDays.count >= 2, "backlog points on at least two days: \(backlogDays.sorted())")

        // Fresh: every dataset's newest export under an hour before the page's moment.
        let cards = Self.values(of: "data-figure=\"freshness\"", in: dom, until: "</div></div>")
        #expect(cards.count == 2, "a freshness card per dataset")
        for card in cards {
            let value = try #require(Self.section(of: card, from: "<div class=\"value\">", to: "</div>"))
            let fresh = value == "just now" || (value.hasSuffix(" min ago") && (Int(value.dropLast(8)) ?? 99) < 60)
            #expect(fresh, "freshness under an hour: \(value)")
        }
        try await chromium.screenshot(of: page, to: Self.outputDirectory.appendingPathComponent("demo-report.png"), height: 4200)
    }

    /// The text between the first `start` (excluded) and the next `end` after it.
    static func section(of text: String, from start: String, to end: String) -> String? {
        guard let a = text.range(of: start), let b = text.range(of: end, range: a.upperBound..<text.endIndex) else { return nil }
        return String(text[a.upperBound..<b.lowerBound])
    }

    /// The quoted values of `attribute="…"` in `text`; with `until`, the text after each
    /// occurrence of `attribute` up to `until` instead.
    static func values(of attribute: String, in text: String, until: String? = nil) -> [String] {
        var out: [String] = [], rest = text[...]
        let opener = until == nil ? attribute + "=\"" : attribute
        while let r = rest.range(of: opener) {
            let close = until ?? "\""
            guard let e = rest.range(of: close, range: r.upperBound..<rest.endIndex) else { break }
            out.append(String(rest[r.upperBound..<e.lowerBound]))
            rest = rest[e.upperBound...]
        }
        return out
    }
}
