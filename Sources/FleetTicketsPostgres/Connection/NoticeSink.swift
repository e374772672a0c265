internal import CLibPQ
import Logging

/// Routes the server's notices and warnings (RAISE WARNING, "extension already exists", …) to a
/// `Logger` instead of libpq's default, which writes them to stderr.
///
/// libpq calls the receiver with a bare context pointer; the connection owns this object and
/// passes it unretained, which is safe because `PQfinish` runs before the connection lets go of it.
/// A notice receiver (rather than a notice processor) is used because it gets the structured
/// fields: the non-localized severity picks the log level and the SQLSTATE goes into metadata.
final class NoticeSink: Sendable {
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    /// Points `conn`'s notice receiver at this sink.
    func install(on conn: OpaquePointer) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = PQsetNoticeReceiver(conn, { context, result in
            guard let context, let result else { return }
            Unmanaged<NoticeSink>.fromOpaque(context).takeUnretainedValue().receive(result)
        }, context)
    }

    private func receive(_ result: OpaquePointer) {
        func field(_ code: Character) -> String? {
            PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
        }
        let severity = field("V") ?? "NOTICE"
        let message = PostgresError.oneLine(field("M") ?? String(cString: PQresultErrorMessage(result)))
        var metadata: Logger.Metadata = ["severity": "\(severity)"]
        if let sqlState = field("C") { metadata["sqlstate"] = "\(sqlState)" }
        if let detail = field("D") { metadata["detail"] = "\(PostgresError.oneLine(detail))" }
        logger.log(level: Self.level(for: severity), "PostgreSQL: \(message)", metadata: metadata)
    }

    /// Server severities mapped onto swift-log levels.
    private static func level(for severity: String) -> Logger.Level {
        switch severity {
        case "WARNING": .warning
        case "NOTICE": .notice
        case "INFO", "LOG": .info
        default: .debug  // DEBUG1…DEBUG5
        }
    }
}
