import ArgumentParser
import FleetTicketsPostgres
import Foundation

/// The `fleettickets` command: thin over the library. Each subcommand builds a configuration,
/// calls one library API and prints its report.
@main
struct FleetTickets: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleettickets",
        abstract: "Drain the INC and CRQ ticket change streams into PostgreSQL + PostGIS.",
        discussion: """
        Dry-run is the default everywhere: without --apply nothing is written.
        Exit status: 0 success (also nothing to do, or the dataset busy), 1 a dependency failed \
        (database, bucket, geocoder), 2 usage or configuration error, 3 a data error (a bad file \
        stopped the drain).
        """,
        version: "fleettickets \(BuildInfo.summary)",
        subcommands: [Migrate.self, Ingest.self, Run.self, Geocode.self, Status.self, Simulate.self, Dispatch.self, Report.self, Trends.self, History.self]
    )

    /// Parses and runs, mapping outcomes to the exit statuses of `ExitStatus` (usage errors are 2,
    /// not swift-argument-parser's 64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data((failure.message + "\n").utf8))
            Foundation.exit(failure.status.rawValue)
        } catch let error where ErrorAdvice.knows(error) {
            // A library error no command put into words: its description, the advice for its code.
            FileHandle.standardError.write(Data((ErrorAdvice.explained(error) + "\n").utf8))
            Foundation.exit(ErrorAdvice.status(for: error).rawValue)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if !message.isEmpty {
                // --help and --version are answers, not errors: they go to standard output.
                let stream = code == .success ? FileHandle.standardOutput : FileHandle.standardError
                stream.write(Data((message + "\n").utf8))
            }
            Foundation.exit(code == .validationFailure ? ExitStatus.usage.rawValue : code.rawValue)
        }
    }
}

/// The exit statuses the CLI promises (docs/errors.md maps every library error code to one).
enum ExitStatus: Int32 {
    case success = 0, dependency = 1, usage = 2, data = 3
    /// `status --check`: a dataset is behind, stale or has late files.
    case unhealthy = 4
}

/// A failure the command has already put into words: one plain sentence, then an exit status.
struct CommandFailure: Error {
    var status: ExitStatus
    var message: String
}
