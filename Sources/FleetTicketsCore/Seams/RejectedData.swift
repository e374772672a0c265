/// A store refused a file's data: a value the database cannot hold (a NUL character, a
/// `ticket_id` too long for the index, an invalid escape). Like a malformed line it is a data
/// error (exit status 3): the same file fails the same way until it is fixed or moved aside,
/// so retrying is pointless. The store throws it from `apply`, having committed nothing; the
/// ingest engine reports it as `IngestError.Code.refusedData`.
public struct RejectedData: Error, Sendable, Hashable, CustomStringConvertible {
    /// What the store refused. A struct over a private enum so new codes can be added without
    /// breaking exhaustive switches in callers: compare with `==` or `switch` with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable { case nulCharacter, keyTooLong, refusedValue }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A value holds a NUL character, which the database cannot store.
        public static let nulCharacter = Code(.nulCharacter)
        /// A `ticket_id` is too long for the table's index.
        public static let keyTooLong = Code(.keyTooLong)
        /// Another value the database refused (a data exception).
        public static let refusedValue = Code(.refusedValue)

        /// The code's name, e.g. "keyTooLong".
        public var description: String { base.rawValue }
    }

    /// What the store refused.
    public var code: Code
    /// What was refused and why, as a clause: "ticket_id … is too long for the table's index".
    public var reason: String
    /// The ticket whose row was refused, shortened for display, when the store could tell.
    public var ticketID: String?
    /// The line of the file, when the store could tell.
    public var line: Int?
    /// The SQLSTATE the database answered, when a database refused it (e.g. "22P05").
    public var sqlState: String?

    /// A refusal; `ticketID` is shortened and escaped for display here.
    public init(_ code: Code = .refusedValue, reason: String, ticketID: String? = nil, line: Int? = nil, sqlState: String? = nil) {
        self.code = code
        self.reason = reason
        self.ticketID = ticketID.map(Self.displayable)
        self.line = line
        self.sqlState = sqlState
    }

    /// "ticket X: reason", or the reason alone.
    public var description: String {
        (ticketID.map { "ticket \($0): " } ?? "") + reason
    }

    /// A ticket id fit for one line of text: control characters escaped, at most 40
    /// characters, with the full length when cut.
    static func displayable(_ id: String) -> String {
        var out = ""
        var count = 0
        for scalar in id.unicodeScalars {
            count += 1
            guard count <= 40 else { continue }
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += scalar.value == 0 ? "\\0" : "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return count > 40 ? "\(out)… (\(count) characters)" : out
    }
}
