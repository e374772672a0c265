import FleetTicketsCore
import Foundation

/// Owed post-apply hooks live in `tickets.import_meta.metadata.pending_hooks` (a JSON array of
/// hook names), next to the watermark: no new table, and a database the Python tool left
/// behind needs nothing more than the row it already has.
extension PostgresTicketStore {
    public func pendingHooks(of dataset: Dataset) async throws -> [PostApplyHook] {
        let text = try await onConnection { db in
            try db.scalar("SELECT metadata->'pending_hooks' FROM tickets.import_meta WHERE dataset = $1",
                          [dataset.name], purpose: "read the \(dataset) pending post-apply hooks")
        }
        guard let text, let names = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else { return [] }
        // A name this build does not know (written by a newer one) is left for that build.
        return names.compactMap(PostApplyHook.init(rawValue:))
    }

    public func setPendingHooks(_ hooks: [PostApplyHook], of dataset: Dataset) async throws {
        let names = try jsonArray(hooks.map(\.rawValue))
        try await onConnection { db in
            try db.execute("""
                INSERT INTO tickets.import_meta AS m (dataset, metadata, updated_at)
                VALUES ($1, jsonb_build_object('pending_hooks', $2::jsonb), now())
                ON CONFLICT (dataset) DO UPDATE SET metadata = m.metadata || excluded.metadata
                """, [dataset.name, names], purpose: "record the \(dataset) pending post-apply hooks")
        }
    }
}
