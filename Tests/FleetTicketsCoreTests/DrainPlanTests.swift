import FleetTicketsCore
import Testing

@Suite struct DrainPlanTests {
    func object(_ stamp: String, _ dataset: Dataset = .inc) -> SourceObject {
        SourceObject(key: dataset.changesPrefix + stamp + ".csv", size: 10)
    }

    @Test func splitsAListingIntoFreshLateUnarchivedAndStray() {
        let listing = [
            object("2026-06-15T10-00-00"), object("2026-06-15T08-00-00"), object("2026-06-15T09-00-00"),
            object("2026-06-15T09-20-00"), SourceObject(key: "automations/inc/changes/notes.txt", size: 1),
            object("2026-06-15T11-00-00", .crq),
        ]
        let plan = DrainPlan.make(listing, dataset: .inc, watermark: "automations/inc/changes/2026-06-15T09-20-00.csv",
                                  applied: ["automations/inc/changes/2026-06-15T09-20-00.csv"], reseed: false, includeLate: false)
        #expect(plan.toApply.map(\.key.stamp) == ["2026-06-15T10-00-00"])
        #expect(plan.late == ["automations/inc/changes/2026-06-15T08-00-00.csv", "automations/inc/changes/2026-06-15T09-00-00.csv"])
        #expect(plan.unarchived == ["automations/inc/changes/2026-06-15T09-20-00.csv"])
        #expect(plan.stray == ["automations/inc/changes/notes.txt"])
    }

    @Test func reseedTakesEverythingInOrder() {
        let listing = [object("2026-06-15T10-00-00"), object("2026-06-15T08-00-00")]
        let plan = DrainPlan.make(listing, dataset: .inc, watermark: "automations/inc/changes/2026-06-16T00-00-00.csv",
                                  applied: [], reseed: true, includeLate: false)
        #expect(plan.toApply.map(\.key.stamp) == ["2026-06-15T08-00-00", "2026-06-15T10-00-00"])
        #expect(plan.late.isEmpty)
    }

    @Test func aWatermarkFromAnotherPrefixStillComparesByTime() {
        // The Python tool's watermark is the same full key; compare by stamp, not by text.
        let plan = DrainPlan.make([object("2026-06-15T10-00-00")], dataset: .inc,
                                  watermark: "tickets/inc/changes/2026-06-15T09-00-00.csv",
                                  applied: [], reseed: false, includeLate: false)
        #expect(plan.toApply.count == 1)
    }
}
