import FleetTicketsCore
import FleetTicketsHTTP
import Foundation
import Logging

/// What a provider makes of one response.
enum ProviderVerdict: Sendable {
    /// The answer: candidates, or none (a miss).
    case answer([GeocodeCandidate])
    /// Worth asking again after a wait (`retryAfter` when the provider named one).
    case retry(reason: String, retryAfter: Duration?)
    /// Final: quota, credentials, or a failure not worth repeating now.
    case fail(GeocoderError)
}

/// Sends one query to a provider: every attempt through the rate limiter, retries with
/// backoff after rate limits (honouring `Retry-After`), 5xx and transport failures, and
/// errors that never carry the API key.
///
/// Retries are driven here rather than inside `HTTPClient` (which gets a zero-retry policy)
/// so each attempt waits for its rate-limit slot and a 429's `Retry-After` is honoured; the
/// decisions and backoff still come from an `HTTPRetryPolicy`.
struct ProviderTransport: Sendable {
    let provider: GeocoderProvider
    let configuration: GeocoderConfiguration
    let http: HTTPClient
    let policy: HTTPRetryPolicy
    let limiter: GeocoderRateLimiter
    let scrub: SecretScrubber
    let logger: Logger

    init(configuration: GeocoderConfiguration, logger: Logger, clock: some Clock<Duration>, retryPolicy: HTTPRetryPolicy?) {
        provider = configuration.provider
        self.configuration = configuration
        policy = retryPolicy ?? HTTPRetryPolicy(maxRetries: configuration.maxRetries, baseDelay: .seconds(1), maxDelay: .seconds(30))
        var logger = logger
        logger[metadataKey: "geocoder"] = "\(configuration.provider.rawValue)"
        self.logger = logger
        http = HTTPClient(retryPolicy: HTTPRetryPolicy(maxRetries: 0), clock: clock, logger: logger)
        limiter = GeocoderRateLimiter(configuration.rateLimit, clock: clock)
        scrub = SecretScrubber(configuration.apiKey)
    }

    var name: String { provider.rawValue }

    /// `baseURL?name=value&…`, values percent-encoded.
    func url(_ parameters: KeyValuePairs<String, String?>) -> String {
        let base = configuration.baseURL
        let query = parameters.compactMap { name, value in value.map { "\(name)=\(QueryEncoding.encode($0))" } }
            .joined(separator: "&")
        return base + (base.contains("?") ? "&" : "?") + query
    }

    /// The country codes of the query, or the configuration's when it names none.
    func countryCodes(_ query: PlaceQuery) -> String {
        (query.countryCodes.isEmpty ? configuration.countryCodes : query.countryCodes.map { $0.lowercased() })
            .joined(separator: ",")
    }

    /// Sends the query (a GET of `url`) until `classify` gives an answer or a final failure.
    /// Each attempt spends one unit of `budget` first; none left is `budgetSpent`.
    func send(_ url: String, budget: GeocodeBudget?, classify: (HTTPResponse) -> ProviderVerdict) async throws -> [GeocodeCandidate] {
        let request = HTTPRequest(
            url: url,
            headers: ["User-Agent": configuration.userAgent, "Accept": "application/json"],
            timeouts: HTTPTimeouts(connect: configuration.connectTimeout, lowSpeedBytesPerSecond: 1,
                                   lowSpeedTime: configuration.timeout, total: configuration.timeout))
        var retries = 0
        while true {
            if let budget, !budget.spend() { throw GeocoderError.budgetSpent(provider: name) }
            try await limiter.acquire()
            let reason: String
            var wait: Duration?
            do {
                let attempt: Result<HTTPResponse, any Error>
                do { attempt = .success(try await http.execute(request)) } catch { attempt = .failure(error) }
                await limiter.answered()  // answered or failed: the request has left the wire either way
                let response = try attempt.get()
                switch classify(response) {
                case let .answer(candidates):
                    logger.trace("geocoder answered", metadata: ["status": "\(response.status)", "candidates": "\(candidates.count)",
                                                                  "retries": "\(retries)"])
                    return candidates
                case let .fail(error):
                    throw error
                case let .retry(why, retryAfter):
                    reason = why
                    wait = retryAfter
                }
            } catch let failure as HTTPError {
                if failure.isCancellation { throw CancellationError() }
                reason = failure.isTimeout ? "timed out (\(failure.message))" : "\(failure.message) (curl error \(failure.curlCode))"
                guard policy.shouldRetry(curlCode: failure.curlCode) else {
                    throw GeocoderError.unavailable(provider: name, message: scrub("\(failure)"))
                }
            }
            guard retries < policy.maxRetries else {
                throw GeocoderError.unavailable(provider: name, message: scrub(reason + Self.retried(retries)))
            }
            if let wait, wait > configuration.maxRetryAfter {
                throw GeocoderError.unavailable(
                    provider: name, message: scrub("\(reason); it asks to wait \(wait.components.seconds) s, longer than this run waits"))
            }
            let delay = max(wait ?? .zero, policy.delay(beforeRetry: retries))
            retries += 1
            logger.notice("retrying a geocoder request", metadata: [
                "url": "\(request.redactedURL)", "reason": "\(scrub(reason))",
                "retry": "\(retries)/\(policy.maxRetries)", "delay": "\(delay)",
            ])
            await limiter.holdOff(for: delay)
        }
    }

    private static func retried(_ retries: Int) -> String {
        retries == 0 ? "" : " after \(retries) \(retries == 1 ? "retry" : "retries")"
    }

    // MARK: - Shared classification

    /// What every provider's error statuses mean: 401/403 credentials, 429 a rate limit (or,
    /// when the body says the daily limit is reached, the quota), retryable 5xx, anything
    /// else a failure of this query.
    func verdict(forError response: HTTPResponse) -> ProviderVerdict {
        let message = errorMessage(response)
        let status = "HTTP \(response.status)" + (message.isEmpty ? "" : ": \(message)")
        switch response.status {
        case 401, 403:
            return .fail(.unauthorized(provider: name, variable: provider.credentialVariable))
        case 429:
            if Self.saysDailyLimit(message) { return .fail(.quotaExhausted(provider: name, message: status)) }
            return .retry(reason: "rate limited (\(status))", retryAfter: Self.retryAfter(response))
        case let code where policy.shouldRetry(status: code):
            return .retry(reason: status, retryAfter: Self.retryAfter(response))
        default:
            var text = status
            if response.status == 404 { text += " (check GEOCODER_URL)" }
            return .fail(.unavailable(provider: name, message: text))
        }
    }

    /// A 429 that means the day's quota is spent, e.g. LocationIQ's `Rate Limited Day`.
    static func saysDailyLimit(_ message: String) -> Bool {
        let lowered = message.lowercased()
        return ["day", "daily", "quota"].contains { lowered.contains($0) }
    }

    /// `Retry-After` in seconds (the HTTP-date form is not used by these providers).
    static func retryAfter(_ response: HTTPResponse) -> Duration? {
        guard let text = response.headers["Retry-After"]?.trimmingCharacters(in: .whitespaces),
              let seconds = Double(text), seconds >= 0, seconds.isFinite else { return nil }
        return .seconds(seconds)
    }

    /// The provider's explanation from an error body (`{"error":"…"}`, `{"error":{"message":"…"}}`,
    /// `{"status":{"message":"…"}}`), else the start of the body; scrubbed of the key.
    func errorMessage(_ response: HTTPResponse) -> String {
        var message: String?
        if let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] {
            if let error = object["error"] as? String {
                message = error
            } else if let error = object["error"] as? [String: Any], let text = error["message"] as? String {
                message = text
            } else if let status = object["status"] as? [String: Any], let text = status["message"] as? String {
                message = text
            }
        }
        let text = (message ?? response.text).split(whereSeparator: \.isNewline).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
        let clipped = text.count > 200 ? String(text.prefix(200)) + "…" : text
        return scrub(clipped)
    }

    /// A 2xx body that could not be read as the provider's documented JSON.
    func unreadable(_ response: HTTPResponse, _ problem: String) -> ProviderVerdict {
        let start = response.text.prefix(120)
        return .fail(.unavailable(provider: name, message: scrub("unreadable answer (\(problem)): \(start)")))
    }
}

/// Removes the API key (as sent and percent-encoded) from text bound for errors and logs.
struct SecretScrubber: Sendable {
    private let secrets: [String]

    init(_ secret: String?) {
        guard let secret, !secret.isEmpty else {
            secrets = []
            return
        }
        let forms: Set<String> = [secret, QueryEncoding.encode(secret), secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? secret]
        secrets = forms.sorted { $0.count > $1.count }
    }

    func callAsFunction(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") }
    }
}

/// Query-string encoding: everything but RFC 3986 unreserved characters and `,` (the
/// separator of `viewbox`, `proximity` and country lists) is percent-encoded.
enum QueryEncoding {
    private static let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~,")

    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    /// A coordinate component in plain decimal notation (never exponent form), at most 6 places.
    static func decimal(_ value: Double) -> String {
        var text = String(format: "%.6f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}

/// A number the provider may send as a JSON number or as a string (`"lat": "-1.2"`).
struct LenientDouble: Decodable, Sendable {
    let value: Double?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            value = number
        } else if let text = try? container.decode(String.self) {
            value = Double(text.trimmingCharacters(in: .whitespaces))
        } else {
            value = nil
        }
    }
}
