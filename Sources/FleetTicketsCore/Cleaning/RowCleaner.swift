import Foundation

/// Turns a file's header and records into cleaned rows, in this order per row:
/// drop alarms, drop the sentinel, drop the seven unwanted columns, lowercase `region`,
/// uppercase `raw_status`.
///
/// Columns are matched by trimmed, lowercased header name, never by position. Unknown
/// columns are kept in `raw` and listed in `extraColumns`; a header naming a column twice
/// keeps the last one (as `jsonb` would).
public struct RowCleaner: Sendable {
    /// What happened to one record.
    public enum Outcome: Sendable, Equatable {
        case kept(TicketRow)
        case dropped(DropReason)
    }

    /// Columns in the header that the export is not known to write.
    public let extraColumns: [String]
    /// Export columns missing from the header (other than `ticket_id`, which is required).
    public let missingColumns: [String]
    /// Column names the header holds more than once (trimmed, lowercased); the last one is kept.
    public let duplicateColumns: [String]

    private let key: String
    private let width: Int
    private let rawKeys: [String]
    private let sourceIndex: [Int]
    private let ticketIndex: Int
    private let alarmIndex: Int?
    private let regionSlot: Int?
    private let statusSlot: Int?

    /// The longest `ticket_id` accepted, in characters. Real ids are about ten characters; the
    /// limit keeps a corrupted row from reaching the database, whose unique index cannot hold
    /// a key of a few kilobytes (it would fail there with no line to point at).
    public static let maxTicketIDLength = 200

    /// Whether a `ticket_id` field is the export's sentinel (`EXPORT STOPPED…`, any case, after trimming).
    static func isSentinel(_ field: String) -> Bool {
        let head = field.trimmingWhitespaceAndNewlines().prefix(14)
        return head.count == 14 && head.uppercased() == "EXPORT STOPPED"
    }

    /// Prepares cleaning for a file whose first record is `header`.
    /// - Throws: `CSVDecodingError` when there is no `ticket_id` column.
    public init(header: [String], key: String) throws {
        // Every small file repeats the header, so this runs once per file: one pass over the
        // names with a dictionary, not a search of the names per name.
        let names = header.map { $0.trimmingWhitespaceAndNewlines().lowercased() }
        guard let ticket = names.lastIndex(of: "ticket_id") else {
            throw CSVDecodingError(
                .badHeader, key: key, line: 1,
                reason: "the header has no ticket_id column (found: \(names.prefix(6).joined(separator: ", "))\(names.count > 6 ? ", …" : "")); this does not look like a ticket export",
                column: "ticket_id")
        }
        var last: [String: Int] = [:]
        var counts: [String: Int] = [:]
        for (i, name) in names.enumerated() {
            last[name] = i
            counts[name, default: 0] += 1
        }
        // A repeated name keeps its last column, in the place of that last column.
        var keys: [String] = []
        var indices: [Int] = []
        for (i, name) in names.enumerated() where last[name] == i && !SourceColumns.dropped.contains(name) {
            keys.append(name)
            indices.append(i)
        }
        self.key = key
        self.width = names.count
        self.rawKeys = keys
        self.sourceIndex = indices
        self.ticketIndex = ticket
        self.alarmIndex = last["is_alarm"]
        self.regionSlot = keys.firstIndex(of: "region")
        self.statusSlot = keys.firstIndex(of: "raw_status")
        var seen = Set<String>()
        self.extraColumns = names.filter { !Self.known.contains($0) && seen.insert($0).inserted }
        self.missingColumns = SourceColumns.all.filter { last[$0] == nil }
        var named = Set<String>()
        self.duplicateColumns = names.filter { counts[$0, default: 0] > 1 && named.insert($0).inserted }
    }

    private static let known = Set(SourceColumns.all)

    /// Cleans one record.
    /// - Throws: `CSVDecodingError` when the record's field count differs from the header's.
    public func clean(_ record: CSVParser.Record) throws -> Outcome {
        let f = record.fields
        guard f.count == width else {
            // The export's sentinel is often a short line (`EXPORT STOPPED …` and fewer fields):
            // it is recognised before the field count is judged.
            let candidates = [ticketIndex < f.count ? f[ticketIndex] : nil, f.first].compactMap { $0 }
            if candidates.contains(where: Self.isSentinel) { return .dropped(.sentinel) }
            throw CSVDecodingError(
                .fieldCount, key: key, line: record.line,
                reason: "the row has \(f.count) fields but the header has \(width) (an unquoted comma or a cut-off line?)")
        }
        if let a = alarmIndex, SourceColumns.boolean(f[a]) == true { return .dropped(.alarm) }
        if Self.isSentinel(f[ticketIndex]) { return .dropped(.sentinel) }
        let id = f[ticketIndex].trimmingWhitespaceAndNewlines()
        if id.isEmpty { return .dropped(.missingTicketID) }
        if id.utf8.count > Self.maxTicketIDLength && id.count > Self.maxTicketIDLength {
            throw CSVDecodingError(
                .badValue, key: key, line: record.line,
                reason: "the ticket_id is \(id.count) characters long (\(id.prefix(24))…); the limit is \(Self.maxTicketIDLength) — a shifted or corrupted row? Fix the export",
                column: "ticket_id")
        }
        var values = [String]()
        values.reserveCapacity(sourceIndex.count)
        for i in sourceIndex { values.append(f[i]) }
        if let r = regionSlot { values[r] = values[r].lowercased() }
        if let s = statusSlot { values[s] = values[s].uppercased() }
        return .kept(TicketRow(ticketID: id, raw: RawRecord(keys: rawKeys, values: values)))
    }
}
