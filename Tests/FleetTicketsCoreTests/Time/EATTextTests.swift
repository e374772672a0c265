import FleetTicketsCore
import Foundation
import Testing

/// The texts of the EAT time component: what each shape accepts, what it writes back, and
/// that every shape refuses a moment the calendar does not have.
@Suite struct EATTextTests {
    /// 2026-06-15 17:00:00 EAT is 14:00:00 UTC.
    let fivePM = Date(timeIntervalSince1970: 1_781_532_000)

    @Test func aFileStampReadsAndWritesTheExportMoment() throws {
        let moment = try #require(EATMoment(fileStamp: "2026-06-15T17-00-00"))
        #expect(moment.date == fivePM)
        #expect(moment.fileStamp == "2026-06-15T17-00-00")
        #expect(EATMoment(fivePM) == moment)
        #expect(EATMoment(fivePM.addingTimeInterval(0.999)) == moment, "the fraction of a second is dropped")
    }

    @Test(arguments: [
        "2026-06-15 17-00-00", "2026-06-15T17:00:00", "2026-06-15T17-00", "2026-06-15T17-00-00Z", " 2026-06-15T17-00-00",
        "2026-6-15T17-00-00", "2026-06-15T17-0a-00", "+026-06-15T17-00-00", "",
    ])
    func aFileStampHasExactlyOneShape(_ text: String) {
        #expect(EATMoment(fileStamp: text) == nil)
    }

    @Test(arguments: [
        "2026-02-29", "2026-02-30", "2026-02-31", "2026-04-31", "2026-06-31", "2026-09-31", "2026-11-31", "2100-02-29",
        "2026-00-10", "2026-13-10", "2026-06-00", "2026-06-32", "0000-01-01",
    ])
    func everyShapeRefusesADayTheCalendarDoesNotHave(_ day: String) {
        #expect(EATDay(day) == nil)
        #expect(EATMoment(fileStamp: day + "T10-00-00") == nil)
        #expect(EATMoment(feedTimestamp: day + " 10:00:00") == nil)
        #expect(EATMoment(feedTimestamp: day + "T10:00") == nil)
        #expect(Self.export(day + " 10:00:00") == nil)
        #expect(ChangeKey("automations/inc/changes/\(day)T10-00-00.csv") == nil)
    }

    @Test(arguments: ["24-00-00", "23-60-00", "23-59-60", "99-00-00"])
    func everyShapeRefusesATimeOutsideTheDay(_ time: String) {
        let colons = time.replacingOccurrences(of: "-", with: ":")
        #expect(EATMoment(fileStamp: "2026-06-15T" + time) == nil)
        #expect(EATMoment(feedTimestamp: "2026-06-15 " + colons) == nil)
        #expect(Self.export("2026-06-15 " + colons) == nil)
    }

    @Test func leapDaysExistInLeapYearsOnly() {
        #expect(EATDay("2024-02-29") != nil)
        #expect(EATDay("2000-02-29") != nil, "divisible by 400")
        #expect(EATDay("1900-02-29") == nil, "a century not divisible by 400")
        #expect(EATDay("2026-02-28")?.adding(days: 1) == EATDay("2026-03-01"))
        #expect(EATDay("2024-02-28")?.adding(days: 1) == EATDay("2024-02-29"))
    }

    @Test func feedTimestampsTakeASpaceOrTAndOptionalSeconds() throws {
        let expected = try #require(EATMoment(year: 2026, month: 6, day: 15, hour: 17, minute: 5, second: 9))
        #expect(EATMoment(feedTimestamp: "2026-06-15 17:05:09") == expected)
        #expect(EATMoment(feedTimestamp: "2026-06-15T17:05:09") == expected)
        #expect(EATMoment(feedTimestamp: "2026-06-15 17:05") == EATMoment(year: 2026, month: 6, day: 15, hour: 17, minute: 5))
        #expect(EATMoment(feedTimestamp: "2026-06-15T17:05")?.second == 0)
        #expect(expected.feedTimestamp == "2026-06-15 17:05:09")
        for other in ["2026-06-15 17:05:09.5", "2026-06-15 17:05:09Z", "2026-06-15 17:05:09+03:00", "2026-06-15",
                      " 2026-06-15 17:05:09", "2026-06-15_17:05:09", "2026-06-15 17-05-09"] {
            #expect(EATMoment(feedTimestamp: other) == nil, "\(other)")
        }
    }

    @Test func theExportShapeIsTheSpacedOneWithSecondsOnly() throws {
        #expect(Self.export("2026-06-15 17:05:09") == EATMoment(year: 2026, month: 6, day: 15, hour: 17, minute: 5, second: 9))
        for other in ["2026-06-15T17:05:09", "2026-06-15 17:05", "2026-06-15 17:05:09 ", "2026-06-15 17:05:0x"] {
            #expect(Self.export(other) == nil, "\(other): left to the database")
        }
    }

    @Test func theUTCWallClockBorrowsAcrossMidnightMonthsAndYears() throws {
        func utc(_ text: String) throws -> [Int] {
            let c = try #require(EATMoment(feedTimestamp: text)).utcWallClock
            return [c.year, c.month, c.day, c.hour, c.minute, c.second]
        }
        #expect(try utc("2026-06-15 17:05:09") == [2026, 6, 15, 14, 5, 9])
        #expect(try utc("2026-06-15 02:59:59") == [2026, 6, 14, 23, 59, 59])
        #expect(try utc("2026-03-01 00:00:00") == [2026, 2, 28, 21, 0, 0])
        #expect(try utc("2024-03-01 01:00:00") == [2024, 2, 29, 22, 0, 0])
        #expect(try utc("2027-01-01 00:30:00") == [2026, 12, 31, 21, 30, 0])
        #expect(try utc("0001-01-01 02:00:00")[0] == 0, "the instant is in 1 BC")
    }

    @Test func daysReadWriteOrderAndCount() throws {
        let day = try #require(EATDay("2026-06-15"))
        #expect(day.description == "2026-06-15")
        #expect(day.midnight == fivePM.addingTimeInterval(-17 * 3600))
        #expect(EATDay(containing: fivePM) == day)
        #expect(EATDay(containing: day.midnight.addingTimeInterval(-1)) == EATDay("2026-06-14"), "a second before EAT midnight")
        #expect(day.adding(days: -15) == EATDay("2026-05-31"))
        #expect(day.adding(days: 200).days(since: day) == 200)
        #expect(try #require(EATDay("2026-12-31")) < #require(EATDay("2027-01-01")))
        #expect(day.weekday == 2, "a Monday")
        #expect(EATDay.today(WallClock { self.fivePM }) == day)
        for other in ["2026-6-15", "2026-06-5", "2026-06-015", "15/06/2026", "2026-06-15 ", "2026-+6-15", "20260615"] {
            #expect(EATDay(other) == nil, "\(other)")
        }
    }

    @Test func labelsAndDescriptionsAreFixedWidthEAT() throws {
        let moment = try #require(EATMoment(year: 2026, month: 1, day: 5, hour: 6, minute: 7, second: 8))
        #expect(moment.label == "2026-01-05 06:07 EAT")
        #expect(EAT.label(moment.date) == "2026-01-05 06:07 EAT")
        #expect(moment.description == "2026-01-05 06:07:08 EAT")
        #expect(moment.eatDay == EATDay("2026-01-05"))
        #expect(ChangeKey.stamp(for: moment.date) == "2026-01-05T06-07-08")
    }

    @Test func theExportScheduleRunsEveryTwentyMinutesFromSixToTwentyForty() throws {
        let day = try #require(EATDay("2026-06-15"))
        let slots = ExportSchedule.upstream.slots(on: day)
        #expect(slots.count == 45)
        #expect(slots.first?.fileStamp == "2026-06-15T06-00-00")
        #expect(slots.last?.fileStamp == "2026-06-15T20-40-00")
        #expect(zip(slots, slots.dropFirst()).allSatisfy { $1.date.timeIntervalSince($0.date) == 20 * 60 })
        // Every slot is its own latest slot, and a minute before the first is yesterday's last.
        for slot in slots { #expect(ExportSchedule.upstream.latestSlot(atOrBefore: slot.date) == slot.date) }
        let yesterday = ExportSchedule.upstream.slots(on: day.adding(days: -1)).last!
        #expect(ExportSchedule.upstream.latestSlot(atOrBefore: slots[0].date.addingTimeInterval(-60)) == yesterday.date)
        let odd = ExportSchedule(firstMinute: -5, lastMinute: 2000, everyMinutes: 0)
        #expect(odd.firstMinute == 0 && odd.lastMinute == 1439 && odd.everyMinutes == 1, "kept within the day")
        #expect(odd.slots(on: day).count == 1440)
    }

    static func export(_ text: String) -> EATMoment? {
        Array(text.utf8).withUnsafeBufferPointer { EATMoment(exportTimestamp: $0) }
    }
}
