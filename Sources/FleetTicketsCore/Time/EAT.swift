import Foundation

/// East Africa Time (`Africa/Nairobi`): UTC+03:00 all year, no daylight saving. The export
/// names its change files, writes its timestamps and runs its schedule on this clock, and the
/// dashboard's days are EAT days.
///
/// Fixed integer arithmetic, no `Calendar` or `TimeZone` objects: the same answers on every
/// machine whatever its own zone, and fast enough for the ingest's hot path. The values are
/// ``EATMoment`` (a wall-clock second) and ``EATDay`` (a calendar day); docs/time.md states the
/// texts they read and write.
public enum EAT {
    /// Seconds east of UTC.
    public static let offset = 3 * 3600

    /// The moment of an EAT wall-clock time. Fields out of range roll over (day 0 is the last
    /// day of the month before, hour 24 the next midnight): date arithmetic, not validation.
    /// To check that fields name a real moment, use ``EATMoment/init(year:month:day:hour:minute:second:)``.
    public static func date(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) -> Date {
        let days = CivilCalendar.dayNumber(year: year, month: month, day: day)
        return instant(day: days, second: hour * 3600 + minute * 60 + second)
    }

    /// The EAT wall-clock fields of a moment (its fraction of a second dropped).
    public static func components(of date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let (day, second) = dayAndSecond(of: date)
        let (y, m, d) = CivilCalendar.date(ofDay: day)
        return (y, m, d, second / 3600, second % 3600 / 60, second % 60)
    }

    /// `2026-06-15 20:40 EAT`: how messages for operators show a moment (minutes are enough there).
    public static func label(_ date: Date) -> String {
        EATMoment(date).label
    }

    /// The EAT day number (days since 1970-01-01) of a moment, and its second of that day (0…86,399).
    static func dayAndSecond(of date: Date) -> (day: Int, second: Int) {
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + offset
        let (day, second) = CivilCalendar.floorDivide(local, 86_400)
        return (day, second)
    }

    /// The moment `second` seconds after the EAT midnight that starts day number `day`.
    static func instant(day: Int, second: Int) -> Date {
        Date(timeIntervalSince1970: TimeInterval(day * 86_400 + second - offset))
    }
}
