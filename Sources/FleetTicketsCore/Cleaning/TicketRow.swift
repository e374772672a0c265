/// One cleaned source row: the ticket it upserts and its `raw` record.
public struct TicketRow: Sendable, Hashable {
    /// The key, trimmed of surrounding whitespace.
    public var ticketID: String
    /// The record stored in the `raw` column.
    public var raw: RawRecord

    public init(ticketID: String, raw: RawRecord) {
        self.ticketID = ticketID
        self.raw = raw
    }
}

/// A ticket's `raw` record: column name → field text, as received after the case rules.
///
/// The column names are shared by every row of a file (one array, copied by reference), so a
/// row costs only its values. Equality is that of the JSON object: order does not matter.
public struct RawRecord: Sendable, Hashable, CustomStringConvertible {
    /// Column names, trimmed and lowercased, unique.
    public let keys: [String]
    /// Field texts, one per key.
    public let values: [String]

    public init(keys: [String], values: [String]) {
        precondition(keys.count == values.count, "a raw record needs one value per key")
        self.keys = keys
        self.values = values
    }

    /// Builds a record from a dictionary (keys sorted, for determinism).
    public init(_ fields: [String: String]) {
        let keys = fields.keys.sorted()
        self.init(keys: keys, values: keys.map { fields[$0]! })
    }

    /// The value of a column, or nil when the file had no such column.
    public subscript(key: String) -> String? {
        guard let i = keys.firstIndex(of: key) else { return nil }
        return values[i]
    }

    /// The record as a dictionary.
    public var dictionary: [String: String] {
        Dictionary(uniqueKeysWithValues: zip(keys, values))
    }

    public static func == (a: RawRecord, b: RawRecord) -> Bool {
        if a.keys == b.keys { return a.values == b.values }
        return a.keys.count == b.keys.count && a.dictionary == b.dictionary
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent, consistent with ==.
        var combined = 0
        for (k, v) in zip(keys, values) {
            var h = Hasher()
            h.combine(k)
            h.combine(v)
            combined ^= h.finalize()
        }
        hasher.combine(combined)
    }

    /// The record as a JSON object text, keys in record order (for `jsonb` input).
    public var jsonText: String {
        var out = "{"
        out.reserveCapacity(64 + values.reduce(0) { $0 + $1.utf8.count + 8 } + keys.count * 16)
        for i in keys.indices {
            if i > 0 { out += "," }
            JSON.appendQuoted(keys[i], to: &out)
            out += ":"
            JSON.appendQuoted(values[i], to: &out)
        }
        out += "}"
        return out
    }

    public var description: String { jsonText }
}

/// Minimal JSON string escaping (RFC 8259), enough for text-only objects.
enum JSON {
    static func appendQuoted(_ s: String, to out: inout String) {
        out += "\""
        var needsEscape = false
        for b in s.utf8 where b < 0x20 || b == 0x22 || b == 0x5C { needsEscape = true; break }
        if !needsEscape {
            out += s
        } else {
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
