import FleetTicketsCore
import Testing

/// The report's flags, checked before any database is touched.
@Suite struct ReportRequestTests {
    @Test func goodFlagsMakeARequest() throws {
        let request = try ReportRequest(dataset: "CRQ", from: "2026-11-01", to: "2026-11-30")
        #expect(request == ReportRequest(datasets: .crq, from: "2026-11-01", to: "2026-11-30"))
        #expect(try ReportRequest(dataset: "all", from: nil, to: nil).datasets.names == ["inc", "crq"])
        #expect(try ReportRequest(dataset: "inc", from: "2026-11-30", to: "2026-11-30").from == "2026-11-30", "one day is a range")
    }

    @Test(arguments: [
        ("xyz", nil, nil, "Unknown dataset 'xyz': pass inc, crq or all."),
        ("all", "2026-02-30", nil, "--from '2026-02-30' is not a day"),
        ("all", nil, "30/11/2026", "--to '30/11/2026' is not a day"),
        ("all", "2026-11-5", nil, "--from '2026-11-5' is not a day"),
        ("all", "2026-12-01", "2026-11-30", "The range starts (2026-12-01) after it ends (2026-11-30)"),
    ] as [(String, String?, String?, String)])
    func badFlagsSayWhatToPass(dataset: String, from: String?, to: String?, message: String) {
        #expect {
            try ReportRequest(dataset: dataset, from: from, to: to)
        } throws: { error in
            (error as? ReportRequestError)?.message.hasPrefix(message) == true
        }
    }

    @Test func longRangesAreWeekly() {
        #expect(ReportRange.grain(from: "2026-11-01", to: "2026-11-30") == .day)
        #expect(ReportRange.grain(from: "2026-10-01", to: "2026-12-01") == .day, "61 days")
        #expect(ReportRange.grain(from: "2026-01-01", to: "2026-12-31") == .week)
    }
}
