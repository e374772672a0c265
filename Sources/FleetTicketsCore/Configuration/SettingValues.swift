import Foundation

/// The settings as text, each with where it came from: overrides (flags) over the process
/// environment over the `.env` file over the defaults of `Setting`.
///
/// The raw layer: `FleetTicketsSettings` parses the settings Core uses from it, and the
/// adapters (`S3Configuration`, `GeocoderConfiguration`) read theirs from it, so every setting
/// follows the same precedence. A value that is empty or blanks counts as not set at its
/// layer (the next layer is used).
public struct SettingValues: Sendable {
    /// A setting's text and its origin.
    public struct Value: Sendable, Hashable {
        /// The text, trimmed of surrounding whitespace.
        public var text: String
        /// Where it came from.
        public var origin: SettingOrigin
    }

    private let overrides: SettingsOverrides
    private let environment: [String: String]
    private let file: [String: String]
    private let filePath: String

    /// Values from explicit layers (tests and embedders that read no file).
    /// - Parameters:
    ///   - overrides: the values given in code or on the command line, which win.
    ///   - environment: the process environment (or a stand-in).
    ///   - file: the parsed `.env` file (`EnvironmentFile.parse`).
    ///   - filePath: the file's path, named in errors.
    public init(overrides: SettingsOverrides = SettingsOverrides(), environment: [String: String] = [:],
                file: [String: String] = [:], filePath: String = SettingDefaults.environmentFile) {
        self.overrides = overrides
        self.environment = environment
        self.file = file
        self.filePath = filePath
    }

    /// Values from the overrides, the process environment and the `.env` file at `envFile`
    /// (a missing file is no error; nil reads none).
    /// - Throws: `SettingsError` when the file exists but cannot be read.
    public init(overrides: SettingsOverrides = SettingsOverrides(),
                environment: [String: String] = ProcessInfo.processInfo.environment,
                envFile: String?) throws(SettingsError) {
        var file: [String: String] = [:]
        if let envFile, FileManager.default.fileExists(atPath: envFile) {
            do {
                file = EnvironmentFile.parse(try String(contentsOfFile: envFile, encoding: .utf8))
            } catch {
                throw SettingsError(source: "the settings file \(envFile)", problem: "cannot be read (\(error.localizedDescription))")
            }
        }
        self.init(overrides: overrides, environment: environment, file: file, filePath: envFile ?? SettingDefaults.environmentFile)
    }

    /// The value of `setting`: an override, else the variable (then its fallbacks) from the
    /// environment, else from the file, else the default; nil when none of them has one.
    public subscript(_ setting: Setting) -> Value? {
        if let given = overrides[setting], let text = Self.present(given.text) {
            return Value(text: text, origin: .override(label: given.label))
        }
        for variable in [setting.variable] + setting.fallbacks {
            if let text = Self.present(environment[variable]) { return Value(text: text, origin: .environment(variable: variable)) }
            if let text = Self.present(file[variable]) { return Value(text: text, origin: .file(variable: variable, path: filePath)) }
        }
        return setting.defaultText.map { Value(text: $0, origin: .default(variable: setting.variable)) }
    }

    private static func present(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed
    }
}

/// Where a setting's value came from; errors name it so the operator fixes the right place.
public enum SettingOrigin: Sendable, Hashable, CustomStringConvertible {
    /// A flag or an embedder's override, by the name it was given as (`--budget`).
    case override(label: String)
    /// The process environment.
    case environment(variable: String)
    /// The `.env` file.
    case file(variable: String, path: String)
    /// The default (`SettingDefaults`).
    case `default`(variable: String)

    /// The variable the value was read from; nil for an override.
    public var variable: String? {
        switch self {
        case .override: nil
        case .environment(let v), .file(let v, _), .default(let v): v
        }
    }

    /// `--budget`, `GEOCODER_BUDGET`, `GEOCODER_BUDGET in .env`, `the default of GEOCODER_BUDGET`.
    public var description: String {
        switch self {
        case .override(let label): label
        case .environment(let variable): variable
        case .file(let variable, let path): "\(variable) in \(path)"
        case .default(let variable): "the default of \(variable)"
        }
    }
}
