import FleetTicketsCore
@testable import FleetTicketsPostgres
import Foundation
import Testing

/// `tickets.eat_ts` has a fast path for the feed's own shape (migration 15): it must answer
/// exactly as the general parser does, for every string, valid or not.
@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct EATTimestampTests {
    /// Strings of the fast path's shape with every field drawn from in and out of range, plus
    /// the other shapes the feed may send.
    static func samples() -> [String] {
        var rng = SplitMix64(seed: 15)
        func pick(_ values: [Int]) -> Int { values[Int(rng.next() % UInt64(values.count))] }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n % 100)" }
        var out: [String] = []
        for _ in 0..<3_000 {
            let y = pick([0, 1, 1999, 2024, 2025, 2026, 2100, 9999])
            let m = pick([0, 1, 2, 4, 6, 9, 11, 12, 13, 99])
            let d = pick([0, 1, 15, 28, 29, 30, 31, 32, 99])
            let h = pick([0, 9, 17, 23, 24, 25, 99])
            let mi = pick([0, 30, 59, 60, 99])
            let s = pick([0, 1, 59, 60, 61, 99])
            out.append(String(repeating: "0", count: 4 - String(y).count) + "\(y)-\(two(m))-\(two(d)) \(two(h)):\(two(mi)):\(two(s))")
        }
        out += ["2026-06-15 17:00:00", "2026-06-15T17:00:00", "2026-06-15 17:00", "2026-06-15 17:00:00.123456",
                "2026-06-15T17:00:00Z", "2026-06-15 17:00:00+01:00", "2026-06-15", " 2026-06-15 17:00:00 ", "2026-02-29 10:00:00",
                "2024-02-29 10:00:00", "2026-06-15 24:00:00", "2026-06-15 23:59:60", "", " ", "garbage", "2026/06/15 17:00:00",
                "2026-06-15 17:00:00 ", "2026-6-15 17:00:00", "2026-06-15x17:00:00", "２０２６-06-15 17:00:00"]
        return out
    }

    @Test func theFastPathAgreesWithTheGeneralParserOnEveryString() throws {
        let db = try PostgresConnection(url: try Integration.freshDatabase(), logger: Integration.logger)
        let strings = Self.samples()
        let json = String(decoding: try JSONEncoder().encode(strings), as: UTF8.self)
        let r = try db.execute("""
            SELECT s, tickets.eat_ts(s)::text, tickets.eat_ts_general(s)::text
            FROM jsonb_array_elements_text($1::jsonb) AS s
            WHERE tickets.eat_ts(s) IS DISTINCT FROM tickets.eat_ts_general(s)
            """, [json], purpose: "compare the parsers")
        let differences = (0..<r.rowCount).map { "\(r[$0, 0] ?? "") → \(r[$0, 1] ?? "NULL") vs \(r[$0, 2] ?? "NULL")" }
        #expect(differences.isEmpty, "\(differences.prefix(10))")
        let parsed = try db.scalar("SELECT count(tickets.eat_ts(s)) FROM jsonb_array_elements_text($1::jsonb) AS s",
                                   [json], purpose: "count parsed")
        #expect((Int(parsed ?? "0") ?? 0) > 200, "the sample holds plenty of valid timestamps too")
        #expect(try db.scalar("SELECT tickets.eat_ts('2026-06-15 17:00:00') = '2026-06-15 14:00:00+00'::timestamptz", purpose: "EAT") == "t")
    }
}
