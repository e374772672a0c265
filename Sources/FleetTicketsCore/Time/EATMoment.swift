import Foundation

/// A moment as an EAT wall clock shows it, to the second: `2026-06-15 17:00:00` in Nairobi.
///
/// Every value names a real moment: the initialisers refuse a date the calendar does not have
/// (`2026-02-30`, `2025-02-29`, year 0) and a time outside 00:00:00…23:59:59, so whatever reads
/// a text through this type refuses those too. The texts it reads and writes are in
/// `EATMoment+Texts.swift` and docs/time.md.
public struct EATMoment: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 1…9999.
    public let year: Int
    /// 1…12.
    public let month: Int
    /// 1…28, 29, 30 or 31, as the month has.
    public let day: Int
    /// 0…23.
    public let hour: Int
    /// 0…59.
    public let minute: Int
    /// 0…59.
    public let second: Int

    /// Fields already checked (or produced by the calendar arithmetic).
    @usableFromInline
    init(checked year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int) {
        (self.year, self.month, self.day, self.hour, self.minute, self.second) = (year, month, day, hour, minute, second)
    }

    /// The moment of these EAT wall-clock fields; nil when they name none (a day the month does
    /// not have, hour 24, minute or second 60, year 0 or above 9999).
    @inlinable
    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        guard CivilCalendar.isDate(year: year, month: month, day: day),
              CivilCalendar.isTime(hour: hour, minute: minute, second: second) else { return nil }
        self.init(checked: year, month, day, hour, minute, second)
    }

    /// The EAT wall-clock second that contains `date` (its fraction of a second dropped).
    public init(_ date: Date) {
        let c = EAT.components(of: date)
        self.init(checked: c.year, c.month, c.day, c.hour, c.minute, c.second)
    }

    /// The instant.
    public var date: Date {
        EAT.instant(day: CivilCalendar.dayNumber(year: year, month: month, day: day), second: hour * 3600 + minute * 60 + second)
    }

    /// The EAT day it falls on.
    public var eatDay: EATDay { EATDay(checked: year, month, day) }

    /// The same instant's wall clock at UTC, three hours earlier, borrowing a day (month, year)
    /// across midnight. For writers of UTC text that must not go through `Date` (the ingest's
    /// COPY rows); `year` is 0 for the first three hours of 0001-01-01, which UTC text cannot
    /// write as a year of the calendar.
    @inlinable
    public var utcWallClock: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        var (year, month, day, hour) = (self.year, self.month, self.day, self.hour - EAT.offset / 3600)
        if hour < 0 {
            hour += 24
            day -= 1
            if day == 0 {
                month -= 1
                if month == 0 {
                    month = 12
                    year -= 1
                }
                day = CivilCalendar.daysIn(month: month, of: year)
            }
        }
        return (year, month, day, hour, minute, second)
    }

    public static func < (a: EATMoment, b: EATMoment) -> Bool {
        (a.year, a.month, a.day, a.hour, a.minute, a.second) < (b.year, b.month, b.day, b.hour, b.minute, b.second)
    }

    /// `2026-06-15 17:00:00 EAT`.
    public var description: String { feedTimestamp + " EAT" }
}
