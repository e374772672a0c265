import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing

/// Who queues tickets for the history capture (migration 28): the ingest queues what it writes
/// and leaves the next capture incremental; any other writer of `raw` makes it a full pass;
/// re-placing geometries is no write history reads.
@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct HistoryQueueTests {
    private func state(_ world: ReadSchemaWorld) throws -> (pending: [String], fullPass: String) {
        let pending = try world.sql.rows("SELECT ticket_id FROM tickets.history_pending WHERE dataset = 'inc' ORDER BY 1").compactMap { $0[0] }
        let full = try world.sql.rows("SELECT full_pass_due::text FROM tickets.history_state WHERE dataset = 'inc'")[0][0] ?? "?"
        return (pending, full)
    }

    @Test func theIngestQueuesWhatItWritesAndOtherWritersAskForAFullPass() async throws {
        let world = try ReadSchemaWorld()
        // The upgrade's one full pass, so the queue starts empty and the pass is no longer due.
        _ = try world.sql.rows("SELECT tickets.capture_history('inc', now())")
        #expect(try state(world) == ([], "false"))

        await world.ingest(.inc, [
            Fixtures.row("Q1", status: "open", actionable: true, createdAt: "2026-06-15 07:00:00"),
            Fixtures.row("Q2", status: "closed", actionable: false, createdAt: "2026-06-15 07:00:00",
                         extra: ["closed_at": "2026-06-15 09:00:00"]),
        ])
        // The ingest's hook captured incrementally (no full pass was due), and still logged Q2's
        // closure: the ingest had queued the tickets it wrote.
        #expect(try state(world) == ([], "false"))
        #expect(try world.sql.rows("SELECT ticket_id FROM tickets.closure_events WHERE dataset = 'inc'") == [["Q2"]])

        // Re-placing geometries writes the tables but nothing history reads.
        _ = try world.sql.rows("UPDATE tickets.inc SET geo_source = geo_source")
        #expect(try state(world).fullPass == "false")
        // A writer of raw that does not queue (ad-hoc SQL, a takeover) makes the next capture a full pass…
        _ = try world.sql.rows("UPDATE tickets.inc SET raw = raw || '{\"note\": \"by hand\"}'::jsonb WHERE ticket_id = 'Q1'")
        #expect(try state(world).fullPass == "true")
        _ = try world.sql.rows("SELECT tickets.capture_history('inc', now())")
        #expect(try state(world) == ([], "false"), "…which clears it")
        // …and so does an insert.
        _ = try world.sql.rows("INSERT INTO tickets.inc (ticket_id, raw) VALUES ('Q3', '{\"ticket_id\": \"Q3\"}')")
        #expect(try state(world).fullPass == "true")
    }
}
