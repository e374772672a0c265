import Foundation

/// A typed column's value, as a store without a database computes it (`InMemoryTicketStore`).
public enum TypedValue: Sendable, Hashable {
    /// `text` and `pointSource` columns.
    case text(String)
    /// `boolean` columns.
    case boolean(Bool)
    /// `minutes` columns.
    case integer(Int)
    /// `timestamp` columns: the instant.
    case timestamp(Date)
    /// `latitude` and `longitude` columns.
    case number(Double)
    /// `point` and `geography` columns.
    case point(Coordinate)
}

extension TicketColumn {
    /// The value of a column computed from a field (`kind.isFromField`) for `raw`; nil for
    /// NULL and for the placement kinds, which need the gazetteer.
    ///
    /// The database's parsers stay the reference. These agree with them on the feed's shapes:
    /// timestamps are read in the export's `YYYY-MM-DD HH:MM[:SS]` shape only (another shape
    /// gives nil here, where the database may read it), and text is compared byte for byte.
    public func value(in raw: RawRecord) -> TypedValue? {
        guard let field, let text = raw[field] else { return nil }
        switch kind {
        case .text:
            let trimmed = Self.trimmed(text) { $0 == " " }
            return trimmed.isEmpty ? nil : .text(trimmed)
        case .boolean:
            return Self.boolean(text).map(TypedValue.boolean)
        case .minutes:
            return Self.minutes(text).map(TypedValue.integer)
        case .timestamp:
            return EATMoment(feedTimestamp: Self.trimmed(text, Self.isBlank)).map { .timestamp($0.date) }
        case .point, .pointSource, .latitude, .longitude, .geography:
            return nil
        }
    }

    private static func isBlank(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\r" || c == "\n" }

    private static func trimmed(_ text: String, _ blank: (Character) -> Bool) -> String {
        guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) }) else { return "" }
        return String(text[first...last])
    }

    /// The boolean spellings, trimmed of spaces, ASCII letters in any case.
    static func boolean(_ text: String) -> Bool? {
        switch trimmed(text, { $0 == " " }).lowercased() {
        case "true", "t", "yes", "y", "1": true
        case "false", "f", "no", "n", "0": false
        default: nil
        }
    }

    /// Decimal hours as whole minutes: a plain decimal (sign, digits, at most one point, at
    /// most 100 characters once trimmed of blanks), times 60, rounded half away from zero;
    /// nil for anything else and from 35,000,000 hours on.
    static func minutes(_ text: String) -> Int? {
        let trimmed = trimmed(text, isBlank)
        guard trimmed.count <= 100 else { return nil }
        var digits = trimmed.utf8[...]
        if let sign = digits.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { digits = digits.dropFirst() }
        guard digits.contains(where: { $0 >= 0x30 && $0 <= 0x39 }),
              digits.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") }),
              digits.filter({ $0 == UInt8(ascii: ".") }).count <= 1,
              let hours = Decimal(string: trimmed.hasSuffix(".") ? String(trimmed.dropLast()) : trimmed,
                                  locale: Locale(identifier: "en_US_POSIX")),
              abs(hours) < 35_000_000 else { return nil }
        var product = hours * 60, rounded = Decimal()
        NSDecimalRound(&rounded, &product, 0, .plain)
        return NSDecimalNumber(decimal: rounded).intValue
    }
}
