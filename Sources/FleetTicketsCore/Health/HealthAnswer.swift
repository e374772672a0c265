/// What a health endpoint (`GET /healthz`) answers: the `status --check` verdict as an HTTP
/// status and a plain-text body. The one rule for it, so `fleettickets run --metrics-port` and
/// an embedding service answer alike.
///
/// - 200 when every dataset is healthy; the body is `healthy`.
/// - 503 otherwise (unhealthy, stopped, unchecked, or the state could not be read); the body's
///   first line is the verdict and each further line one problem, as `status --check` prints it.
///
/// ```swift
/// let answer = await HealthAnswer.read(reader, datasets: settings.datasets)
/// return Response(status: answer.status, body: answer.body)
/// ```
public struct HealthAnswer: Sendable, Hashable {
    /// The HTTP status code: 200 or 503.
    public var status: Int
    /// Plain text, one line each, ending with a newline.
    public var body: String

    /// The answer for a report.
    public init(_ report: HealthReport) {
        let verdict = report.verdict
        status = verdict == .healthy ? 200 : 503
        body = ([verdict.rawValue] + report.problems.map(\.description)).joined(separator: "\n") + "\n"
    }

    /// The answer when the state could not be read at all (the database is unreachable):
    /// `error` (a `StatusReadError`, or why the store could not be opened) in a sentence.
    public init(unreadable error: any Error) {
        status = 503
        body = "unchecked\n" + Sentences.sentence(Sentences.clause(error),
                                                  "Check DATABASE_URL and that the database is up and migrated (fleettickets migrate)") + "\n"
    }

    /// Reads the datasets' status with `reader` and answers for it.
    public static func read(_ reader: StatusReader, datasets: [Dataset]) async -> HealthAnswer {
        do {
            return HealthAnswer(try await reader.read(datasets))
        } catch {
            return HealthAnswer(unreadable: error)
        }
    }
}
