import FleetTicketsCore

/// The typed columns of `tickets.inc` and `tickets.crq` that come from one field of `raw` each
/// (`TicketColumns.fromFields`, which migration 24 turned from generated columns into plain
/// ones), in the order the staging table and the apply statements list them.
///
/// The ingest computes them once per row on its side, for the shapes the feed actually sends:
/// the export's `YYYY-MM-DD HH:MM:SS` timestamps (EAT) and blanks, the exact boolean
/// spellings, plain decimal `mttr`, trimmed text. Any value in another shape makes its row
/// *server-typed*: the database computes that row's values with its own parsers
/// (`tickets.eat_ts`, `to_bool`, `nz`, `hours_to_minutes`), which stay the reference. So the
/// stored values are those the generation expressions gave, which the differential
/// integration test checks on every shape.
enum TypedColumns {
    typealias Kind = TicketColumn.Kind

    /// The columns computed from one field of `raw` (the declaration, `TicketColumns`).
    static let all = TicketColumns.fromFields
    static let names = all.map(\.name)
    static let kinds = all.map(\.kind)

    // MARK: - the fast paths (each answers nil for "only the database can say")

    /// The value as COPY text, `nil` for SQL NULL, appended to `out`; false when the value's
    /// shape is left to the database (nothing is appended then).
    static func append(_ kind: Kind, _ value: String?, to out: inout [UInt8]) -> Bool {
        guard let value else {
            // raw ->> 'key' of a missing key is NULL, and every parser maps NULL to NULL.
            CopyText.appendNull(to: &out)
            return true
        }
        if let done = value.utf8.withContiguousStorageIfAvailable({ appendFast(kind, $0, to: &out) }) {
            return done
        }
        return Array(value.utf8).withUnsafeBufferPointer { appendFast(kind, $0, to: &out) }
    }

    private static func appendFast(_ kind: Kind, _ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        switch kind {
        case .text: return appendText(bytes, to: &out)
        case .boolean: return appendBoolean(bytes, to: &out)
        case .minutes: return appendMinutes(bytes, to: &out)
        case .timestamp: return appendTimestamp(bytes, to: &out)
        case .point, .pointSource, .latitude, .longitude, .geography: preconditionFailure("not a column from a field")
        }
    }

    /// `nullif(btrim(v), '')`: btrim's default trims spaces only.
    static func appendText(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        var lo = 0, hi = bytes.count
        while lo < hi, bytes[lo] == 0x20 { lo += 1 }
        while hi > lo, bytes[hi - 1] == 0x20 { hi -= 1 }
        if lo == hi {
            CopyText.appendNull(to: &out)
            return true
        }
        return CopyText.append(UnsafeBufferPointer(rebasing: bytes[lo..<hi]), to: &out)
    }

    /// `to_bool`'s spellings, packed as `appendBoolean` packs a value.
    private static let trueWords = Set(["true", "t", "yes", "y", "1"].compactMap { packedLowercase(Array($0.utf8)) })
    private static let falseWords = Set(["false", "f", "no", "n", "0"].compactMap { packedLowercase(Array($0.utf8)) })

    /// ASCII bytes, lowercased, as one integer (their count, then the bytes), so a value is
    /// matched against the spellings without a String per value; nil for a non-ASCII byte.
    /// Only values of up to seven bytes are packed whole (the count must not shift out); a
    /// longer one, longer than every spelling, packs as its count alone, which no spelling is.
    private static func packedLowercase<C: Collection<UInt8>>(_ bytes: C) -> UInt64? {
        var word = UInt64(bytes.count)
        for b in bytes {
            guard b < 0x80 else { return nil }
            if bytes.count <= 7 { word = word << 8 | UInt64(b >= 0x41 && b <= 0x5A ? b + 0x20 : b) }
        }
        return word
    }

    /// `to_bool`: `lower(btrim(v))` against the spellings. Non-ASCII text goes to the database
    /// (its lower() follows the database's locale).
    static func appendBoolean(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        var lo = 0, hi = bytes.count
        while lo < hi, bytes[lo] == 0x20 { lo += 1 }
        while hi > lo, bytes[hi - 1] == 0x20 { hi -= 1 }
        guard hi - lo <= 5 else {
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return false }
            CopyText.appendNull(to: &out)
            return true
        }
        guard let word = Self.packedLowercase(UnsafeBufferPointer(rebasing: bytes[lo..<hi])) else { return false }
        if Self.trueWords.contains(word) {
            out.append(UInt8(ascii: "t"))
        } else if Self.falseWords.contains(word) {
            out.append(UInt8(ascii: "f"))
        } else {
            CopyText.appendNull(to: &out)
        }
        return true
    }

    /// `hours_to_minutes`: `to_num` (a `PlainDecimal` of at most 100 characters, else NULL),
    /// then `round(x * 60)` (half away from zero) when |x| < 35,000,000, else NULL. Numbers too
    /// long for exact 64-bit arithmetic go to the database.
    static func appendMinutes(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        guard let number = PlainDecimal(bytes, maxLength: 100) else {
            // Empty, blank or not a plain decimal: to_num gives NULL.
            CopyText.appendNull(to: &out)
            return true
        }
        let negative = number.negative
        var whole = number.whole.map { $0 - 0x30 }
        let fraction = number.fraction.map { $0 - 0x30 }
        while whole.first == 0 { whole.removeFirst() }
        guard whole.count + fraction.count <= 16 else { return false }
        var integer = 0
        for d in whole { integer = integer * 10 + Int(d) }
        guard integer < 35_000_000 else {
            CopyText.appendNull(to: &out)
            return true
        }
        var scale = 1, mantissa = integer
        for d in fraction {
            mantissa = mantissa * 10 + Int(d)
            scale *= 10
        }
        let sixty = mantissa * 60
        var minutes = sixty / scale
        if 2 * (sixty % scale) >= scale { minutes += 1 }
        CopyText.appendDecimal(negative && minutes != 0 ? -minutes : minutes, to: &out)
        return true
    }

    /// `eat_ts` for the export's shape `YYYY-MM-DD HH:MM:SS` naming a real EAT moment (its
    /// fast path, read by ``EATMoment/init(exportTimestamp:)``) and for blanks (NULL); every
    /// other string, an impossible date included, goes to the database. Written as the UTC
    /// instant, `YYYY-MM-DD HH:MM:SS+00`.
    static func appendTimestamp(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        if bytes.allSatisfy(PlainDecimal.isBlank) {
            CopyText.appendNull(to: &out)
            return true
        }
        guard case let (year, month, day, hour, minute, second)? = EATMoment(exportTimestamp: bytes)?.utcWallClock,
              // 0001-01-01 before 03:00 EAT is a BC instant: the database writes that one.
              year >= 1 else { return false }
        CopyText.appendDigits(year, 4, to: &out)
        out.append(UInt8(ascii: "-"))
        CopyText.appendDigits(month, 2, to: &out)
        out.append(UInt8(ascii: "-"))
        CopyText.appendDigits(day, 2, to: &out)
        out.append(0x20)
        CopyText.appendDigits(hour, 2, to: &out)
        out.append(UInt8(ascii: ":"))
        CopyText.appendDigits(minute, 2, to: &out)
        out.append(UInt8(ascii: ":"))
        CopyText.appendDigits(second, 2, to: &out)
        out.append(contentsOf: [UInt8(ascii: "+"), UInt8(ascii: "0"), UInt8(ascii: "0")])
        return true
    }
}

extension TicketColumn.Kind {
    /// The column's type in the table (and in the staging table).
    var sqlType: String {
        switch self {
        case .text, .pointSource: "text"
        case .boolean: "boolean"
        case .minutes: "integer"
        case .timestamp: "timestamp with time zone"
        case .latitude, .longitude: "double precision"
        case .point: "geometry(Point,4326)"
        case .geography: "geography(Point,4326)"
        }
    }

    /// The reference expression the database evaluates for a server-typed row, for a kind
    /// computed from one field of `raw` (jsonb).
    func reference(_ field: String) -> String {
        switch self {
        case .text: "tickets.nz(raw ->> '\(field)')"
        case .boolean: "tickets.to_bool(raw ->> '\(field)')"
        case .minutes: "tickets.hours_to_minutes(raw ->> '\(field)')"
        case .timestamp: "tickets.eat_ts(raw ->> '\(field)')"
        case .point, .pointSource, .latitude, .longitude, .geography: preconditionFailure("not a column from a field")
        }
    }
}

extension TicketColumn {
    /// `field`, for a column computed from one (every column of `TypedColumns.all`).
    var source: String {
        guard let field else { preconditionFailure("\(name) is not computed from a field") }
        return field
    }

    /// The reference expression of a column computed from a field.
    var reference: String { kind.reference(source) }
}
