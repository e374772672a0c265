internal import CLibPQ
import Logging

/// One blocking libpq connection to PostgreSQL.
///
/// Statements are sent with bound parameters (`execute(_:_:purpose:)`) or streamed with
/// `copyIn(_:purpose:_:)`; values are never spliced into SQL text.
///
/// ```swift
/// let db = try PostgresConnection(url: databaseURL, logger: logger)
/// let n = try db.scalar("SELECT count(*) FROM tickets.inc WHERE status = $1", ["Open"],
///                       purpose: "count open incidents")
/// ```
///
/// - Important: A libpq connection is not thread-safe. Use one connection from one task at a
///   time; the `Sendable` conformance only lets a connection be handed from one task to the next
///   (for example into a pool), it does not make concurrent use safe.
package final class PostgresConnection: @unchecked Sendable {
    /// The libpq handle; nil once `close()` has run.
    private(set) var handle: OpaquePointer?
    /// The logger that receives connection events and server notices.
    package let logger: Logger
    /// Where we are connected, `host:port/db`, never with credentials.
    package let endpoint: String
    /// Every spelling of the password, scrubbed from any text that goes into an error.
    let secrets: [String]
    /// Kept alive for as long as libpq may call the notice receiver with it.
    private let noticeSink: NoticeSink
    /// Numbers generated savepoint names, so no caller text is ever spliced into SQL.
    var savepointCounter = 0
    /// Names of the statements prepared on this session (see `Statement.preparedName`).
    var prepared: Set<String> = []
    /// Session objects a user of the connection created once for its whole life (a temporary
    /// table), by name: a pooled connection serves many users, each sets up what it needs.
    package var sessionObjects: Set<String> = []
    /// A COPY … FROM STDIN is open (`beginCopyIn`): only its rows, end or abort may follow.
    package internal(set) var isCopyingIn = false

    /// Opens a connection, waiting at most `connect_timeout` seconds (10 unless the URL sets one).
    ///
    /// `url` is anything libpq accepts: `postgres://user:pass@host:port/db?sslmode=…` or a
    /// `host=… dbname=…` keyword string. Settings in the URL win over the defaults here, so an
    /// operator can change `connect_timeout` or `application_name` without a code change.
    /// The session runs with `client_min_messages = warning`, and warnings go to `logger`.
    ///
    /// - Throws: `PostgresError` with code `.connect`; its text never contains the password.
    package init(
        url: String, applicationName: String = "fleettickets", logger: Logger,
        file: String = #fileID, line: Int = #line
    ) throws {
        let parsed = PostgresURL(url)
        let secrets = Self.passwordSpellings(in: url, parsed: parsed)
        // Keywords before "dbname" are defaults: the expanded URL overrides them (libpq docs,
        // PQconnectdbParams with expand_dbname).
        let conn = Self.withCStringArray(["connect_timeout", "application_name", "dbname"], terminated: true) { keywords in
            Self.withCStringArray(["10", applicationName, url], terminated: true) { values in
                PQconnectdbParams(keywords, values, 1)
            }
        }
        guard let conn, PQstatus(conn) == CONNECTION_OK else {
            let endpoint = conn.flatMap(Self.endpoint(of:)) ?? parsed?.endpoint ?? "the configured server"
            let raw = conn.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            PQfinish(conn)
            throw PostgresError(
                code: .connect, purpose: "connect",
                message: Self.scrub(Self.withoutAttemptPrefix(raw), secrets: secrets),
                endpoint: endpoint, file: file, line: line)
        }
        self.handle = conn
        self.logger = logger
        self.secrets = secrets
        self.endpoint = Self.endpoint(of: conn) ?? parsed?.endpoint ?? "the configured server"
        self.noticeSink = NoticeSink(logger: logger)
        noticeSink.install(on: conn)
        // If this throws, deinit still runs (all stored properties are set) and closes the handle.
        try execute("SET client_min_messages = warning", purpose: "set client_min_messages",
                    file: file, line: line)
        logger.debug("connected to PostgreSQL", metadata: [
            "endpoint": "\(endpoint)", "backend_pid": "\(PQbackendPID(conn))",
        ])
    }

    deinit { close() }

    /// Closes the connection; later calls throw `PostgresError` with code `.closed`.
    /// Session-level advisory locks are released by the server. Calling it twice is harmless.
    package func close() {
        guard let conn = handle else { return }
        handle = nil
        PQfinish(conn)
        logger.debug("closed PostgreSQL connection", metadata: ["endpoint": "\(endpoint)"])
    }

    /// Whether libpq last saw the connection healthy. No round trip: a server that died since the
    /// last statement is only noticed by the next statement.
    package var isAlive: Bool {
        handle.map { PQstatus($0) == CONNECTION_OK } ?? false
    }

    /// The server process serving this session (for `pg_stat_activity`, `pg_terminate_backend`),
    /// or nil once closed.
    package var backendPID: Int? {
        handle.map { Int(PQbackendPID($0)) }
    }

    /// Whether a transaction block is open (including a failed one awaiting ROLLBACK).
    package var isInTransaction: Bool {
        guard let conn = handle else { return false }
        let status = PQtransactionStatus(conn)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    /// The live handle, or a `.closed` error naming what the caller wanted to do.
    func requireHandle(purpose: String, file: String, line: Int) throws -> OpaquePointer {
        guard let conn = handle else {
            throw PostgresError(code: .closed, purpose: purpose, message: "connection closed",
                                endpoint: endpoint, file: file, line: line)
        }
        return conn
    }

    // MARK: - Helpers that run before `self` exists

    /// `host:port/db` as libpq resolved it (defaults and environment included), if it can say.
    private static func endpoint(of conn: OpaquePointer) -> String? {
        // Before libpq has parsed its options (a malformed URL) these are NULL or empty.
        guard let host = PQhost(conn).map({ String(cString: $0) }), !host.isEmpty,
              let port = PQport(conn), let db = PQdb(conn) else { return nil }
        return "\(host):\(String(cString: port))/\(String(cString: db))"
    }

    /// The password from a URI or keyword string, in every spelling that libpq might echo.
    /// PQconninfoParse covers keyword strings that `PostgresURL` does not parse.
    private static func passwordSpellings(in url: String, parsed: PostgresURL?) -> [String] {
        var spellings = parsed?.passwordSpellings ?? []
        var errorMessage: UnsafeMutablePointer<CChar>?
        if let options = PQconninfoParse(url, &errorMessage) {
            var option = options
            while let keyword = option.pointee.keyword {
                if String(cString: keyword) == "password", let value = option.pointee.val {
                    spellings.append(String(cString: value))
                }
                option += 1
            }
            PQconninfoFree(options)
        }
        PQfreemem(errorMessage)
        return Array(Set(spellings.filter { !$0.isEmpty })).sorted { $0.count > $1.count }
    }

    /// Replaces every spelling of the password with asterisks.
    static func scrub(_ text: String, secrets: [String]) -> String {
        secrets.reduce(text) { $0.replacing($1, with: "********") }
    }

    /// libpq prefixes each attempt with `connection to server at "h", port p failed: ` and the
    /// server's text with its severity (`FATAL:  `); the error already says where and that it
    /// failed, so the sentence reads better without them.
    private static func withoutAttemptPrefix(_ message: String) -> String {
        var text = Substring(message)
        if text.hasPrefix("connection to server"), let range = text.firstRange(of: " failed: ") {
            text = text[range.upperBound...]
        }
        for severity in ["FATAL:  ", "ERROR:  "] where text.hasPrefix(severity) {
            text = text.dropFirst(severity.count)
        }
        return String(text)
    }

    /// Calls `body` with a C array of pointers to NUL-terminated copies of `strings` (a nil entry
    /// stays a NULL pointer, which libpq reads as SQL NULL), plus a trailing NULL if `terminated`.
    /// One buffer holds every copy, so there is nothing to free; pointers are valid only in `body`.
    static func withCStringArray<R>(
        _ strings: [String?], terminated: Bool = false,
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R
    ) -> R {
        var storage: [CChar] = []
        var offsets: [Int?] = []
        for string in strings {
            guard let string else { offsets.append(nil); continue }
            offsets.append(storage.count)
            storage.append(contentsOf: string.utf8.map { CChar(bitPattern: $0) })
            storage.append(0)
        }
        return storage.withUnsafeBufferPointer { buffer in
            // A non-nil offset implies a non-empty buffer, so baseAddress is set.
            var pointers = offsets.map { offset in offset.map { UnsafePointer(buffer.baseAddress! + $0) } }
            if terminated { pointers.append(nil) }
            return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
        }
    }
}
