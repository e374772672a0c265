/// What this build of fleettickets is: its release, the commit it was built from and the
/// migrations it carries. `version` and `commit` are written at build time next to the
/// embedded migrations (the EmbedMigrations plugin).
public enum BuildInfo {
    /// How many migrations this binary can apply (`Migration.embedded`).
    public static var migrationCount: Int { Migration.embedded.count }

    /// One line for `--version`: `3.0.0-dev (commit 1a2b3c4d5e6f, 26 migrations)`.
    public static var summary: String { "\(version) (commit \(commit), \(migrationCount) migrations)" }
}
