import FleetTicketsCore
import Foundation

/// What the service is configured with: the SDK's settings (`DATABASE_URL`, `RUSTFS_*`,
/// `TICKETS_BUCKET`, `FLEETTICKETS_EVERY`, `FLEETTICKETS_DATASETS`, `FLEETTICKETS_MAX_AGE`; the
/// environment over `./.env` over the SDK's defaults) plus the service's own listener and,
/// for a demo without a bucket, a folder to read change files from.
///
///     dispatch-service [--port PORT] [--host HOST] [--dir DIR]      (PORT, HOST: the environment)
public struct ServiceOptions: Sendable {
    /// The SDK's settings, resolved once.
    public var settings: FleetTicketsSettings
    /// The HTTP listener's port (0: any free port, logged once bound).
    public var port: Int
    /// The address the listener binds.
    public var host: String
    /// A folder laid out like the bucket to read change files from, instead of the bucket.
    public var dir: String?

    /// The default port when neither `--port` nor `PORT` gives one.
    public static let defaultPort = 8080

    /// Parses the arguments (without the program name) over the environment.
    /// - Throws: ``ServiceOptionsError`` naming the argument or setting that cannot be used.
    public init(arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        var flags: [String: String] = [:]
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard ["--port", "--host", "--dir"].contains(flag) else {
                throw ServiceOptionsError("Unknown argument '\(flag)': the service takes --port PORT, --host HOST and --dir DIR (the rest comes from the SDK's settings).")
            }
            guard let value = rest.popFirst() else { throw ServiceOptionsError("\(flag) needs a value.") }
            flags[flag] = value
        }
        let portText = flags["--port"] ?? environment["PORT"]
        if let portText {
            guard let port = Int(portText), (0...65_535).contains(port) else {
                throw ServiceOptionsError("\(flags["--port"] != nil ? "--port" : "PORT") '\(portText)' is not a port: give a number from 0 to 65535 (0: any free port).")
            }
            self.port = port
        } else {
            self.port = Self.defaultPort
        }
        host = flags["--host"] ?? environment["HOST"] ?? "127.0.0.1"
        dir = flags["--dir"]
        do {
            settings = try FleetTicketsSettings(environment: environment)
        } catch {
            throw ServiceOptionsError("Bad setting: \(error). Fix it in the environment or in .env.")
        }
    }
}

/// A configuration the service cannot start with: one sentence saying what and what to do.
public struct ServiceOptionsError: Error, CustomStringConvertible {
    /// The sentence.
    public var description: String
    init(_ description: String) { self.description = description }
}
