import FleetTicketsCore

/// Writes one staged row of `ft_stage` in COPY text format straight into the COPY buffer:
/// `ord`, `ticket_id`, `raw` (a JSON object, as the text jsonb's output gives for it: see
/// `jsonbOrder`), the typed columns (`TypedColumns.all`),
/// `typed`, false when some value's shape is left to the database (the store then computes
/// that row's typed values with the reference parsers), the feed's point (`FeedPoint`), both
/// NULL when the row has none, and the gazetteer's keys (`PlacedColumns.staged`).
///
/// No `String` is built per row or field: encoding the raw JSON and the COPY escaping in one
/// pass is what keeps the ingest's own CPU per row small next to the database's.
struct StagedRowEncoder {
    /// The staging table's columns and their types, in the order the encoder writes them.
    static let columnDefinitions: [(name: String, type: String)] =
        [("ord", "bigint NOT NULL"), ("ticket_id", "text NOT NULL"), ("raw", "text NOT NULL")]
        + TypedColumns.all.map { ($0.name, $0.kind.sqlType) } + [("typed", "boolean NOT NULL")] + PlacedColumns.staged
    /// The staging table's columns, in the order the encoder writes them.
    static let columns = columnDefinitions.map(\.name)
    /// The raw keys staged as they are as well, the gazetteer's keys (`PlacedColumns.placed`).
    static let keysStagedAsText = [TicketColumns.PlacementFields.locationName, TicketColumns.PlacementFields.cluster]

    private static let kinds = TypedColumns.kinds
    /// Where each typed column's key sits in the current file's raw keys (nil: absent).
    private var keys: [String] = []
    private var slots: [Int?] = []
    /// The raw keys' indices in the order jsonb keeps them (`jsonbOrder`), and what precedes
    /// each one's value: the separator and the key, escaped once per file (nil when a key
    /// holds a NUL).
    private var order: [Int] = []
    private var keyBytes: [[UInt8]]? = []
    /// How many rows so far hold a value whose shape is left to the database (typed false).
    private(set) var serverTypedRows = 0
    private var latitudeSlot: Int?
    private var longitudeSlot: Int?
    private var textSlots: [Int?] = []

    /// Appends the row; false (with partial bytes the caller discards) when the ticket id, a key
    /// or a value holds a NUL, which neither PostgreSQL text nor jsonb can store: the store
    /// then refuses the row naming its ticket, before the server sees it.
    mutating func encode(ordinal: Int, row: TicketRow, into out: inout [UInt8]) -> Bool {
        let raw = row.raw
        if raw.keys != keys {
            // Once per file: every row of a file shares its keys array.
            keys = raw.keys
            order = Self.jsonbOrder(of: raw.keys)
            keyBytes = Self.keyBytes(raw.keys, in: order)
            slots = TypedColumns.all.map { raw.keys.firstIndex(of: $0.source) }
            latitudeSlot = raw.keys.firstIndex(of: TicketColumns.PlacementFields.latitude)
            longitudeSlot = raw.keys.firstIndex(of: TicketColumns.PlacementFields.longitude)
            textSlots = Self.keysStagedAsText.map { raw.keys.firstIndex(of: $0) }
        }
        CopyText.appendDigits(ordinal, 1, to: &out)
        out.append(0x09)
        guard CopyText.append(row.ticketID, to: &out) else { return false }
        out.append(0x09)
        out.append(UInt8(ascii: "{"))
        guard let keyBytes else { return false }
        for (n, i) in order.enumerated() {
            out.append(contentsOf: keyBytes[n])
            guard CopyText.appendJSONString(raw.values[i], to: &out) else { return false }
        }
        out.append(UInt8(ascii: "}"))
        var typed = true
        for (kind, slot) in zip(Self.kinds, slots) {
            out.append(0x09)
            let value = slot.map { raw.values[$0] }
            if !TypedColumns.append(kind, value, to: &out) {
                CopyText.appendNull(to: &out)
                typed = false
            }
        }
        out.append(0x09)
        out.append(typed ? UInt8(ascii: "t") : UInt8(ascii: "f"))
        if !typed { serverTypedRows += 1 }
        if let point = FeedPoint.of(latitude: latitudeSlot.map { raw.values[$0] }, longitude: longitudeSlot.map { raw.values[$0] }) {
            // Shortest text that reads back as the same double (float8in rounds correctly too).
            out.append(0x09)
            out.append(contentsOf: point.latitude.description.utf8)
            out.append(0x09)
            out.append(contentsOf: point.longitude.description.utf8)
        } else {
            out.append(0x09)
            CopyText.appendNull(to: &out)
            out.append(0x09)
            CopyText.appendNull(to: &out)
        }
        for slot in textSlots {
            out.append(0x09)
            if let slot {
                guard CopyText.append(raw.values[slot], to: &out) else { return false }
            } else {
                CopyText.appendNull(to: &out)
            }
        }
        return true
    }

    /// `"key": ` for each key in `order`, after ", " but for the first, COPY-escaped.
    private static func keyBytes(_ keys: [String], in order: [Int]) -> [[UInt8]]? {
        var all: [[UInt8]] = []
        for (n, i) in order.enumerated() {
            var bytes: [UInt8] = n > 0 ? [UInt8(ascii: ","), 0x20] : []
            guard CopyText.appendJSONString(keys[i], to: &bytes) else { return nil }
            bytes += [UInt8(ascii: ":"), 0x20]
            all.append(bytes)
        }
        return all
    }

    /// The order of a raw object's keys in jsonb, whose text output the staged `raw` matches
    /// byte for byte so the merge can tell an unchanged ticket by comparing texts (no jsonb
    /// parse): shorter keys first, equal lengths by their bytes, and of keys that repeat only
    /// the last (the value jsonb keeps). Separators are jsonb's too (", " and ": ").
    static func jsonbOrder(of keys: [String]) -> [Int] {
        let bytes = keys.map { Array($0.utf8) }
        let sorted = keys.indices.sorted { a, b in
            if bytes[a].count != bytes[b].count { return bytes[a].count < bytes[b].count }
            if bytes[a] != bytes[b] { return bytes[a].lexicographicallyPrecedes(bytes[b]) }
            return a < b
        }
        var order: [Int] = []
        for i in sorted {
            if let last = order.last, bytes[last] == bytes[i] {
                order[order.count - 1] = i
            } else {
                order.append(i)
            }
        }
        return order
    }
}
