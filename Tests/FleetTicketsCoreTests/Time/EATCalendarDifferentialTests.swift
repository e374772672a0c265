import FleetTicketsCore
import Foundation
import Testing

/// The EAT time component against Foundation's `Calendar` in `Africa/Nairobi`, the reference
/// for what is a day and when it starts: every day of 1990–2100, every day number a short
/// month does not have, and every value of the time fields.
@Suite struct EATCalendarDifferentialTests {
    static let nairobi: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Africa/Nairobi")!
        return calendar
    }()

    static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    @Test func everyDayOf1990To2100IsAcceptedWithFoundationsInstantAndNoOtherIs() throws {
        let calendar = Self.nairobi
        var day = try #require(calendar.date(from: DateComponents(year: 1990, month: 1, day: 1)))
        let end = try #require(calendar.date(from: DateComponents(year: 2101, month: 1, day: 1)))
        // Disagreements are collected and reported together: 40,000 days of `#expect` calls
        // would cost more than the comparisons.
        var wrong: [String] = []
        func check(_ ok: Bool, _ what: @autoclosure () -> String) { if !ok { wrong.append(what()) } }
        var checked = 0, refused = 0
        var previous: EATDay?
        while day < end {
            let c = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
            let (y, m, d) = (c.year!, c.month!, c.day!)
            let text = "\(y)-\(Self.two(m))-\(Self.two(d))"
            // The day: parsed, its EAT midnight Foundation's start of the day, its weekday, its successor.
            guard let eatDay = EATDay(text) else {
                wrong.append("\(text) refused")
                break
            }
            check(eatDay.midnight == day, "\(text): midnight \(eatDay.midnight), Foundation \(day)")
            check(eatDay.description == text, "\(text) written \(eatDay)")
            check(eatDay.weekday == c.weekday!, "\(text): weekday \(eatDay.weekday), Foundation \(c.weekday!)")
            check(previous.map { $0.adding(days: 1) == eatDay } ?? true, "\(text) does not follow \(previous!)")
            check(EATDay(containing: day.addingTimeInterval(86_399)) == eatDay, "\(text): its last second")

            // A time of that day, varied from day to day so every field value occurs.
            let (h, mi, s) = (checked % 24, checked * 7 % 60, checked * 13 % 60)
            let instant = calendar.date(from: DateComponents(year: y, month: m, day: d, hour: h, minute: mi, second: s))!
            let stamp = "\(text)T\(Self.two(h))-\(Self.two(mi))-\(Self.two(s))"
            let feed = "\(text) \(Self.two(h)):\(Self.two(mi)):\(Self.two(s))"
            check(EATMoment(fileStamp: stamp)?.date == instant, "\(stamp): not \(instant)")
            check(EATMoment(feedTimestamp: feed)?.date == instant, "\(feed): not \(instant)")
            check(Array(feed.utf8).withUnsafeBufferPointer { EATMoment(exportTimestamp: $0) }?.date == instant, "export \(feed)")
            check(ChangeKey("automations/inc/changes/\(stamp).csv")?.exportedAt == instant, "key \(stamp)")
            let back = EATMoment(instant)
            check(back == EATMoment(year: y, month: m, day: d, hour: h, minute: mi, second: s), "\(instant) read back as \(back)")
            check(back.fileStamp == stamp && back.feedTimestamp == feed, "\(instant) written \(back.fileStamp), \(back.feedTimestamp)")

            // The day numbers after the month's last are refused by every reader.
            if d >= 28, d == calendar.range(of: .day, in: .month, for: day)!.count {
                for missing in stride(from: d + 1, through: 31, by: 1) {
                    let bad = "\(y)-\(Self.two(m))-\(missing)"
                    check(EATDay(bad) == nil, "\(bad) accepted as a day")
                    check(EATMoment(fileStamp: bad + "T10-00-00") == nil, "\(bad) accepted in a file stamp")
                    check(EATMoment(feedTimestamp: bad + " 10:00:00") == nil, "\(bad) accepted in a feed timestamp")
                    check(EATMoment(year: y, month: m, day: missing) == nil, "\(bad) accepted as fields")
                    refused += 1
                }
            }
            previous = eatDay
            checked += 1
            day = day.addingTimeInterval(86_400)   // Nairobi has no daylight saving: a day is 86,400 s
        }
        #expect(wrong.isEmpty, "\(wrong.count) disagreements with Foundation, e.g. \(wrong.prefix(10))")
        #expect(checked == 40_542, "111 years of days, 27 of them leap years")
        // Per year the 31st of April, June, September and November, February's 30th and 31st,
        // and its 29th outside the 27 leap years.
        #expect(refused == 111 * 4 + 27 * 2 + (111 - 27) * 3)
    }

    @Test func everyTimeOfADayAndNoOtherIsAccepted() throws {
        let calendar = Self.nairobi
        for h in 0...24 {
            for mi in 0...60 {
                for s in [0, 1, 30, 59, 60] {
                    let stamp = "2026-06-15T\(Self.two(h))-\(Self.two(mi))-\(Self.two(s))"
                    let feed = "2026-06-15 \(Self.two(h)):\(Self.two(mi)):\(Self.two(s))"
                    guard h < 24, mi < 60, s < 60 else {
                        #expect(EATMoment(fileStamp: stamp) == nil, "\(stamp)")
                        #expect(EATMoment(feedTimestamp: feed) == nil, "\(feed)")
                        continue
                    }
                    let instant = calendar.date(from: DateComponents(year: 2026, month: 6, day: 15, hour: h, minute: mi, second: s))
                    #expect(EATMoment(fileStamp: stamp)?.date == instant, "\(stamp)")
                    #expect(EATMoment(feedTimestamp: feed)?.date == instant, "\(feed)")
                }
            }
        }
    }
}
