import Foundation

/// A change-stream key whose name carries its export time: `…/changes/YYYY-MM-DDTHH-MM-SS.csv`.
///
/// Keys order by that time (East Africa Time, UTC+03:00, no daylight saving). The fixed-width
/// stamp also orders correctly as text, which is what makes the stored watermark comparable.
public struct ChangeKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The full key, e.g. `automations/inc/changes/2026-06-15T17-00-00.csv`.
    public let key: String
    /// The stamp as written in the name, e.g. `2026-06-15T17-00-00`.
    public let stamp: String
    /// The export time the stamp denotes.
    public let exportedAt: Date

    /// Parses `key` if its last path component is `YYYY-MM-DDTHH-MM-SS.csv`; nil otherwise.
    public init?(_ key: String) {
        let name = key.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? key
        guard name.hasSuffix(".csv") else { return nil }
        let stamp = String(name.dropLast(4))
        guard let date = ChangeKey.date(fromStamp: stamp) else { return nil }
        self.key = key
        self.stamp = stamp
        self.exportedAt = date
    }

    /// Stands in for a loose file whose name carries no stamp (orders first).
    static let unnamed = ChangeKey("unnamed/1970-01-01T03-00-00.csv")!

    public static func < (lhs: ChangeKey, rhs: ChangeKey) -> Bool {
        (lhs.stamp, lhs.key) < (rhs.stamp, rhs.key)
    }

    public var description: String { key }

    /// The watermark after applying `key`: the later of the two, never moving backwards.
    /// A key whose name carries no stamp never moves it.
    public static func watermark(_ current: String?, advancedTo key: String) -> String? {
        guard let next = ChangeKey(key) else { return current }
        guard let current, let now = ChangeKey(current) else { return key }
        return next.stamp > now.stamp ? key : current
    }

    /// The stamp for a moment, as the export writes it (EAT).
    public static func stamp(for date: Date) -> String {
        let t = EAT.components(of: date)
        return String(format: "%04d-%02d-%02dT%02d-%02d-%02d", t.year, t.month, t.day, t.hour, t.minute, t.second)
    }

    /// `YYYY-MM-DDTHH-MM-SS` in EAT → a moment; nil for anything else.
    static func date(fromStamp s: String) -> Date? {
        let b = Array(s.utf8)
        guard b.count == 19, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
              b[13] == UInt8(ascii: "-"), b[16] == UInt8(ascii: "-") else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                let d = Int(b[i]) - 48
                guard d >= 0, d <= 9 else { return nil }
                v = v * 10 + d
            }
            return v
        }
        guard let y = num(0..<4), let mo = num(5..<7), let d = num(8..<10),
              let h = num(11..<13), let mi = num(14..<16), let se = num(17..<19),
              (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, se < 60 else { return nil }
        return EAT.date(year: y, month: mo, day: d, hour: h, minute: mi, second: se)
    }
}

/// East Africa Time: UTC+03:00 all year. Fixed arithmetic, no calendar objects on hot paths.
public enum EAT {
    /// Seconds east of UTC.
    public static let offset = 3 * 3600

    /// The moment of an EAT wall-clock time.
    public static func date(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) -> Date {
        let days = daysFromCivil(year: year, month: month, day: day)
        let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: TimeInterval(secs))
    }

    /// The EAT wall-clock fields of a moment.
    public static func components(of date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let secs = Int(date.timeIntervalSince1970.rounded(.down)) + offset
        let days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
        let rem = secs - days * 86_400
        let (y, m, d) = civilFromDays(days)
        return (y, m, d, rem / 3600, rem % 3600 / 60, rem % 60)
    }

    // Howard Hinnant's days-from-civil algorithms: exact for the proleptic Gregorian calendar.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
