import ArgumentParser
import FleetTicketsCore
import FleetTicketsPostgres
import Foundation
import Logging

/// Options every database-facing subcommand shares.
struct GlobalOptions: ParsableArguments {
    @Option(help: Setting.databaseURL.help("PostgreSQL connection URI."))
    var databaseURL: String?

    @Option(help: "A .env file to read settings from (the real environment wins over it).")
    var envFile = SettingDefaults.environmentFile

    @Flag(name: .shortAndLong, help: "Log each file and step (info level).")
    var verbose = false

    @Option(help: "Log format: text or json (default: text on a terminal, json otherwise).")
    var logFormat: LogFormat?

    /// Checks a command's flags alone, by the settings' own rules, so a bad flag is a usage
    /// error before anything is read.
    func validate(_ overrides: SettingsOverrides) throws {
        do {
            _ = try FleetTicketsSettings(values: SettingValues(overrides: overrides))
        } catch {
            throw ValidationError(Sentences.sentence("\(error)"))
        }
    }

    /// The settings: the command's flags over the environment over the .env file over the defaults.
    func settings(_ overrides: SettingsOverrides = SettingsOverrides()) throws -> FleetTicketsSettings {
        var flags = overrides
        flags.set(.databaseURL, databaseURL)
        do {
            return try FleetTicketsSettings(overrides: flags, envFile: envFile)
        } catch {
            throw CommandFailure(status: .usage, message: Sentences.sentence("\(error)", "Fix it and rerun"))
        }
    }

    /// The database URL; a usage error when nothing configures it.
    func requireDatabaseURL(_ settings: FleetTicketsSettings) throws -> String {
        do {
            return try settings.requireDatabaseURL()
        } catch {
            throw CommandFailure(status: .usage, message: Sentences.join("\(error): pass --database-url or set it in the environment or in \(envFile)"))
        }
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
    func openStore(_ url: String, logger: Logger, role: String? = nil) async throws -> PostgresTicketStore {
        do {
            return try await PostgresTicketStore.connect(url: url, applicationName: role.map(Self.applicationName), logger: logger)
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

extension Setting {
    /// A flag's help: what it is, then where its default comes from (`$VARIABLE`, else the
    /// default), so `--help` shows the settings' one set of defaults.
    func help(_ what: String) -> ArgumentHelp {
        let text = what.hasSuffix(".") ? String(what.dropLast()) : what
        return ArgumentHelp("\(text) (default: $\(variable)\(defaultText.map { ", else \($0)" } ?? "")).")
    }
}
