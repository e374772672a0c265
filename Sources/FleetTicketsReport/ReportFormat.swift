import FleetTicketsCore
import Foundation

/// How numbers and dates read on the page: fixed English forms, independent of the machine's
/// locale and time zone, so the same input gives the same page everywhere.
enum ReportFormat {
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    /// Whether a value is missing is shown by a dash, never by 0.
    static let missing = "–"

    /// `12,345`.
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// A share 0…1 as `87.5%` (one decimal; whole numbers without one).
    static func percent(_ share: Double?) -> String {
        guard let share, share.isFinite else { return missing }
        return decimal(share * 100, places: 1) + "%"
    }

    /// Hours as `7.5 h` under 100 hours and `130 h` above (a tenth of an hour is noise there).
    static func hours(_ value: Double?) -> String {
        guard let value, value.isFinite else { return missing }
        return decimal(value, places: value < 100 ? 1 : 0) + " h"
    }

    /// `value` rounded to `places` decimals, trailing `.0` dropped, thousands grouped.
    static func decimal(_ value: Double, places: Int) -> String {
        let scale = pow(10, Double(places))
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        let fraction = Int(scaled) - whole * Int(scale)
        let sign = value < 0 && scaled > 0 ? "-" : ""
        guard places > 0, fraction != 0 else { return sign + count(whole) }
        var text = String(fraction)
        while text.count < places { text = "0" + text }
        while text.hasSuffix("0") { text.removeLast() }
        return sign + count(whole) + "." + text
    }

    /// `Sun 29 Nov 2026, 14:05 EAT`.
    static func eatDateTime(_ date: Date) -> String {
        let t = EATMoment(date)
        return "\(weekdays[t.eatDay.weekday - 1]) \(t.day) \(months[t.month - 1]) \(t.year), "
            + "\(twoDigits(t.hour)):\(twoDigits(t.minute)) EAT"
    }

    /// An EAT day `YYYY-MM-DD` as `29 Nov 2026` (with the year) or `29 Nov`; the text itself
    /// when it is not such a day.
    static func day(_ iso: String, withYear: Bool = true) -> String {
        guard let day = EATDay(iso) else { return iso }
        return "\(day.day) \(months[day.month - 1])" + (withYear ? " \(day.year)" : "")
    }

    /// How long before `now` a moment was: `45 min ago`, `3.5 h ago`, `2 days ago`.
    static func age(of date: Date, at now: Date) -> String {
        let minutes = now.timeIntervalSince(date) / 60
        if minutes < 1 { return "just now" }
        if minutes < 90 { return "\(Int(minutes.rounded())) min ago" }
        let hours = minutes / 60
        if hours < 48 { return decimal(hours, places: 1) + " h ago" }
        return "\(Int((hours / 24).rounded(.down))) days ago"
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
