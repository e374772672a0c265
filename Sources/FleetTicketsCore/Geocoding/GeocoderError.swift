/// Why a geocoder could not answer. Every `Geocoder` (the HTTP providers of
/// `FleetTicketsGeocode`, the gazetteer) throws this type, or `CancellationError`.
///
/// Catch it by `code`; `provider` names the geocoder, `message` what it said (scrubbed), and
/// `variable` the setting holding the refused credential. Never carries an API key.
public struct GeocoderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure. A struct over a private enum so new codes can be added without
    /// breaking exhaustive switches in callers: compare with `==` or `switch` with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case quotaExhausted, unauthorized, unavailable, budgetSpent
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The provider's quota is spent (OpenCage 402, a daily-limit 429): stop asking it this run.
        public static let quotaExhausted = Code(.quotaExhausted)
        /// The credentials were refused (401/403): a configuration error; `variable` names the setting.
        public static let unauthorized = Code(.unauthorized)
        /// Still failing after retries (5xx, timeouts, rate limits), or an answer it cannot
        /// read: the place is asked again next run.
        public static let unavailable = Code(.unavailable)
        /// The run's request budget was spent (retries count): the place is asked next run.
        public static let budgetSpent = Code(.budgetSpent)

        /// The code's name, e.g. "unauthorized".
        public var description: String { base.rawValue }
    }

    /// What kind of failure.
    public var code: Code
    /// The geocoder's name, e.g. "opencage".
    public var provider: String
    /// What the provider said or how the request failed, scrubbed of keys; nil when the code says it all.
    public var message: String?
    /// The environment variable holding the refused credential (`.unauthorized`).
    public var variable: String?

    /// An error of any code.
    public init(code: Code, provider: String, message: String? = nil, variable: String? = nil) {
        self.code = code
        self.provider = provider
        self.message = message
        self.variable = variable
    }

    /// The provider's quota is spent.
    public static func quotaExhausted(provider: String, message: String) -> GeocoderError {
        GeocoderError(code: .quotaExhausted, provider: provider, message: message)
    }
    /// The provider refused the credentials held in `variable`.
    public static func unauthorized(provider: String, variable: String) -> GeocoderError {
        GeocoderError(code: .unauthorized, provider: provider, variable: variable)
    }
    /// The provider did not answer usably, after any retries.
    public static func unavailable(provider: String, message: String) -> GeocoderError {
        GeocoderError(code: .unavailable, provider: provider, message: message)
    }
    /// The run's request budget for the provider is spent.
    public static func budgetSpent(provider: String) -> GeocoderError {
        GeocoderError(code: .budgetSpent, provider: provider)
    }

    /// One line: which provider, what happened.
    public var description: String {
        switch code {
        case .quotaExhausted: "\(provider) quota is exhausted (\(message ?? "no detail")); no more requests to it this run"
        case .unauthorized: "\(provider) refused our credentials (401/403)" + (variable.map { " from \($0)" } ?? "")
        case .budgetSpent: "the request budget for \(provider) is spent (every request counts, retries too); the rest waits for the next run"
        default: "\(provider) did not answer: \(message ?? "no detail")"
        }
    }
}
