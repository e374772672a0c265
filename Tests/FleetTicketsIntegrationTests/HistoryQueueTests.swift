import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing

/// Who queues tickets for the history capture (migration 28): the ingest queues what it writes
/// and leaves the next capture incremental; any other writer of `raw` makes it a full pass;
/// re-placing geometries is no write history reads. A full pass (migration 34) makes no writer
/// wait, and a write during it leaves the next one due.
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

    @Test func aFullPassMakesNoWriterWaitAndAWriteDuringItLeavesTheNextOneDue() async throws {
        let world = try ReadSchemaWorld()
        _ = try world.sql.rows("SELECT tickets.capture_history('inc', now())")   // the upgrade's full pass
        await world.ingest(.inc, [
            Fixtures.row("W1", status: "closed", actionable: false, createdAt: "2026-06-15 07:00:00",
                         extra: ["closed_at": "2026-06-15 09:00:00"]),
        ])
        // W1 pending (queued as the ingest queues) and a full pass due (a write by hand).
        _ = try world.sql.rows("INSERT INTO tickets.history_pending (dataset, ticket_id) VALUES ('inc', 'W1')")
        _ = try world.sql.rows("UPDATE tickets.inc SET raw = raw || '{\"note\": \"by hand\"}'::jsonb WHERE ticket_id = 'W1'")
        #expect(try state(world) == (["W1"], "true"))

        // A full pass left open claims nothing: queueing W1 again goes through at once (a
        // blocked statement would fail on the lock timeout).
        let capture = try PostgresConnection(url: world.url, logger: Integration.logger)
        defer { capture.close() }
        try capture.simpleQuery("BEGIN; SELECT tickets.capture_history('inc', now())", purpose: "run a full pass, not committed")
        try world.sql.simpleQuery("SET lock_timeout = '2s'", purpose: "fail instead of waiting")
        _ = try world.sql.rows("INSERT INTO tickets.history_pending (dataset, ticket_id) VALUES ('inc', 'W1') ON CONFLICT DO NOTHING")
        try capture.simpleQuery("ROLLBACK", purpose: "drop the pass")
        try world.sql.simpleQuery("RESET lock_timeout", purpose: "wait again")

        // A writer that does not queue, still open when a full pass starts: the pass does not
        // wait for it at the start (it reads the flag unlocked), only to clear the flag at its
        // end; it then finds the writer's newer version and leaves the next pass due.
        let writer = try PostgresConnection(url: world.url, logger: Integration.logger)
        defer { writer.close() }
        try writer.simpleQuery("BEGIN; UPDATE tickets.inc SET raw = raw || '{\"note\": \"again\"}'::jsonb WHERE ticket_id = 'W1'",
                               purpose: "write by hand, not committed")
        let url = world.url
        let pass = Task.detached {
            let sql = try PostgresConnection(url: url, logger: Integration.logger)
            defer { sql.close() }
            return try sql.scalar("SELECT tickets.capture_history('inc', now())::text", purpose: "run a full pass")
        }
        // Until the pass waits for the writer's row lock at its end.
        var waiting = "0"
        for _ in 0..<200 where waiting == "0" {
            try await Task.sleep(for: .milliseconds(50))
            waiting = try world.sql.scalar("""
                SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%capture_history%'
                """, purpose: "look for the waiting pass") ?? "0"
        }
        #expect(waiting == "1", "the pass reached its end and waits for the writer")
        try writer.simpleQuery("COMMIT", purpose: "commit the write")
        let summary = try await pass.value
        #expect(summary?.contains("\"dataset\": \"inc\"") == true)
        #expect(try state(world) == (["W1"], "true"), "the write came during the pass: the next capture is a full pass again")

        _ = try world.sql.rows("SELECT tickets.capture_history('inc', now())")
        #expect(try state(world) == (["W1"], "false"), "a full pass with no write meanwhile clears the flag")
        _ = try world.sql.rows("SELECT tickets.capture_history('inc', now())")
        #expect(try state(world) == ([], "false"), "the next capture claims the pending ticket")
        #expect(try world.sql.rows("SELECT ticket_id FROM tickets.closure_events WHERE dataset = 'inc'") == [["W1"]])
    }
}
