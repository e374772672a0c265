/// A setting that is missing or cannot be used: a configuration error (exit status 2 on the
/// command line) naming where the value came from and what is wrong with it.
public struct SettingsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the value came from, as `SettingOrigin` describes it (`--max-age`,
    /// `FLEETTICKETS_MAX_AGE in .env`), or the variable that is missing.
    public var source: String
    /// What is wrong, as a predicate: `is not set`, `must be a whole number … (got 'x')`.
    public var problem: String

    /// An error about `source`.
    public init(source: String, problem: String) {
        self.source = source
        self.problem = problem
    }

    /// `--max-age must be a duration like 45m, 2h or 90s (got 'soon')`.
    public var description: String { "\(source) \(problem)" }
}
