import Foundation
import Logging

/// Applies `migrations/` in order, each with its ledger row in one transaction, recorded in
/// `tickets.schema_migrations` (file name, SHA-256 of its text, applied_at).
///
/// Concurrent runners queue on an advisory lock and re-read the ledger once they hold it, so
/// each migration runs once. An applied migration whose text changed is refused, naming it.
/// A ledger row without a checksum (the Python tool kept none) is adopted: trusted by name,
/// its checksum recorded — that is how a database the Python tool built is taken over.
///
/// ```swift
/// let outcomes = try MigrationRunner(url: databaseURL).run()
/// ```
public struct MigrationRunner: Sendable {
    public let migrations: [Migration]
    /// Migrations that may be skipped where they cannot run (see `MigrationGuard`).
    public let guards: [MigrationGuard]
    private let url: String
    private let logger: Logger

    public init(url: String, migrations: [Migration] = Migration.embedded, guards: [MigrationGuard] = MigrationGuard.all,
                logger: Logger = Logger(label: "fleettickets.migrate", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.url = url
        self.guards = guards
        self.migrations = migrations.sorted { $0.name < $1.name }
        self.logger = logger
    }

    /// Applies what is pending (or, with `dryRun`, only says what would run).
    public func run(dryRun: Bool = false) throws -> [MigrationOutcome] {
        let db = try PostgresConnection(url: url, applicationName: "fleettickets migrate", logger: logger)
        defer { db.close() }
        let lock = PostgresConnection.advisoryLockKey(named: "migrate")
        try db.advisoryLock(key: lock)
        defer { _ = try? db.advisoryUnlock(key: lock) }
        if !dryRun { try ensureLedger(db) }
        let ledger = try readLedger(db)
        var outcomes: [MigrationOutcome] = []
        for migration in migrations {
            let started = ContinuousClock.now
            let checksum = try sha256(of: migration.sql, db)
            var action: MigrationOutcome.Action
            switch ledger[migration.name] {
            case .some(.some(let recorded)) where recorded == checksum:
                action = .alreadyApplied
            case .some(.some(let recorded)):
                throw PostgresError(
                    code: .migrationRefused, purpose: "migrate past \(migration.name)", message: """
                    it was applied with different contents (sha256 \(recorded.prefix(12))… in \
                    tickets.schema_migrations, \(checksum.prefix(12))… in this build)
                    """, endpoint: db.endpoint, migration: migration.name)
            case .some(.none):
                action = dryRun ? .pending : .adopted
                if !dryRun {
                    try db.execute("UPDATE tickets.schema_migrations SET sha256 = $2 WHERE filename = $1",
                                   [migration.name, checksum], purpose: "adopt \(migration.name)")
                }
            case .none:
                action = .pending
                if let guarded = guards.first(where: { $0.name == migration.name }),
                   try db.scalar(guarded.applies, purpose: "check whether \(migration.name) can run here") != "t" {
                    if !dryRun {
                        try db.execute("INSERT INTO tickets.schema_migrations (filename, sha256, note) VALUES ($1, $2, $3)",
                                       [migration.name, checksum, "skipped: " + guarded.reason], purpose: "record \(migration.name) as skipped")
                    }
                    var outcome = MigrationOutcome(name: migration.name, action: .skipped, seconds: started.duration(to: .now).inSeconds)
                    outcome.note = guarded.reason
                    logger.notice("migration skipped", metadata: ["name": "\(migration.name)", "reason": "\(guarded.reason)"])
                    outcomes.append(outcome)
                    continue
                }
                if !dryRun {
                    try db.transaction(purpose: "apply \(migration.name)") {
                        try db.simpleQuery(migration.sql, purpose: "run \(migration.name)")
                        try db.execute("INSERT INTO tickets.schema_migrations (filename, sha256) VALUES ($1, $2)",
                                       [migration.name, checksum], purpose: "record \(migration.name)")
                    }
                    action = .applied
                }
            }
            let outcome = MigrationOutcome(name: migration.name, action: action, seconds: started.duration(to: .now).inSeconds)
            if action == .applied || action == .adopted { logger.info("migration \(outcome)") }
            outcomes.append(outcome)
        }
        return outcomes
    }

    private func ensureLedger(_ db: PostgresConnection) throws {
        try db.simpleQuery("""
            CREATE SCHEMA IF NOT EXISTS tickets;
            CREATE TABLE IF NOT EXISTS tickets.schema_migrations (
                filename   text PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            ALTER TABLE tickets.schema_migrations ADD COLUMN IF NOT EXISTS sha256 text;
            ALTER TABLE tickets.schema_migrations ADD COLUMN IF NOT EXISTS note text;
            """, purpose: "create the migration ledger")
    }

    /// File name → recorded checksum (nil inner value: recorded without one).
    private func readLedger(_ db: PostgresConnection) throws -> [String: String?] {
        let exists = try db.scalar("SELECT to_regclass('tickets.schema_migrations') IS NOT NULL", purpose: "look for the migration ledger")
        guard exists == "t" else { return [:] }
        let hasChecksum = try db.scalar("""
            SELECT count(*) FROM information_schema.columns
            WHERE table_schema = 'tickets' AND table_name = 'schema_migrations' AND column_name = 'sha256'
            """, purpose: "inspect the migration ledger") == "1"
        let result = try db.execute(hasChecksum ? "SELECT filename, sha256 FROM tickets.schema_migrations"
                                                : "SELECT filename, NULL FROM tickets.schema_migrations",
                                    purpose: "read the migration ledger")
        var out: [String: String?] = [:]
        for row in 0..<result.rowCount {
            if let name = result[row, 0] { out[name] = .some(result[row, 1]) }
        }
        return out
    }

    /// The server computes the digest: no hashing code of our own to get wrong.
    private func sha256(of text: String, _ db: PostgresConnection) throws -> String {
        try db.scalar("SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')", [text], purpose: "checksum a migration") ?? ""
    }
}

extension Duration {
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
