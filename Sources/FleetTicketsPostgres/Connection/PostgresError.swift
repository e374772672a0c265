/// A failure talking to PostgreSQL: what we were trying to do, where, and what the server said.
///
/// `description` is one plain sentence for an operator ("Could not connect to PostgreSQL at
/// 127.0.0.1:54329/fleettickets: Connection refused. Check DATABASE_URL and that the server is
/// running."); `debugDescription` carries every field for the log. Neither ever contains the
/// connection password: the connection scrubs it from libpq's text before building the error.
package struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Which step failed. A struct over a private enum so new codes can be added without
    /// breaking exhaustive switches in callers.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case connect, query, copy, transaction, closed, usage
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Opening the connection failed (server down, bad credentials, bad URL).
        package static let connect = Code(.connect)
        /// A statement failed (server error or lost connection).
        package static let query = Code(.query)
        /// A `COPY … FROM STDIN` failed while sending rows or when the server checked them.
        package static let copy = Code(.copy)
        /// A transaction could not be committed, e.g. because a statement in it had failed.
        package static let transaction = Code(.transaction)
        /// The connection was already closed by `close()`.
        package static let closed = Code(.closed)
        /// The API was used in a way it does not support (nested `transaction`, COPY via `execute`, …).
        package static let usage = Code(.usage)

        /// The code's name, e.g. "query".
        package var description: String { base.rawValue }
    }

    /// Which step failed.
    package var code: Code
    /// The five-character SQLSTATE the server sent, if any (e.g. "23505").
    package var sqlState: String?
    /// What the statement was for, as a verb phrase: "upsert tickets.inc rows".
    package var purpose: String
    /// The server's (or libpq's) primary message, on one line, password scrubbed.
    package var message: String
    /// The server's DETAIL line, if any.
    package var detail: String?
    /// The server's HINT line, if any.
    package var hint: String?
    /// Where we were connected, `host:port/db`, never with credentials.
    package var endpoint: String
    /// The caller's `#fileID`.
    package var file: String
    /// The caller's `#line`.
    package var line: Int
    /// True when libpq reported the connection as broken after this failure.
    package var connectionLost: Bool

    /// Creates an error; `message` is folded onto one line.
    package init(
        code: Code, sqlState: String? = nil, purpose: String, message: String,
        detail: String? = nil, hint: String? = nil, endpoint: String,
        connectionLost: Bool = false, file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.sqlState = sqlState
        self.purpose = purpose
        self.message = Self.oneLine(message)
        self.detail = detail.map(Self.oneLine)
        self.hint = hint.map(Self.oneLine)
        self.endpoint = endpoint
        self.connectionLost = connectionLost
        self.file = file
        self.line = line
    }

    /// The connection is unusable: it never opened, was closed, or the server or network dropped it
    /// (SQLSTATE class 08). Callers should reconnect rather than retry on this connection.
    package var isConnectionFailure: Bool {
        code == .connect || code == .closed || connectionLost || sqlState?.hasPrefix("08") == true
    }
    /// SQLSTATE 40001: the transaction lost a serialization race and can be retried as a whole.
    package var isSerializationFailure: Bool { sqlState == "40001" }
    /// SQLSTATE 40P01: the transaction was chosen as a deadlock victim and can be retried.
    package var isDeadlock: Bool { sqlState == "40P01" }
    /// SQLSTATE 23505: a unique or primary-key constraint was violated.
    package var isUniqueViolation: Bool { sqlState == "23505" }

    /// One sentence: what failed, where, what to do. The source location of the call stays in
    /// `debugDescription` (the debug log): an operator cannot act on it.
    package var description: String {
        switch code {
        case .connect:
            return "Could not connect to PostgreSQL at \(endpoint): \(Self.sentence(message)) "
                + "Check DATABASE_URL and that the server is running."
        case .closed:
            return "Could not \(purpose): the connection to \(endpoint) is closed. Open a new connection."
        case .usage:
            return "Could not \(purpose): \(Self.sentence(message)) Fix the calling code."
        default:
            let state = sqlState.map { " (SQLSTATE \($0))" } ?? ""
            return "Could not \(purpose) in \(endpoint)\(state): \(Self.sentence(message)) \(advice)"
        }
    }

    /// Every field, for logs and test failures.
    package var debugDescription: String {
        var parts = ["code: \(code)", "purpose: \"\(purpose)\"", "message: \"\(message)\""]
        if let sqlState { parts.append("sqlState: \(sqlState)") }
        if let detail { parts.append("detail: \"\(detail)\"") }
        if let hint { parts.append("hint: \"\(hint)\"") }
        if connectionLost { parts.append("connectionLost: true") }
        parts += ["endpoint: \(endpoint)", "at: \(file):\(line)"]
        return "PostgresError(\(parts.joined(separator: ", ")))"
    }

    /// What an operator can do about it, chosen by SQLSTATE class.
    private var advice: String {
        if isConnectionFailure { return "Check that the server is running and reachable, then retry." }
        if isSerializationFailure || isDeadlock { return "Retry the transaction." }
        switch sqlState?.prefix(2) {
        case "23": return "The data breaks a constraint of the schema; see the detail in the log."
        case "42": return "The SQL does not match the schema; check that the migrations have run."
        case "53": return "The server is short of disk, memory or connections."
        case "57": return "The statement was cancelled or the server is shutting down; retry later."
        default: return "See the detail in the log and the server's log."
        }
    }

    /// Ends a message as a sentence without doubling its own punctuation.
    private static func sentence(_ text: String) -> String {
        guard let last = text.last else { return "unknown error." }
        return ".?!".contains(last) ? text : text + "."
    }

    /// libpq's messages span lines ("…failed: Connection refused\n\tIs the server running…",
    /// "…terminated abnormally\n\tbefore or while…"); logs and one-sentence descriptions want one
    /// line. A line starting in lower case continues the previous one; others are joined by "; ".
    static func oneLine(_ text: String) -> String {
        var joined = ""
        for line in text.split(whereSeparator: \.isNewline).map({ $0.trimmingWhitespace() }) where !line.isEmpty {
            if !joined.isEmpty { joined += line.first!.isLowercase ? " " : "; " }
            joined += line
        }
        return joined
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
