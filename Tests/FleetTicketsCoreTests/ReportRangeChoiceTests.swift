import FleetTicketsCore
import Foundation
import Testing

/// The report finds its data: a default range with none of the newest data moves to it, a given one stays and says where the data is.
@Suite struct ReportRangeChoiceTests {
    let june17 = EATDay("2026-06-17")!

    @Test func aDefaultRangeWithoutTheNewestDataEndsAtIt() {
        let choice = ReportRangeChoice.choose(request: ReportRequest(), resolvedFrom: "2026-11-07", resolvedTo: "2026-12-06", newest: june17)
        #expect(choice.from == "2026-05-19" && choice.to == "2026-06-17", "30 days, ending at the newest data")
        #expect(choice.notice == .movedToNewestData(days: 30, newest: "2026-06-17"))
        #expect(choice.notice?.sentence == "No data in the last 30 days; showing the 30 days to 2026-06-17, the newest data.")
    }

    @Test func aRangeHoldingTheNewestDataStands() {
        for newest in ["2026-11-07", "2026-12-01", "2026-12-06", "2026-12-07"] {
            let choice = ReportRangeChoice.choose(request: ReportRequest(), resolvedFrom: "2026-11-07", resolvedTo: "2026-12-06", newest: EATDay(newest))
            #expect(choice.from == "2026-11-07" && choice.to == "2026-12-06" && choice.notice == nil, "newest \(newest)")
        }
        let nothingIngested = ReportRangeChoice.choose(request: ReportRequest(), resolvedFrom: "2026-11-07", resolvedTo: "2026-12-06", newest: nil)
        #expect(nothingIngested.to == "2026-12-06" && nothingIngested.notice == nil)
    }

    @Test func givenDaysAreHonouredAndTheEmptyRangeSaysWhereTheDataIs() {
        for request in [ReportRequest(from: "2026-11-01", to: "2026-11-30"), ReportRequest(from: "2026-11-01"), ReportRequest(to: "2026-12-06")] {
            let choice = ReportRangeChoice.choose(request: request, resolvedFrom: request.from ?? "2026-11-07",
                                                  resolvedTo: request.to ?? "2026-12-06", newest: june17)
            #expect(choice.from == (request.from ?? "2026-11-07") && choice.to == (request.to ?? "2026-12-06"))
            #expect(choice.notice == .noDataInRange(newest: "2026-06-17"))
            #expect(choice.notice?.sentence.contains("the newest data is from 2026-06-17") == true)
        }
    }

    @Test func theNewestDayIsTheNewestExportOfAnyDatasetInEAT() {
        func figures(_ exported: Date?) -> HeadlineFigures {
            HeadlineFigures(dataset: "inc", slaHours: 48, openNow: 0, breachedNow: 0, atRiskNow: 0, unknownNow: 0, unplacedNow: 0,
                            openedInRange: 0, closedInRange: 0, closureRate: nil, mttrMedianHours: nil, mttrP90Hours: nil,
                            withinSLAShare: nil, lastExportedAt: exported, lastAppliedAt: exported)
        }
        // 2026-06-17 22:30 UTC is 2026-06-18 01:30 EAT.
        let late = EATMoment(year: 2026, month: 6, day: 18, hour: 1, minute: 30)!.date
        let early = EATMoment(year: 2026, month: 6, day: 10, hour: 9)!.date
        #expect(ReportRangeChoice.newestDay(of: [figures(early), figures(late), figures(nil)]) == EATDay("2026-06-18"))
        #expect(ReportRangeChoice.newestDay(of: [figures(nil)]) == nil)
    }
}
