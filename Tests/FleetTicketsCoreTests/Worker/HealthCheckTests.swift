import FleetTicketsCore
import FleetTicketsTesting
import Foundation
import Testing

/// `status --check`'s judgement: behind, stale (against the export schedule), stopped, late.
@Suite struct HealthCheckTests {
    let check = HealthCheck(maxAge: 45 * 60)

    func at(_ day: Int, _ hour: Int, _ minute: Int = 0) -> Date { EAT.date(year: 2026, month: 6, day: day, hour: hour, minute: minute) }

    func status(newest: Date?, pending: [String] = [], late: [String] = []) -> DatasetStatus {
        var s = DatasetStatus(dataset: "inc")
        s.watermarkExportedAt = newest
        s.pending = pending
        s.late = late
        return s
    }

    @Test func theLatestSlotFollowsTheExportDayAndSkipsTheNight() {
        let schedule = ExportSchedule.upstream
        #expect(schedule.latestSlot(atOrBefore: at(15, 9, 59)) == at(15, 9, 40))
        #expect(schedule.latestSlot(atOrBefore: at(15, 6, 0)) == at(15, 6, 0))
        #expect(schedule.latestSlot(atOrBefore: at(15, 23, 0)) == at(15, 20, 40))
        #expect(schedule.latestSlot(atOrBefore: at(15, 5, 59)) == at(14, 20, 40), "before 06:00 the last slot is yesterday's")
    }

    @Test func quietAtNightAndBeforeTheFirstExportIsDue() {
        let lastEvening = at(14, 20, 40)
        #expect(check.problems(status(newest: lastEvening), now: at(15, 2, 0)).isEmpty)
        #expect(check.problems(status(newest: lastEvening), now: at(15, 6, 44)).isEmpty, "the 06:00 export has 45 min to arrive")
        let stale = check.problems(status(newest: lastEvening), now: at(15, 6, 46))
        #expect(stale.map(\.kind) == [.stale])
        #expect(stale.first?.description.hasPrefix("inc: STALE: the newest export applied is from") == true)
    }

    @Test func staleDuringTheDayOnlyOnceAnExportIsOverdue() {
        #expect(check.problems(status(newest: at(15, 9, 0)), now: at(15, 9, 50)).isEmpty, "09:20 is due at 10:05")
        #expect(check.problems(status(newest: at(15, 9, 0)), now: at(15, 10, 6)).map(\.kind) == [.stale])
    }

    @Test func behindWhenAFileWaitsLongerThanTheMaxAge() {
        let waiting = [Fixtures.key(.inc, hour: 9, minute: 20), Fixtures.key(.inc, hour: 9, minute: 40)]
        let problems = check.problems(status(newest: at(15, 9, 0), pending: waiting), now: at(15, 10, 15))
        #expect(problems.map(\.kind) == [.behind], "behind explains the staleness; one line, not two")
        #expect(problems.first?.message.hasPrefix("1 file waiting longer than 45 min, the oldest \(waiting[0])") == true)
        #expect(check.problems(status(newest: at(15, 9, 0), pending: waiting), now: at(15, 9, 50)).isEmpty, "fresh files are not behind")
    }

    @Test func stoppedAndLateAreProblemsAndAnUnlistedSourceIsUnchecked() {
        var s = status(newest: at(15, 9, 0), late: [Fixtures.key(.inc, hour: 8)])
        s.stoppedBy = IngestRun(dataset: "inc", startedAt: at(15, 9, 21), finishedAt: at(15, 9, 21), mode: .worker, applied: true,
                                outcome: .dataError, error: "The inc file … cannot be decoded at line 3", errorKey: Fixtures.key(.inc, hour: 9, minute: 20))
        #expect(check.problems(s, now: at(15, 9, 30)).map(\.kind) == [.stopped, .late])
        s.pending = nil
        s.sourceNote = "could not list memory"
        #expect(check.problems(s, now: at(15, 9, 30)).map(\.kind) == [.stopped, .unchecked], "late needs the listing too")
    }

    @Test func durationsAcceptTheUsualShorthands() {
        #expect(HealthCheck.parseDuration("45m") == 2_700)
        #expect(HealthCheck.parseDuration("2h") == 7_200)
        #expect(HealthCheck.parseDuration("90s") == 90)
        #expect(HealthCheck.parseDuration("1h30m") == 5_400)
        #expect(HealthCheck.parseDuration("120") == 120)
        #expect(HealthCheck.parseDuration("0.5s") == 0.5)
        for bad in ["", "m", "45x", "45m3", "-5m"] { #expect(HealthCheck.parseDuration(bad) == nil, "\(bad)") }
    }

    @Test func aLaterGoodRunClearsAStopButBusyAndDependencyFailuresDoNot() async throws {
        let store = InMemoryTicketStore()
        func run(_ minute: Int, _ outcome: IngestRun.Outcome) -> IngestRun {
            IngestRun(dataset: "inc", startedAt: at(15, 9, minute), finishedAt: at(15, 9, minute), mode: .cli, applied: true, outcome: outcome)
        }
        try await store.record(run(1, .ok))
        try await store.record(run(2, .dataError))
        try await store.record(run(3, .dependencyError))
        try await store.record(run(4, .busy))
        var s = DatasetStatus(dataset: "inc")
        try await s.readRuns(from: store, dataset: .inc)
        #expect(s.stoppedBy?.startedAt == at(15, 9, 2))
        #expect(s.lastRun?.outcome == .busy)
        #expect(s.lastFailedRun?.outcome == .dependencyError)
        #expect(s.lockHolder == nil)
        try await store.record(run(5, .ok))
        try await s.readRuns(from: store, dataset: .inc)
        #expect(s.stoppedBy == nil)
        let holder = try await store.withExclusiveAccess(to: .inc) { try await store.lockHolder(of: .inc) }
        #expect(holder??.pid == Int(ProcessInfo.processInfo.processIdentifier))
    }
}

/// The progress line: step i of N, rows per second, time left.
@Suite struct ProgressMeterTests {
    @Test func ingestShowsFileRowsRateAndTimeLeftByBytes() {
        var meter = ProgressMeter()
        #expect(meter.line(at: 0) == nil)
        meter.update(ProgressEvent(task: "ingest inc", unit: "file", step: 3, steps: 4, item: "automations/inc/changes/2026-06-15T09-00-00.csv",
                                   bytesDone: 2_000, bytesTotal: 4_000, rowsDone: 20_000, finished: true), at: 0)
        #expect(meter.line(at: 4) == "ingest inc: file 3 of 4 (2026-06-15T09-00-00.csv) · 20,000 rows · 5,000 rows/s · ~4 s left")
    }

    @Test func geocodingShowsStepsPerSecondAndTimeLeftBySteps() {
        var meter = ProgressMeter()
        meter.update(ProgressEvent(task: "geocode locations", unit: "place", step: 11, steps: 40, item: "Kasarani Mwiki"), at: 10)
        #expect(meter.line(at: 20) == "geocode locations: place 11 of 40 (Kasarani Mwiki) · 1.0 places/s · ~30 s left")
    }

    @Test func aLargeFileInFlightCountsItsLiveTally() {
        let tally = FileTally()
        var meter = ProgressMeter()
        var event = ProgressEvent(task: "ingest inc", unit: "file", step: 1, steps: 1, bytesDone: 0, bytesTotal: 0)
        event.tally = tally
        meter.update(event, at: 0)
        #expect(meter.line(at: 0) == "ingest inc: file 1 of 1 · 0 rows")
    }
}
