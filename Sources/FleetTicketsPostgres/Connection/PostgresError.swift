/// Every failure the PostgreSQL adapter reports: what we were trying to do, where, and what the
/// server said. Public APIs of `FleetTicketsPostgres` throw this type (or `CancellationError`),
/// plus the core's `RejectedData` when the store refuses a file's data.
///
/// Catch it by `code` (`.connect`, `.query`, …) and read the facts from its fields: the SQLSTATE,
/// the server's detail and hint, the endpoint, the migration or function concerned.
/// `description` says what failed and where in one line; what an operator should do about it is
/// the caller's to say (the CLI adds it, by code). `debugDescription` carries every field for the
/// log. None of them ever contains the connection password: the connection scrubs it from libpq's
/// text before building the error.
public struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Which step failed. A struct over a private enum so new codes can be added without
    /// breaking exhaustive switches in callers: compare with `==` or `switch` with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case connect, query, copy, transaction, closed, usage, configuration, unexpectedAnswer, migrationRefused
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Opening the connection failed (server down, bad credentials, bad URL).
        public static let connect = Code(.connect)
        /// A statement failed (server error or lost connection).
        public static let query = Code(.query)
        /// A `COPY … FROM STDIN` failed while sending rows or when the server checked them.
        public static let copy = Code(.copy)
        /// A transaction could not be committed, e.g. because a statement in it had failed.
        public static let transaction = Code(.transaction)
        /// The connection was already closed by `close()`.
        public static let closed = Code(.closed)
        /// The API was used in a way it does not support (nested `transaction`, COPY via `execute`, …).
        public static let usage = Code(.usage)
        /// A setting the adapter refuses before touching the database (`table` names it).
        public static let configuration = Code(.configuration)
        /// A read-schema function answered something this build cannot decode (`function` names
        /// it): the database's schema and the SDK are from different versions.
        public static let unexpectedAnswer = Code(.unexpectedAnswer)
        /// The migration runner refuses to go past a migration (`migration` names it), e.g. one
        /// applied with different contents.
        public static let migrationRefused = Code(.migrationRefused)

        /// The code's name, e.g. "query".
        public var description: String { base.rawValue }
    }

    /// Which step failed.
    public package(set) var code: Code
    /// The five-character SQLSTATE the server sent, if any (e.g. "23505").
    public package(set) var sqlState: String?
    /// What the statement was for, as a verb phrase: "upsert tickets.inc rows".
    public package(set) var purpose: String
    /// The server's (or libpq's, or the adapter's) primary message, on one line, password scrubbed.
    public package(set) var message: String
    /// The server's DETAIL line, if any.
    public package(set) var detail: String?
    /// The server's HINT line, if any.
    public package(set) var hint: String?
    /// Where we were connected, `host:port/db`, never with credentials; empty when the failure
    /// came before any connection (a `.configuration` error).
    public package(set) var endpoint: String
    /// The dataset table a `.configuration` error is about.
    public package(set) var table: String?
    /// The SQL function whose answer an `.unexpectedAnswer` error could not decode.
    public package(set) var function: String?
    /// The migration file a `.migrationRefused` error is about.
    public package(set) var migration: String?
    /// The caller's `#fileID`.
    public package(set) var file: String
    /// The caller's `#line`.
    public package(set) var line: Int
    /// True when libpq reported the connection as broken after this failure.
    public package(set) var connectionLost: Bool

    /// Creates an error; `message` is folded onto one line.
    package init(
        code: Code, sqlState: String? = nil, purpose: String, message: String,
        detail: String? = nil, hint: String? = nil, endpoint: String,
        table: String? = nil, function: String? = nil, migration: String? = nil,
        connectionLost: Bool = false, file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.sqlState = sqlState
        self.purpose = purpose
        self.message = Self.oneLine(message)
        self.detail = detail.map(Self.oneLine)
        self.hint = hint.map(Self.oneLine)
        self.endpoint = endpoint
        self.table = table
        self.function = function
        self.migration = migration
        self.connectionLost = connectionLost
        self.file = file
        self.line = line
    }

    /// The connection is unusable: it never opened, was closed, or the server or network dropped it
    /// (SQLSTATE class 08). Callers should reconnect rather than retry on this connection.
    public var isConnectionFailure: Bool {
        code == .connect || code == .closed || connectionLost || sqlState?.hasPrefix("08") == true
    }
    /// SQLSTATE 40001: the transaction lost a serialization race and can be retried as a whole.
    public var isSerializationFailure: Bool { sqlState == "40001" }
    /// SQLSTATE 40P01: the transaction was chosen as a deadlock victim and can be retried.
    public var isDeadlock: Bool { sqlState == "40P01" }
    /// SQLSTATE 23505: a unique or primary-key constraint was violated.
    public var isUniqueViolation: Bool { sqlState == "23505" }
    /// SQLSTATE 28P01 or 28000: the server refused the credentials or the role.
    public var isAuthenticationFailure: Bool { sqlState?.hasPrefix("28") == true }

    /// One line: what failed and where, with the SQLSTATE when there is one. The source location
    /// of the call stays in `debugDescription` (the debug log): an operator cannot act on it.
    public var description: String {
        switch code {
        case .connect:
            return "Could not connect to PostgreSQL at \(endpoint): \(Self.sentence(message))"
        case .closed:
            return "Could not \(purpose): the connection to \(endpoint) is closed."
        case .usage, .configuration, .migrationRefused:
            return "Could not \(purpose): \(Self.sentence(message))"
        default:
            let at = endpoint.isEmpty ? "" : " in \(endpoint)"
            let state = sqlState.map { " (SQLSTATE \($0))" } ?? ""
            return "Could not \(purpose)\(at)\(state): \(Self.sentence(message))"
        }
    }

    /// Every field, for logs and test failures.
    public var debugDescription: String {
        var parts = ["code: \(code)", "purpose: \"\(purpose)\"", "message: \"\(message)\""]
        if let sqlState { parts.append("sqlState: \(sqlState)") }
        if let detail { parts.append("detail: \"\(detail)\"") }
        if let hint { parts.append("hint: \"\(hint)\"") }
        if let table { parts.append("table: \(table)") }
        if let function { parts.append("function: \(function)") }
        if let migration { parts.append("migration: \(migration)") }
        if connectionLost { parts.append("connectionLost: true") }
        parts += ["endpoint: \(endpoint)", "at: \(file):\(line)"]
        return "PostgresError(\(parts.joined(separator: ", ")))"
    }

    /// Ends a message as a sentence without doubling its own punctuation.
    private static func sentence(_ text: String) -> String {
        guard let last = text.last else { return "unknown error." }
        return ".?!".contains(last) ? text : text + "."
    }

    /// libpq's messages span lines ("…failed: Connection refused\n\tIs the server running…",
    /// "…terminated abnormally\n\tbefore or while…"); logs and one-line descriptions want one
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
