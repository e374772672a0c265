import FleetTicketsCore
@testable import FleetTicketsPostgres
import Testing

/// The staged `raw` is the very text jsonb's output gives for the object, so the merge can tell
/// an unchanged ticket by comparing texts. Were it not, the merge would still be right (the
/// jsonb comparison judges texts that differ) but every row would cost a jsonb parse again.
@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"), .serialized)
struct StagedRawTextTests {
    /// Keys of every length and byte order, and values with every character jsonb escapes.
    static let rows: [TicketRow] = {
        let controls = (1..<32).map { String(UnicodeScalar(UInt8($0))) }.joined()
        let keys = ["ticket_id", "cluster", "location_name", "a", "b", "zz", "é", "ключ", "q\"uote", "back\\slash",
                    "tab\tkey", "🚀", "", "status"]
        let values = [controls, "\"quoted\" \\ back", "\u{7F}del", "line\u{2028}sep", "ünïcode 🚀", "", " spaced ",
                      "\\N", "\\u0041", "/slash/", "{\"nested\": 1}", "12.50", "true"]
        return (0..<40).map { i in
            let id = "ST\(i)"
            let vals = keys.indices.map { k in k == 0 ? id : values[(i + k) % values.count] }
            return TicketRow(ticketID: id, raw: RawRecord(keys: keys, values: vals))
        }
    }()

    @Test func theStagedRawIsJsonbsOwnText() throws {
        let db = try PostgresConnection(url: try Integration.freshDatabase(), logger: Integration.logger)
        defer { db.close() }
        try PostgresTicketStore.prepareStaging(db)
        try db.execute("BEGIN", purpose: "open")
        var encoder = StagedRowEncoder()
        try db.copyIn("COPY ft_stage (\(StagedRowEncoder.columns.joined(separator: ", "))) FROM STDIN", purpose: "stage") { out in
            for (i, row) in Self.rows.enumerated() {
                try out.appendEncodedRow { encoder.encode(ordinal: i + 1, row: row, into: &$0) }
            }
        }
        let r = try db.execute("""
            SELECT count(*), count(*) FILTER (WHERE raw = raw::jsonb::text),
                   count(*) FILTER (WHERE raw_cluster IS NOT DISTINCT FROM raw::jsonb ->> 'cluster'
                                      AND raw_location_name IS NOT DISTINCT FROM raw::jsonb ->> 'location_name'),
                   (SELECT raw || ' / ' || raw::jsonb::text FROM ft_stage WHERE raw <> raw::jsonb::text LIMIT 1)
            FROM ft_stage
            """, purpose: "compare the staged text with jsonb's")
        #expect(r[0, 0] == String(Self.rows.count), "every row was encoded")
        #expect(r[0, 1] == String(Self.rows.count), "staged / jsonb: \(r[0, 3] ?? "")")
        #expect(r[0, 2] == String(Self.rows.count), "the gazetteer keys are staged as raw holds them")
        try db.execute("ROLLBACK", purpose: "close")
    }
}
