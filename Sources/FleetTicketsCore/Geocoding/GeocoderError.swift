/// Why a geocoder could not answer. Never carries an API key.
public enum GeocoderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The provider's quota is spent (OpenCage 402, a daily-limit 429): stop asking it this run.
    case quotaExhausted(provider: String, message: String)
    /// The key was refused (401/403): a configuration error naming the variable to check.
    case unauthorized(provider: String, variable: String)
    /// Still failing after retries (5xx, timeouts, rate limits): try again next run.
    case unavailable(provider: String, message: String)
    /// The run's request budget was spent (retries count): the place is asked next run.
    case budgetSpent(provider: String)

    public var description: String {
        switch self {
        case let .quotaExhausted(p, m): "\(p) quota is exhausted (\(m)); no more requests to it this run"
        case let .unauthorized(p, v): "\(p) refused our credentials (401/403); check \(v)"
        case let .unavailable(p, m): "\(p) did not answer: \(m)"
        case let .budgetSpent(p): "the request budget for \(p) is spent (every request counts, retries too); the rest waits for the next run"
        }
    }
}
