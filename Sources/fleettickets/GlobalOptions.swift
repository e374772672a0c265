import ArgumentParser
import FleetTicketsCore
import FleetTicketsPostgres
import Foundation
import Logging

/// Options every database-facing subcommand shares.
struct GlobalOptions: ParsableArguments {
    @Option(help: "PostgreSQL connection URI (default: $DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "A .env file to read settings from (the real environment wins over it).")
    var envFile = ".env"

    @Flag(name: .shortAndLong, help: "Log each file and step (info level).")
    var verbose = false

    @Option(help: "Log format: text or json (default: text on a terminal, json otherwise).")
    var logFormat: LogFormat?

    /// The environment this run sees: process environment over the .env file.
    func environment() throws -> [String: String] {
        do {
            return try EnvironmentFile.merged(path: envFile)
        } catch {
            throw CommandFailure(status: .usage, message: "Could not read the settings file \(envFile): \(error.localizedDescription). Fix it or point --env-file elsewhere.")
        }
    }

    /// The database URL from the flag or the environment; a usage error when neither has it.
    func requireDatabaseURL(_ env: [String: String]) throws -> String {
        guard let url = databaseURL ?? env["DATABASE_URL"], !url.isEmpty else {
            throw CommandFailure(status: .usage, message: "DATABASE_URL is not set: pass --database-url or set it in the environment or in \(envFile).")
        }
        return url
    }

    /// Sets up logging once for the process (the library only ever receives a Logger).
    func bootstrapLogging(defaultLevel: Logger.Level = .warning) -> Logger {
        let level: Logger.Level = verbose ? min(.info, defaultLevel) : defaultLevel
        let json = (logFormat ?? (isatty(STDERR_FILENO) == 1 ? .text : .json)) == .json
        LoggingSystem.bootstrap({ label, provider in
            var handler: any LogHandler = json ? JSONLinesLogHandler(label: label, metadataProvider: provider)
                : StreamLogHandler.standardError(label: label, metadataProvider: provider)
            handler.logLevel = level
            return handler
        }, metadataProvider: nil)
        return Logger(label: "fleettickets")
    }

    /// Opens the store, turning a connection failure into one plain sentence (exit 1).
    /// `role` names the connections in `pg_stat_activity` (`fleettickets ingest inc HOST:PID`),
    /// so `status` can say who holds a dataset's lock.
    func openStore(_ url: String, logger: Logger, role: String? = nil) throws -> PostgresTicketStore {
        do {
            return try PostgresTicketStore(url: url, applicationName: role.map(Self.applicationName), logger: logger)
        } catch {
            throw CommandFailure(status: ErrorAdvice.status(for: error), message: "\(explained: error)")
        }
    }

    /// `fleettickets <role> HOST:PID`.
    static func applicationName(_ role: String) -> String {
        "fleettickets \(role) \(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }
}

enum LogFormat: String, ExpressibleByArgument {
    case text, json
}
