import Foundation

/// Everything the product is configured with, resolved once: flags (or an embedder's
/// overrides) over the environment over the `.env` file over `SettingDefaults`.
///
/// Core's settings are parsed and checked here, each by one rule whose error names where the
/// bad value came from. The adapters' own settings (the bucket, the HTTP geocoders) are read
/// by their configurations from ``values``, so they follow the same precedence. The table of
/// every setting is docs/settings.md.
///
/// ```swift
/// var overrides = SettingsOverrides()
/// overrides.set(.datasets, "inc")
/// let settings = try FleetTicketsSettings(overrides: overrides)        // reads ./.env too
/// let worker = IngestWorker(source: source, connect: connect, geocodeSettings: settings.geocode,
///                           settings: settings.worker, logger: logger)
/// ```
public struct FleetTicketsSettings: Sendable, CustomStringConvertible {
    /// The raw layer every setting is read from (the adapters read theirs here).
    public var values: SettingValues
    /// The database (`DATABASE_URL`); nil when not configured (see ``requireDatabaseURL()``).
    public var databaseURL: String? { values[.databaseURL]?.text }
    /// The datasets drained by the worker and shown and checked by `status`.
    public var datasets: [Dataset]
    /// Time between worker ticks.
    public var workerInterval: Duration
    /// `status --check`'s limit for waiting files and the newest applied export.
    public var statusMaxAge: TimeInterval
    /// The geocoding provider's name, lowercased; nil: none chosen.
    public var geocoderProvider: String? { values[.geocoderProvider]?.text.lowercased() }
    /// The gazetteer file for the `gazetteer` provider.
    public var gazetteerFile: String? { values[.geocoderGazetteer]?.text }
    /// Budget, radius and country codes for geocoding.
    public var geocode: GeocodeSettings
    /// `status --check`'s limits on the quality figures (all unset unless configured).
    public var quality: QualityThresholds
    /// The TCP port `run` serves `/metrics` and `/healthz` on; nil: no endpoint.
    public var metricsPort: Int?

    /// Settings from explicit layers; nothing is read from disk or the process.
    /// - Throws: `SettingsError` for the first value that cannot be used.
    public init(values: SettingValues) throws(SettingsError) {
        self.values = values
        datasets = try Self.parse(values, .datasets) { text throws(DatasetNameError) in try Dataset.parseList(text) }
        workerInterval = try Self.parse(values, .workerInterval) { text throws(SettingsProblem) in
            guard let seconds = HealthCheck.parseDuration(text), .seconds(seconds) >= SettingDefaults.minimumWorkerInterval else {
                throw SettingsProblem("must be a duration of at least 0.1s, like 60s, 5m or 1h (got '\(text)')")
            }
            return .milliseconds(Int64((seconds * 1000).rounded()))
        }
        statusMaxAge = try Self.parse(values, .statusMaxAge, Self.parsePositiveDuration)
        quality = try QualityThresholds(values: values)
        geocode = GeocodeSettings()
        geocode.budget = try Self.parse(values, .geocodeBudget) { text throws(SettingsProblem) in try GeocodeSettings.parseBudget(text) }
        geocode.radiusKilometres = try Self.parse(values, .geocodeRadius) { text throws(SettingsProblem) in
            guard let km = Double(text), km > 0, km.isFinite else { throw SettingsProblem("must be a distance in km greater than 0 (got '\(text)')") }
            return km
        }
        geocode.countryCodes = try Self.parse(values, .geocoderCountryCodes) { text throws(SettingsProblem) in
            let codes = GeocodeSettings.checkCountryCodes(text.split(separator: ",").map(String.init))
            if let problem = codes.problem { throw SettingsProblem(problem) }
            return codes.codes
        }
        metricsPort = try Self.parseOptional(values, .metricsPort) { text throws(SettingsProblem) in
            guard let port = Int(text), (1...65_535).contains(port) else {
                throw SettingsProblem("must be a TCP port number from 1 to 65535 (got '\(text)')")
            }
            return port
        }
    }

    /// Settings from `overrides`, the process environment and the `.env` file at `envFile`
    /// (a missing file is no error).
    /// - Throws: `SettingsError` for an unreadable file or the first value that cannot be used.
    public init(overrides: SettingsOverrides = SettingsOverrides(),
                environment: [String: String] = ProcessInfo.processInfo.environment,
                envFile: String? = SettingDefaults.environmentFile) throws(SettingsError) {
        try self.init(values: SettingValues(overrides: overrides, environment: environment, envFile: envFile))
    }

    /// The database URL.
    /// - Throws: `SettingsError` (`DATABASE_URL is not set`) when nothing configures it.
    public func requireDatabaseURL() throws(SettingsError) -> String {
        guard let databaseURL else { throw SettingsError(source: Setting.databaseURL.variable, problem: "is not set") }
        return databaseURL
    }

    /// The worker's settings: interval, datasets and the geocode budget per tick (the other
    /// fields keep `WorkerSettings`' defaults).
    public var worker: WorkerSettings {
        WorkerSettings(every: workerInterval, datasets: datasets, geocodeBudget: geocode.budget)
    }

    /// `status --check`'s judgement with the configured max age and quality thresholds.
    public var healthCheck: HealthCheck { HealthCheck(maxAge: statusMaxAge, quality: quality) }

    /// Every setting with its value and origin; secrets and the database URL only as `set`.
    public var description: String {
        Setting.all.map { setting in
            guard let value = values[setting] else { return "\(setting.variable)=<unset>" }
            let shown = setting.isSecret ? "<set>" : value.text
            return "\(setting.variable)=\(shown) (\(value.origin))"
        }.joined(separator: ", ")
    }

    /// Parses one setting's text, or uses `parse`'s default when the text is the default.
    private static func parse<T, E: Error & CustomStringConvertible>(
        _ values: SettingValues, _ setting: Setting, _ parse: (String) throws(E) -> T
    ) throws(SettingsError) -> T {
        // Every parsed setting has a default, so a value is always there.
        try parseValue(values[setting] ?? SettingValues.Value(text: setting.defaultText ?? "", origin: .default(variable: setting.variable)), parse)
    }

    /// Parses an optional setting's text; unset is nil.
    static func parseOptional<T, E: Error & CustomStringConvertible>(
        _ values: SettingValues, _ setting: Setting, _ parse: (String) throws(E) -> T
    ) throws(SettingsError) -> T? {
        guard let value = values[setting] else { return nil }
        return try parseValue(value, parse)
    }

    /// One value parsed; a problem becomes a `SettingsError` naming where the value came from.
    private static func parseValue<T, E: Error & CustomStringConvertible>(
        _ value: SettingValues.Value, _ parse: (String) throws(E) -> T
    ) throws(SettingsError) -> T {
        do {
            return try parse(value.text)
        } catch {
            throw SettingsError(source: "\(value.origin)", problem: problem(error))
        }
    }

    /// A duration above zero, written as the duration settings are (`45m`, `2h`, `90s`).
    static func parsePositiveDuration(_ text: String) throws(SettingsProblem) -> TimeInterval {
        guard let seconds = HealthCheck.parseDuration(text), seconds > 0 else {
            throw SettingsProblem("must be a duration like 45m, 2h or 90s (got '\(text)')")
        }
        return seconds
    }

    private static func problem(_ error: some CustomStringConvertible) -> String {
        if let bad = error as? DatasetNameError { return bad.name.isEmpty ? "names no dataset (\(bad.knownList))" : "names an \(bad)" }
        return "\(error)"
    }
}

/// What is wrong with one setting's text (wrapped into a `SettingsError` with its origin).
struct SettingsProblem: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
