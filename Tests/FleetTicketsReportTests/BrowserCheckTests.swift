import FleetTicketsCore
import FleetTicketsReport
import FleetTicketsTesting
import Foundation
import Testing

/// Where the browser check leaves the page and its screenshot: `.build/test-output/` of the package.
enum TestOutput {
    static let directory: URL = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let directory = root.appendingPathComponent(".build/test-output", isDirectory: true)
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }()
}

/// The check needs a real browser: in CI (`CI` set) a missing Chromium is a failure, not a skip.
@Test func chromiumIsInstalledInCI() {
    guard ProcessInfo.processInfo.environment["CI"] != nil else { return }
    #expect(HeadlessChromium.find() != nil,
            "CI must run the report's browser check, but no chromium is on the PATH: install Debian's chromium package (scripts/test.sh does) or set FLEETTICKETS_CHROMIUM")
}

/// The report as a browser sees it: written from the fixture, opened in headless Chromium, the
/// rendered DOM checked, a screenshot saved to `.build/test-output/report.png`.
@Suite(.enabled(if: HeadlessChromium.find() != nil, "chromium is not installed (Debian package chromium)"), .serialized)
struct BrowserCheckTests {
    let chromium = HeadlessChromium.find()!

    private func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    private func write(_ input: ReportInput, as name: String) throws -> URL {
        let page = TestOutput.directory.appendingPathComponent(name)
        try ReportPage.html(for: input).write(to: page, atomically: true, encoding: .utf8)
        return page
    }

    @Test func theRenderedPageHasEveryPointAndOneMarkPerOpenTicket() async throws {
        let input = ReportFixtures.full
        let page = try write(input, as: "report.html")
        let dom = try await chromium.renderedDOM(of: page)
        #expect(dom.contains("<h1>Field tickets report</h1>"), "Chromium rendered the page")

        // Every chart series has one point mark per period.
        let periods = ReportFixtures.periods.count
        let series = ["INC", "CRQ", "INC median", "INC 90th percentile", "CRQ median", "CRQ 90th percentile"]
        for name in series {
            let expected = name.contains(" ") ? periods : periods * 3 // plain dataset series: rate, SLA share, backlog
            #expect(count("data-series=\"\(name)\" data-period=", in: dom) == expected, "points of \(name)")
        }
        #expect(count("class=\"chart-point\"", in: dom) == periods * 10)

        // The map: exactly one mark per open ticket, each state drawn with its own class.
        #expect(count("class=\"map-mark ", in: dom) == input.map.marks.count)
        for state in SLAState.allCases {
            #expect(count("class=\"map-mark sla-\(state.rawValue)\"", in: dom) == input.map.marks.filter { $0.slaState == state }.count)
        }
        for mark in input.map.marks.prefix(5) {
            #expect(dom.contains("data-ticket=\"\(mark.ticketID)\""), "mark of \(mark.ticketID)")
        }
        #expect(count("class=\"cluster-label\"", in: dom) == input.map.clusters.count)

        // Hostile names stayed text in the browser: no script or img element was created.
        #expect(!dom.contains("<script"), "a team named <script> must be inert")
        #expect(!dom.contains("<img"))
        #expect(dom.contains("&lt;script&gt;alert('team')&lt;/script&gt;"))

        // The team tables and the headline cards made it through.
        #expect(count("<table class=\"teams\">", in: dom) == 2)
        #expect(count("data-figure=\"open_now\"", in: dom) == 2)

        try await chromium.screenshot(of: page, to: TestOutput.directory.appendingPathComponent("report.png"), height: 3600)
    }

    @Test func theEmptyReportRendersItsEmptyStates() async throws {
        let page = try write(ReportFixtures.empty, as: "report-empty.html")
        let dom = try await chromium.renderedDOM(of: page)
        #expect(count("class=\"chart-point\"", in: dom) == 0)
        #expect(count("class=\"map-mark", in: dom) == 0)
        #expect(dom.contains("No open tickets with a position right now."))
        #expect(count("No data for this range.", in: dom) == 3 && dom.contains("No backlog history for these days"))
        try await chromium.screenshot(of: page, to: TestOutput.directory.appendingPathComponent("report-empty.png"), height: 1400)
    }
}
