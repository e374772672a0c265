import FleetTicketsCore
@testable import FleetTicketsReport
import Foundation
import Testing

/// The page from fixtures, read as text: escaping, numbers, self-containment, empty states.
@Suite struct ReportRenderingTests {
    let html = ReportPage.html(for: ReportFixtures.full)

    /// Occurrences of `needle` in `text` (the fixture's page by default).
    private func count(_ needle: String, in text: String? = nil) -> Int {
        (text ?? html).components(separatedBy: needle).count - 1
    }

    /// Whether the page holds `needle` (a helper, so a failure does not print the whole page).
    private func has(_ needle: String) -> Bool { html.contains(needle) }

    @Test func everyTextFromDataIsEscaped() {
        #expect(!has("<script"), "no script element at all, least of all a team's name")
        #expect(!has("<img"), "a ticket id with markup stays text")
        #expect(!has("<b>Ruaka"), "a cluster name with markup stays text")
        #expect(has("&lt;script&gt;alert(&#39;team&#39;)&lt;/script&gt;"), "the hostile team is shown, escaped")
        #expect(has("data-ticket=\"INC&quot;&lt;img src=x onerror=alert(1)&gt;\""), "attribute values are escaped too")
        #expect(has("&lt;b&gt;Ruaka&lt;/b&gt; &amp; Co · 10"), "the cluster label is escaped")
    }

    @Test func thePageNeedsNoNetwork() {
        for needle in ["http://", "https://", "<link", "<script", "<img", "@import", "url(", "<iframe", "src=\"", "href=\""] {
            #expect(!has(needle), "found \(needle)")
        }
    }

    @Test func numbersReadAsAnAnalystExpects() {
        #expect(has(">1,482<"), "counts are grouped")
        #expect(has(">92.9%<"), "closure rate 2145/2310 to one decimal")
        #expect(has(">21.3 h<"), "MTTR median to a tenth of an hour")
        #expect(has("90th percentile 63.5 h"))
        #expect(has(">81.2%<"), "within-SLA share")
        #expect(has(">131 h<"), "hours over 100 without decimals")
        #expect(has(">35 min ago<"), "freshness as an age")
        #expect(has("newest export Sun 29 Nov 2026, 13:30 EAT"), "times in EAT")
        #expect(has("Generated Sun 29 Nov 2026, 14:05 EAT"))
        #expect(has("16 Nov 2026 – 29 Nov 2026"))
        #expect(has("6 open tickets have no position yet"), "unplaced tickets are named, not silently dropped")
    }

    @Test func chartsHaveAMarkPerPointAndTheMapOneMarkPerTicket() {
        let periods = ReportFixtures.periods.count
        // 4 charts: closure rate (2 series), MTTR (4), SLA share (2), backlog (2).
        #expect(count("class=\"chart-point\"") == periods * 10)
        #expect(count("data-series=\"INC median\"") == periods)
        #expect(count("class=\"map-mark ") == ReportFixtures.marks.count)
        #expect(count("class=\"map-mark sla-breached\"") == ReportFixtures.marks.filter { $0.slaState == .breached }.count)
        #expect(count("class=\"cluster-label\"") == ReportFixtures.clusters.count, "six clusters far enough apart all get a label")
    }

    @Test func aCountryWideMapGetsAnEnlargedDetailOfItsDensestArea() {
        #expect(count("class=\"inset-mark ") == 0, "a city-wide map needs no detail")
        var input = ReportFixtures.full
        input.map.marks += (0..<10).map {
            MapMark(ticketID: "FAR\($0)", dataset: "inc", latitude: -0.0917 + Double($0) / 1000, longitude: 34.768,
                    slaState: .breached, hoursOpen: 60, cluster: "Kisumu")
        }
        input.map.clusters.append(ClusterLabel(name: "Kisumu", latitude: -0.0917, longitude: 34.768, openCount: 10))
        let page = ReportPage.html(for: input)
        #expect(count("class=\"map-mark ", in: page) == 70, "the main map still has one mark per ticket")
        #expect(count("class=\"inset-mark ", in: page) == 60, "the detail holds the Nairobi tickets, not Kisumu's")
        #expect(page.contains("<h3>Detail: within 25 km of "))
    }

    @Test func theClusterTableCountsTheMarksByState() {
        // Westlands holds the fixture's breached tickets (every sixth mark from index 3).
        #expect(has("<tr><th scope=\"row\">Westlands</th><td class=\"num\">10</td><td class=\"num\">0</td><td class=\"num\">0</td><td class=\"num\">0</td><td class=\"num\">10</td></tr>"),
                "most breached first, counts per state, then the total")
        #expect(has("<th scope=\"row\">&lt;b&gt;Ruaka&lt;/b&gt; &amp; Co</th>"), "cluster names are escaped")
    }

    @Test func aCrowdAtOnePositionStaysACompactDisc() throws {
        var crowd = (0..<400).map {
            MapMark(ticketID: "C\($0)", dataset: "inc", latitude: -1.2219, longitude: 36.8973, slaState: .within, hoursOpen: 3)
        }
        crowd.append(MapMark(ticketID: "FAR", dataset: "inc", latitude: -1.30, longitude: 36.80, slaState: .breached, hoursOpen: 60))
        var input = ReportFixtures.full
        input.map = ReportMap(marks: crowd, clusters: [])
        let page = ReportPage.html(for: input)
        let centre = MapProjection(points: crowd.map { ($0.latitude, $0.longitude) }).project(lat: -1.2219, lng: 36.8973)
        let pattern = try Regex(#"<circle cx="([-0-9.]+)" cy="([-0-9.]+)"[^>]*class="map-mark sla-within""#)
        let distances = page.matches(of: pattern).map { match -> Double in
            let x = Double(match.output[1].substring!)!, y = Double(match.output[2].substring!)!
            return ((x - centre.x) * (x - centre.x) + (y - centre.y) * (y - centre.y)).squareRoot()
        }
        #expect(distances.count == 400, "one mark per ticket, however crowded")
        #expect((distances.max() ?? 99) <= 24.5, "the crowd stays within 24 px of its position")
        let positions = Set(page.matches(of: pattern).map { "\($0.output[1].substring!),\($0.output[2].substring!)" })
        #expect(positions.count == 400, "and no two marks are stacked on one spot")
    }

    @Test func aGapInASeriesDrawsNoPointAndBreaksTheLine() {
        var input = ReportFixtures.full
        input.trends = [ReportFixtures.trend("inc", slaHours: 48, scale: 1)]
        input.trends[0].points[5].closureRate = nil
        let page = ReportPage.html(for: input)
        #expect(count("data-series=\"INC\" data-period", in: page) == ReportFixtures.periods.count * 3 - 1)
        #expect(!page.contains("data-series=\"INC\" data-period=\"2026-11-21\" fill"), "no closure-rate mark on the gap")
    }

    @Test func emptyDataSaysSoInEverySection() {
        let page = ReportPage.html(for: ReportFixtures.empty)
        #expect(count("No data for this range.", in: page) == 3 && page.contains("No backlog history"), "each chart says it has no data")
        #expect(page.contains("No open tickets with a position right now."))
        #expect(page.contains("No closures were observed in this range."))
        #expect(page.contains("nothing ingested yet"))
        #expect(count("class=\"chart-point\"", in: page) == 0)
        #expect(count("class=\"map-mark", in: page) == 0)
        #expect(page.contains(">–<"), "a rate with nothing opened is a dash, not 0%")
    }

    @Test func renderingIsDeterministic() {
        #expect(ReportPage.html(for: ReportFixtures.full) == html, "same input, same bytes")
    }

    @Test func formatsAreLocaleFree() {
        #expect(ReportFormat.count(0) == "0")
        #expect(ReportFormat.count(-1234567) == "-1,234,567")
        #expect(ReportFormat.percent(1) == "100%")
        #expect(ReportFormat.percent(0.0004) == "0%")
        #expect(ReportFormat.percent(nil) == "–")
        #expect(ReportFormat.hours(99.96) == "100 h")
        #expect(ReportFormat.hours(0.04) == "0 h")
        #expect(ReportFormat.decimal(-0.04, places: 1) == "0")
        #expect(svgNumber(12.345) == "12.35" || svgNumber(12.345) == "12.34")
        #expect(svgNumber(-0.5) == "-0.5")
        #expect(svgNumber(3) == "3")
        #expect(HTMLText.escape("a\u{1}b") == "a\u{FFFD}b")
        #expect(AxisScale.niceTop(0.93) == 1 && AxisScale.niceTop(131) == 200 && AxisScale.niceTop(0) == 1)
        #expect(AxisScale.ticks(top: 200) == [0, 50, 100, 150, 200])
    }

    @Test func theProjectionKeepsEveryPointInsideTheFrame() {
        let points = ReportFixtures.marks.map { ($0.latitude, $0.longitude) }
        let projection = MapProjection(points: points)
        for (lat, lng) in points {
            let (x, y) = projection.project(lat: lat, lng: lng)
            #expect(x > 0 && x < projection.width && y > 0 && y < projection.height)
        }
        // One point alone still gets a frame of about 2 km.
        let single = MapProjection(points: [(-1.2, 36.8)])
        #expect(single.pixelsPerKilometre > 100 && single.pixelsPerKilometre < 1000)
    }

    @Test func aRangeNoticeIsShownOnThePageAndInTheSummary() {
        #expect(!has("range-notice"), "no notice when the range holds the data")
        var input = ReportFixtures.full
        input.notice = .movedToNewestData(days: 30, newest: "2026-06-17")
        let page = ReportPage.html(for: input)
        #expect(page.contains("<p class=\"notice\" id=\"range-notice\">No data in the last 30 days; showing the 30 days to 2026-06-17, the newest data.</p>"))
        #expect(ReportPage.summary(for: input).hasPrefix("No data in the last 30 days"))
        input.notice = .noDataInRange(newest: "2026-06-17")
        #expect(ReportPage.html(for: input).contains("the newest data is from 2026-06-17"))
    }
}

/// The quality section: one column per dataset, each figure in its row, absent without figures.
@Suite struct ReportQualityTests {
    @Test func theQualityFiguresAreShownPerDataset() {
        var input = ReportFixtures.full
        input.quality = [
            "inc": DatasetQuality(day: "2026-11-29", contentLagSeconds: 1800, rowsRead: 9, rows: 5, rowsWithoutCluster: 1,
                                  rowsWithUnknownCluster: 2, unparsedTimestamps: 2, dropped: ["alarm": 1, "missing_ticket_id": 1],
                                  open: 5, openWithoutPosition: 3),
            "crq": DatasetQuality(day: "2026-11-29", contentLagSeconds: 600, rows: 4, open: 2),
        ]
        let page = ReportPage.html(for: input)
        #expect(page.contains("<section id=\"quality\"><h2>Data quality</h2>"))
        #expect(page.contains("<th scope=\"col\" class=\"num\">INC</th><th scope=\"col\" class=\"num\">CRQ</th>"), "datasets in display order")
        #expect(page.contains("<tr data-figure=\"rows_without_cluster\"><th scope=\"row\">… without a cluster</th><td class=\"num\"><strong>1 (20%)</strong></td><td class=\"num\">0 (0%)</td></tr>"))
        #expect(page.contains("<tr data-figure=\"content_lag_seconds\"><th scope=\"row\">Content lag (now − newest last seen)</th><td class=\"num\">30 min</td><td class=\"num\">10 min</td></tr>"))
        #expect(page.contains("<td class=\"num\">1 alarm<br>1 missing ticket id</td><td class=\"num\">0</td>"))
        #expect(page.contains("<tr data-figure=\"open_without_position\"><th scope=\"row\">Open tickets without a position</th><td class=\"num\"><strong>3 (60%)</strong></td>"))
        #expect(!ReportPage.html(for: ReportFixtures.full).contains("id=\"quality\""), "no figures, no section")
    }
}
