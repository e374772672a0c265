import FleetTicketsCore
import Foundation

extension PostgresTicketStore {
    /// Captures a dataset's history as of `instant` (`tickets.capture_history(dataset, instant)`):
    /// the closures and reopenings written since the previous capture, and the EAT day of
    /// `instant` gets its daily snapshot and backlog rows (replaced; other days untouched).
    ///
    /// The ingest's hook captures at the database's now(); a past instant is for replaying days
    /// (the demo applies simulated days one by one and captures each at its last export).
    /// Captures are meant to run with increasing instants: docs/decisions.md says what an
    /// earlier one misses.
    /// - Returns: the capture's summary as JSON text (`snapshot_date`, `open_total`,
    ///   `open_breached`, `open_at_risk`, `opened_today`, `closed_today`, `new_closures`, …).
    /// - Throws: `PostgresError` when the database cannot be reached or refuses the call.
    public func captureHistory(of dataset: Dataset, at instant: Date) async throws -> String {
        // EAT wall clock with its offset: whole seconds, the same instant in any session zone.
        let at = EATMoment(instant).feedTimestamp + "+03:00"
        let summary = try await onConnection { db in
            try db.scalar("SELECT tickets.capture_history($1, $2::timestamptz)::text", [dataset.name, at],
                          purpose: "capture the \(dataset) history as of \(EAT.label(instant))")
        }
        return summary ?? "{}"
    }
}
