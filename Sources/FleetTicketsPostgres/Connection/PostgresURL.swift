/// The parts of a `postgres://` connection URI that are safe to show, and the password that is not.
///
/// This parses `postgres://user:pass@host:port/db?params` (or `postgresql://`) just far enough to
/// print where we connect without leaking the password, and to know which password to scrub from
/// libpq's messages. It is not a validator: libpq remains the judge of what a URL means.
///
/// ```swift
/// let url = PostgresURL("postgres://ops:s3cret@127.0.0.1:54329/fleettickets")!
/// url.redacted   // "postgres://ops@127.0.0.1:54329/fleettickets"
/// url.endpoint   // "127.0.0.1:54329/fleettickets"
/// ```
package struct PostgresURL: Sendable, Equatable {
    /// The user name, percent-decoded, or nil when the URL names none.
    package var user: String?
    /// The password, percent-decoded, from the user info or a `password=` query parameter.
    package var password: String?
    /// The host list as written (`host:port`, `h1,h2:5433`, `[::1]:5432`); empty for libpq's default.
    package var hosts: String
    /// The database name, percent-decoded, or nil when the URL names none.
    package var database: String?
    /// Every spelling of the password that may appear in text: as written and percent-decoded.
    package var passwordSpellings: [String]

    /// Parses a connection URI; returns nil for anything that is not `postgres://` or `postgresql://`
    /// (for example a `host=… dbname=…` keyword string).
    package init?(_ string: String) {
        let schemes = ["postgres://", "postgresql://"]
        guard let scheme = schemes.first(where: { string.lowercased().hasPrefix($0) }) else { return nil }
        var rest = Substring(string.dropFirst(scheme.count))

        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }

        // Like libpq, user info ends at the first "@" that comes before any "/".
        var spellings: [String] = []
        if let at = rest.firstIndex(where: { $0 == "@" || $0 == "/" }), rest[at] == "@" {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                let rawUser = userInfo[..<colon]
                let rawPassword = userInfo[userInfo.index(after: colon)...]
                user = rawUser.isEmpty ? nil : Self.percentDecoded(rawUser)
                password = Self.percentDecoded(rawPassword)
                spellings += [String(rawPassword)]
            } else {
                user = userInfo.isEmpty ? nil : Self.percentDecoded(userInfo)
            }
        }

        if let slash = rest.firstIndex(of: "/") {
            let rawDatabase = rest[rest.index(after: slash)...]
            database = rawDatabase.isEmpty ? nil : Self.percentDecoded(rawDatabase)
            hosts = String(rest[..<slash])
        } else {
            hosts = String(rest)
        }

        // Query parameters may carry credentials too (`?password=…`); libpq honours them.
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            let value = Self.percentDecoded(parts[1])
            switch parts[0] {
            case "password":
                password = value
                spellings.append(String(parts[1]))
            case "user": user = value
            case "dbname": database = value
            default: break
            }
        }
        if let password { spellings.append(password) }
        passwordSpellings = Array(Set(spellings.filter { !$0.isEmpty })).sorted { $0.count > $1.count }
    }

    /// `host:port/db` — what error messages print as "where".
    package var endpoint: String {
        "\(hosts.isEmpty ? "default host" : hosts)/\(database ?? user ?? "")"
    }

    /// The URL without password or query: `postgres://user@host:port/db`.
    package var redacted: String {
        let userPart = user.map { "\($0)@" } ?? ""
        return "postgres://\(userPart)\(hosts)/\(database ?? "")"
    }

    /// Decodes `%XX` escapes; a malformed escape is kept literally rather than rejected,
    /// since this helper only serves display and scrubbing.
    static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var input = Array(text.utf8)[...]
        while let byte = input.popFirst() {
            if byte == UInt8(ascii: "%"), input.count >= 2,
               let high = hexValue(input[input.startIndex]),
               let low = hexValue(input[input.startIndex + 1]) {
                bytes.append(high << 4 | low)
                input = input.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
