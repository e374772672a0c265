/// Settings given explicitly — a command's flags, or an embedding service's own code — which
/// win over the environment, the `.env` file and the defaults.
///
/// Values are text, parsed by `FleetTicketsSettings` like the same setting from the
/// environment, so a flag and its variable obey one rule and one error names whichever was
/// used.
///
/// ```swift
/// var overrides = SettingsOverrides()
/// overrides.set(.geocodeBudget, "50", flag: "--budget")
/// let settings = try FleetTicketsSettings(overrides: overrides)
/// ```
public struct SettingsOverrides: Sendable, Hashable {
    /// One override: its text and the name errors call it by.
    public struct Value: Sendable, Hashable {
        /// The value as given.
        public var text: String
        /// What errors name it: the flag (`--budget`), or the setting's first flag or variable.
        public var label: String
    }

    private var values: [String: Value] = [:]

    /// No overrides.
    public init() {}

    /// Overrides `setting` with `text`; nil leaves it to the environment, `.env` and the default.
    /// - Parameters:
    ///   - setting: the setting to override.
    ///   - text: its value as typed, parsed by the setting's own rule; nil sets nothing.
    ///   - flag: the name errors give it (default: the setting's first flag, else its variable).
    public mutating func set(_ setting: Setting, _ text: String?, flag: String? = nil) {
        guard let text else { return }
        values[setting.variable] = Value(text: text, label: flag ?? setting.flags.first ?? setting.variable)
    }

    /// The override of `setting`, if any.
    public subscript(_ setting: Setting) -> Value? { values[setting.variable] }
}
