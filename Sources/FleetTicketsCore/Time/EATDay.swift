import Foundation

/// A calendar day in EAT, `YYYY-MM-DD`: the dashboard's, the report's and the trends' days.
///
/// Every value is a day the calendar has (year 1…9999). Days order and count by the calendar,
/// without `Date` arithmetic, so adding days never slips across a midnight.
public struct EATDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 1…9999.
    public let year: Int
    /// 1…12.
    public let month: Int
    /// 1…28, 29, 30 or 31, as the month has.
    public let day: Int

    @usableFromInline
    init(checked year: Int, _ month: Int, _ day: Int) {
        (self.year, self.month, self.day) = (year, month, day)
    }

    /// The day of these fields; nil when the calendar has no such day (`2026-02-30`).
    public init?(year: Int, month: Int, day: Int) {
        guard CivilCalendar.isDate(year: year, month: month, day: day) else { return nil }
        self.init(checked: year, month, day)
    }

    /// A day written `YYYY-MM-DD` (`2026-06-15`: four, two and two digits); nil for any other
    /// text (surrounding spaces included) or a day the calendar does not have.
    public init?(_ text: some StringProtocol) {
        let day = FixedWidthText.withBytes(text) { b -> EATDay? in
            guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), let y = FixedWidthText.digits(b, 0, 4),
                  let m = FixedWidthText.digits(b, 5, 2), let d = FixedWidthText.digits(b, 8, 2) else { return nil }
            return EATDay(year: y, month: m, day: d)
        }
        guard let day else { return nil }
        self = day
    }

    /// The EAT day that contains `date`.
    public init(containing date: Date) {
        self.init(dayNumber: EAT.dayAndSecond(of: date).day)
    }

    /// Today in EAT by `clock`.
    public static func today(_ clock: WallClock = .system) -> EATDay {
        EATDay(containing: clock.now)
    }

    /// The EAT midnight that starts the day.
    public var midnight: Date { EAT.instant(day: dayNumber, second: 0) }

    /// The day `days` days later (earlier when negative).
    public func adding(days: Int) -> EATDay {
        EATDay(dayNumber: dayNumber + days)
    }

    /// Days from `other` to this day: 0 for the same day, negative when `other` is later.
    public func days(since other: EATDay) -> Int {
        dayNumber - other.dayNumber
    }

    /// 1 = Sunday … 7 = Saturday, as Foundation's `Calendar` numbers weekdays.
    public var weekday: Int { CivilCalendar.weekday(ofDay: dayNumber) }

    /// `2026-06-15`.
    public var description: String {
        FixedWidthText.string(capacity: 10) { write(into: &$0) }
    }

    public static func < (a: EATDay, b: EATDay) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// Days since 1970-01-01.
    var dayNumber: Int { CivilCalendar.dayNumber(year: year, month: month, day: day) }

    init(dayNumber: Int) {
        let (y, m, d) = CivilCalendar.date(ofDay: dayNumber)
        self.init(checked: y, m, d)
    }

    func write(into out: inout [UInt8]) {
        FixedWidthText.append(year, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        FixedWidthText.append(month, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        FixedWidthText.append(day, width: 2, to: &out)
    }
}
