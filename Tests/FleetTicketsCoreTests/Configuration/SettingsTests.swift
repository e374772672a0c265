import FleetTicketsCore
import Foundation
import Testing

/// One settings value: flags (overrides) > environment > `.env` > defaults, one set of
/// defaults, and errors that name where a bad value came from.
@Suite struct SettingsTests {
    func settings(flags: [Setting: String] = [:], env: [String: String] = [:], file: [String: String] = [:]) throws -> FleetTicketsSettings {
        var overrides = SettingsOverrides()
        for (setting, text) in flags { overrides.set(setting, text) }
        return try FleetTicketsSettings(values: SettingValues(overrides: overrides, environment: env, file: file))
    }

    func error(flags: [Setting: String] = [:], env: [String: String] = [:], file: [String: String] = [:]) -> SettingsError? {
        #expect(throws: SettingsError.self) { try settings(flags: flags, env: env, file: file) }
    }

    @Test func eachLayerWinsOverTheOnesBelowIt() throws {
        let file = ["GEOCODER_BUDGET": "7", "FLEETTICKETS_EVERY": "5m", "FLEETTICKETS_DATASETS": "crq", "DATABASE_URL": "postgres://file"]
        let env = ["GEOCODER_BUDGET": "8", "FLEETTICKETS_EVERY": "2m", "DATABASE_URL": "postgres://env"]
        let flags: [Setting: String] = [.geocodeBudget: "9"]
        let s = try settings(flags: flags, env: env, file: file)
        #expect(s.geocode.budget == 9, "the flag beats the environment")
        #expect(s.workerInterval == .seconds(120), "the environment beats the file")
        #expect(s.datasets == [.crq], "the file beats the default")
        #expect(s.statusMaxAge == 45 * 60, "the default when nothing sets it")
        #expect(s.databaseURL == "postgres://env")
        #expect(s.values[.geocodeBudget]?.origin == .override(label: "--budget"))
        #expect(s.values[.workerInterval]?.origin == .environment(variable: "FLEETTICKETS_EVERY"))
        #expect(s.values[.datasets]?.origin == .file(variable: "FLEETTICKETS_DATASETS", path: ".env"))
        #expect(s.values[.statusMaxAge]?.origin == .default(variable: "FLEETTICKETS_MAX_AGE"))
    }

    @Test func anEmptyValueCountsAsUnsetAtItsLayer() throws {
        let s = try settings(flags: [.geocodeBudget: " "], env: ["GEOCODER_BUDGET": "", "TICKETS_BUCKET": "  "], file: ["GEOCODER_BUDGET": "12"])
        #expect(s.geocode.budget == 12)
        #expect(s.values[.bucketName]?.text == SettingDefaults.bucketName)
    }

    @Test func aFallbackVariableIsReadWhenThePrimaryIsSetNowhere() throws {
        let s = try settings(env: ["AWS_ACCESS_KEY_ID": "AKIA1"], file: ["RUSTFS_ACCESS_KEY": "fromfile"])
        #expect(s.values[.bucketAccessKey]?.text == "fromfile", "the primary variable, even from the file, beats the fallback")
        let fallback = try settings(env: ["AWS_ACCESS_KEY_ID": "AKIA1"])
        #expect(fallback.values[.bucketAccessKey]?.origin.variable == "AWS_ACCESS_KEY_ID")
    }

    /// `run` (per tick) and `geocode` (per run) share one budget default, and every type that
    /// takes a budget defaults to it.
    @Test func theGeocodeBudgetHasOneDefault() throws {
        let s = try settings()
        #expect(s.geocode.budget == SettingDefaults.geocodeBudget)
        #expect(s.worker.geocodeBudget == SettingDefaults.geocodeBudget)
        #expect(GeocodeSettings().budget == SettingDefaults.geocodeBudget)
        #expect(WorkerSettings().geocodeBudget == SettingDefaults.geocodeBudget)
        #expect(Setting.geocodeBudget.defaultText == String(SettingDefaults.geocodeBudget))
        #expect(SettingDefaults.geocodeBudget == 100)
    }

    @Test func theDefaultsAreTheTypesDefaults() throws {
        let s = try settings()
        #expect(s.datasets == Dataset.all)
        #expect(s.workerInterval == WorkerSettings().every)
        #expect(s.statusMaxAge == HealthCheck().maxAge)
        #expect(s.geocode == GeocodeSettings())
        #expect(s.geocoderProvider == nil && s.databaseURL == nil)
        #expect(s.values[.bucketRegion]?.text == "us-east-1" && s.values[.bucketName]?.text == "isptickets")
    }

    @Test func countryCodesAreParsedWithTheOtherGeocoderSettings() throws {
        #expect(try settings(env: ["GEOCODER_COUNTRY_CODES": "KE, tz,"]).geocode.countryCodes == ["ke", "tz"])
        let bad = error(file: ["GEOCODER_COUNTRY_CODES": "kenya"])
        #expect(bad?.source == "GEOCODER_COUNTRY_CODES in .env")
        #expect(bad?.problem.contains("'kenya'") == true)
    }

    @Test func aBadValueNamesWhereItCameFrom() {
        var overrides = SettingsOverrides()
        overrides.set(.geocodeBudget, "-1", flag: "--geocode-budget")
        let flag = #expect(throws: SettingsError.self) { try FleetTicketsSettings(values: SettingValues(overrides: overrides)) }
        #expect(flag?.description == "--geocode-budget must be a whole number of requests, 0 or more (got '-1')")
        #expect(error(env: ["GEOCODER_BUDGET": "10k"])?.source == "GEOCODER_BUDGET")
        #expect(error(flags: [.statusMaxAge: "soon"])?.description == "--max-age must be a duration like 45m, 2h or 90s (got 'soon')")
        #expect(error(env: ["FLEETTICKETS_EVERY": "0s"])?.source == "FLEETTICKETS_EVERY")
        #expect(error(flags: [.geocodeRadius: "0"])?.source == "--radius")
        #expect(error(flags: [.datasets: "inc,xyz"])?.description == "--datasets names an unknown dataset 'xyz' (the known datasets: inc, crq)")
        #expect(error(file: ["FLEETTICKETS_DATASETS": " , "])?.description
                == "FLEETTICKETS_DATASETS in .env names no dataset (the known datasets: inc, crq)")
    }

    @Test func theDatabaseURLIsRequiredOnlyWhenAsked() throws {
        let s = try settings()
        let missing = #expect(throws: SettingsError.self) { try s.requireDatabaseURL() }
        #expect(missing?.description == "DATABASE_URL is not set")
        #expect(try settings(flags: [.databaseURL: "postgres://flag"]).requireDatabaseURL() == "postgres://flag")
    }

    @Test func theEnvFileIsReadFromDiskUnderTheEnvironment() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("settings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("ops.env").path
        try "export GEOCODER_BUDGET=3\nFLEETTICKETS_MAX_AGE='2h' # alert later\n".write(toFile: path, atomically: true, encoding: .utf8)
        let s = try FleetTicketsSettings(environment: ["GEOCODER_BUDGET": "4"], envFile: path)
        #expect(s.geocode.budget == 4 && s.statusMaxAge == 7200)
        #expect(s.values[.statusMaxAge]?.origin.description == "FLEETTICKETS_MAX_AGE in \(path)")
        let absent = try FleetTicketsSettings(environment: [:], envFile: folder.appendingPathComponent("none.env").path)
        #expect(absent.geocode.budget == SettingDefaults.geocodeBudget, "a missing file is no error")
        let unreadable = #expect(throws: SettingsError.self) { try FleetTicketsSettings(environment: [:], envFile: folder.path) }
        #expect(unreadable?.source == "the settings file \(folder.path)")
    }

    @Test func theEnvFileParserKeepsWhatIsWritten() {
        let parsed = EnvironmentFile.parse("# a comment\nexport A=1\nB = 'two words' # note\nC=\"x#y\"\nD=plain # note\nnot a setting\n")
        #expect(parsed == ["A": "1", "B": "two words", "C": "x#y", "D": "plain"])
    }

    @Test func theDescriptionNeverShowsASecret() throws {
        let s = try settings(env: ["DATABASE_URL": "postgres://ops:Sup3rS3cret@db/tickets", "RUSTFS_SECRET_KEY": "hush", "GEOCODER_API_KEY": "k3y"])
        #expect(!s.description.contains("Sup3rS3cret") && !s.description.contains("hush") && !s.description.contains("k3y"))
        #expect(s.description.contains("DATABASE_URL=<set> (DATABASE_URL)"))
    }

    /// docs/settings.md is the operator's table: it names every setting and its default.
    @Test func theSettingsTableListsEverySetting() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let table = try String(contentsOf: root.appendingPathComponent("docs/settings.md"), encoding: .utf8)
            .split(separator: "\n").filter { $0.hasPrefix("| `") }
        for setting in Setting.all {
            let row = table.first { $0.contains("`\(setting.variable)`") }
            #expect(row != nil, "docs/settings.md has no row for \(setting.variable)")
            if let text = setting.defaultText { #expect(row?.contains("`\(text)`") == true, "\(setting.variable)'s default \(text)") }
            for flag in setting.flags { #expect(row?.contains("`\(flag)`") == true, "\(setting.variable)'s flag \(flag)") }
        }
    }
}

/// Dataset names are checked in one place, and the error lists the known datasets.
@Suite struct DatasetNameTests {
    @Test func aKnownNameIsFoundWhateverItsCase() throws {
        #expect(try Dataset.parse(" CRQ ") == .crq)
        #expect(try Dataset.parseList("crq, inc,crq") == [.crq, .inc], "in the order given, each once")
    }

    @Test func anUnknownNameListsTheKnownDatasets() {
        let error = #expect(throws: DatasetNameError.self) { try Dataset.parse("chg") }
        #expect(error?.known == Dataset.all.map(\.name))
        #expect(error?.description == "unknown dataset 'chg' (the known datasets: \(Dataset.all.map(\.name).joined(separator: ", ")))")
        let none = #expect(throws: DatasetNameError.self) { try Dataset.parseList(" ,") }
        #expect(none?.name == "")
    }
}
