import ArgumentParser
import FleetTicketsCore
import FleetTicketsPostgres
import Foundation

/// `fleettickets history`: the daily history the trends and the report's backlog chart read.
struct History: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Capture the daily ticket history (backlog snapshot, observed closures).",
        subcommands: [Capture.self]
    )

    /// `fleettickets history capture <dataset> [--at now|YYYY-MM-DDTHH:MM]`.
    struct Capture: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Capture a dataset's history as of a moment (default now) and print the capture's summary as JSON.",
            discussion: """
            Every applying ingest already captures at now. --at a past moment writes that moment's \
            EAT day (its backlog and snapshot rows), for replaying days one by one (scripts/demo.sh); \
            run captures in increasing order of --at.
            """
        )

        @Argument(help: "inc or crq.")
        var dataset: String

        @Option(help: "now, or an EAT time YYYY-MM-DDTHH:MM.")
        var at = "now"

        @OptionGroup var global: GlobalOptions

        func validate() throws {
            do {
                _ = try Dataset.parse(dataset)
                _ = try MomentArgument.parse(at, flag: "--at")
            } catch let error as MomentArgumentError {
                throw ValidationError(error.message)
            } catch {
                throw ValidationError(Sentences.sentence("\(error)"))
            }
        }

        func run() async throws {
            let logger = global.bootstrapLogging()
            let dataset = try Dataset.parse(self.dataset)
            let instant = try MomentArgument.parse(at, flag: "--at")
            let store = try await global.openStore(try global.requireDatabaseURL(try global.settings()), logger: logger, role: "history \(dataset)")
            defer { store.close() }
            do {
                print(try await store.captureHistory(of: dataset, at: instant))
            } catch {
                throw CommandFailure(status: .dependency, message: "Could not capture the \(dataset) history: \(explained: error)")
            }
        }
    }
}
