/// The texts an ``EATMoment`` is read from and written as. Each is fixed-width (a four-digit
/// year, two-digit fields), read from bytes without a formatter; every shape refuses a moment
/// the calendar does not have. docs/time.md lists them.
extension EATMoment {
    // MARK: - file stamps

    /// A change file's stamp, `YYYY-MM-DDTHH-MM-SS` (`2026-06-15T17-00-00`, hyphens in the
    /// time because keys are file names); nil for any other text or an impossible moment.
    public init?(fileStamp text: some StringProtocol) {
        guard let moment = FixedWidthText.withBytes(text, { Self.fileStamp($0) }) else { return nil }
        self = moment
    }

    /// The stamp a change file exported at this moment is named with: `2026-06-15T17-00-00`.
    public var fileStamp: String {
        FixedWidthText.string(capacity: 19) { write(dateTime: UInt8(ascii: "T"), time: UInt8(ascii: "-"), seconds: true, into: &$0) }
    }

    private static func fileStamp(_ bytes: UnsafeBufferPointer<UInt8>) -> EATMoment? {
        guard bytes.count == 19 else { return nil }
        return fields(bytes, dateTime: UInt8(ascii: "T"), or: UInt8(ascii: "T"), time: UInt8(ascii: "-"), seconds: true)
    }

    // MARK: - feed timestamps

    /// A feed timestamp as the in-memory store reads it: `YYYY-MM-DD HH:MM:SS`, or
    /// `YYYY-MM-DD HH:MM` (second 0), with a space or `T` between date and time; nil for any
    /// other text (surrounding spaces included) or an impossible moment.
    ///
    /// The database's `tickets.eat_ts` reads more shapes (fractions, `Z` and offsets, a date
    /// alone); this reads the ones the export writes.
    public init?(feedTimestamp text: some StringProtocol) {
        let moment = FixedWidthText.withBytes(text) { bytes -> EATMoment? in
            switch bytes.count {
            case 19: Self.fields(bytes, dateTime: UInt8(ascii: " "), or: UInt8(ascii: "T"), time: UInt8(ascii: ":"), seconds: true)
            case 16: Self.fields(bytes, dateTime: UInt8(ascii: " "), or: UInt8(ascii: "T"), time: UInt8(ascii: ":"), seconds: false)
            default: nil
            }
        }
        guard let moment else { return nil }
        self = moment
    }

    /// Exactly the export's shape, `YYYY-MM-DD HH:MM:SS` (space, seconds), from bytes: the
    /// ingest's fast path, which leaves every other text to the database's parser.
    @inlinable
    public init?(exportTimestamp bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 19, let moment = Self.fields(bytes, dateTime: UInt8(ascii: " "), or: UInt8(ascii: " "), time: UInt8(ascii: ":"), seconds: true) else { return nil }
        self = moment
    }

    /// As the export writes it: `2026-06-15 17:00:00`.
    public var feedTimestamp: String {
        FixedWidthText.string(capacity: 19) { write(dateTime: UInt8(ascii: " "), time: UInt8(ascii: ":"), seconds: true, into: &$0) }
    }

    // MARK: - labels

    /// `2026-06-15 20:40 EAT`: how messages for operators show a moment (minutes are enough there).
    public var label: String {
        FixedWidthText.string(capacity: 20) {
            write(dateTime: UInt8(ascii: " "), time: UInt8(ascii: ":"), seconds: false, into: &$0)
            $0.append(contentsOf: " EAT".utf8)
        }
    }

    // MARK: - the one reader and writer behind every shape

    /// `YYYY-MM-DD`, a separator (`first` or `second`), `HH`, `time`, `MM` and, with `seconds`,
    /// `time` and `SS`: exactly 16 or 19 bytes (the caller checks the count), every field a
    /// real one.
    @inlinable
    static func fields(_ b: UnsafeBufferPointer<UInt8>, dateTime first: UInt8, or second: UInt8, time: UInt8,
                       seconds: Bool) -> EATMoment? {
        guard b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == first || b[10] == second, b[13] == time,
              !seconds || b[16] == time else { return nil }
        guard let year = FixedWidthText.digits(b, 0, 4), let month = FixedWidthText.digits(b, 5, 2),
              let day = FixedWidthText.digits(b, 8, 2), let hour = FixedWidthText.digits(b, 11, 2),
              let minute = FixedWidthText.digits(b, 14, 2) else { return nil }
        var second = 0
        if seconds {
            guard let s = FixedWidthText.digits(b, 17, 2) else { return nil }
            second = s
        }
        return EATMoment(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    func write(dateTime: UInt8, time: UInt8, seconds: Bool, into out: inout [UInt8]) {
        eatDay.write(into: &out)
        out.append(dateTime)
        FixedWidthText.append(hour, width: 2, to: &out)
        out.append(time)
        FixedWidthText.append(minute, width: 2, to: &out)
        if seconds {
            out.append(time)
            FixedWidthText.append(second, width: 2, to: &out)
        }
    }
}
