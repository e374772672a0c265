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
        /// Cannot run on this database and a later migration carries its effect here (see
        /// `MigrationGuard`); recorded in the ledger with the reason, never run.
        case skipped
    }
    public var name: String
    public var action: Action
    public var seconds: Double
    /// Why it was skipped, for `skipped`.
    public var note: String? = nil

    public var description: String { "\(name): \(action.rawValue)" }
}

/// A migration that cannot run on some databases, and whose effect a later migration carries
/// there. The runner asks `applies` (a SQL boolean) before running it; when false it records
/// the migration as skipped, with `reason`, instead of failing the whole takeover.
///
/// The one case: `15_eat_ts_fast_path.sql` replaces `tickets.eat_ts(p_text text)`, and
/// PostgreSQL refuses to rename a parameter in CREATE OR REPLACE. The Python tool named it
/// differently, and its generated columns forbid dropping the function, so on such a database
/// 15 is skipped and `17_takeover_and_geocode_memory.sql` installs the same body under the
/// existing name. Applied migration files stay as they are (15 is never edited).
public struct MigrationGuard: Sendable, Hashable {
    /// The migration's file name.
    public var name: String
    /// A query answering one boolean: true when the migration can run on this database.
    public var applies: String
    /// Why it is skipped where it cannot run, and what carries its effect there.
    public var reason: String

    /// The guards the runner knows.
    public static let all: [MigrationGuard] = [
        MigrationGuard(
            name: "15_eat_ts_fast_path.sql",
            applies: """
                SELECT coalesce((SELECT coalesce(nullif(p.proargnames[1], ''), 'p_text') = 'p_text'
                                   FROM pg_proc p WHERE p.oid = to_regprocedure('tickets.eat_ts(text)')), true)
                """,
            reason: "tickets.eat_ts names its parameter differently (a database built by the Python tool); 17_takeover_and_geocode_memory.sql installs the same fast path under that name"),
    ]
}
