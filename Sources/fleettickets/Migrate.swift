import ArgumentParser
import FleetTicketsPostgres

/// `fleettickets migrate`: applies the built-in migrations in order (idempotent).
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the read-schema migrations in order (idempotent).",
        discussion: "The migrations are built into this binary; each runs in one transaction with its ledger row in tickets.schema_migrations."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "List what would run; change nothing.")
    var dryRun = false

    func run() async throws {
        let logger = global.bootstrapLogging()
        let url = try global.requireDatabaseURL(try global.settings())
        let outcomes: [MigrationOutcome]
        do {
            outcomes = try MigrationRunner(url: url, logger: logger).run(dryRun: dryRun)
        } catch let refused as PostgresError where refused.code == .migrationRefused {
            throw CommandFailure(status: .usage, message: "\(explained: refused)")
        } catch {
            throw CommandFailure(status: .dependency, message: "Migrating failed: \(explained: error)")
        }
        let changed = outcomes.filter { $0.action != .alreadyApplied }
        if changed.isEmpty {
            print("schema is current (\(outcomes.count) migrations applied)")
        }
        for outcome in changed {
            print("\(outcome.action == .pending ? "would apply" : outcome.action.rawValue)  \(outcome.name)"
                + (outcome.note.map { " (\($0))" } ?? ""))
        }
    }
}
