import Foundation

/// Reads and writes dispatch answers in the JSON shape of `reporting.fn_dispatch_nearest`
/// (timestamps as `2026-06-15T14:00:00+00:00`, fractional seconds only when present).
public enum DispatchJSON {
    /// Decodes the function's result (its `generated_at` and `tickets`; `query` is ignored).
    /// - Throws: `DecodingError` naming the key that does not fit.
    public static func decodeNearby(_ data: Data) throws -> NearbyTickets {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { d in
            let text = try d.singleValueContainer().decode(String.self)
            guard let date = parseTimestamp(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: d.codingPath, debugDescription: "not a timestamp: \(text)"))
            }
            return date
        }
        return try decoder.decode(NearbyTickets.self, from: data)
    }

    /// Encodes an answer as the function would (sorted keys, for stable output).
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, e in
            var c = e.singleValueContainer()
            try c.encode(formatTimestamp(date))
        }
        return try encoder.encode(value)
    }

    /// `YYYY-MM-DDTHH:MM:SS[.f…]` followed by `+00:00` or `Z` (UTC only, as `tickets.json_ts` writes);
    /// nil also for a moment the calendar does not have.
    static func parseTimestamp(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == 45, b[7] == 45, b[10] == 84 || b[10] == 32, b[13] == 58, b[16] == 58 else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r { guard (48...57).contains(b[i]) else { return nil }; v = v * 10 + Int(b[i] - 48) }
            return v
        }
        guard let y = num(0..<4), let mo = num(5..<7), let d = num(8..<10), let h = num(11..<13),
              let mi = num(14..<16), let s = num(17..<19),
              CivilCalendar.isDate(year: y, month: mo, day: d), CivilCalendar.isTime(hour: h, minute: mi, second: s) else { return nil }
        var i = 19, fraction = 0.0, scale = 0.1
        if i < b.count, b[i] == 46 {
            i += 1
            while i < b.count, (48...57).contains(b[i]) { fraction += Double(b[i] - 48) * scale; scale /= 10; i += 1 }
        }
        let zone = String(decoding: b[i...], as: UTF8.self)
        guard zone == "+00:00" || zone == "Z" || zone == "+00" else { return nil }
        let secs = CivilCalendar.dayNumber(year: y, month: mo, day: d) * 86_400 + h * 3600 + mi * 60 + s
        return Date(timeIntervalSince1970: Double(secs) + fraction)
    }

    /// The inverse of ``parseTimestamp(_:)``, to the microsecond.
    static func formatTimestamp(_ date: Date) -> String {
        let micros = Int((date.timeIntervalSince1970 * 1_000_000).rounded())
        let secs = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let frac = micros - secs * 1_000_000
        let eat = EAT.components(of: Date(timeIntervalSince1970: Double(secs - EAT.offset)))
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var out = "\(eat.year)-\(two(eat.month))-\(two(eat.day))T\(two(eat.hour)):\(two(eat.minute)):\(two(eat.second))"
        if frac != 0 {
            var f = String(frac)
            f = String(repeating: "0", count: 6 - f.count) + f
            while f.hasSuffix("0") { f.removeLast() }
            out += "." + f
        }
        return out + "+00:00"
    }
}
