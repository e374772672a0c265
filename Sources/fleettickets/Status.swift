import ArgumentParser
import FleetTicketsCore
import FleetTicketsPostgres
import Foundation

/// `fleettickets status`: are we current?
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Per dataset: watermark, pending and late files, last run, row counts, geocode coverage.",
        discussion: "Exit status 0 whether or not the datasets are current; read the report (or --json)."
    )

    @Option(help: "Check pending and late files in a folder laid out like the bucket instead of the bucket.")
    var dir: String?

    @Flag(help: "Print the status as JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let logger = global.bootstrapLogging()
        let env = try global.environment()
        let store = try global.openStore(try global.requireDatabaseURL(env), logger: logger)
        defer { store.close() }
        var source: (any ChangeSource)?
        var note: String?
        do {
            source = try SourceChoice(dir: dir, csv: []).open(env: env, logger: logger)
        } catch let failure as CommandFailure {
            note = failure.message
        }
        var statuses: [DatasetStatus] = []
        for dataset in Dataset.all {
            do {
                var status = try await store.status(of: dataset)
                if let source {
                    await status.inspect(source, dataset: dataset, store: store)
                } else {
                    status.sourceNote = note
                }
                statuses.append(status)
            } catch {
                throw CommandFailure(status: .dependency, message: "Could not read the \(dataset) status from the database: \(error)")
            }
        }
        print(json ? ReportPrinter.json(statuses) : ReportPrinter.text(statuses))
    }
}
