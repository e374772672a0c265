/// One schema migration: a file of `migrations/` and its SQL.
public struct Migration: Sendable, Hashable {
    /// The file name, which is also its id in `tickets.schema_migrations` (`03_inc_columns.sql`).
    public var name: String
    /// The SQL, run as one script in one transaction.
    public var sql: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }
}

/// What the runner did with one migration.
public struct MigrationOutcome: Sendable, Hashable, CustomStringConvertible {
    public enum Action: String, Sendable {
        /// Ran now.
        case applied
        /// Would run (`migrate --dry-run`).
        case pending
        /// Already in the ledger with the same contents.
        case alreadyApplied = "already applied"
        /// In the ledger without a checksum (written by the Python tool): trusted by name and
        /// its checksum recorded now.
        case adopted
    }
    public var name: String
    public var action: Action
    public var seconds: Double

    public var description: String { "\(name): \(action.rawValue)" }
}

/// A migration the runner refuses to go past.
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    public var name: String
    public var message: String

    public var description: String { message }
}
