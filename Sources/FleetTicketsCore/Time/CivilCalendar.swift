/// The proleptic Gregorian calendar as integer arithmetic: which dates exist, and the day
/// number of a date. The calendar PostgreSQL and Foundation's `Calendar(identifier: .gregorian)`
/// use for every year this code meets, so all three agree on which texts name a real date.
///
/// Days are numbered from 1970-01-01 (day 0), negative before it. No objects, no locks: these
/// run per timestamp on the ingest's hot path.
@usableFromInline
enum CivilCalendar {
    /// Years a four-digit text can name that exist: there is no year 0.
    @usableFromInline static let years = 1...9999

    /// Every fourth year, except centuries not divisible by 400.
    @inlinable
    static func isLeap(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// Days in `month` (1…12) of `year`.
    @inlinable
    static func daysIn(month: Int, of year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Whether `year-month-day` is a date of the calendar (year 1…9999).
    @inlinable
    static func isDate(year: Int, month: Int, day: Int) -> Bool {
        years.contains(year) && (1...12).contains(month) && day >= 1 && day <= daysIn(month: month, of: year)
    }

    /// Whether `hour:minute:second` is a time of a day: 00:00:00…23:59:59 (no leap second, no 24:00).
    @inlinable
    static func isTime(hour: Int, minute: Int, second: Int) -> Bool {
        (0..<24).contains(hour) && (0..<60).contains(minute) && (0..<60).contains(second)
    }

    /// The day number of a date. Fields out of range roll over (month 13 is January of the next
    /// year, day 0 the last of the month before), which date arithmetic relies on.
    // Howard Hinnant's days-from-civil algorithm, exact for the proleptic Gregorian calendar.
    static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        // Bring the month into 1…12 first: the algorithm needs it there.
        let shifted = month - 1
        let yearCarry = shifted >= 0 ? shifted / 12 : (shifted - 11) / 12
        let m = shifted - yearCarry * 12 + 1
        let y0 = year + yearCarry
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date of a day number.
    // Howard Hinnant's civil-from-days algorithm.
    static func date(ofDay number: Int) -> (year: Int, month: Int, day: Int) {
        let z = number + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// 1 = Sunday … 7 = Saturday (Foundation's numbering); day 0, 1970-01-01, was a Thursday.
    static func weekday(ofDay number: Int) -> Int {
        let fromSunday = (number + 4) % 7
        return (fromSunday < 0 ? fromSunday + 7 : fromSunday) + 1
    }

    /// `a / b` rounded towards minus infinity (`b` > 0), so times before 1970 fall in the right day.
    static func floorDivide(_ a: Int, _ b: Int) -> (quotient: Int, remainder: Int) {
        let q = a >= 0 ? a / b : (a - b + 1) / b
        return (q, a - q * b)
    }
}
