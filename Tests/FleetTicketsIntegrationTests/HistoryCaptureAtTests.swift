import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing

/// `PostgresTicketStore.captureHistory(of:at:)`: a capture as of a past instant writes that
/// instant's EAT day, with ages taken at that instant, and leaves the other days alone.
@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct HistoryCaptureAtTests {
    @Test func aPastInstantWritesItsOwnDayWithAgesAtThatInstant() async throws {
        try await EATText.awayFromMidnight()
        let world = try ReadSchemaWorld()
        await world.ingest(.inc, [
            Fixtures.row("O1", status: "open", actionable: true, createdAt: "2026-06-13 08:00:00", extra: ["first_seen_at": ""]),
            Fixtures.row("O2", status: "open", actionable: true, createdAt: "2026-06-15 07:00:00", extra: ["first_seen_at": ""]),
        ])
        let today = EATText.day(0)
        let query = "SELECT snapshot_date::text, open_total, open_breached, open_at_risk FROM tickets.inc_daily_snapshot ORDER BY 1"
        let byHook = try world.sql.rows(query)
        #expect(byHook == [[today, "2", "2", "0"]], "the ingest's own capture, at now: both past 48 h")

        // 2026-06-15 20:40 EAT: O1 is 60.7 h old (breached), O2 13.7 h (within).
        let june15 = try MomentArgument.parse("2026-06-15T20:40", flag: "--at")
        let summary = try await world.store.captureHistory(of: .inc, at: june15)
        #expect(summary.contains("\"snapshot_date\": \"2026-06-15\""), "\(summary)")
        // A day later: O2 is 37.7 h old (at risk against 36 h).
        _ = try await world.store.captureHistory(of: .inc, at: try MomentArgument.parse("2026-06-16 20:40", flag: "--at"))
        #expect(try world.sql.rows(query) == [["2026-06-15", "2", "1", "0"], ["2026-06-16", "2", "1", "1"], [today, "2", "2", "0"]])
        #expect(try world.sql.rows("SELECT count(DISTINCT snapshot_date) FROM tickets.daily_backlog WHERE dataset = 'inc'") == [["3"]])
    }
}
