import FleetTicketsCore
import Foundation
import Testing

@Suite struct ChangeKeyTests {
    @Test func parsesTheEATStampFromTheName() throws {
        let key = try #require(ChangeKey("automations/inc/changes/2026-06-15T17-00-00.csv"))
        #expect(key.stamp == "2026-06-15T17-00-00")
        #expect(key.exportedAt == Date(timeIntervalSince1970: 1_781_532_000))  // 2026-06-15 14:00:00 UTC
        #expect(ChangeKey.stamp(for: key.exportedAt) == "2026-06-15T17-00-00")
    }

    @Test(arguments: [
        "automations/inc/changes/2026-06-15T17-00-00.csv.part", "automations/inc/changes/2026-06-15 17-00-00.csv",
        "automations/inc/changes/2026-13-15T17-00-00.csv", "automations/inc/changes/latest.csv",
        "automations/inc/changes/2026-06-15T17-00.csv", "automations/inc/changes/2026-06-15T17-00-00.CSV",
    ])
    func rejectsNamesThatAreNotChangeFiles(_ key: String) {
        #expect(ChangeKey(key) == nil)
    }

    @Test func ordersByTimeAndTheWatermarkNeverMovesBack() throws {
        let a = "automations/inc/changes/2026-06-15T09-00-00.csv"
        let b = "automations/inc/changes/2026-06-15T10-20-00.csv"
        #expect(try #require(ChangeKey(a)) < #require(ChangeKey(b)))
        #expect(ChangeKey.watermark(nil, advancedTo: a) == a)
        #expect(ChangeKey.watermark(a, advancedTo: b) == b)
        #expect(ChangeKey.watermark(b, advancedTo: a) == b)
        #expect(ChangeKey.watermark(b, advancedTo: "loose.csv") == b)
    }

    @Test func eatArithmeticRoundTripsAcrossYears() {
        for (y, m, d) in [(1999, 12, 31), (2024, 2, 29), (2026, 1, 1), (2038, 7, 4)] {
            let date = EAT.date(year: y, month: m, day: d, hour: 2, minute: 30, second: 5)
            let c = EAT.components(of: date)
            let fields: [Int] = [c.year, c.month, c.day, c.hour, c.minute, c.second]
            #expect(fields == [y, m, d, 2, 30, 5])
        }
    }

    @Test func datasetsDifferOnlyByConfiguration() {
        #expect(Dataset.inc.postApplyHooks == [.captureHistory])
        #expect(Dataset.crq.postApplyHooks == [.captureCRQHistory])
        #expect(Dataset.crq.processedKey(for: "automations/crq/changes/2026-06-15T09-00-00.csv") == "automations/crq/processed/2026-06-15T09-00-00.csv")
        #expect(Dataset.named("CRQ") == .crq)
    }
}
